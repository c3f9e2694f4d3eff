"""The "Log to CRM" message shortcut: any Slack message becomes an interaction.

The interaction carries the message's permalink and is keyed by channel and message ts, so
using the shortcut twice on one message logs it once. The customer is the message author
when they are a contact (Slack Connect), else the first customer the text names clearly.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.conversation import VIEWER_REFUSAL, Reply
from bot.conversation.reply import interaction_record
from bot.slack.users import slack_email
from store.audit import track_changes
from store.contacts import contact_by_email
from store.interactions import log_interaction
from store.models import Company, Contact, InteractionKind, Role, User
from store.search import search

if TYPE_CHECKING:
    from bot.slack.app import SlackDeps

log = logging.getLogger(__name__)


def _permalink(client: WebClient, channel: str, ts: str) -> str | None:
    try:
        found = client.chat_getPermalink(channel=channel, message_ts=ts)
    except SlackApiError as exc:
        log.warning("chat.getPermalink failed: %s", exc.response.get("error"))
        return None
    link = found.get("permalink")
    return str(link) if link else None


def log_message(deps: SlackDeps, client: WebClient, user: User, body: dict[str, Any]) -> Reply:
    if user.role == Role.VIEWER:
        return Reply(VIEWER_REFUSAL, refused=True)
    message = body.get("message") or {}
    channel = str((body.get("channel") or {}).get("id") or "")
    ts = str(message.get("ts") or body.get("message_ts") or "")
    if not channel or not ts:
        return Reply("I could not tell which message to log.")
    text = str(message.get("text") or "").strip()
    author = message.get("user")
    author_email = slack_email(client, author) if author else None
    url = _permalink(client, channel, ts)
    occurred = datetime.fromtimestamp(float(ts), tz=UTC)
    now = deps.now()
    with deps.db.write() as session:
        contact = contact_by_email(session, author_email) if author_email else None
        company: Company | None = contact.company if contact else None
        if contact is None:
            contact, company = _named_customer(session, text)
        with track_changes(
            session, user_id=user.id, source="slack", now=now, summary="log Slack message"
        ) as change:
            interaction, created = log_interaction(
                session,
                kind=InteractionKind.SLACK,
                occurred_at=occurred,
                user_id=user.id,
                contact_id=contact.id if contact else None,
                company_id=company.id if company else (contact.company_id if contact else None),
                subject=(text.splitlines()[0] if text else "Slack message")[:200],
                summary=text,
                source_id=f"slack:{channel}:{ts}",
                url=url,
                direction=None,
            )
        session.flush()
        record = interaction_record(interaction)
        change_id = change.id if created and change is not None else None
    about = (contact.name if contact else None) or (company.name if company else None)
    if not created:
        return Reply("This message is already logged.", interactions=(record,))
    where = f" on {about}" if about else " (not linked to a customer)"
    return Reply(f"Logged the message{where}.", interactions=(record,), change_id=change_id)


def _named_customer(session: Any, text: str) -> tuple[Contact | None, Company | None]:
    if not text:
        return None, None
    matches = search(session, text[:200], limit=2)
    if not matches or matches[0].score < 90:
        return None, None
    top = matches[0]
    if top.kind == "company":
        return None, session.get(Company, top.id)
    contact = session.get(Contact, top.id)
    return contact, contact.company if contact else None
