"""`crm parse`: the JSON contract, stdin, and one clear line for what is not an email."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from tests.cli import run_crm

KEYS = {
    "message_id",
    "sender",
    "subject",
    "date",
    "language",
    "note",
    "forwarded",
    "contacts",
    "tasks",
    "references",
    "amounts",
}
DIRECT = (
    b"From: Ann Lee <ann.lee@ourco.com>\nTo: crm@ourco.com\nSubject: Call Acme\n"
    b"Date: Mon, 23 Nov 2026 08:00:00 +0000\nMessage-ID: <direct-1@ourco.com>\n\n"
    b"Remind me to call John at Acme tomorrow at 3pm about invoice INV-2026-0031.\n\n"
    b"On Sun, 22 Nov 2026 at 18:00, John Doe <john@acme.com> wrote:\n> Call me Friday.\n"
)


def test_a_direct_message_has_every_key_and_no_forward(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "direct.eml"
    path.write_bytes(DIRECT)
    result = run_crm(
        capsys,
        "parse",
        str(path),
        "--json",
        "--now",
        "2026-11-23T09:00:00Z",
        "--tz",
        "Europe/Berlin",
    )
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert set(data) == KEYS
    assert data["forwarded"] is None and data["note"] is None
    assert data["message_id"] == "<direct-1@ourco.com>"
    assert data["tasks"] == [
        {
            "title": "Call John at Acme about invoice INV-2026-0031",
            "due": "2026-11-24T15:00:00+01:00",
        }
    ]
    assert {"kind": "invoice", "number": "INV-2026-0031"} in data["references"]


def test_reads_standard_input(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    fixture = Path(__file__).parent / "data" / "forwards" / "gmail_en.eml"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(fixture.read_bytes())))
    result = run_crm(
        capsys,
        "parse",
        "-",
        "--json",
        "--now",
        "2026-11-23T09:00:00+00:00",
        "--tz",
        "Europe/Berlin",
    )
    assert result.code == 0, result.err
    assert json.loads(result.out)["forwarded"]["from"]["email"] == "john.doe@acme.com"


@pytest.mark.parametrize("content", [b"", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", b"just a note\n"])
def test_a_file_that_is_not_an_email_exits_1_with_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, content: bytes
) -> None:
    path = tmp_path / "thing.eml"
    path.write_bytes(content)
    result = run_crm(capsys, "parse", str(path), "--json")
    assert result.code == 1
    assert result.out == ""
    assert result.err.count("\n") == 1 and "not an email" in result.err


def test_missing_file_and_bad_zone(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    result = run_crm(capsys, "parse", str(tmp_path / "nope.eml"), "--json")
    assert result.code == 1 and "no such file" in result.err
    path = tmp_path / "direct.eml"
    path.write_bytes(DIRECT)
    assert run_crm(capsys, "parse", str(path), "--tz", "Mars/Olympus").code == 2


def test_human_readable_summary(capsys: pytest.CaptureFixture[str]) -> None:
    fixture = Path(__file__).parent / "data" / "forwards" / "outlook_old_fr.eml"
    result = run_crm(capsys, "parse", str(fixture), "--now", "2026-11-23T09:00:00Z")
    assert result.code == 0
    assert "Jean Dupont <jean.dupont@laboiteafromage.fr>  (forwarded)" in result.out
    assert "reference: order 88213" in result.out
