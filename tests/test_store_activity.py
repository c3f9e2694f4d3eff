"""Interactions are filed once per source; tasks open, snooze and close as expected."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from store.contacts import upsert_contact
from store.db import Database
from store.interactions import log_interaction, recent_interactions
from store.models import InteractionKind, TaskStatus
from store.tasks import TaskError, complete_task, create_task, open_tasks, snooze_task
from store.users import add_user


def test_same_message_filed_twice_is_one_interaction(db: Database, now: datetime) -> None:
    with db.write() as s:
        jane = upsert_contact(s, email="jane@acme.com", now=now).contact
        first, created = log_interaction(
            s,
            kind="email",
            occurred_at=now,
            contact_id=jane.id,
            source_id="<a@acme.com>",
            subject="Pricing",
        )
        again, created_again = log_interaction(
            s,
            kind="email",
            occurred_at=now,
            contact_id=jane.id,
            source_id="<a@acme.com>",
        )
        assert created and not created_again and again.id == first.id
        assert jane.last_contacted_at == now
        assert jane.company is not None and jane.company.last_contacted_at == now
        log_interaction(
            s, kind=InteractionKind.CALL, occurred_at=now - timedelta(days=9), contact_id=jane.id
        )
        assert jane.last_contacted_at == now, "an older interaction never moves it back"
        assert [i.kind for i in recent_interactions(s, contact_id=jane.id)] == [
            InteractionKind.EMAIL,
            InteractionKind.CALL,
        ]
        assert len(recent_interactions(s, company_id=jane.company_id, limit=1)) == 1


def test_tasks_open_snooze_complete(db: Database, now: datetime) -> None:
    with db.write() as s:
        ann = add_user(s, email="ann@ourco.com", name="Ann")
        later = create_task(
            s, title="Send quote", due_at=now + timedelta(days=2), assignee_id=ann.id, now=now
        )
        soon = create_task(
            s, title="Call Jane", due_at=now + timedelta(hours=1), assignee_id=ann.id, now=now
        )
        undated = create_task(s, title="Read brief", assignee_id=ann.id, now=now)
        assert soon.remind_at == soon.due_at
        assert [t.id for t in open_tasks(s, ann.id)] == [soon.id, later.id, undated.id]
        snooze_task(s, soon.id, now + timedelta(days=1), now=now)
        assert soon.remind_at == now + timedelta(days=1) and soon.due_at == soon.remind_at
        complete_task(s, soon.id, now=now)
        assert soon.status is TaskStatus.DONE and soon.completed_at == now
        assert [t.id for t in open_tasks(s, ann.id)] == [later.id, undated.id]
        with pytest.raises(TaskError, match="already done"):
            complete_task(s, soon.id, now=now)
        with pytest.raises(TaskError, match="no task"):
            snooze_task(s, 999, now + timedelta(days=1), now=now)
        with pytest.raises(TaskError, match="future"):
            snooze_task(s, later.id, now - timedelta(days=1), now=now)
