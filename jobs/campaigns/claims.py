"""The campaign sender's claim: due campaign messages whose campaign is still sending.

The lease, the stale-claim rule and what happens to a row a dead sender had handed over
are the same as the mailer's (jobs/claims.py); this adds the campaign's own conditions and
cancels messages to addresses suppressed since they were queued.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, or_, select, update
from sqlalchemy.orm import Session

from jobs.campaigns.mime import split_address
from jobs.campaigns.sending import KIND
from jobs.campaigns.service import TEST_KIND
from jobs.claims import give_up_handed_over, is_stale
from store.db import Database
from store.models import (
    Campaign,
    CampaignRecipient,
    CampaignStatus,
    OutboxMessage,
    OutboxStatus,
    RecipientStatus,
    Suppression,
)

log = logging.getLogger(__name__)

KINDS = (KIND, TEST_KIND)


@dataclass(frozen=True)
class Row:
    id: int
    to: str
    subject: str
    text: str
    html: str | None
    headers: dict[str, str]
    message_id: str
    attempts: int
    recipient_id: int | None
    campaign_id: int | None


_OUT = OutboxMessage
_COLUMNS = (
    _OUT.id,
    _OUT.to_addr,
    _OUT.subject,
    _OUT.body_text,
    _OUT.body_html,
    _OUT.headers,
    _OUT.message_id,
    _OUT.attempts,
    _OUT.campaign_recipient_id,
    CampaignRecipient.campaign_id,
    _OUT.claimed_by,
    _OUT.claimed_at,
    _OUT.sent_at,
)


def _candidates(kinds: tuple[str, ...], where: ColumnElement[bool], limit: int) -> Select[Any]:
    return (
        select(*_COLUMNS)
        .outerjoin(CampaignRecipient, CampaignRecipient.id == _OUT.campaign_recipient_id)
        .outerjoin(Campaign, Campaign.id == CampaignRecipient.campaign_id)
        .where(
            _OUT.kind.in_(kinds),
            where,
            or_(_OUT.kind == TEST_KIND, Campaign.status == CampaignStatus.SENDING),
        )
        .order_by(_OUT.due_at, _OUT.id)
        .limit(limit)
        .with_for_update(skip_locked=True, of=_OUT)
    )


def claim(
    db: Database,
    *,
    worker: str,
    now: datetime,
    limit: int,
    kinds: tuple[str, ...] = KINDS,
) -> list[Row]:
    """Take up to `limit` due messages whose campaign is still sending (tests go out
    whatever): stale claims first, then pending rows in due order. One transaction (on
    SQLite `BEGIN IMMEDIATE`, on PostgreSQL `FOR UPDATE SKIP LOCKED`), so two senders never
    hold the same row. Suppressed addresses are cancelled on the way."""
    with db.write() as session:
        stale = [
            r
            for r in session.execute(_candidates(kinds, _OUT.status == OutboxStatus.SENDING, limit))
            if is_stale(r.claimed_by, r.claimed_at, now)
        ]
        give_up_handed_over(session, [(r.id, r.campaign_recipient_id) for r in stale if r.sent_at])
        found = [r for r in stale if r.sent_at is None]
        for r in found:
            log.warning(
                "campaign message %s: claim by %s is stale, sending again", r.id, r.claimed_by
            )
        due = and_(_OUT.status == OutboxStatus.PENDING, _OUT.due_at <= now)
        found += list(session.execute(_candidates(kinds, due, limit - len(found))))
        if not found:
            return []
        session.execute(
            update(_OUT)
            .where(_OUT.id.in_([r.id for r in found]))
            .values(status=OutboxStatus.SENDING, claimed_by=worker, claimed_at=now, sent_at=None)
            .execution_options(synchronize_session=False)
        )
        rows = [
            Row(
                id=r.id,
                to=r.to_addr,
                subject=r.subject,
                text=r.body_text,
                html=r.body_html,
                headers=dict(r.headers or {}),
                message_id=r.message_id or f"<outbox.{r.id}@crm>",
                attempts=r.attempts,
                recipient_id=r.campaign_recipient_id,
                campaign_id=r.campaign_id,
            )
            for r in found
        ]
        return _drop_suppressed(session, rows)


def _drop_suppressed(session: Session, rows: list[Row]) -> list[Row]:
    """An address suppressed after its message was queued gets nothing: the row is cancelled."""
    emails = {split_address(r.to)[1].lower(): r for r in rows if r.recipient_id is not None}
    if not emails:
        return rows
    found = set(session.scalars(select(Suppression.email).where(Suppression.email.in_(emails))))
    dropped = [emails[e] for e in found]
    for row in dropped:
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == row.id)
            .values(status=OutboxStatus.CANCELLED, last_error="address suppressed")
        )
        session.execute(
            update(CampaignRecipient)
            .where(
                CampaignRecipient.id == row.recipient_id,
                CampaignRecipient.status == RecipientStatus.QUEUED,
            )
            .values(status=RecipientStatus.SKIPPED, detail="address suppressed before sending")
        )
    ids = {r.id for r in dropped}
    return [r for r in rows if r.id not in ids]
