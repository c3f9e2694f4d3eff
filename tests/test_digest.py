"""The daily digest: each user at their hour in their zone, once per local day."""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine

from jobs import digest
from store.db import Database
from store.models import Company, Contact, InteractionKind, OutboxChannel
from tests.cli import run_crm
from tests.jobs_data import company, contact, invoice, outbox, pay, settings_for, talk, task, user

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # 10:00 in Berlin, 04:00 in New York


def seed(db: Database) -> dict[str, int]:
    with db.write() as s:
        ann = user(s, "ann@ourco.com", "Ann Lee", timezone="Europe/Berlin")
        bob = user(
            s,
            "bob@ourco.com",
            "Bob Ray",
            timezone="America/New_York",
            digest_hour=9,
            slack_id="U0BOB",
        )
        acme = company(
            s,
            "Acme Inc",
            owner_id=ann,
            created_at=NOW - timedelta(days=90),
            last_contacted_at=NOW - timedelta(days=2),
        )
        sleepy = company(
            s,
            "Sleepy Ltd",
            owner_id=ann,
            created_at=NOW - timedelta(days=90),
            last_contacted_at=NOW - timedelta(days=45),
        )
        john = contact(
            s, "John Doe", "john@acme.com", acme, owner_id=ann, created_at=NOW - timedelta(hours=20)
        )
        contact(
            s, "Old Friend", "old@acme.com", acme, owner_id=ann, created_at=NOW - timedelta(days=20)
        )
        task(s, "Send the revised quote", ann, due_at=NOW + timedelta(hours=5), contact_id=john)
        task(s, "Call Sleepy back", ann, due_at=NOW - timedelta(days=2), company_id=sleepy)
        task(s, "Next week's job", ann, due_at=NOW + timedelta(days=7))
        task(s, "Bob's job", bob, due_at=NOW + timedelta(hours=8))
        talk(
            s,
            acme,
            NOW - timedelta(hours=3),
            kind=InteractionKind.EMAIL,
            user_id=ann,
            subject="Re: pricing",
            contact_id=john,
        )
        invoice(s, "INV-NEW", acme, datetime(2026, 11, 22, 12, tzinfo=UTC), 42000)
        invoice(s, "INV-OLD", sleepy, NOW - timedelta(days=75), 900000)
        paid = invoice(s, "INV-PAID", acme, NOW - timedelta(days=20), 10000)
        pay(s, paid, 10000, NOW - timedelta(hours=6), "wire-7")
        invoice(s, "INV-FUTURE", acme, NOW + timedelta(days=20), 300000)
    return {"ann": ann, "bob": bob}


def test_the_digest_tells_ann_what_her_day_holds(sqlite_db: Database, tmp_path: Path) -> None:
    seed(sqlite_db)
    settings = settings_for(sqlite_db, tmp_path)
    assert digest.run(sqlite_db, settings, NOW).queued == 1  # Ann (10:00 Berlin), not Bob yet
    [row] = outbox(sqlite_db)
    assert row.to_addr == "ann@ourco.com" and row.dedupe_key.endswith(":2026-11-23")
    text = row.body_text
    assert "Send the revised quote (15:00) - John Doe" in text  # due time in Berlin
    assert "Call Sleepy back (was due 21 Nov) - Sleepy Ltd" in text
    assert "Next week's job" not in text and "Bob's job" not in text
    assert "John Doe <john@acme.com>, Acme Inc" in text and "Old Friend" not in text
    assert "email: Re: pricing (John Doe)" in text
    assert "INV-NEW Acme Inc: EUR 420.00 (due 2026-11-22)" in text
    assert "INV-PAID Acme Inc: EUR 100.00 (paid in full)" in text
    assert "Sleepy Ltd: last contact 45 days ago" in text and "Acme Inc: last" not in text
    assert re.search(r"61-90 days\s+#{20}\s+EUR 9,000.00 \(1\)", text)
    html = row.body_html or ""
    assert "class=" not in html and "<img" not in html and "<style" not in html
    assert 'bgcolor="#e67e22"' in html and 'width="100%"' in html  # the 61-90 bar, full width
    assert "Send the revised quote" in html


def test_each_user_gets_one_digest_per_local_day_at_their_own_hour(
    db: Database, tmp_path: Path
) -> None:
    seed(db)
    settings = settings_for(db, tmp_path, slack_bot_token="xoxb-test")
    start = datetime(2026, 11, 23, 4, 0, tzinfo=UTC)  # 23:00 the evening before in New York
    sent: list[tuple[str, str, str]] = []
    seen: set[int] = set()
    for hour in range(44):
        now = start + timedelta(hours=hour)
        digest.run(db, settings, now)
        digest.run(db, settings, now + timedelta(minutes=30))
        for row in outbox(db, "digest"):
            if row.id not in seen:
                seen.add(row.id)
                sent.append((now.strftime("%d %H:%M"), row.to_addr, str(row.channel)))
    assert sent == [
        ("23 06:00", "ann@ourco.com", "email"),  # 07:00 in Berlin
        ("23 14:00", "bob@ourco.com", "email"),  # 09:00 in New York
        ("23 14:00", "U0BOB", "slack"),
        ("24 06:00", "ann@ourco.com", "email"),
        ("24 14:00", "bob@ourco.com", "email"),
        ("24 14:00", "U0BOB", "slack"),
    ]
    dm = next(r for r in outbox(db, "digest") if r.channel == OutboxChannel.SLACK)
    assert dm.payload is not None and dm.payload["blocks"][0]["type"] == "header"
    assert any("Bob's job" in b.get("text", {}).get("text", "") for b in dm.payload["blocks"])


def test_digest_preview_prints_without_queueing_and_the_frozen_clock_drives_crm_jobs_run(
    crm_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = Database(os.environ["CRM_DATABASE_URL"])
    seed(db)
    result = run_crm(capsys, "digest", "preview", "--as", "ann@ourco.com", "--now", NOW.isoformat())
    assert result.code == 0, result.err
    assert result.out.startswith("Subject: Your day, Monday 23 November 2026: 2 tasks")
    html = run_crm(
        capsys, "digest", "preview", "--as", "ann@ourco.com", "--html", "--now", NOW.isoformat()
    )
    assert html.out.lstrip().startswith("<div") and "Receivables aging" in html.out
    assert run_crm(capsys, "digest", "preview", "--as", "nobody@x.com").code == 1
    assert outbox(db) == []
    with time_machine.travel(NOW, tick=False):
        assert "queued 1" in run_crm(capsys, "jobs", "run", "digest").out
        assert "queued 0" in run_crm(capsys, "jobs", "run", "digest").out
    with time_machine.travel(NOW + timedelta(days=1), tick=False):
        assert "queued 1" in run_crm(capsys, "jobs", "run", "digest").out
    with db.read() as s:  # nothing about the data changed
        assert s.query(Company).count() == 2 and s.query(Contact).count() == 2
    db.dispose()
