"""Newsletters by chat: admins create, test, schedule, send and pause; nobody else can."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from sqlalchemy import select

from store.db import Database
from store.models import Campaign, CampaignRecipient, OutboxMessage
from tests.cli import run_crm
from tests.newsletter_people import person

NOW = "2026-12-04T10:00:00+00:00"
CREATE = """campaign create Winter news
Subject: Winter offers for {{ first_name }}
Segment: tag:newsletter

Hello {{ first_name }},

our **winter** range is here.
"""


def _db() -> Database:
    return Database(os.environ["CRM_DATABASE_URL"])


def _ask(capsys: pytest.CaptureFixture[str], who: str, text: str) -> str:
    result = run_crm(capsys, "ask", "--as", who, "--now", NOW, text)
    assert result.code == 0, result.err
    return result.out


@pytest.fixture
def team(crm_env: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    assert (
        run_crm(capsys, "user", "add", "ann@ourco.com", "--name", "Ann", "--role", "admin").code
        == 0
    )
    assert run_crm(capsys, "user", "add", "bob@ourco.com", "--name", "Bob").code == 0
    db = _db()
    with db.write() as session:
        person(session, "jane@acme.com", "Jane Doe")
        person(session, "li@globex.com", "Li Wei")
        person(session, "no@acme.com", "No Consent", consent=False)
        person(session, "other@acme.com", "Other Tag", tags=("vip",))
    db.dispose()
    return crm_env


def test_members_are_told_only_admins_manage_newsletters(
    team: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for text in ("campaigns", CREATE, "campaign send Winter news"):
        assert "Only admins can manage newsletters" in _ask(capsys, "bob@ourco.com", text)
    db = _db()
    with db.read() as session:
        assert session.scalars(select(Campaign)).all() == []
    db.dispose()


def test_admin_creates_tests_and_sends_a_campaign_by_chat(
    team: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    created = _ask(capsys, "ann@ourco.com", CREATE)
    assert "Created the draft 'Winter news'" in created and "selects 2 people" in created

    preview = _ask(capsys, "ann@ourco.com", "campaign preview winter news")
    assert "Subject: Winter offers for" in preview and "range is here" in preview

    tested = _ask(capsys, "ann@ourco.com", "campaign test Winter news")
    assert "on its way to ann@ourco.com" in tested

    sent = _ask(capsys, "ann@ourco.com", "campaign send Winter news")
    assert "to 2 people" in sent and "audience is fixed" in sent
    db = _db()
    with db.read() as session:
        test_rows = session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == "campaign_test")
        ).all()
        assert [r.to_addr for r in test_rows] == ["ann@ourco.com"]
        assert test_rows[0].subject.startswith("[TEST] Winter offers for ")
        recipients = session.scalars(select(CampaignRecipient.email)).all()
        assert sorted(recipients) == ["jane@acme.com", "li@globex.com"]
    db.dispose()

    swept = run_crm(capsys, "jobs", "run", "newsletter", "--now", NOW)
    assert swept.code == 0, swept.err
    status = _ask(capsys, "ann@ourco.com", "campaign status Winter news")
    assert "Audience 2: 2 sent" in status

    again = _ask(capsys, "ann@ourco.com", "campaign send Winter news")
    assert "'Winter news' is sent; it cannot be sent again" in again
    listing = _ask(capsys, "ann@ourco.com", "campaigns")
    assert "Winter news: " in listing and "2 of 2 sent" in listing


def test_scheduling_pausing_and_resuming_by_chat(
    team: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _ask(capsys, "ann@ourco.com", CREATE)
    scheduled = _ask(capsys, "ann@ourco.com", "campaign send Winter news at 2026-12-10T09:00")
    assert "will be sent Thu 10 Dec 2026 09:00" in scheduled
    past = _ask(capsys, "ann@ourco.com", "campaign send Winter news at 2026-12-01T09:00")
    assert "in the past" in past
    assert "is paused" in _ask(capsys, "ann@ourco.com", "campaign pause Winter news")
    assert "scheduled again" in _ask(capsys, "ann@ourco.com", "campaign resume Winter news")
    status = run_crm(capsys, "campaign", "status", "Winter news", "--json")
    assert json.loads(status.out)["status"] == "scheduled"
    unknown = _ask(capsys, "ann@ourco.com", "campaign status Autumn news")
    assert "no campaign named 'Autumn news'" in unknown


def test_a_create_without_subject_explains_the_form(
    team: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    reply = _ask(capsys, "ann@ourco.com", "campaign create Bare\njust a body")
    assert "Subject:" in reply
    db = _db()
    with db.read() as session:
        assert session.scalars(select(Campaign)).all() == []
    db.dispose()
