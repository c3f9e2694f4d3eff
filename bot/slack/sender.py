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

from jobs.transport import PermanentError, TransientError

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


def is_user_id(value: str) -> bool:
    return value[:1] in ("U", "W") and value[1:].isalnum()


class SlackSender:
    """The Slack side of the outbox mailer (`jobs.transport.SlackSender`).

    Raises `TransientError` (rate limit after retries, network, Slack's own trouble) or
    `PermanentError` (unknown user or channel, bad token, malformed message).
    """

    def __init__(self, client: WebClient) -> None:
        self.client = client

    async def post(self, payload: Mapping[str, Any]) -> None:
        await asyncio.to_thread(self.post_now, payload)

    def post_now(self, payload: Mapping[str, Any]) -> None:
        try:
            self._post(payload)
        except SlackApiError as exc:
            error = str(exc.response.get("error") or exc.response.status_code)
            failure = PermanentError if error in PERMANENT else TransientError
            raise failure(f"Slack: {error}") from exc
        except OSError as exc:  # connection refused, timeouts
            raise TransientError(f"Slack unreachable: {exc}") from exc

    def _post(self, payload: Mapping[str, Any]) -> None:
        channel = str(payload.get("channel") or payload.get("user") or "")
        if not channel:
            raise PermanentError("a Slack message needs a channel or a user")
        if is_user_id(channel):
            opened = self.client.conversations_open(users=channel)
            channel = str((opened.get("channel") or {}).get("id") or channel)
        message: dict[str, Any] = {"channel": channel, "text": str(payload.get("text") or "")}
        for key in ("blocks", "thread_ts", "unfurl_links"):
            if payload.get(key) is not None:
                message[key] = payload[key]
        self.client.chat_postMessage(**message)
