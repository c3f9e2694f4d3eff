"""Delivering queued campaign messages, counting errors, and pausing a send that keeps failing.

Rows are not claimed ahead: the conditional update that marks a row sent
(`WHERE status = 'pending'`) is the claim, made at the last moment (see transport.py), so
two senders never deliver the same row and a killed sender leaves nothing half-claimed.

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
from email.utils import parseaddr
from typing import cast

from sqlalchemy import Engine, Table, bindparam, or_, select, update
from sqlalchemy.orm import Session

from jobs.campaigns.mime import ENVELOPE_HEADER, build_message
from jobs.campaigns.sending import KIND
from jobs.campaigns.service import TEST_KIND
from jobs.campaigns.transport import CampaignTransport, SendFailure
from store.db import IMMEDIATE, Database
from store.models import (
    Campaign,
    CampaignRecipient,
    CampaignStatus,
    OutboxMessage,
    OutboxStatus,
    RecipientStatus,
    Role,
    Suppression,
    User,
)
from store.outbox import enqueue
from store.settings import Settings

log = logging.getLogger(__name__)

KINDS = (KIND, TEST_KIND)
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


@dataclass(frozen=True)
class _Row:
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


def backoff(attempts: int) -> timedelta:
    return min(timedelta(minutes=2 ** max(attempts - 1, 0)), timedelta(hours=2))


def due_rows(
    session: Session, *, now: datetime, limit: int, kinds: tuple[str, ...] = KINDS
) -> list[_Row]:
    """Due campaign messages whose campaign is still sending (tests go out whatever)."""
    stmt = (
        select(OutboxMessage, CampaignRecipient.campaign_id)
        .outerjoin(CampaignRecipient, CampaignRecipient.id == OutboxMessage.campaign_recipient_id)
        .outerjoin(Campaign, Campaign.id == CampaignRecipient.campaign_id)
        .where(
            OutboxMessage.kind.in_(kinds),
            OutboxMessage.status == OutboxStatus.PENDING,
            OutboxMessage.due_at <= now,
            or_(OutboxMessage.kind == TEST_KIND, Campaign.status == CampaignStatus.SENDING),
        )
        .order_by(OutboxMessage.due_at, OutboxMessage.id)
        .limit(limit)
    )
    return [
        _Row(
            id=o.id,
            to=o.to_addr,
            subject=o.subject,
            text=o.body_text,
            html=o.body_html,
            headers=dict(o.headers or {}),
            message_id=o.message_id or f"<outbox.{o.id}@crm>",
            attempts=o.attempts,
            recipient_id=o.campaign_recipient_id,
            campaign_id=cid,
        )
        for o, cid in session.execute(stmt)
    ]


def next_due(session: Session) -> datetime | None:
    """When the next campaign message falls due, for a sender deciding how long to wait."""
    return session.scalar(
        select(OutboxMessage.due_at)
        .where(OutboxMessage.kind.in_(KINDS), OutboxMessage.status == OutboxStatus.PENDING)
        .order_by(OutboxMessage.due_at)
        .limit(1)
    )


def _drop_suppressed(session: Session, db: Database, rows: list[_Row]) -> list[_Row]:
    """An address suppressed after its message was queued gets nothing: the row is cancelled."""
    emails = {parseaddr(r.to)[1].lower(): r for r in rows if r.recipient_id is not None}
    if not emails:
        return rows
    found = set(session.scalars(select(Suppression.email).where(Suppression.email.in_(emails))))
    if not found:
        return rows
    dropped = [emails[e] for e in found]
    with db.write() as tx:
        for row in dropped:
            tx.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == row.id, OutboxMessage.status == OutboxStatus.PENDING)
                .values(status=OutboxStatus.CANCELLED, last_error="address suppressed")
            )
            tx.execute(
                update(CampaignRecipient)
                .where(
                    CampaignRecipient.id == row.recipient_id,
                    CampaignRecipient.status == RecipientStatus.QUEUED,
                )
                .values(status=RecipientStatus.SKIPPED, detail="address suppressed before sending")
            )
    ids = {r.id for r in dropped}
    return [r for r in rows if r.id not in ids]


@dataclass
class _Shared:
    """What the sending threads of one pass share, changed only under `lock`."""

    errors: dict[int, int]
    report: DeliveryReport
    paused: set[int] = field(default_factory=set)
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
    """Send up to `limit` due messages, one connection per transport given, each outcome
    committed as it happens.

    Several connections help against a distant relay, at a price: a thread that has
    recorded a message as sent may wait for the interpreter lock before it sends the final
    dot, which widens the moment in which a crash loses that message. With one connection
    (the default, CRM_CAMPAIGN_CONNECTIONS=1) that moment is a single system call.
    """
    with db.read() as session:
        rows = due_rows(session, now=clock(), limit=limit, kinds=kinds)
        errors = {
            int(cid): int(count)
            for cid, count in session.execute(
                select(Campaign.id, Campaign.consecutive_errors).where(
                    Campaign.id.in_({r.campaign_id for r in rows if r.campaign_id})
                )
            )
        }
        rows = _drop_suppressed(session, db, rows)
    shared = _Shared(errors=errors, report=DeliveryReport())
    writer = db.engine.execution_options(**{IMMEDIATE: True})
    pending = iter(rows)
    transports = list(transport) if isinstance(transport, Sequence) else [transport]

    def work(conn: CampaignTransport) -> None:
        while True:
            with shared.lock:
                row = next(pending, None)
                if row is not None and row.campaign_id in shared.paused:
                    continue
            if row is None:
                return
            _deliver_one(db, writer, settings, conn, row, clock(), shared)

    if len(transports) == 1 or len(rows) < 2:
        work(transports[0])
    else:
        with ThreadPoolExecutor(len(transports), thread_name_prefix="campaign-send") as pool:
            for future in [pool.submit(work, t) for t in transports]:
                future.result()
    return shared.report


def _deliver_one(
    db: Database,
    writer: Engine,
    settings: Settings,
    transport: CampaignTransport,
    row: _Row,
    now: datetime,
    shared: _Shared,
) -> None:
    envelope = row.headers.get(ENVELOPE_HEADER) or settings.bot_address
    rcpt = parseaddr(row.to)[1] or row.to
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

    def commit() -> bool:
        return _mark_sent(writer, row, now, reset_errors=bool(shared.errors.get(cid or 0)))

    try:
        delivered = transport.send(envelope, rcpt, data, commit)
        with shared.lock:
            shared.report.sent += int(delivered)
            if delivered and cid:
                shared.errors[cid] = 0
        return
    except SendFailure as exc:
        failure = exc
    outcome = _record_failure(db, settings, row, failure, now)
    with shared.lock:
        shared.report.failed += outcome == "failed"
        shared.report.deferred += outcome == "deferred"
    if (failure.recipient and failure.permanent) or cid is None or failure.maybe_delivered:
        return
    count = _count_error(db, settings, cid, str(failure), now)
    with shared.lock:
        shared.errors[cid] = count
        if count >= settings.campaign_error_limit and cid not in shared.paused:
            shared.paused.add(cid)
            shared.report.paused.append(str(cid))


_OUTBOX = cast(Table, OutboxMessage.__table__)
_RECIPIENTS = cast(Table, CampaignRecipient.__table__)
_MARK_SENT = (
    update(_OUTBOX)
    .where(_OUTBOX.c.id == bindparam("row_id"), _OUTBOX.c.status == OutboxStatus.PENDING)
    .values(status=OutboxStatus.SENT, sent_at=bindparam("now"), attempts=bindparam("attempts"))
)
_RECIPIENT_SENT = (
    update(_RECIPIENTS)
    .where(_RECIPIENTS.c.id == bindparam("rid"))
    .values(status=RecipientStatus.SENT, sent_at=bindparam("now"))
)


def _mark_sent(writer: Engine, row: _Row, now: datetime, *, reset_errors: bool) -> bool:
    """The claim and the record in one short transaction (Core, not the ORM: it runs once
    per message and is most of the sender's own cost)."""
    with writer.begin() as conn:
        result = conn.execute(
            _MARK_SENT, {"row_id": row.id, "now": now, "attempts": row.attempts + 1}
        )
        if result.rowcount != 1:
            return False
        if row.recipient_id is not None:
            conn.execute(_RECIPIENT_SENT, {"rid": row.recipient_id, "now": now})
        if reset_errors and row.campaign_id is not None:
            conn.execute(
                update(Campaign).where(Campaign.id == row.campaign_id).values(consecutive_errors=0)
            )
    return True


def _record_failure(
    db: Database, settings: Settings, row: _Row, failure: SendFailure, now: datetime
) -> str:
    """Write down what went wrong; 'failed', 'deferred' or 'kept' (probably delivered)."""
    from jobs.campaigns.bounces import record_bounce

    with db.write() as session:
        out = session.get(OutboxMessage, row.id)
        if out is None:
            return "failed"
        out.last_error = str(failure)[:2000]
        if failure.maybe_delivered:
            return "kept"  # the dot went out; sending again could deliver it twice
        out.attempts = row.attempts + 1
        out.sent_at = None
        recipient = session.get(CampaignRecipient, row.recipient_id) if row.recipient_id else None
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
