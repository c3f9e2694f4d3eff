"""Writing a campaign's messages to the outbox in checkpointed batches.

A batch takes the recipients with `last_recipient_id < id <= max_id`, writes one outbox row
each (dedupe key `campaign:{campaign}:{recipient}`) and moves `last_recipient_id` forward,
all in one transaction: a crash before the commit leaves neither rows nor checkpoint, a
crash after leaves both, so a restart neither repeats nor skips anyone.

The sending rate is applied here, as `due_at` spacing (message i of a campaign is due
i/rate seconds after the first), so whatever delivers the outbox keeps to it; the hourly
cap is a sliding window over the campaign messages due in the past hour.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from jobs.campaigns.message import contact_fields, recipient_message
from store.models import (
    Campaign,
    CampaignRecipient,
    CampaignStatus,
    Company,
    Contact,
    OutboxChannel,
    OutboxMessage,
    OutboxStatus,
    RecipientStatus,
    Suppression,
)
from store.outbox import check_header, enqueue
from store.settings import Settings

KIND = "campaign"
BATCH = 500


@dataclass(frozen=True)
class BatchResult:
    queued: int
    skipped: int
    exhausted: bool  # every recipient has been through a batch


def dedupe_key(campaign_id: int, recipient_id: int) -> str:
    return f"campaign:{campaign_id}:{recipient_id}"


def hourly_room(session: Session, settings: Settings, now: datetime) -> int | None:
    """How many more campaign messages may fall due in the hour ending now; None = no cap."""
    cap = settings.campaign_hourly_limit
    if not cap:
        return None
    used = session.scalar(
        select(func.count(OutboxMessage.id)).where(
            OutboxMessage.kind == KIND,
            OutboxMessage.due_at > now - timedelta(hours=1),
            OutboxMessage.due_at <= now + timedelta(hours=1),
        )
    )
    return max(cap - int(used or 0), 0)


def _next_slot(session: Session, campaign: Campaign, now: datetime) -> datetime:
    """When this campaign's latest queued message is due (rows are queued in due order)."""
    if not campaign.last_recipient_id:
        return now
    last_due = session.scalar(
        select(OutboxMessage.due_at)
        .where(
            OutboxMessage.kind == KIND,
            OutboxMessage.dedupe_key.startswith(f"campaign:{campaign.id}:"),
        )
        .order_by(OutboxMessage.id.desc())
        .limit(1)
    )
    return max(now, last_due) if last_due else now


def max_recipient_id(session: Session, campaign_id: int) -> int:
    value = session.scalar(
        select(func.max(CampaignRecipient.id)).where(CampaignRecipient.campaign_id == campaign_id)
    )
    return int(value or 0)


def enqueue_batch(
    session: Session,
    campaign: Campaign,
    settings: Settings,
    *,
    now: datetime,
    limit: int = BATCH,
    max_id: int | None = None,
) -> BatchResult:
    """Queue the next `limit` recipients; the caller's transaction commits rows and checkpoint."""
    if campaign.status != CampaignStatus.SENDING:
        return BatchResult(0, 0, exhausted=False)
    top = max_id if max_id is not None else max_recipient_id(session, campaign.id)
    room = hourly_room(session, settings, now)
    if room is not None:
        limit = min(limit, room)
    if limit <= 0:
        return BatchResult(0, 0, exhausted=campaign.last_recipient_id >= top)
    batch = list(
        session.scalars(
            select(CampaignRecipient)
            .where(
                CampaignRecipient.campaign_id == campaign.id,
                CampaignRecipient.id > campaign.last_recipient_id,
                CampaignRecipient.id <= top,
            )
            .order_by(CampaignRecipient.id)
            .limit(limit)
        )
    )
    if not batch:
        return BatchResult(0, 0, exhausted=True)
    contacts = _contacts(session, [r.contact_id for r in batch if r.contact_id])
    suppressed = set(
        session.scalars(
            select(Suppression.email).where(Suppression.email.in_([r.email for r in batch]))
        )
    )
    step = timedelta(seconds=1 / settings.campaign_rate) if settings.campaign_rate else None
    due = _next_slot(session, campaign, now)
    queued = skipped = 0
    rows: list[dict[str, object]] = []
    for recipient in batch:
        contact = contacts.get(recipient.contact_id or 0)
        reason = _skip_reason(contact, recipient.email, suppressed)
        if reason or contact is None:
            recipient.status, recipient.detail = RecipientStatus.SKIPPED, reason
            skipped += 1
            continue
        if step is not None and queued:
            due += step
        rows.append(_outbox_row(campaign, settings, recipient, contact, due))
        queued += 1
    _insert(session, rows)
    _mark_queued(session, [int(str(r["campaign_recipient_id"])) for r in rows])
    campaign.last_recipient_id = batch[-1].id
    return BatchResult(queued, skipped, exhausted=batch[-1].id >= top)


def _mark_queued(session: Session, ids: list[int]) -> None:
    """One UPDATE for the batch instead of one per recipient through the unit of work."""
    if ids:
        session.execute(
            update(CampaignRecipient)
            .where(CampaignRecipient.id.in_(ids))
            .values(status=RecipientStatus.QUEUED)
            .execution_options(synchronize_session=False)
        )


def _contacts(session: Session, ids: list[int]) -> dict[int, Contact]:
    if not ids:
        return {}
    rows = session.scalars(
        select(Contact)
        .where(Contact.id.in_(ids))
        .options(
            selectinload(Contact.owner),
            selectinload(Contact.company).selectinload(Company.owner),
        )
    )
    return {c.id: c for c in rows}


def _skip_reason(contact: Contact | None, email: str, suppressed: set[str]) -> str | None:
    """Consent and suppressions are checked again at send time: they apply at once."""
    if contact is None:
        return "contact deleted"
    if email in suppressed:
        return "address suppressed"
    if not contact.marketing_consent:
        return "consent withdrawn"
    if contact.do_not_contact:
        return "do not contact"
    if contact.merged_into_id is not None:
        return "contact merged"
    return None


def _outbox_row(
    campaign: Campaign,
    settings: Settings,
    recipient: CampaignRecipient,
    contact: Contact,
    due: datetime,
) -> dict[str, object]:
    fields = contact_fields(contact, campaign, email=recipient.email)
    msg = recipient_message(
        campaign, settings, fields=fields, token=recipient.token, recipient_id=recipient.id
    )
    to = _to_header(contact, recipient.email)
    check_header("To", to)
    check_header("Subject", msg.subject)
    return {
        "kind": KIND,
        "dedupe_key": dedupe_key(campaign.id, recipient.id),
        "channel": OutboxChannel.EMAIL,
        "to_addr": to,
        "subject": msg.subject,
        "body_text": msg.text,
        "body_html": msg.html,
        "headers": msg.headers,
        "message_id": msg.message_id,
        "status": OutboxStatus.PENDING,
        "due_at": due,
        "attempts": 0,
        "campaign_recipient_id": recipient.id,
    }


def _insert(session: Session, rows: list[dict[str, object]]) -> None:
    """One multi-row insert; if a row exists already (it cannot, short of a hand edit), one
    by one through `enqueue`, which skips existing keys."""
    if not rows:
        return
    try:
        with session.begin_nested():
            session.execute(insert(OutboxMessage), rows)
    except IntegrityError:
        for row in rows:
            queued = enqueue(
                session,
                kind=KIND,
                dedupe_key=str(row["dedupe_key"]),
                to=str(row["to_addr"]),
                subject=str(row["subject"]),
                text=str(row["body_text"]),
                html=str(row["body_html"]),
                headers=dict(row["headers"]),  # type: ignore[call-overload]
                due_at=row["due_at"],  # type: ignore[arg-type]
                campaign_recipient_id=int(row["campaign_recipient_id"]),  # type: ignore[call-overload]
            )
            if queued is not None:
                queued.message_id = str(row["message_id"])


def _to_header(contact: Contact, email: str) -> str:
    name = " ".join((contact.name or "").split())
    if not name:
        return email
    quoted = name.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{quoted}" <{email}>'
