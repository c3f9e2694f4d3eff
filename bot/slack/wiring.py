"""How `crm serve` runs Slack: over HTTP, over Socket Mode, or not at all.

One Bolt app and one Slack sender per process, kept in `ctx.extras` ("slack_app",
"slack_sender") so the HTTP route, the Socket Mode component and the outbox mailer share
the same WebClient.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Literal

from aiohttp import web

from bot.context import AppContext
from store.settings import Settings

if TYPE_CHECKING:
    from slack_bolt import App

Mode = Literal["http", "socket"]


def slack_mode(settings: Settings) -> Mode | None:
    """Socket Mode when an app token is set, HTTP with token + signing secret, else off."""
    if not settings.slack_bot_token:
        return None
    if settings.slack_app_token:
        return "socket"
    if settings.slack_signing_secret:
        return "http"
    return None


def attach(ctx: AppContext) -> App:
    """The process's Bolt app and Slack sender, built once."""
    from slack_bolt import App

    from bot.slack.app import build_app, web_client
    from bot.slack.sender import SlackSender

    existing = ctx.extras.get("slack_app")
    if isinstance(existing, App):
        return existing
    client = web_client(ctx.settings)
    app = build_app(ctx.settings, ctx.db, ctx.clock, client)
    ctx.extras["slack_app"] = app
    ctx.extras["slack_sender"] = SlackSender(client)
    return app


def slack_routes(ctx: AppContext) -> Iterable[web.RouteDef]:
    """The route provider for POST /slack/events."""
    from bot.slack.http import handler

    return [handler(attach(ctx))]
