"""Who is this Slack user in the CRM? By Slack id, else by the email `users.info` gives.

A match by email is remembered by storing the Slack id on the team member, so the Web API
is asked once per person. Anyone else is not a team member and gets no data.
"""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.exc import IntegrityError

from store.db import Database
from store.models import User
from store.users import find_user, user_by_slack_id

log = logging.getLogger(__name__)

REFUSAL = (
    "Sorry, I can only help members of the CRM team, and your Slack account is not linked "
    "to one. Ask an admin to add you (`crm user add EMAIL --slack-id YOUR_ID`)."
)


def slack_email(client: WebClient, slack_id: str) -> str | None:
    try:
        response = client.users_info(user=slack_id)
    except SlackApiError as exc:
        log.warning("users.info for %s failed: %s", slack_id, exc.response.get("error"))
        return None
    user = response.get("user") or {}
    if user.get("is_bot") or user.get("deleted"):
        return None
    email = (user.get("profile") or {}).get("email")
    return str(email) if email else None


def crm_user(db: Database, client: WebClient, slack_id: str | None) -> User | None:
    """The active team member behind a Slack user id, or None."""
    if not slack_id:
        return None
    with db.read() as session:
        user = user_by_slack_id(session, slack_id)
    if user is not None:
        return user
    email = slack_email(client, slack_id)
    if email is None:
        return None
    try:
        with db.write() as session:
            user = find_user(session, email)
            if user is None or not user.active:
                return None
            if user.slack_id is None:
                user.slack_id = slack_id
            session.flush()
            _ = user.aliases  # loaded before the session closes
    except IntegrityError:  # another request linked the same id first
        with db.read() as session:
            return user_by_slack_id(session, slack_id)
    return user
