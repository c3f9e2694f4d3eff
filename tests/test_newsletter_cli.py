"""`crm campaign …` as a person at a shell uses it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli import run_crm
from tests.relay import Relay


def _setup(capsys: pytest.CaptureFixture[str], env: Path) -> None:
    (env / "c.csv").write_text(
        "name,email,phone,title,company,tags,marketing_consent\n"
        "Jane Doe,jane@acme.com,,,Acme,newsletter,yes\n"
        "Bob Roe,bob@acme.com,,,Acme,newsletter,no\n",
        encoding="utf-8",
    )
    (env / "b.md").write_text("# Hello {{ first_name }}\n\nNews from {{ owner }}.\n")
    assert run_crm(capsys, "user", "add", "olga@ourco.com", "--name", "Olga").code == 0
    assert run_crm(capsys, "import", "contacts", "c.csv").code == 0


def test_create_preview_test_send_and_status(
    capsys: pytest.CaptureFixture[str], crm_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CRM_CAMPAIGN_RATE", "0")
    _setup(capsys, crm_env)
    made = run_crm(
        capsys,
        "campaign",
        "create",
        "--name",
        "Nov",
        "--subject",
        "News for {{ company }}",
        "--body",
        "b.md",
        "--segment",
        "tag:newsletter",
        "--as",
        "olga@ourco.com",
    )
    assert made.code == 0 and "selects 1 person" in made.out
    shown = run_crm(capsys, "campaign", "preview", "Nov")
    assert "To: jane@acme.com" in shown.out and "News from Olga." in shown.out
    assert run_crm(capsys, "campaign", "test", "Nov", "--to", "olga@ourco.com").code == 0
    sent = run_crm(capsys, "campaign", "send", "Nov")
    assert sent.code == 0 and "1 sent" in sent.out
    status = json.loads(run_crm(capsys, "campaign", "status", "Nov", "--json").out)
    assert (status["status"], status["audience"], status["sent"]) == ("sent", 1, 1)
    assert len(list((crm_env / "maildir" / "new").iterdir())) == 2  # the test and Jane's
    again = run_crm(capsys, "campaign", "send", "Nov")
    assert again.code == 1 and "cannot be sent again" in again.err


def test_mistakes_get_one_clear_line(capsys: pytest.CaptureFixture[str], crm_env: Path) -> None:
    _setup(capsys, crm_env)
    bad = run_crm(
        capsys,
        "campaign",
        "create",
        "--name",
        "X",
        "--subject",
        "S",
        "--body",
        "b.md",
        "--segment",
        "tagg:x",
    )
    assert bad.code == 1 and bad.err.count("\n") == 1 and "unknown key 'tagg'" in bad.err
    missing = run_crm(
        capsys, "campaign", "create", "--name", "X", "--subject", "S", "--body", "nope.md"
    )
    assert missing.code == 1 and "cannot read nope.md" in missing.err
    assert run_crm(capsys, "campaign", "status", "Nope").code == 1
    later = run_crm(capsys, "campaign", "create", "--name", "L", "--subject", "S", "--body", "b.md")
    assert later.code == 0
    when = run_crm(
        capsys,
        "campaign",
        "send",
        "L",
        "--at",
        "2026-12-01T08:00:00+01:00",
        "--now",
        "2026-11-23T09:00:00Z",
    )
    assert when.code == 0 and "scheduled for 2026-12-01T08:00:00+01:00" in when.out
    assert run_crm(capsys, "campaign", "send", "L", "--at", "yesterday").code == 2


def test_a_message_the_relay_may_have_taken_is_not_resent_until_asked(
    capsys: pytest.CaptureFixture[str], crm_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CRM_CAMPAIGN_RATE", "0")
    _setup(capsys, crm_env)
    body = ("--subject", "News", "--body", "b.md", "--segment", "tag:newsletter")
    assert run_crm(capsys, "campaign", "create", "--name", "Nov", *body).code == 0
    with Relay() as relay:
        monkeypatch.setenv("CRM_RELAY_URL", relay.url)
        relay.handler.hang_up = {"jane@acme.com"}  # takes it, then the line drops unanswered
        sent = run_crm(capsys, "campaign", "send", "Nov")
        assert sent.code == 0 and "0 sent, 1 failed" in sent.out, sent.out
        status = json.loads(run_crm(capsys, "campaign", "status", "Nov", "--json").out)
        assert (status["status"], status["sent"], status["failed"]) == ("sent", 0, 1)
        assert len(relay.received) == 1
        [row] = json.loads(run_crm(capsys, "outbox", "list", "--json").out)
        assert row["status"] == "failed" and "it may have arrived" in row["last_error"]
        # the relay's log would say whether it arrived; here the operator sends it once more
        relay.handler.hang_up = set()
        assert run_crm(capsys, "outbox", "retry", str(row["id"])).code == 0
        again = run_crm(capsys, "campaign", "send", "Nov")
        assert again.code == 0 and "1 sent, 0 failed" in again.out, again.out
        assert len(relay.received) == 2
    status = json.loads(run_crm(capsys, "campaign", "status", "Nov", "--json").out)
    assert (status["status"], status["sent"], status["failed"]) == ("sent", 1, 0)
