"""Task reminders: once per task and remind time, by Slack when there is Slack."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from jobs import reminders
from store.db import Database
from store.models import OutboxChannel, TaskStatus
from store.tasks import snooze_task
from tests.jobs_data import outbox, settings_for, task, user


def test_each_task_is_reminded_once_at_its_time_and_again_after_a_snooze(
    db: Database, tmp_path: Path, now: datetime
) -> None:
    settings = settings_for(db, tmp_path)
    with db.write() as s:
        ann = user(s, "ann@ourco.com", "Ann Lee", timezone="Europe/Berlin")
        call = task(
            s,
            "Call Acme about the quote",
            ann,
            due_at=now + timedelta(hours=3),
            remind_at=now + timedelta(hours=1),
        )
        task(s, "Send the contract", ann, due_at=now + timedelta(hours=2))
        task(s, "Done already", ann, due_at=now - timedelta(hours=1), status=TaskStatus.DONE)
        task(s, "No date", ann)
    assert reminders.run(db, settings, now).queued == 0
    hour = now + timedelta(hours=1)
    assert reminders.run(db, settings, hour).queued == 1
    assert reminders.run(db, settings, hour + timedelta(minutes=1)).queued == 0
    [first] = outbox(db)
    assert (
        first.to_addr == "ann@ourco.com" and first.subject == "Reminder: Call Acme about the quote"
    )
    assert first.dedupe_key == f"reminder:task:{call}:{(now + timedelta(hours=1)).isoformat()}"
    assert "13:00" in first.body_text  # due time in Ann's zone (Berlin, UTC+1)
    assert first.channel == OutboxChannel.EMAIL
    later = now + timedelta(hours=2)
    assert reminders.run(db, settings, later).queued == 1  # "Send the contract" at its due time
    with db.write() as s:  # snoozed until tomorrow
        snooze_task(s, call, now + timedelta(days=1), now=later)
    assert reminders.run(db, settings, later + timedelta(hours=1)).queued == 0
    assert reminders.run(db, settings, now + timedelta(days=1)).queued == 1
    assert reminders.run(db, settings, now + timedelta(days=3)).queued == 0
    assert len(outbox(db)) == 3


def test_a_slack_user_gets_a_dm_with_done_and_snooze_buttons(
    sqlite_db: Database, tmp_path: Path, now: datetime
) -> None:
    settings = settings_for(sqlite_db, tmp_path, slack_bot_token="xoxb-test")
    with sqlite_db.write() as s:
        bob = user(s, "bob@ourco.com", "Bob", slack_id="U0BOB")
        tid = task(s, "Chase the PO", bob, due_at=now)
        carol = user(s, "carol@ourco.com", "Carol")
        task(s, "Email only", carol, due_at=now)
    assert reminders.run(sqlite_db, settings, now).queued == 2
    dm, mail = outbox(sqlite_db)
    assert dm.channel == OutboxChannel.SLACK and dm.to_addr == "U0BOB"
    assert dm.payload is not None and dm.payload["channel"] == "U0BOB"
    buttons = [e for b in dm.payload["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert {(b["action_id"], b["value"]) for b in buttons} == {
        ("task_done", str(tid)),
        ("task_snooze", str(tid)),
    }
    assert mail.channel == OutboxChannel.EMAIL and mail.to_addr == "carol@ourco.com"
