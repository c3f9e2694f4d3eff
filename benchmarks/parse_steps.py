"""Cost of each understanding step on one typical business email, against the stdlib.

`parse_email` runs language detection, references, amounts, the signature split and the
signature's people on every email, and task extraction on the forwarder's note. Each is
timed here alone (best of several rounds, CPU time of this process) on a realistic email,
next to the standard library decoding the same message in the same run:
`email.message_from_bytes(raw, policy=policy.default)` plus its body text.

Target: all per-email steps together under 1 ms on the reference machine, where the stdlib
decodes such an email in about 625 µs (1,600/s). On a slower or shared machine the target
scales with the stdlib time measured in the same run. Exit 1 above it.

    .venv/bin/python benchmarks/parse_steps.py
"""

from __future__ import annotations

import email
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from email import policy

from parsers.command import parse_command
from parsers.entities import get_pipeline
from parsers.language import detect_language
from parsers.notecommands import parse_note_commands
from parsers.signature import _split, extract_signatures, split_signature
from parsers.tasks import extract_tasks

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
TZ = "Europe/Berlin"
REFERENCE_STDLIB_US = 625.0  # µs per email at 1,600/s
TARGET_US = 1000.0

NOTE = (
    "Task: send revised quote\nDue: Friday\n\nHi Bob, can you call him tomorrow at 3pm? "
    "Remind me to chase INV-2026-0031 next Friday."
)
BODY = """Hi Ann,

Thanks for the quick call earlier today. As discussed, we would like to order another 50 units
of the KX-200 controllers (part no. 4711-A) under our PO 4411-B. Please confirm the delivery
date and send the revised quote; the last one (Q-552) was €1,250.00 net, and we expect the
same price per unit. Our accounts team also asks about invoice INV-2026-0031, which we paid
on 12.11.2026 — could you check that it was booked? The order SO-1042 from last month is
still missing two pallets.

We are at Hannover Messe, 20–24 April, Hall 7, Stand B12 — visit us!

Best regards,
John Doe
Head of Purchasing
Acme Industrial GmbH
Tel: +49 30 1234567 | Mobile: 0171 2345678
www.acme-industrial.de
Hauptstr. 5, 10115 Berlin, Germany

CONFIDENTIALITY NOTICE: This e-mail is intended only for the named recipient.
"""
RAW = (
    "From: John Doe <john.doe@acme-industrial.de>\r\nTo: ann@ourco.com\r\n"
    "Subject: Order KX-200\r\nMessage-ID: <1@acme-industrial.de>\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n\r\n" + BODY
).encode()


def stdlib() -> None:
    msg = email.message_from_bytes(RAW, policy=policy.default)
    part = msg.get_body(("plain",))
    assert part is not None
    part.get_content()  # type: ignore[attr-defined]


def signature_people() -> None:
    _split.cache_clear()  # measure the split too, as on a new email
    extract_signatures(BODY, sender_email="john.doe@acme-industrial.de")


def split_only() -> None:
    _split.cache_clear()
    split_signature(BODY)


PIPELINE = get_pipeline("en")
STEPS: dict[str, Callable[[], object]] = {
    "detect_language": lambda: detect_language(BODY),
    "references": lambda: PIPELINE.references(BODY),
    "amounts": lambda: PIPELINE.amounts(BODY),
    "split + extract_signatures": signature_people,
    "parse_note_commands": lambda: parse_note_commands(NOTE),
    "extract_tasks (note)": lambda: extract_tasks(NOTE, now=NOW, tz=TZ, language="en"),
}
EXTRA: dict[str, Callable[[], object]] = {
    "  of which split_signature": split_only,
    "parse_command (chat line)": lambda: parse_command(
        "remind me to call Bob at Acme tomorrow at 10", now=NOW, tz=TZ
    ),
}


def best_us(fn: Callable[[], object], number: int = 200, rounds: int = 7) -> float:
    fn()
    best = float("inf")
    for _ in range(rounds):
        start = time.process_time()
        for _ in range(number):
            fn()
        best = min(best, (time.process_time() - start) / number)
    return best * 1e6


def main() -> int:
    base = best_us(stdlib)
    label = "stdlib decode + body text"
    print(f"{label:30s} {base:8.1f} µs  (reference {REFERENCE_STDLIB_US:.0f})")
    total = 0.0
    for name, fn in STEPS.items():
        cost = best_us(fn)
        total += cost
        print(f"{name:30s} {cost:8.1f} µs")
    for name, fn in EXTRA.items():
        print(f"{name:30s} {best_us(fn):8.1f} µs")
    target = TARGET_US * max(1.0, base / REFERENCE_STDLIB_US)
    print(f"{'all per-email steps':30s} {total:8.1f} µs  ({total / base:.2f}x the stdlib decode)")
    if total > target:
        print(f"FAIL: {total:.0f} µs > {target:.0f} µs (1 ms scaled to this machine)")
        return 1
    print(f"OK: {total:.0f} µs <= {target:.0f} µs (1 ms scaled to this machine)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
