"""`crm serve`: every configured channel, the scheduler and the mailer in one process.

Components start in order and stop in reverse when SIGTERM or SIGINT arrives.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from typing import Protocol

from bot.context import AppContext
from bot.http import HttpServer, RouteProvider
from bot.intake.channels import intake_components
from bot.slack.wiring import slack_mode
from jobs.scheduler import JobsComponent
from jobs.transport import SlackSender

log = logging.getLogger(__name__)


class Component(Protocol):
    name: str

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


def route_providers(ctx: AppContext) -> list[RouteProvider]:
    """HTTP routes each channel contributes (Slack, unsubscribe pages…)."""
    from bot.web import unsubscribe

    providers: list[RouteProvider] = [unsubscribe.routes]
    if slack_mode(ctx.settings) == "http":
        from bot.slack.wiring import slack_routes

        providers.append(slack_routes)
    return providers


def build_components(ctx: AppContext) -> list[Component]:
    """The composition of `crm serve`; each channel is added here when configured."""
    mode = slack_mode(ctx.settings)
    if mode is not None:  # Slack (and slack_bolt) load only when configured
        from bot.slack.wiring import attach

        attach(ctx)  # before the mailer, which posts through ctx.extras["slack_sender"]
    components: list[Component] = [HttpServer(ctx, route_providers(ctx))]
    if mode == "socket":
        from bot.slack.socket import SlackSocketMode

        components.append(SlackSocketMode(ctx))
    slack = ctx.extras.get("slack_sender")  # set by the Slack channel when configured
    components.append(
        JobsComponent(
            ctx.db,
            ctx.settings,
            ctx.clock,
            schedule=ctx.settings.scheduler,
            slack=slack if isinstance(slack, SlackSender) else None,
        )
    )
    components += intake_components(ctx)
    return components


async def serve(ctx: AppContext, stop: asyncio.Event | None = None) -> None:
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError, RuntimeError):  # not the main thread
            loop.add_signal_handler(sig, stop.set)
    started: list[Component] = []
    try:
        for component in build_components(ctx):
            await component.start()
            started.append(component)
            log.info("started %s", component.name)
        log.info("crm serve is running; SIGTERM or SIGINT stops it")
        await stop.wait()
    finally:
        for component in reversed(started):
            try:
                await component.stop()
            except Exception:
                log.exception("stopping %s failed", component.name)
        log.info("stopped")
