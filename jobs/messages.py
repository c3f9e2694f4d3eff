"""One function per kind of outgoing message: render subject, text and HTML, then queue it.

Templates live in `jobs/templates/<kind>.subject|txt|html`. HTML is autoescaped, text is
not; a subject is collapsed to one line so no value can break the header.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from sqlalchemy import insert
from sqlalchemy.orm import Session

from store.models import OutboxChannel, OutboxMessage, OutboxStatus
from store.outbox import check_header, enqueue

TEMPLATES = Path(__file__).parent / "templates"


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


@lru_cache(maxsize=1)
def _env() -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(enabled_extensions=("html",), default=False),
        undefined=StrictUndefined,
        trim_blocks=False,
        keep_trailing_newline=True,
    )


def render(kind: str, **context: Any) -> Rendered:
    env = _env()
    subject = env.get_template(f"{kind}.subject").render(**context)
    return Rendered(
        subject=re.sub(r"\s+", " ", subject).strip()[:900],
        text=env.get_template(f"{kind}.txt").render(**context),
        html=env.get_template(f"{kind}.html").render(**context),
    )


def _queue(
    session: Session,
    kind: str,
    rendered: Rendered,
    *,
    to: str,
    dedupe_key: str,
    due_at: datetime,
    headers: dict[str, str] | None = None,
    payload: dict[str, Any] | None = None,
) -> OutboxMessage | None:
    return enqueue(
        session,
        kind=kind,
        dedupe_key=dedupe_key,
        to=to,
        subject=rendered.subject,
        text=rendered.text,
        html=rendered.html,
        due_at=due_at,
        headers=headers,
        payload=payload,
    )


class OutboxBatch:
    """Outbox rows for many recipients, checked like `enqueue` and inserted together.

    Sweeps that queue thousands of messages rule out existing dedupe keys in bulk first
    (`jobs.common.existing_keys`, same transaction) and then insert in one statement
    per chunk instead of a savepoint per row. Should another process queue one of the
    keys in between, the insert fails, the sweep's transaction rolls back and the next
    tick does the work again: nothing is sent twice.
    """

    def __init__(self, session: Session) -> None:
        self.session = session
        self.rows: list[dict[str, Any]] = []

    def add(
        self,
        *,
        kind: str,
        dedupe_key: str,
        to: str,
        rendered: Rendered,
        due_at: datetime,
        channel: OutboxChannel = OutboxChannel.EMAIL,
        payload: dict[str, Any] | None = None,
    ) -> None:
        check_header("To", to)
        check_header("Subject", rendered.subject)
        self.rows.append(
            {
                "kind": kind,
                "dedupe_key": dedupe_key,
                "channel": channel,
                "to_addr": to,
                "subject": rendered.subject,
                "body_text": rendered.text,
                "body_html": rendered.html,
                "headers": {},
                "payload": payload,
                "due_at": due_at,
                "status": OutboxStatus.PENDING,
                "attempts": 0,
            }
        )

    def flush(self) -> int:
        count = len(self.rows)
        for i in range(0, count, 500):
            self.session.execute(insert(OutboxMessage), self.rows[i : i + 500])
        self.rows = []
        return count


def queue_slack(
    session: Session,
    *,
    kind: str,
    slack_id: str,
    dedupe_key: str,
    due_at: datetime,
    fallback: Rendered,
    blocks: list[dict[str, Any]],
) -> OutboxMessage | None:
    """A Slack DM; subject and text ride along for the email fallback when Slack is off."""
    return enqueue(
        session,
        kind=kind,
        dedupe_key=dedupe_key,
        to=slack_id,
        subject=fallback.subject,
        text=fallback.text,
        html=fallback.html,
        due_at=due_at,
        channel=OutboxChannel.SLACK,
        payload={"channel": slack_id, "text": fallback.subject, "blocks": blocks},
    )


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text[:2900]}}


# -- task reminders -----------------------------------------------------------------------


def task_reminder(
    session: Session,
    *,
    to: str,
    dedupe_key: str,
    due_at: datetime,
    context: dict[str, Any],
    slack_id: str | None = None,
) -> OutboxMessage | None:
    """A reminder for one task: an email, or a Slack DM with Done / Snooze buttons."""
    rendered = render("task_reminder", **context)
    if slack_id is None:
        return _queue(
            session, "task_reminder", rendered, to=to, dedupe_key=dedupe_key, due_at=due_at
        )
    task = context["task"]
    line = f":alarm_clock: *Reminder:* {task.title}"
    if context.get("due"):
        line += f"\ndue {context['due']}"
    if context.get("about"):
        line += f" · about {context['about']}"
    blocks = [
        _section(line),
        {
            "type": "actions",
            "block_id": f"task_reminder_{task.id}",
            "elements": [
                {
                    "type": "button",
                    "action_id": "task_done",
                    "style": "primary",
                    "text": {"type": "plain_text", "text": "Done"},
                    "value": str(task.id),
                },
                {
                    "type": "button",
                    "action_id": "task_snooze",
                    "text": {"type": "plain_text", "text": "Snooze"},
                    "value": str(task.id),
                },
            ],
        },
    ]
    return queue_slack(
        session,
        kind="task_reminder",
        slack_id=slack_id,
        dedupe_key=dedupe_key,
        due_at=due_at,
        fallback=rendered,
        blocks=blocks,
    )


# -- dunning ------------------------------------------------------------------------------


def dunning_tone(level: int, levels: int) -> str:
    """Polite first, firm in between, final at the last level."""
    if level >= levels:
        return "final"
    return "polite" if level == 1 else "firm"


def dunning_reminder(
    batch: OutboxBatch,
    *,
    to: str,
    dedupe_key: str,
    due_at: datetime,
    level: int,
    levels: int,
    context: dict[str, Any],
    payload: dict[str, Any] | None = None,
) -> Rendered:
    """The customer's reminder at `level` (1-based) listing every overdue invoice."""
    rendered = render("dunning_reminder", tone=dunning_tone(level, levels), level=level, **context)
    batch.add(
        kind=f"dunning_{level}",
        dedupe_key=dedupe_key,
        to=to,
        rendered=rendered,
        due_at=due_at,
        payload=payload,
    )
    return rendered


def owner_escalation(
    session: Session,
    *,
    to: str,
    dedupe_key: str,
    due_at: datetime,
    context: dict[str, Any],
    slack_id: str | None = None,
) -> OutboxMessage | None:
    """Tells the account owner the final reminder is about to go, a day ahead."""
    rendered = render("owner_escalation", **context)
    if slack_id is None:
        return _queue(
            session, "owner_escalation", rendered, to=to, dedupe_key=dedupe_key, due_at=due_at
        )
    return queue_slack(
        session,
        kind="owner_escalation",
        slack_id=slack_id,
        dedupe_key=dedupe_key,
        due_at=due_at,
        fallback=rendered,
        blocks=[_section(f":warning: *{rendered.subject}*\n\n{rendered.text}")],
    )


# -- digest -------------------------------------------------------------------------------


def render_digest(data: Any) -> Rendered:
    return render("digest", d=data)


def digest(
    batch: OutboxBatch,
    *,
    to: str,
    dedupe_key: str,
    due_at: datetime,
    data: Any,
    slack_id: str | None = None,
) -> int:
    """The daily digest by email, and the same digest as a Slack DM when there is Slack."""
    rendered = render_digest(data)
    batch.add(kind="digest", dedupe_key=dedupe_key, to=to, rendered=rendered, due_at=due_at)
    if slack_id is None:
        return 1
    blocks = digest_blocks(rendered)
    batch.add(
        kind="digest",
        dedupe_key=f"{dedupe_key}:slack",
        to=slack_id,
        rendered=rendered,
        due_at=due_at,
        channel=OutboxChannel.SLACK,
        payload={"channel": slack_id, "text": rendered.subject, "blocks": blocks},
    )
    return 2


def digest_blocks(rendered: Rendered) -> list[dict[str, Any]]:
    """The text digest as Slack sections: one per heading, each within Slack's limits."""
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": rendered.subject[:150]}}
    ]
    for chunk in re.split(r"\n\s*\n", rendered.text.strip()):
        lines = chunk.splitlines()
        if not lines or lines[0].startswith("--"):
            continue
        head, body = lines[0], "\n".join(lines[1:])
        text = f"*{head.strip()}*\n{body}" if head.isupper() or "(" in head else chunk
        blocks.append(_section(text))
    return blocks[:50]
