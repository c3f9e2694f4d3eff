"""Who holds an outbox row while it is being sent, and how a crashed holder's rows come back.

A sender claims a batch of due rows in one statement: they become `sending` with
`claimed_by` (host, process id and a random tag) and `claimed_at`. Nothing else sends a
claimed row. A claim is given up ("stale") when it is older than the lease, or at once when
it names a process on this host that no longer exists (a sender killed with SIGKILL is
replaced by the next run without waiting out the lease).

What happens to a stale row depends on its `sent_at`. A sender sets it, while the row
stays `sending`, in the commit made just before the message's final dot (outcomes.py): so
a stale row without it certainly never reached the relay and is sent again, with the
Message-ID fixed at its first claim; a stale row with it (at most one per connection of the
dead sender) may have arrived. That one is not sent again, so that nobody gets a message
twice: it becomes `failed` with the reason below, its campaign recipient too, and
`crm outbox retry ID` sends it once more when the relay's log shows it never arrived.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import ColumnElement, Select, Table, and_, bindparam, or_, select, update
from sqlalchemy.orm import Session

from jobs.campaigns.mime import split_address
from jobs.campaigns.sending import KIND
from jobs.campaigns.service import TEST_KIND
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

LEASE = timedelta(minutes=10)

INTERRUPTED = (
    "interrupted while the relay was taking it: it may have arrived; not sent again so that "
    "nobody gets it twice; `crm outbox retry {id}` sends it once more"
)


def interrupted(row_id: int) -> str:
    """What a row handed over to the relay without an answer says in `last_error`."""
    return INTERRUPTED.format(id=row_id)


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


def claimer_gone(claimed_by: str | None) -> bool:
    """True when the claim names a process on this host that is no longer running.

    A claim from another host, or one that cannot be read, is never judged gone: it waits
    out the lease. A recycled process id makes a dead claimer look alive, which only delays
    the resend until the lease ends.
    """
    if not claimed_by:
        return True
    host, _, rest = claimed_by.partition(":")
    pid_text = rest.split(":", 1)[0]
    if host != socket.gethostname() or not pid_text.isdigit():
        return False
    pid = int(pid_text)
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def is_stale(
    claimed_by: str | None, claimed_at: datetime | None, now: datetime, *, lease: timedelta = LEASE
) -> bool:
    """A claim past its lease, or one whose process is gone, may be taken over."""
    if claimed_at is None or claimed_at < now - lease:
        return True
    return claimer_gone(claimed_by)


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


def give_up_handed_over(session: Session, rows: Sequence[tuple[int, int | None]]) -> None:
    """Stale rows (outbox id, campaign recipient id) a dead sender had handed to the relay
    fail as uncertain instead of going out again."""
    if not rows:
        return
    for row_id, _ in rows:
        log.warning("outbox row %s: interrupted while the relay was taking it; not resent", row_id)
    out, recipients_table = cast(Table, _OUT.__table__), cast(Table, CampaignRecipient.__table__)
    conn = session.connection()  # Core: one executemany, no ORM bulk-by-key rules
    conn.execute(
        update(out)
        .where(out.c.id == bindparam("row_id"), out.c.status == OutboxStatus.SENDING)
        .values(
            status=OutboxStatus.FAILED,
            claimed_by=None,
            attempts=out.c.attempts + 1,
            last_error=bindparam("error"),
        ),
        [{"row_id": i, "error": interrupted(i)} for i, _ in rows],
    )
    recipients = [(i, r) for i, r in rows if r is not None]
    if recipients:
        conn.execute(
            update(recipients_table)
            .where(recipients_table.c.id == bindparam("rid"))
            .values(status=RecipientStatus.FAILED, detail=bindparam("error")),
            [{"rid": r, "error": interrupted(i)} for i, r in recipients],
        )


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
