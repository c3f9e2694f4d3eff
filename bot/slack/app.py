"""The Slack app's composition root: a Bolt `App` on our own WebClient.

Built from settings, the store, a clock and a WebClient whose base URL is
`CRM_SLACK_API_URL` (tests point it at a local fake). The bot token lives on the client and
a custom `authorize` answers without calling `auth.test` per request.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from slack_bolt import App
from slack_bolt.authorization import AuthorizeResult
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

from store.db import Database
from store.settings import Settings

log = logging.getLogger(__name__)


def web_client(settings: Settings, *, max_rate_limit_retries: int = 3) -> WebClient:
    """The Web API client; 429 answers are retried after their Retry-After."""
    client = WebClient(token=settings.slack_bot_token, base_url=settings.slack_api_url)
    client.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=max_rate_limit_retries))
    return client


@dataclass
class SlackDeps:
    """What the listeners need, passed down instead of imported."""

    settings: Settings
    db: Database
    clock: Callable[[], datetime]
    client: WebClient
    _identity: dict[str, str | None] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def now(self) -> datetime:
        return self.clock()

    def identity(self) -> dict[str, str | None]:
        """The bot's own user and bot ids (`auth.test`), asked once."""
        with self._lock:
            if not self._identity:
                try:
                    found = self.client.auth_test()
                    self._identity = {
                        "user_id": found.get("user_id"),
                        "bot_id": found.get("bot_id"),
                        "team_id": found.get("team_id"),
                    }
                except Exception:
                    log.warning("auth.test failed; own messages are recognised by bot_id only")
                    return {"user_id": None, "bot_id": None, "team_id": None}
            return self._identity


def build_app(
    settings: Settings,
    db: Database,
    clock: Callable[[], datetime],
    client: WebClient | None = None,
) -> App:
    """The Bolt app with every listener registered."""
    from bot.slack.listeners import register

    deps = SlackDeps(settings, db, clock, client or web_client(settings))

    def authorize(enterprise_id: str | None, team_id: str | None) -> AuthorizeResult:
        me = deps.identity()
        return AuthorizeResult(
            enterprise_id=enterprise_id,
            team_id=team_id,
            bot_token=deps.client.token,
            bot_user_id=me.get("user_id"),
            bot_id=me.get("bot_id"),
        )

    secret = settings.slack_signing_secret
    app = App(
        client=deps.client,
        signing_secret=secret or "",
        request_verification_enabled=bool(secret),
        authorize=authorize,
        process_before_response=True,
        ignoring_self_events_enabled=True,
        url_verification_enabled=True,
    )
    register(app, deps)
    return app
