"""POST /slack/events on the product's aiohttp server: events, commands, interactivity.

The aiohttp request becomes a `BoltRequest`; the synchronous Bolt app runs in a worker
thread so the event loop (SMTP, other routes) never waits on it.
"""

from __future__ import annotations

import asyncio

from aiohttp import web
from slack_bolt import App, BoltRequest, BoltResponse

PATH = "/slack/events"


def to_aiohttp(response: BoltResponse) -> web.Response:
    headers = {k: v[0] for k, v in response.headers.items() if v and k.lower() != "content-length"}
    return web.Response(status=response.status, body=response.body.encode("utf-8"), headers=headers)


def handler(app: App) -> web.RouteDef:
    async def slack_events(request: web.Request) -> web.Response:
        body = await request.text()
        bolt_request = BoltRequest(
            body=body,
            query=request.query_string,
            headers={k: v for k, v in request.headers.items()},
        )
        loop = asyncio.get_running_loop()
        response = await loop.run_in_executor(None, app.dispatch, bolt_request)
        return to_aiohttp(response)

    return web.post(PATH, slack_events)
