"""The HTTP endpoint: /healthz plus routes that other channels contribute."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

from aiohttp import web
from sqlalchemy import text

from bot.context import AppContext

log = logging.getLogger(__name__)

RouteProvider = Callable[[AppContext], Iterable[web.RouteDef]]
CTX = web.AppKey("ctx", AppContext)


async def _healthz(request: web.Request) -> web.Response:
    ctx: AppContext = request.app[CTX]
    try:
        with ctx.db.read() as session:
            session.execute(text("SELECT 1"))
    except Exception:  # the health check reports, it does not crash
        log.exception("health check: database unreachable")
        return web.json_response({"status": "error", "database": "unreachable"}, status=503)
    return web.json_response({"status": "ok"})


def build_app(ctx: AppContext, providers: Iterable[RouteProvider] = ()) -> web.Application:
    app = web.Application(client_max_size=2 * 1024 * 1024)
    app[CTX] = ctx
    app.router.add_get("/healthz", _healthz)
    for provider in providers:
        app.router.add_routes(list(provider(ctx)))
    return app


class HttpServer:
    """Runs the aiohttp application inside `crm serve`'s event loop."""

    name = "http"

    def __init__(self, ctx: AppContext, providers: Iterable[RouteProvider] = ()) -> None:
        self.ctx = ctx
        self.app = build_app(ctx, providers)
        self._runner: web.AppRunner | None = None
        self.port: int | None = None

    async def start(self) -> None:
        self._runner = web.AppRunner(self.app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.ctx.settings.http_host, self.ctx.settings.http_port)
        await site.start()
        server = site._server
        sockets = getattr(server, "sockets", None) or []
        self.port = sockets[0].getsockname()[1] if sockets else self.ctx.settings.http_port
        log.info("HTTP listening on %s:%s", self.ctx.settings.http_host, self.port)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
