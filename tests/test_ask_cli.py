"""`crm ask`: the conversation on the command line, as text or as the JSON contract."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from store.db import Database
from tests.cli import run_crm
from tests.crm_seed import NOW, seed


@pytest.fixture
def seeded(crm_env: Path) -> Path:
    db = Database(f"sqlite:///{crm_env / 'crm.db'}")
    seed(db)
    db.dispose()
    return crm_env


def test_ask_json_follows_the_contract(seeded: Path, capsys: pytest.CaptureFixture[str]) -> None:
    result = run_crm(
        capsys, "ask", "--as", "bob@ourco.com", "--now", NOW.isoformat(), "--json", "find acme"
    )
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert list(data) == ["text", "contacts", "interactions", "tasks", "orders", "invoices"]
    assert data["invoices"][0]["days_overdue"] == 10
    assert data["invoices"][0]["amount"] == "1250.00"
    assert data["orders"][0]["total"] == "1250.00"


def test_ask_answers_in_the_zone_asked_for(
    seeded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ("ask", "--as", "bob@ourco.com", "--now", NOW.isoformat())
    tokyo = run_crm(capsys, *args, "--tz", "Asia/Tokyo", "who is jane@acme.com")
    assert "Last contacted: Fri 20 Nov 2026 18:00" in tokyo.out
    bad = run_crm(capsys, *args, "--tz", "Mars/Olympus", "help")
    assert bad.code == 2


def test_unknown_asker_is_one_line_and_exit_1(
    seeded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    result = run_crm(capsys, "ask", "--as", "mallory@evil.example", "find acme")
    assert result.code == 1 and result.out == ""
    assert result.err.strip().splitlines() == [
        "error: mallory@evil.example is not a team member (add them with `crm user add`)"
    ]


def test_a_write_then_undo_from_the_command_line(
    seeded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ("ask", "--as", "alice@ourco.com", "--now", NOW.isoformat())
    logged = run_crm(capsys, *args, "--json", "note acme inc: prefers email on Fridays")
    assert json.loads(logged.out)["interactions"][0]["kind"] == "note"
    undone = run_crm(capsys, *args, "undo")
    assert undone.out.startswith("Undone: note acme inc")
