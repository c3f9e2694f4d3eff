"""Undo: an intake's change is reverted exactly, once, and never over later work."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from store.audit import track_changes
from store.contacts import upsert_contact
from store.db import Database
from store.interactions import log_interaction
from store.models import (
    AuditEvent,
    Change,
    Company,
    Contact,
    ContactEmail,
    ContactPhone,
    Interaction,
    InteractionKind,
    Tag,
    Task,
    contact_tags,
)
from store.tasks import create_task
from store.undo import UndoError, last_change, undo_change
from store.users import add_user


def snapshot(db: Database) -> dict[str, Any]:
    """Everything a user could see, to compare before and after."""
    with db.read() as s:
        return {
            model.__name__: sorted(
                tuple(sorted((k, str(v)) for k, v in row._mapping.items()))
                for row in s.execute(select(model.__table__))
            )
            for model in (Company, Contact, ContactEmail, ContactPhone, Interaction, Task, Tag)
        } | {"links": sorted(s.execute(select(contact_tags)).all())}


def intake(s: Any, user_id: int, now: datetime) -> None:
    """What a forwarded email does: contacts, interaction, task."""
    jane = upsert_contact(
        s,
        email="jane@acme.com",
        title="Head of Purchasing",
        phone="+1 415 555 0100",
        tags=["lead"],
        now=now,
    ).contact
    new = upsert_contact(s, email="bob@acme.com", name="Bob Roe", tags=["vip"], now=now).contact
    log_interaction(
        s,
        kind=InteractionKind.EMAIL,
        occurred_at=now,
        contact_id=jane.id,
        user_id=user_id,
        subject="Pricing",
        source_id="<m1@acme.com>",
    )
    create_task(s, title="Send quote", assignee_id=user_id, contact_id=new.id, now=now)


def test_undo_of_an_intake_restores_exactly(db: Database, now: datetime) -> None:
    with db.write() as s:
        user = add_user(s, email="ann@ourco.com", name="Ann")
        user_id = user.id
        upsert_contact(s, email="jane@acme.com", name="Jane Doe", now=now - timedelta(days=3))
    before = snapshot(db)
    with (
        db.write() as s,
        track_changes(
            s, user_id=user_id, source="email", now=now, summary="Fwd: Pricing"
        ) as change,
    ):
        intake(s, user_id, now)
    change_id = change.id
    with db.read() as s:
        actions = {(e.entity, e.action.value) for e in s.scalars(select(AuditEvent))}
        assert ("contacts", "update") in actions and ("contact_tags", "create") in actions
        assert ("interactions", "create") in actions and ("tasks", "create") in actions
    assert snapshot(db) != before
    with db.write() as s:
        assert last_change(s, user_id) is not None
        undo_change(s, change_id, now=now)
    assert snapshot(db) == before
    with db.write() as s:
        undone = s.get(Change, change_id)
        assert undone is not None and undone.undone_at is not None
        assert last_change(s, user_id) is None
        with pytest.raises(UndoError, match="already undone"):
            undo_change(s, change_id, now=now)


def test_undo_restores_deleted_rows(db: Database, now: datetime) -> None:
    with db.write() as s:
        jane = upsert_contact(
            s, email="jane@acme.com", name="Jane Doe", tags=["vip"], now=now
        ).contact
        jane_id = jane.id
    before = snapshot(db)
    with db.write() as s, track_changes(s, user_id=None, source="cli", now=now) as change:
        s.delete(s.get(Contact, jane_id))
    with db.read() as s:
        assert s.get(Contact, jane_id) is None
    with db.write() as s:
        undo_change(s, change.id, now=now)
    assert snapshot(db) == before


def test_undo_refuses_when_a_later_change_touched_the_same_row(db: Database, now: datetime) -> None:
    with db.write() as s, track_changes(s, user_id=None, source="email", now=now) as first:
        jane = upsert_contact(s, email="jane@acme.com", name="Jane Doe", now=now).contact
        jane_id = jane.id
    with db.write() as s, track_changes(s, user_id=None, source="slack", now=now) as second:
        contact = s.get(Contact, jane_id)
        assert contact is not None
        contact.title = "CEO"
    with db.write() as s, pytest.raises(UndoError, match=f"later by change #{second.id}"):
        undo_change(s, first.id, now=now)
    with db.write() as s:
        undo_change(s, second.id, now=now)
        undo_change(s, first.id, now=now)
    with db.read() as s:
        assert s.scalar(select(Contact)) is None


def test_undo_refuses_when_the_row_was_edited_outside_any_change(
    db: Database, now: datetime
) -> None:
    with db.write() as s:
        jane_id = upsert_contact(s, email="jane@acme.com", name="Jane", now=now).contact.id
    with db.write() as s, track_changes(s, user_id=None, source="email", now=now) as change:
        contact = s.get(Contact, jane_id)
        assert contact is not None
        contact.title = "CFO"
    with db.write() as s:
        contact = s.get(Contact, jane_id)
        assert contact is not None
        contact.title = "CEO"
    with db.write() as s, pytest.raises(UndoError, match="edited since"):
        undo_change(s, change.id, now=now)
    with db.write() as s, pytest.raises(UndoError, match="no change"):
        undo_change(s, 4242, now=now)
