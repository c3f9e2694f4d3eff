"""Received mail for the newsletter: what the SMTP server stored for `bounces+…@` and
`unsubscribe+…@`, applied by this sweep (the general intake leaves those rows alone).

Each row is handled in its own transaction and ends `processed` (something was applied),
`ignored` (an out-of-office reply, an unknown token) or `failed` with the error, kept for
`crm inbound retry`; the raw bytes are never touched.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from jobs.campaigns.bounces import handle_bounce_message
from store.db import Database
from store.models import InboundMessage, InboundStatus

log = logging.getLogger(__name__)

PREFIXES = ("bounces+", "unsubscribe+")
_ADDRESS = re.compile(r"[^\s,;<>]+@[^\s,;<>]+")


@dataclass(frozen=True)
class InboundReport:
    processed: int
    ignored: int
    failed: int


def ours(rcpt_to: str | None) -> list[str]:
    """The newsletter addresses among a row's recipients."""
    return [a for a in _ADDRESS.findall(rcpt_to or "") if a.lower().startswith(PREFIXES)]


def pending(session: Session, limit: int) -> list[int]:
    lowered = func.lower(InboundMessage.rcpt_to)
    return list(
        session.scalars(
            select(InboundMessage.id)
            .where(
                InboundMessage.status == InboundStatus.RECEIVED,
                or_(*(lowered.like(f"%{p}%") for p in PREFIXES)),
            )
            .order_by(InboundMessage.id)
            .limit(limit)
        )
    )


def process_newsletter_mail(db: Database, now: datetime, *, limit: int = 200) -> InboundReport:
    with db.read() as session:
        ids = pending(session, limit)
    counts = {"processed": 0, "ignored": 0, "failed": 0}
    for inbound_id in ids:
        counts[_one(db, inbound_id, now)] += 1
    return InboundReport(**counts)


def _one(db: Database, inbound_id: int, now: datetime) -> str:
    try:
        with db.write() as session:
            row = session.get(InboundMessage, inbound_id)
            if row is None or row.status != InboundStatus.RECEIVED:
                return "ignored"
            outcomes = [
                handle_bounce_message(session, row.raw, rcpt, now=now) for rcpt in ours(row.rcpt_to)
            ]
            applied = any(o.action != "ignored" for o in outcomes)
            row.status = InboundStatus.PROCESSED if applied else InboundStatus.IGNORED
            row.reasons = [f"{o.action}: {o.detail}"[:500] for o in outcomes]
            row.processed_at = now
            row.attempts = (row.attempts or 0) + 1
            return "processed" if applied else "ignored"
    except Exception as exc:  # kept for a human, never dropped
        log.exception("newsletter mail %s could not be applied", inbound_id)
        with db.write() as session:
            row = session.get(InboundMessage, inbound_id)
            if row is not None:
                row.status = InboundStatus.FAILED
                row.error = f"{type(exc).__name__}: {exc}"[:2000]
                row.attempts = (row.attempts or 0) + 1
        return "failed"
