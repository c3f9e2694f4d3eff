"""Delivering queued campaign messages, counting errors, and pausing a send that keeps failing.

A pass claims a batch of due rows in one transaction (`sending`, see claims.py), sends them
over the connections it was given, and records each accepted message while the relay is
busy with the next one: after the next message's envelope went out and before its final dot
(the transport's `ready` hook). That same commit marks the next message handed over (its
`sent_at` set, still `sending`); the first message of a connection gets the mark in a
commit of its own. Rows it claimed but did not get to (a campaign paused mid-batch) go back
to `pending` at the end of the pass.

Nobody gets a message twice. A sender killed at any point loses nothing it had not marked:
at any moment each connection has at most one marked, unrecorded message, the only one the
relay may hold without the store calling it sent. After a crash that one is not sent again:
it is failed as uncertain (claims.py) and `crm outbox retry ID` sends it once more if the
relay log shows it never arrived; every other claimed row is sent again, with the same
Message-ID. A connection lost after the dot, before the relay's answer, is uncertain too.

Errors that say something is wrong with the sending itself (the relay refuses us, the
connection drops, a message is rejected at DATA) count towards the campaign's consecutive
error limit; once reached, the campaign pauses and its owner gets an email. A recipient
refused at RCPT with a 5xx is that address's problem: it is a bounce, not a sending error.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import Connection, Engine, Table, bindparam, select, update
from sqlalchemy.orm import Session

from jobs.campaigns.claims import KINDS, Row, claim
from jobs.campaigns.mime import ENVELOPE_HEADER, build_message, split_address
from jobs.campaigns.transport import CampaignTransport, SendFailure
from jobs.claims import interrupted, worker_id
from jobs.outcomes import mark_sent
from store.db import IMMEDIATE, Database
from store.models import (
    Campaign,
    CampaignRecipient,
    CampaignStatus,
    OutboxMessage,
    OutboxStatus,
    RecipientStatus,
    Role,
    User,
)
from store.outbox import enqueue
from store.settings import Settings

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5


@dataclass
class DeliveryReport:
    sent: int = 0
    failed: int = 0
    deferred: int = 0
    paused: list[str] = field(default_factory=list)

    def add(self, other: DeliveryReport) -> None:
        self.sent += other.sent
        self.failed += other.failed
        self.deferred += other.deferred
        self.paused += other.paused


def backoff(attempts: int) -> timedelta:
    return min(timedelta(minutes=2 ** max(attempts - 1, 0)), timedelta(hours=2))


def next_due(session: Session) -> datetime | None:
    """When the next campaign message falls due, for a sender deciding how long to wait."""
    return session.scalar(
        select(OutboxMessage.due_at)
        .where(OutboxMessage.kind.in_(KINDS), OutboxMessage.status == OutboxStatus.PENDING)
        .order_by(OutboxMessage.due_at)
        .limit(1)
    )


@dataclass
class _Shared:
    """What the sending threads of one pass share, changed only under `lock`."""

    errors: dict[int, int]
    report: DeliveryReport
    paused: set[int] = field(default_factory=set)
    untouched: set[int] = field(default_factory=set)  # claimed, never handed to a transport
    lock: threading.Lock = field(default_factory=threading.Lock)


def deliver_due(
    db: Database,
    settings: Settings,
    transport: CampaignTransport | Sequence[CampaignTransport],
    *,
    clock: Callable[[], datetime],
    limit: int = 500,
    kinds: tuple[str, ...] = KINDS,
) -> DeliveryReport:
    """Claim up to `limit` due messages and send them, one connection per transport given."""
    worker = worker_id()
    rows = claim(db, worker=worker, now=clock(), limit=limit, kinds=kinds)
    if not rows:
        return DeliveryReport()
    with db.read() as session:
        errors = {
            int(cid): int(count)
            for cid, count in session.execute(
                select(Campaign.id, Campaign.consecutive_errors).where(
                    Campaign.id.in_({r.campaign_id for r in rows if r.campaign_id})
                )
            )
        }
    shared = _Shared(errors=errors, report=DeliveryReport(), untouched={r.id for r in rows})
    writer = db.engine.execution_options(**{IMMEDIATE: True})
    pending = iter(rows)
    transports = list(transport) if isinstance(transport, Sequence) else [transport]

    def work(conn: CampaignTransport) -> None:
        with writer.connect() as store:
            record = _Record(store, worker)
            try:
                while True:
                    with shared.lock:
                        row = next(pending, None)
                        if row is not None and row.campaign_id in shared.paused:
                            continue
                        if row is not None:
                            shared.untouched.discard(row.id)
                    if row is None:
                        return
                    _deliver_one(db, settings, conn, row, clock(), shared, record)
            finally:
                record.flush()

    try:
        if len(transports) == 1 or len(rows) < 2:
            work(transports[0])
        else:
            with ThreadPoolExecutor(len(transports), thread_name_prefix="campaign-send") as pool:
                for future in [pool.submit(work, t) for t in transports]:
                    future.result()
    finally:
        _release(writer, worker, shared.untouched)
    return shared.report


@dataclass(frozen=True)
class _Sent:
    row: Row
    at: datetime
    reset_errors: bool


class _Record:
    """One connection's accepted messages not yet committed (at most one, see above)."""

    def __init__(self, store: Connection, worker: str) -> None:
        self.store = store
        self.worker = worker
        self.pending: list[_Sent] = []
        self.handing: tuple[int, datetime] | None = None  # the message about to go over

    def flush(self) -> None:
        """Commit the accepted messages (and the mark on the one in hand, when called as
        the transport's `ready`)."""
        handing, self.handing = self.handing, None
        if self.pending or handing is not None:
            batch, self.pending = self.pending, []
            _flush_sent(self.store, self.worker, batch, handing)


def _deliver_one(
    db: Database,
    settings: Settings,
    transport: CampaignTransport,
    row: Row,
    now: datetime,
    shared: _Shared,
    record: _Record,
) -> None:
    """Send one row and note the outcome (a success is committed during the next send)."""
    envelope = row.headers.get(ENVELOPE_HEADER) or settings.bot_address
    rcpt = split_address(row.to)[1] or row.to
    data = build_message(
        from_addr=settings.bot_address,
        to=row.to,
        subject=row.subject,
        text=row.text,
        html=row.html,
        message_id=row.message_id,
        date=now,
        headers=row.headers,
    )
    cid = row.campaign_id
    record.handing = (row.id, now)
    try:
        transport.send(envelope, rcpt, data, record.flush)
    except SendFailure as exc:
        failure = exc
    else:
        with shared.lock:
            shared.report.sent += 1
            reset = bool(cid and shared.errors.get(cid))
            if cid:
                shared.errors[cid] = 0
        record.pending.append(_Sent(row, now, reset))
        return
    finally:
        record.handing = None
    record.flush()
    outcome = _record_failure(db, settings, row, failure, now)
    with shared.lock:
        shared.report.failed += outcome == "failed"
        shared.report.deferred += outcome == "deferred"
    if (failure.recipient and failure.permanent) or cid is None:
        return
    count = _count_error(db, settings, cid, str(failure), now)
    with shared.lock:
        shared.errors[cid] = count
        if count >= settings.campaign_error_limit and cid not in shared.paused:
            shared.paused.add(cid)
            shared.report.paused.append(str(cid))


_OUTBOX = cast(Table, OutboxMessage.__table__)
_RELEASE = (
    update(_OUTBOX)
    .where(
        _OUTBOX.c.id == bindparam("row_id"),
        _OUTBOX.c.status == OutboxStatus.SENDING,
        _OUTBOX.c.claimed_by == bindparam("worker"),
    )
    .values(status=OutboxStatus.PENDING, claimed_by=None, claimed_at=None)
)


def _flush_sent(
    store: Connection, worker: str, sent: list[_Sent], handing: tuple[int, datetime] | None
) -> None:
    mark_sent(
        store,
        worker,
        [(s.row.id, s.at) for s in sent],
        recipients=[(s.row.recipient_id, s.at) for s in sent if s.row.recipient_id],
        reset_campaigns={s.row.campaign_id for s in sent if s.reset_errors and s.row.campaign_id},
        handing=handing,
    )


def _release(writer: Engine, worker: str, ids: set[int]) -> None:
    """Rows claimed but never handed to a transport go back to the queue."""
    if not ids:
        return
    with writer.begin() as conn:
        conn.execute(_RELEASE, [{"row_id": i, "worker": worker} for i in ids])


def _record_failure(
    db: Database, settings: Settings, row: Row, failure: SendFailure, now: datetime
) -> str:
    """Write down what went wrong; 'failed' or 'deferred'. A connection lost after the dot
    (the relay may have the message) is not retried: it fails as uncertain, like a message
    a dead sender had handed over."""
    from jobs.campaigns.bounces import record_bounce

    with db.write() as session:
        out = session.get(OutboxMessage, row.id)
        if out is None:
            return "failed"
        out.last_error = str(failure)[:2000]
        out.attempts = row.attempts + 1
        out.sent_at = None
        out.claimed_by = None
        recipient = session.get(CampaignRecipient, row.recipient_id) if row.recipient_id else None
        if failure.maybe_delivered:
            out.last_error = f"{interrupted(row.id)} ({failure})"[:2000]
            out.status, out.sent_at = OutboxStatus.FAILED, now
            if recipient is not None:
                recipient.status, recipient.detail = RecipientStatus.FAILED, interrupted(row.id)
            return "failed"
        if failure.permanent or out.attempts >= MAX_ATTEMPTS:
            out.status = OutboxStatus.FAILED
            if recipient is not None:
                recipient.status, recipient.detail = RecipientStatus.FAILED, str(failure)[:500]
                if failure.recipient and failure.permanent:
                    record_bounce(session, recipient, severity="hard", reason=str(failure), now=now)
            return "failed"
        out.status = OutboxStatus.PENDING
        out.due_at = now + backoff(out.attempts)
        if recipient is not None:
            recipient.status = RecipientStatus.QUEUED
        return "deferred"


def _count_error(
    db: Database, settings: Settings, campaign_id: int, error: str, now: datetime
) -> int:
    with db.write() as session:
        campaign = session.get(Campaign, campaign_id)
        if campaign is None:
            return 0
        campaign.consecutive_errors += 1
        if (
            campaign.consecutive_errors >= settings.campaign_error_limit
            and campaign.status == CampaignStatus.SENDING
        ):
            campaign.status = CampaignStatus.PAUSED
            notify_owner_paused(session, settings, campaign, error, now=now)
            log.warning("campaign %s paused after %s errors", campaign.name, campaign_id)
        return campaign.consecutive_errors


def owner_address(session: Session, campaign: Campaign) -> str | None:
    if campaign.created_by is not None and campaign.created_by.active:
        return campaign.created_by.email
    admin = session.scalar(
        select(User.email).where(User.role == Role.ADMIN, User.active.is_(True)).order_by(User.id)
    )
    return admin


def notify_owner_paused(
    session: Session, settings: Settings, campaign: Campaign, error: str, *, now: datetime
) -> None:
    to = owner_address(session, campaign)
    if to is None:
        return
    text = (
        f"The campaign {campaign.name!r} was paused after {campaign.consecutive_errors} "
        f"delivery errors in a row.\n\nLast error: {error}\n\n"
        "Nothing more goes out until it is resumed. When the cause is fixed:\n"
        f"    crm campaign resume {campaign.name}\n"
    )
    enqueue(
        session,
        kind="campaign_paused",
        dedupe_key=f"campaign-paused:{campaign.id}:{now.isoformat()}",
        to=to,
        subject=f"Campaign paused: {campaign.name}",
        text=text,
        due_at=now,
    )
