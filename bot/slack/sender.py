"""Posting what the scheduled jobs queue for Slack (reminders, digests, notices).

The mailer hands over a `chat.postMessage` body: `channel` (a channel id, or a user id
for a direct message, opened first with `conversations.open`), `text` (the notification
fallback) and `blocks`. A rate limit or a network failure is transient (the outbox row is
retried later); an unknown user or channel is permanent.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

PERMANENT = {
    "channel_not_found",
    "user_not_found",
    "users_not_found",
    "is_archived",
    "cannot_dm_bot",
    "user_disabled",
    "invalid_blocks",
    "msg_too_long",
    "no_text",
    "not_in_channel",
    "account_inactive",
    "invalid_auth",
    "not_authed",
    "token_revoked",
}


class SlackSendError(RuntimeError):
    """Slack refused the message; `permanent` says whether retrying can help."""

    def __init__(self, message: str, *, permanent: bool) -> None:
        super().__init__(message)
        self.permanent = permanent


def is_user_id(value: str) -> bool:
    return value[:1] in ("U", "W") and value[1:].isalnum()


class SlackSender:
    """The Slack side of the outbox mailer: `await sender.post(payload)`."""

    def __init__(self, client: WebClient) -> None:
        self.client = client

    async def post(self, payload: Mapping[str, Any]) -> None:
        await asyncio.to_thread(self.post_now, payload)

    def post_now(self, payload: Mapping[str, Any]) -> None:
        try:
            self._post(payload)
        except SlackApiError as exc:
            error = str(exc.response.get("error") or exc.response.status_code)
            raise SlackSendError(f"Slack: {error}", permanent=error in PERMANENT) from exc
        except OSError as exc:  # connection refused, timeouts
            raise SlackSendError(f"Slack unreachable: {exc}", permanent=False) from exc

    def _post(self, payload: Mapping[str, Any]) -> None:
        channel = str(payload.get("channel") or payload.get("user") or "")
        if not channel:
            raise SlackSendError("a Slack message needs a channel or a user", permanent=True)
        if is_user_id(channel):
            opened = self.client.conversations_open(users=channel)
            channel = str((opened.get("channel") or {}).get("id") or channel)
        message: dict[str, Any] = {"channel": channel, "text": str(payload.get("text") or "")}
        for key in ("blocks", "thread_ts", "unfurl_links"):
            if payload.get(key) is not None:
                message[key] = payload[key]
        self.client.chat_postMessage(**message)
