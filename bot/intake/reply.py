"""What the forwarder is told: rendered from templates and queued in the same transaction.

Replies go to the forwarder only, thread under the forwarded message (In-Reply-To,
References) and say `Auto-Submitted: auto-replied`; their Message-ID is fixed here so a
later reply to them ("undo", "confirm") can be matched by In-Reply-To.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import make_msgid
from pathlib import Path
from typing import Any

import jinja2
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from store.models import OutboxMessage
from store.outbox import enqueue

_ENV = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=jinja2.select_autoescape(["html.j2"]),
    keep_trailing_newline=True,
    auto_reload=False,  # compiled once per process, not checked on disk per message
)
INTAKE_KINDS = ("intake_reply", "intake_held", "intake_failed", "intake_undo", "intake_ignored")


@dataclass(frozen=True)
class Rendered:
    text: str
    html: str


def render(name: str, **context: Any) -> Rendered:
    text = _ENV.get_template(f"{name}.txt.j2").render(**context)
    html = _ENV.get_template(f"{name}.html.j2").render(**context)
    return Rendered(text.strip() + "\n", html)


def notice(*paragraphs: str, footer: str | None = None) -> Rendered:
    return render("notice", paragraphs=paragraphs, footer=footer)


def reply_subject(subject: str | None) -> str:
    subject = " ".join((subject or "").split())[:400]
    if subject.lower().startswith("re:"):
        return subject
    return f"Re: {subject}" if subject else "Re: your message"


def replies_sent(session: Session, to: str, *, now: datetime) -> int:
    """Intake replies queued to one address in the last hour (RFC 3834's "not too often")."""
    count = session.scalar(
        select(func.count(OutboxMessage.id)).where(
            OutboxMessage.to_addr == to,
            OutboxMessage.kind.in_(INTAKE_KINDS),
            OutboxMessage.due_at > now - timedelta(hours=1),
        )
    )
    return int(count or 0)


def queue_reply(
    session: Session,
    *,
    kind: str,
    dedupe_key: str,
    to: str,
    subject: str,
    body: Rendered,
    now: datetime,
    mail_domain: str,
    in_reply_to: str | None,
    references: tuple[str, ...] = (),
    payload: dict[str, Any] | None = None,
    reply_to: str | None = None,
) -> OutboxMessage | None:
    headers = {"Auto-Submitted": "auto-replied"}
    if reply_to:
        headers["Reply-To"] = reply_to  # the personal address, so "undo" finds its way back
    if in_reply_to:
        headers["In-Reply-To"] = in_reply_to
        refs = [r for r in references if r and r != in_reply_to][-10:]
        headers["References"] = " ".join([*refs, in_reply_to])
    row = enqueue(
        session,
        kind=kind,
        dedupe_key=dedupe_key,
        to=to,
        subject=subject,
        text=body.text,
        html=body.html,
        headers=headers,
        due_at=now,
        payload=payload,
    )
    if row is not None:
        row.message_id = make_msgid(domain=mail_domain)
    return row
