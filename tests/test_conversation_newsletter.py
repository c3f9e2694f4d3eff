"""Newsletter consent by chat: subscribe asks for confirmation, unsubscribe suppresses."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from store.db import Database
from store.models import Contact, OutboxMessage, Suppression
from tests.cli import run_crm


def _db() -> Database:
    import os

    return Database(os.environ["CRM_DATABASE_URL"])


def test_subscribe_sends_one_confirmation_and_records_no_consent_yet(
    crm_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_crm(capsys, "user", "add", "ann@ourco.com", "--name", "Ann").code == 0
    first = run_crm(capsys, "ask", "--as", "ann@ourco.com", "subscribe jane@acme.com")
    assert first.code == 0 and "link to confirm" in first.out
    again = run_crm(capsys, "ask", "--as", "ann@ourco.com", "subscribe jane@acme.com")
    assert "already sent" in again.out
    db = _db()
    with db.read() as session:
        rows = list(session.scalars(select(OutboxMessage)))
        assert [r.to_addr for r in rows] == ["jane@acme.com"]
        assert "/confirm/" in rows[0].body_text
        contact = session.scalars(select(Contact)).one()
        assert contact.marketing_consent is False
    db.dispose()


def test_unsubscribe_suppresses_the_address_and_viewers_cannot(
    crm_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_crm(capsys, "user", "add", "ann@ourco.com", "--name", "Ann").code == 0
    assert (
        run_crm(capsys, "user", "add", "vic@ourco.com", "--name", "Vic", "--role", "viewer").code
        == 0
    )
    refused = run_crm(capsys, "ask", "--as", "vic@ourco.com", "unsubscribe jane@acme.com")
    assert "Viewers can look things up" in refused.out
    done = run_crm(capsys, "ask", "--as", "ann@ourco.com", "unsubscribe jane@acme.com")
    assert "no more newsletters" in done.out
    db = _db()
    with db.read() as session:
        assert session.scalars(select(Suppression.email)).all() == ["jane@acme.com"]
    db.dispose()
