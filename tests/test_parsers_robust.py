"""Whatever arrives, `parse_email` and `parse_command` answer (or raise ParseError) in < 1 s.

Arbitrary bytes, truncated MIME, huge headers, deeply nested multiparts and pathological
whitespace; each example is timed on its own (CPU time of this process, so a busy machine
does not count) so one slow regex cannot hide in an average.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parsers.command import parse_command
from parsers.email import parse_email
from parsers.types import ParseError

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
LIMIT_S = 1.0
FIXTURES = sorted((Path(__file__).parent / "data" / "forwards").glob("*.eml"))
SAMPLE = FIXTURES[0].read_bytes() if FIXTURES else b"From: a@b.c\nSubject: x\n\nhello\n"
FAST = settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))


def setup_module() -> None:
    """Load what is loaded once per process (date rules, tokenisers) before timing anything."""
    for path in FIXTURES:
        parse_email(path.read_bytes(), now=NOW, tz="Europe/Berlin")


def parse_within_limit(raw: bytes) -> None:
    started = time.process_time()
    try:
        parsed = parse_email(raw, now=NOW, tz="Europe/Berlin")
    except ParseError:
        parsed = None
    elapsed = time.process_time() - started  # CPU time: other processes do not count
    assert elapsed < LIMIT_S, f"{elapsed:.2f}s for {len(raw)} bytes"
    if parsed is not None:
        parsed.to_json()


@FAST
@given(st.binary(max_size=4000))
def test_arbitrary_bytes(raw: bytes) -> None:
    parse_within_limit(raw)


@FAST
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_after_a_header(raw: bytes) -> None:
    parse_within_limit(b"From: a@b.c\nSubject: x\n" + raw)


@FAST
@given(st.integers(min_value=0, max_value=len(SAMPLE)), st.binary(max_size=50))
def test_truncated_and_corrupted_real_message(cut: int, junk: bytes) -> None:
    parse_within_limit(SAMPLE[:cut] + junk)


@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.integers(min_value=1, max_value=200_000), st.sampled_from(["Subject", "To", "X-Y"]))
def test_huge_headers(size: int, name: str) -> None:
    value = ("a@b.c, " * (size // 7)) if name == "To" else "=?utf-8?q?" + "x" * size + "?="
    parse_within_limit(f"From: a@b.c\n{name}: {value}\n\nbody\n".encode())


@settings(max_examples=10, deadline=None)
@given(st.integers(min_value=1, max_value=300))
def test_deeply_nested_multiparts(depth: int) -> None:
    head = "".join(
        f'--b{i}\nContent-Type: multipart/mixed; boundary="b{i + 1}"\n\n' for i in range(depth)
    )
    tail = "".join(f"--b{i}--\n" for i in reversed(range(depth + 1)))
    raw = (
        'From: a@b.c\nSubject: deep\nContent-Type: multipart/mixed; boundary="b0"\n\n'
        f"{head}--b{depth}\nContent-Type: text/plain\n\nhello\n{tail}"
    )
    parse_within_limit(raw.encode())


@FAST
@given(
    st.text(alphabet=" \t\r\n>:-_=*", max_size=20_000),
    st.sampled_from(["From: ", "> From: a@b.c\n> Sent: x\n", "On x wrote:", "-----Original"]),
)
def test_pathological_whitespace_and_markers(noise: str, marker: str) -> None:
    body = (marker + noise) * 3
    parse_within_limit(f"From: a@b.c\nSubject: FW: x\n\n{body}".encode())


def test_many_header_like_lines_stay_linear() -> None:
    lines = "".join(f"> From: person{i}@acme.com\n> Sent: Monday\n>\n" for i in range(3000))
    parse_within_limit(f"From: a@b.c\nSubject: Fwd: x\n\n{lines}".encode())
    quotes = "".join(">" * (i % 50) + " text\n" for i in range(20_000))
    parse_within_limit(f"From: a@b.c\nSubject: Re: x\n\n{quotes}".encode())


@FAST
@given(st.text(max_size=3000))
def test_chat_commands_never_fail(text: str) -> None:
    started = time.process_time()
    parsed = parse_command(text, now=NOW, tz="Europe/Berlin")
    assert time.process_time() - started < LIMIT_S
    assert parsed.intent


@FAST
@given(
    st.lists(
        st.sampled_from(
            [
                "/crm ",
                "remind me ",
                "next Friday ",
                "order ",
                "SO-1042 ",
                "€1,250.00 ",
                "завтра ",
                "下周五 ",
                "พรุ่งนี้ ",
                "  \t",
                "\n",
            ]
        ),
        max_size=400,
    )
)
def test_chat_commands_from_product_words(words: list[str]) -> None:
    started = time.process_time()
    parse_command("".join(words), now=NOW, tz="Europe/Berlin")
    assert time.process_time() - started < LIMIT_S
