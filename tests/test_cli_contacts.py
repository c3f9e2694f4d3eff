"""`crm import contacts` and `crm export contacts` as a user runs them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.cli import run_crm

DATA = Path(__file__).parent / "data" / "contacts"

CSV = """\
name,email,phone,title,company,tags,marketing_consent,shoe size
Jane Doe,Jane.Doe@Acme.com,(415) 555-0100,CFO,Acme Inc,vip;lead,yes,38
Jane Doe,jane.doe@acme.com,,,,partner,,
John Roe,john@acme.com,+44 20 7946 0958,,,,2026-01-15,
"Wong, Mia",mia@gmail.com,,Buyer,Globex,,no,
Bad Address,x@,,,,,,
,,,Title Only,,,,
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_import_reports_counts_and_rejected_lines_then_repeats_unchanged(
    crm_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(crm_env, "contacts.csv", CSV)
    first = run_crm(capsys, "import", "contacts", str(path), "--now", "2026-11-23T09:00:00Z")
    assert first.code == 0, first.err
    lines = first.out.splitlines()
    assert lines[0] == "created 3, updated 1, unchanged 0, rejected 2"
    assert lines[1:3] == [
        "line 6: invalid email 'x@'",
        "line 7: a contact needs a name or an email",
    ]
    assert "warning: extra columns kept as custom fields: shoe size" in lines
    second = run_crm(capsys, "import", "contacts", str(path))
    assert second.out.splitlines()[0] == "created 0, updated 0, unchanged 4, rejected 2"


def test_csv_export_round_trips(crm_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(crm_env, "contacts.csv", CSV)
    run_crm(capsys, "import", "contacts", str(path), "--now", "2026-11-23T09:00:00Z")
    exported = run_crm(capsys, "export", "contacts", "--format", "csv")
    assert exported.code == 0
    assert exported.out.splitlines() == [
        "name,email,phone,title,company,tags,marketing_consent,website,address,shoe size",
        "Jane Doe,jane.doe@acme.com,+14155550100,CFO,Acme Inc,lead;partner;vip,"
        "2026-11-23T09:00:00+00:00,,,38",
        "John Roe,john@acme.com,+442079460958,,Acme Inc,,2026-01-15T00:00:00+00:00,,,",
        '"Wong, Mia",mia@gmail.com,,Buyer,Globex,,no,,,',
    ]
    out = write(crm_env, "export.csv", exported.out)
    again = run_crm(capsys, "import", "contacts", str(out))
    assert again.out.splitlines() == [
        "created 0, updated 0, unchanged 3, rejected 0",
        "warning: extra columns kept as custom fields: shoe size",
    ]


def test_vcard_export_and_reimport(crm_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cards = shutil.copy(DATA / "cards.vcf", crm_env / "cards.vcf")
    first = run_crm(capsys, "import", "contacts", str(cards))
    assert first.out.splitlines()[:2] == [
        "created 3, updated 0, unchanged 0, rejected 1",
        "line 31: invalid email 'broken@'",
    ]
    target = crm_env / "out.vcf"
    done = run_crm(capsys, "export", "contacts", "--format", "vcf", "--output", str(target))
    assert done.out.strip() == f"exported 3 contacts to {target}"
    text = target.read_text(encoding="utf-8")
    assert text.count("BEGIN:VCARD") == 3 and "FN:Jörg Müller" in text
    assert "TITLE:Head of Purchasing\\, EMEA" in text
    again = run_crm(capsys, "import", "contacts", str(target))
    assert again.out.splitlines() == ["created 0, updated 0, unchanged 3, rejected 0"]


def test_bad_invocations_fail_with_one_line(
    crm_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = run_crm(capsys, "import", "contacts", str(crm_env / "nope.csv"))
    assert missing.code == 1 and missing.err.strip().startswith("error: no such file")
    empty = run_crm(capsys, "import", "contacts", str(write(crm_env, "e.csv", "")))
    assert empty.code == 1 and "header" in empty.err
    wrong = run_crm(capsys, "import", "contacts", str(write(crm_env, "w.csv", "a,b\n1,2\n")))
    assert wrong.code == 1 and "name or an email column" in wrong.err
    usage = run_crm(capsys, "export", "contacts", "--format", "xls")
    assert usage.code == 2
