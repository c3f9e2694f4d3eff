"""At-most-once handling of Slack events: a retried delivery has the same `event_id`."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from store.db import Database
from store.models import SeenEvent

SOURCE = "slack_event"


def first_time(db: Database, key: str, *, now: datetime, source: str = SOURCE) -> bool:
    """Record `key`; True only for the first caller, across threads and processes."""
    try:
        with db.write() as session:
            if session.scalar(
                select(SeenEvent.id).where(SeenEvent.source == source, SeenEvent.key == key)
            ):
                return False
            session.add(SeenEvent(source=source, key=key[:300], seen_at=now))
    except IntegrityError:
        return False
    return True
