"""The daily digest: each user at their own hour in their own zone, once per local day.

The dedupe key is the user and their local date, so whichever sweep first finds the hour
passed queues it (after downtime too, the same day) and every later sweep that day finds
the key taken. A digest more than LATE_HOURS late (the process was down all day) is not
sent that evening; the next morning's is.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from jobs import messages
from jobs.common import existing_keys, slack_enabled, zone_of
from jobs.digest_data import DigestData, collect
from jobs.messages import Rendered
from jobs.runlog import SweepResult
from store.db import Database
from store.models import User
from store.settings import Settings

JOB = "digest"
BATCH = 2000
LATE_HOURS = 12  # after downtime a digest still goes out up to this many hours late


def digest_key(user: User, local_date: str) -> str:
    return f"digest:{user.id}:{local_date}"


def due_users(session: Session, settings: Settings, now: datetime) -> list[tuple[User, str]]:
    """Active users whose digest hour has come today, with their local date."""
    out = []
    for user in session.scalars(select(User).where(User.active.is_(True)).order_by(User.id)):
        local = now.astimezone(zone_of(user.timezone, settings.zone))
        hour = user.digest_hour if user.digest_hour is not None else settings.digest_hour
        if hour <= local.hour < hour + LATE_HOURS:
            out.append((user, local.date().isoformat()))
    return out


def sweep(session: Session, settings: Settings, now: datetime) -> SweepResult:
    candidates = due_users(session, settings, now)
    taken = existing_keys(session, (digest_key(u, d) for u, d in candidates))
    todo = [(u, d) for u, d in candidates if digest_key(u, d) not in taken]
    slack = slack_enabled(settings)
    queued = 0
    outbox = messages.OutboxBatch(session)
    for start in range(0, len(todo), BATCH):
        batch = todo[start : start + BATCH]
        data = collect(session, [u for u, _ in batch], now=now, settings=settings)
        for user, local_date in batch:
            messages.digest(
                outbox,
                to=user.email,
                dedupe_key=digest_key(user, local_date),
                due_at=now,
                data=data[user.id],
                slack_id=user.slack_id if slack and user.slack_id else None,
            )
        queued += outbox.flush()
    return SweepResult(JOB, queued=queued, details={"users": len(todo)})


def preview(session: Session, settings: Settings, user: User, now: datetime) -> Rendered:
    """Today's digest for one user, rendered but not queued."""
    return messages.render_digest(build(session, settings, user, now))


def build(session: Session, settings: Settings, user: User, now: datetime) -> DigestData:
    return collect(session, [user], now=now, settings=settings)[user.id]


def run(db: Database, settings: Settings, now: datetime) -> SweepResult:
    with db.write() as session:
        return sweep(session, settings, now)
