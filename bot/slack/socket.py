"""Slack over Socket Mode (CRM_SLACK_APP_TOKEN): no public URL needed, as a serve component."""

from __future__ import annotations

import asyncio
import logging

from slack_bolt.adapter.socket_mode import SocketModeHandler

from bot.context import AppContext

log = logging.getLogger(__name__)


class SlackSocketMode:
    """Connects the Bolt app to Slack's WebSocket endpoint; stops with `crm serve`."""

    name = "slack-socket-mode"

    def __init__(self, ctx: AppContext) -> None:
        from bot.slack.wiring import attach

        self.ctx = ctx
        self.app = attach(ctx)
        self._handler: SocketModeHandler | None = None

    async def start(self) -> None:
        token = self.ctx.settings.slack_app_token
        # The app's client already points at CRM_SLACK_API_URL; apps.connections.open
        # is called on it with the app-level token.
        self._handler = SocketModeHandler(self.app, token)
        await asyncio.get_running_loop().run_in_executor(None, self._handler.connect)
        log.info("Slack Socket Mode connected")

    async def stop(self) -> None:
        if self._handler is not None:
            await asyncio.get_running_loop().run_in_executor(None, self._handler.close)
