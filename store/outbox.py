"""Queueing outgoing messages in the caller's transaction, at most once per dedupe key."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from store.models import OutboxChannel, OutboxMessage


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
