"""POST /slack/events on the product's aiohttp server: events, commands, interactivity.

The aiohttp request becomes a `BoltRequest`; the synchronous Bolt app runs in a worker
thread so the event loop (SMTP, other routes) never waits on it.

Bolt starts a lazy listener the moment the ack is made, while the ack still has to
travel back through this route. A lazy listener busy in Python would hold the GIL for
whole switch intervals (5 ms each) and delay the ack Slack is waiting for, so the
request carries an `AckSent` that is set once the response is written; `after_ack`
lets the work wait for it.
"""

from __future__ import annotations

import asyncio
import threading
from typing import Any

from aiohttp import web
from slack_bolt import App, BoltRequest, BoltResponse

PATH = "/slack/events"
ACK_SENT = "crm_ack_sent"
ACK_WAIT = 1.0  # seconds; a stalled client must not hold the answer back for long


class AckSent:
    """Set when the HTTP ack has been written. Bolt deep-copies a lazy listener's
    context; this object stays itself, so both threads share it."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def __deepcopy__(self, memo: dict[int, Any]) -> AckSent:
        return self

    def set(self) -> None:
        self._event.set()

    def wait(self, timeout: float = ACK_WAIT) -> bool:
        return self._event.wait(timeout)


def after_ack(context: Any) -> None:
    """Wait until the ack of this request has gone out (no wait outside HTTP)."""
    sent = context.get(ACK_SENT) if context is not None else None
    if isinstance(sent, AckSent):
        sent.wait()


def to_aiohttp(response: BoltResponse) -> web.Response:
    headers = {k: v[0] for k, v in response.headers.items() if v and k.lower() != "content-length"}
    return web.Response(status=response.status, body=response.body.encode("utf-8"), headers=headers)


def handler(app: App) -> web.RouteDef:
    async def slack_events(request: web.Request) -> web.Response:
        body = await request.text()
        sent = AckSent()
        bolt_request = BoltRequest(
            body=body,
            query=request.query_string,
            headers={k: v for k, v in request.headers.items()},
            context={ACK_SENT: sent},
        )
        loop = asyncio.get_running_loop()
        try:
            response = to_aiohttp(await loop.run_in_executor(None, app.dispatch, bolt_request))
            await response.prepare(request)
            await response.write_eof()
        finally:
            sent.set()
        return response

    return web.post(PATH, slack_events)
