"""Queueing outgoing messages in the caller's transaction, at most once per dedupe key."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from store.models import (
    Campaign,
    CampaignRecipient,
    CampaignStatus,
    OutboxChannel,
    OutboxMessage,
    OutboxStatus,
    RecipientStatus,
)


class HeaderInjectionError(ValueError):
    """A header value carried a line break; it could have smuggled in headers."""


def check_header(name: str, value: str) -> str:
    if "\r" in value or "\n" in value or "\x00" in value:
        raise HeaderInjectionError(f"line break in the {name} header value")
    return value


def enqueue(
    session: Session,
    *,
    kind: str,
    dedupe_key: str,
    to: str,
    subject: str,
    text: str,
    due_at: datetime,
    html: str | None = None,
    headers: dict[str, str] | None = None,
    channel: OutboxChannel = OutboxChannel.EMAIL,
    payload: dict[str, Any] | None = None,
    campaign_recipient_id: int | None = None,
) -> OutboxMessage | None:
    """Queue a message unless one with the same dedupe key exists; None when it did.

    Runs inside the caller's transaction, so the message exists exactly when the change
    that caused it committed.
    """
    check_header("To", to)
    check_header("Subject", subject)
    for name, value in (headers or {}).items():
        check_header(name, name)
        check_header(name, value)
    if session.scalar(select(OutboxMessage.id).where(OutboxMessage.dedupe_key == dedupe_key)):
        return None
    row = OutboxMessage(
        kind=kind,
        dedupe_key=dedupe_key,
        channel=channel,
        to_addr=to,
        subject=subject,
        body_text=text,
        body_html=html,
        headers=dict(headers or {}),
        payload=payload,
        due_at=due_at,
        campaign_recipient_id=campaign_recipient_id,
    )
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        return None  # another process queued the same key first
    return row


class NotRetryable(ValueError):
    """Only a failed row can be sent once more."""


def requeue(session: Session, row_id: int, *, now: datetime) -> OutboxMessage:
    """A failed row goes back to the queue, due now, its attempts kept. A campaign message
    takes its recipient back to the queue and, if the campaign had finished, reopens it for
    that one message (the campaign sender only sends for campaigns that are sending)."""
    row = session.get(OutboxMessage, row_id)
    if row is None:
        raise NotRetryable(f"no outbox message {row_id}")
    if row.status != OutboxStatus.FAILED:
        raise NotRetryable(f"outbox message {row_id} is {row.status}, not failed")
    row.status, row.due_at = OutboxStatus.PENDING, now
    row.claimed_by, row.claimed_at, row.sent_at = None, None, None
    if row.campaign_recipient_id is not None:
        recipient = session.get(CampaignRecipient, row.campaign_recipient_id)
        if recipient is not None:
            recipient.status, recipient.detail = RecipientStatus.QUEUED, None
            campaign = session.get(Campaign, recipient.campaign_id)
            if campaign is not None and campaign.status == CampaignStatus.SENT:
                campaign.status, campaign.finished_at = CampaignStatus.SENDING, None
    return row
