"""The mailer's claim: due outbox rows taken for one worker in three Core statements.

Only the columns a send needs are read, into plain objects (no ORM identity map, no unit of
work), and the claim itself is one UPDATE that also gives every row still without one its
Message-ID (`<tag.id@domain>`, the tag random per claim), so a resend carries the same one.
Stale claims come first; what recovery does with them is jobs/claims.py's rule: a row a dead
sender had handed over fails as uncertain, the others are sent again.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import String, Table, func, literal, select, update
from sqlalchemy import cast as sql_cast
from sqlalchemy.orm import Session

from jobs.campaigns.claims import KINDS as CAMPAIGN_KINDS
from jobs.claims import give_up_handed_over, is_stale
from store.models import OutboxChannel, OutboxMessage, OutboxStatus

log = logging.getLogger(__name__)

_OUT = cast(Table, OutboxMessage.__table__)


@dataclass
class Claimed:
    """What the mailer needs of a claimed row (the names are the model's)."""

    id: int
    kind: str
    channel: OutboxChannel
    to_addr: str
    subject: str
    body_text: str
    body_html: str | None
    headers: dict[str, Any]
    payload: dict[str, Any] | None
    message_id: str


_COLUMNS = (
    _OUT.c.id,
    _OUT.c.kind,
    _OUT.c.channel,
    _OUT.c.to_addr,
    _OUT.c.subject,
    _OUT.c.body_text,
    _OUT.c.body_html,
    _OUT.c.headers,
    _OUT.c.payload,
    _OUT.c.message_id,
)
_ORDER = (_OUT.c.due_at, _OUT.c.id)
_OURS = _OUT.c.kind.not_in(CAMPAIGN_KINDS)  # campaign rows have their own sender


def claim(
    session: Session, *, worker: str, now: datetime, limit: int, lease: timedelta, domain: str
) -> tuple[list[Claimed], int]:
    """Up to `limit` rows (stale claims first, then due pending rows), now `sending` for
    `worker`; and how many stale rows failed as handed over."""
    conn = session.connection()
    stale = [
        r
        for r in conn.execute(
            select(_OUT.c.id, _OUT.c.claimed_by, _OUT.c.claimed_at, _OUT.c.sent_at)
            .where(_OUT.c.status == OutboxStatus.SENDING, _OURS)
            .order_by(*_ORDER)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        if is_stale(r.claimed_by, r.claimed_at, now, lease=lease)
    ]
    handed = [(r.id, None) for r in stale if r.sent_at is not None]
    give_up_handed_over(session, handed)
    again = [r for r in stale if r.sent_at is None]
    found: list[Any] = []  # result rows
    if again:
        for r in again:
            log.warning("reclaiming outbox row %s left by %s", r.id, r.claimed_by)
        found += conn.execute(
            select(*_COLUMNS).where(_OUT.c.id.in_([r.id for r in again])).order_by(*_ORDER)
        ).all()
    if len(found) < limit:
        found += conn.execute(
            select(*_COLUMNS)
            .where(_OUT.c.status == OutboxStatus.PENDING, _OUT.c.due_at <= now, _OURS)
            .order_by(*_ORDER)
            .limit(limit - len(found))
            .with_for_update(skip_locked=True)
        ).all()
    if not found:
        return [], len(handed)
    prefix, suffix = f"<{uuid.uuid4().hex}.", f"@{domain}>"
    conn.execute(
        update(_OUT)
        .where(_OUT.c.id.in_([r.id for r in found]))
        .values(
            status=OutboxStatus.SENDING,
            claimed_by=worker,
            claimed_at=now,
            sent_at=None,
            message_id=func.coalesce(
                _OUT.c.message_id, literal(prefix) + sql_cast(_OUT.c.id, String) + literal(suffix)
            ),
        )
    )
    rows = [
        Claimed(
            id=r.id,
            kind=r.kind,
            channel=r.channel,
            to_addr=r.to_addr,
            subject=r.subject,
            body_text=r.body_text,
            body_html=r.body_html,
            headers=dict(r.headers or {}),
            payload=r.payload,
            message_id=r.message_id or f"{prefix}{r.id}{suffix}",
        )
        for r in found
    ]
    return rows, len(handed)
