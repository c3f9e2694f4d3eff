"""Overdue-invoice reminders, walked day by day with an explicit clock."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from jobs import dunning
from jobs.dunning import business_slot
from store.db import Database
from store.models import Interaction, InteractionKind, Invoice, InvoiceStatus, OutboxStatus
from tests.cli import run_crm
from tests.jobs_data import company, contact, invoice, outbox, pay, settings_for, talk, user

MON = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)  # a Monday, within business hours


def at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def walk(db: Database, settings: object, start: date, days: int) -> list[tuple[date, str]]:
    """Run the sweep twice a day for `days` days; what was queued on which day."""
    seen: set[int] = set()
    log = []
    for n in range(days):
        today = start + timedelta(days=n)
        for hour in (10, 15):
            dunning.run(db, settings, at(today, hour))  # type: ignore[arg-type]
        for row in outbox(db):
            if row.id not in seen:
                seen.add(row.id)
                log.append((today, row.kind))
    return log


def test_escalation_goes_level_by_level_once_each_with_the_owner_warned_first(
    sqlite_db: Database, tmp_path: Path
) -> None:
    db = sqlite_db
    settings = settings_for(db, tmp_path)
    with db.write() as s:
        ann = user(s, "ann@ourco.com", "Ann Lee")
        acme = company(s, "Acme Inc", owner_id=ann)
        contact(s, "Bill Payer", "billing@acme.com", acme)
        contact(s, "Zed Sales", "zed@acme.com", acme)
        invoice(s, "INV-1", acme, datetime(2026, 11, 20, 12, tzinfo=UTC), 125000)
    log = walk(db, settings, date(2026, 11, 21), 40)
    assert log == [
        (date(2026, 11, 23), "dunning_1"),
        (date(2026, 11, 30), "dunning_2"),
        (date(2026, 12, 10), "dunning_3"),
        (date(2026, 12, 19), "owner_escalation"),
        (date(2026, 12, 20), "dunning_4"),
    ]
    rows = outbox(db, "dunning_")
    assert {r.to_addr for r in rows} == {"billing@acme.com"}
    assert rows[0].subject.startswith("Friendly reminder")
    assert rows[-1].subject.startswith("Final reminder")
    assert "EUR 1,250.00" in rows[0].body_text and "INV-1" in rows[0].body_text
    assert rows[-1].due_at == at(date(2026, 12, 21), 9)  # queued on a Sunday, due Monday 09:00
    [warning] = outbox(db, "owner_escalation")
    assert warning.to_addr == "ann@ourco.com" and "Acme Inc" in warning.subject
    with db.read() as s:
        logged = list(
            s.scalars(
                select(Interaction)
                .where(Interaction.kind == InteractionKind.REMINDER)
                .order_by(Interaction.id)
            )
        )
    assert [i.source_id for i in logged] == [r.dedupe_key for r in rows]
    assert all(i.company_id is not None for i in logged)


def test_paid_invoices_are_never_reminded_and_a_partial_payment_shows_the_remainder(
    db: Database, tmp_path: Path
) -> None:
    settings = settings_for(db, tmp_path)
    due = datetime(2026, 11, 10, tzinfo=UTC)
    with db.write() as s:
        partial = company(s, "Partial GmbH")
        contact(s, "Pat", "pat@partial.de", partial)
        inv = invoice(s, "INV-P", partial, due, 50000)
        pay(s, inv, 20000, due, "wire-1")
        paid = company(s, "Paid Ltd")
        contact(s, "Paula", "paula@paid.co", paid)
        full = invoice(s, "INV-F", paid, due, 30000)
        pay(s, full, 30000, due, "wire-2")
        void = company(s, "Void Co")
        contact(s, "Vic", "vic@void.co", void)
        invoice(s, "INV-V", void, due, 30000, status=InvoiceStatus.VOID)
    dunning.run(db, settings, MON)
    [row] = outbox(db)
    assert row.to_addr == "pat@partial.de"
    assert "remaining EUR 300.00" in row.body_text and "paid EUR 200.00" in row.body_text
    assert "EUR 300.00" in row.subject


def test_a_reminder_queued_out_of_hours_is_cancelled_when_the_invoice_is_paid_first(
    sqlite_db: Database, tmp_path: Path
) -> None:
    settings = settings_for(sqlite_db, tmp_path)
    with sqlite_db.write() as s:
        acme = company(s, "Acme Inc")
        contact(s, "Bill", "billing@acme.com", acme)
        inv = invoice(s, "INV-1", acme, datetime(2026, 11, 17, tzinfo=UTC), 10000)
    saturday = datetime(2026, 11, 21, 11, tzinfo=UTC)
    dunning.run(sqlite_db, settings, saturday)
    [row] = outbox(sqlite_db)
    assert row.status == OutboxStatus.PENDING and row.due_at == at(date(2026, 11, 23), 9)
    with sqlite_db.write() as s:
        pay(s, inv, 10000, saturday, "card")
    result = dunning.run(sqlite_db, settings, saturday + timedelta(days=1))
    assert result.details.get("cancelled") == 1
    [row] = outbox(sqlite_db)
    assert row.status == OutboxStatus.CANCELLED
    with sqlite_db.read() as s:
        assert s.scalar(select(Interaction.id)) is None  # the reminder never happened


def test_pauses_disputes_promises_and_recent_conversations_are_honoured(
    db: Database, tmp_path: Path
) -> None:
    settings = settings_for(db, tmp_path)
    due = datetime(2026, 11, 10, tzinfo=UTC)
    with db.write() as s:
        paused = company(s, "Paused Co", dunning_paused=True)
        contact(s, "A", "a@paused.co", paused)
        invoice(s, "INV-A", paused, due, 100)
        held = company(s, "Held Co")
        contact(s, "B", "b@held.co", held)
        invoice(s, "INV-B", held, due, 100, dunning_paused=True)
        disputed = company(s, "Disputed Co")
        contact(s, "C", "c@disputed.co", disputed)
        invoice(s, "INV-C", disputed, due, 100, status=InvoiceStatus.DISPUTED)
        promised = company(s, "Promise Co")
        contact(s, "D", "d@promise.co", promised)
        invoice(s, "INV-D", promised, due, 100, promised_on=date(2026, 11, 25))
        called = company(s, "Called Co")
        contact(s, "E", "e@called.co", called)
        invoice(s, "INV-E", called, due, 100)
        talk(s, called, MON - timedelta(days=2))
        talk(s, called, MON - timedelta(days=1), kind=InteractionKind.REMINDER)
    dunning.run(db, settings, MON)
    assert outbox(db) == []
    dunning.run(db, settings, MON + timedelta(days=2))  # the promise day itself: still waiting
    assert outbox(db) == []
    dunning.run(db, settings, MON + timedelta(days=3))
    assert [r.to_addr for r in outbox(db)] == ["d@promise.co"]
    dunning.run(db, settings, MON + timedelta(days=6))  # 7 quiet days after the call are over
    assert [r.to_addr for r in outbox(db)] == ["d@promise.co", "e@called.co"]


def test_one_email_per_customer_and_a_newly_overdue_invoice_joins_the_next_level(
    db: Database, tmp_path: Path
) -> None:
    settings = settings_for(db, tmp_path)
    with db.write() as s:
        acme = company(s, "Acme Inc")
        contact(s, "Bill", "billing@acme.com", acme)
        invoice(s, "INV-1", acme, datetime(2026, 11, 20, tzinfo=UTC), 10000)
        invoice(s, "INV-2", acme, datetime(2026, 11, 19, tzinfo=UTC), 5000)
        invoice(s, "INV-3", acme, datetime(2026, 11, 25, tzinfo=UTC), 7000)
    dunning.run(db, settings, MON)
    [first] = outbox(db)
    assert "INV-1" in first.body_text and "INV-2" in first.body_text
    assert "INV-3" not in first.body_text and "EUR 150.00" in first.body_text
    assert first.dedupe_key == f"dunning:{acme}:1:INV-1,INV-2"
    dunning.run(db, settings, MON + timedelta(days=7))  # 11-30: INV-2 is 11 days overdue
    second = outbox(db)[-1]
    assert second.kind == "dunning_2" and "INV-3" in second.body_text
    assert second.dedupe_key == f"dunning:{acme}:2:INV-1,INV-2,INV-3"


def test_reminders_wait_for_the_customers_business_hours() -> None:
    ny = ZoneInfo("America/New_York")
    assert business_slot(MON.replace(hour=9), ny) == MON.replace(hour=14)  # 04:00 in New York
    assert business_slot(MON.replace(hour=15), ny) == MON.replace(hour=15)
    friday_evening = datetime(2026, 11, 27, 18, tzinfo=ny)
    assert business_slot(friday_evening, ny) == datetime(2026, 11, 30, 9, tzinfo=ny)


def test_a_customer_abroad_gets_the_reminder_in_their_morning(
    sqlite_db: Database, tmp_path: Path
) -> None:
    settings = settings_for(sqlite_db, tmp_path)
    with sqlite_db.write() as s:
        acme = company(s, "Acme Corp", timezone="America/New_York")
        contact(s, "Bill", "ap@acme.com", acme)
        invoice(s, "INV-9", acme, datetime(2026, 11, 10, tzinfo=UTC), 100, currency="USD")
    dunning.run(sqlite_db, settings, MON.replace(hour=9))
    [row] = outbox(sqlite_db)
    assert row.due_at == MON.replace(hour=14)


def test_crm_jobs_run_dunning_twice_queues_once(
    crm_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import os

    db = Database(os.environ["CRM_DATABASE_URL"])
    with db.write() as s:
        acme = company(s, "Acme Inc")
        contact(s, "Bill", "billing@acme.com", acme)
        invoice(s, "INV-1", acme, datetime(2026, 11, 10, tzinfo=UTC), 100)
    first = run_crm(capsys, "jobs", "run", "dunning", "--now", MON.isoformat())
    assert first.code == 0 and "queued 1" in first.out, first.err
    assert "queued 0" in run_crm(capsys, "jobs", "run", "dunning", "--now", MON.isoformat()).out
    assert run_crm(capsys, "jobs", "run", "nonsense").code == 2
    with db.read() as s:
        assert s.scalar(select(Invoice.number)) == "INV-1"
    db.dispose()
