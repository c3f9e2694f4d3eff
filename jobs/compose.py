"""Turning an outbox row into the email a mail client will show.

Header values are checked again here, not only at enqueue time: a row written by an older
version, or edited by hand in the database, must not be able to smuggle in headers.
"""

from __future__ import annotations

from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Any, Protocol

from jobs.campaigns.mime import build_message
from store.models import OutboxMessage
from store.outbox import HeaderInjectionError, check_header

# Headers the composer owns; a row may not override them through its `headers` dict.
RESERVED = frozenset(
    {
        "from",
        "to",
        "subject",
        "date",
        "message-id",
        "mime-version",
        "content-type",
        "content-transfer-encoding",
        "cc",
        "bcc",
    }
)
_NAME_OK = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-")


class Composable(Protocol):
    """What composing reads of a row: an `OutboxMessage`, or the mailer's claimed copy."""

    @property
    def to_addr(self) -> str: ...
    @property
    def subject(self) -> str: ...
    @property
    def body_text(self) -> str: ...
    @property
    def body_html(self) -> str | None: ...
    @property
    def headers(self) -> dict[str, Any]: ...
    @property
    def message_id(self) -> str | None: ...


def new_message_id(domain: str) -> str:
    return make_msgid(domain=domain)


def check_header_name(name: str) -> str:
    if not name or not set(name) <= _NAME_OK:
        raise HeaderInjectionError(f"not a valid header name: {name!r}")
    return name


def compose(
    row: OutboxMessage, *, sender: str, now: datetime, to: str | None = None
) -> EmailMessage:
    """The RFC 5322 message for `row`; `row.message_id` must already be set.

    Every message carries Message-ID, Date, a text/plain part (plus an HTML alternative
    when the row has one) and `Auto-Submitted: auto-generated` unless the row says
    otherwise (replies say `auto-replied`).
    """
    msg = EmailMessage()
    msg["From"] = check_header("From", sender)
    msg["To"] = check_header("To", to or row.to_addr)
    msg["Subject"] = check_header("Subject", row.subject or "")
    msg["Date"] = format_datetime(now)
    msg["Message-ID"] = check_header("Message-ID", _message_id(row))
    for name, value in _extra_headers(row).items():
        msg[name] = value
    msg.set_content(row.body_text or "", subtype="plain", charset="utf-8")
    if row.body_html:
        msg.add_alternative(row.body_html, subtype="html", charset="utf-8")
    return msg


def _message_id(row: Composable) -> str:
    if not row.message_id:
        raise ValueError("the row has no Message-ID yet; claim it first")
    return row.message_id


def _extra_headers(row: Composable) -> dict[str, str]:
    """The row's own headers, checked, plus `Auto-Submitted` unless the row sets it."""
    extra = dict(row.headers or {})
    out: dict[str, str] = {}
    if "auto-submitted" not in {k.lower() for k in extra}:
        out["Auto-Submitted"] = "auto-generated"
    for name, value in extra.items():
        check_header_name(name)
        if name.lower() in RESERVED:
            raise HeaderInjectionError(f"the {name} header is set by the mailer, not the row")
        out[name] = check_header(name, str(value))
    return out


def compose_bytes(row: Composable, *, sender: str, now: datetime, to: str | None = None) -> bytes:
    """The same message as `compose`, built straight to bytes (several times faster than
    `EmailMessage` and its generator, which matters when the mailer drains a backlog)."""
    return build_message(
        from_addr=check_header("From", sender),
        to=check_header("To", to or row.to_addr),
        subject=check_header("Subject", row.subject or ""),
        text=row.body_text or "",
        html=row.body_html or None,
        message_id=check_header("Message-ID", _message_id(row)),
        date=now,
        headers=_extra_headers(row),
    )
