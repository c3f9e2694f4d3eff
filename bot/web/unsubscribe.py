"""Unsubscribe, subscription-confirm and click-redirect pages.

GET never changes anything: link scanners and previewers fetch every URL in a message, so
a GET only shows a page with a button, and the button (or a mail client's RFC 8058
one-click POST with `List-Unsubscribe=One-Click`) does the work.
"""

from __future__ import annotations

import asyncio
import html
import logging
from collections.abc import Callable, Iterable
from typing import TypeVar

from aiohttp import web
from sqlalchemy.orm import Session

from bot.context import AppContext
from jobs.campaigns.bounces import recipient_by_token
from jobs.campaigns.clicks import click_target
from jobs.campaigns.consent import (
    ConsentError,
    confirm_subscription,
    pending_optin,
    unsubscribe,
)

log = logging.getLogger(__name__)
T = TypeVar("T")

_HEADERS = {
    "Cache-Control": "no-store",
    "X-Robots-Tag": "noindex, nofollow",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
}


def _page(title: str, body: str, *, status: int = 200) -> web.Response:
    doc = (
        "<!DOCTYPE html><html><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{html.escape(title)}</title><style>body{{font-family:sans-serif;"
        "max-width:32rem;margin:4rem auto;padding:0 1rem;line-height:1.5}"
        "button{font-size:1rem;padding:.6rem 1.2rem;cursor:pointer}</style></head><body>"
        f"<h1>{html.escape(title)}</h1>{body}</body></html>"
    )
    return web.Response(text=doc, content_type="text/html", status=status, headers=_HEADERS)


def _button(label: str) -> str:
    return f"<form method='post'><button type='submit'>{html.escape(label)}</button></form>"


def _invalid() -> web.Response:
    return _page("Link not valid", "<p>This link is not valid or has expired.</p>", status=404)


async def _read(ctx: AppContext, fn: Callable[[Session], T]) -> T:
    def work() -> T:
        with ctx.db.read() as session:
            return fn(session)

    return await asyncio.to_thread(work)


async def _write(ctx: AppContext, fn: Callable[[Session], T]) -> T:
    def work() -> T:
        with ctx.db.write() as session:
            return fn(session)

    return await asyncio.to_thread(work)


def routes(ctx: AppContext) -> Iterable[web.RouteDef]:
    """The RouteProvider for `bot/serve.py`."""

    async def unsubscribe_page(request: web.Request) -> web.Response:
        token = request.match_info["token"]
        recipient = await _read(ctx, lambda s: recipient_by_token(s, token))
        if recipient is None:
            return _invalid()
        email = html.escape(recipient.email)
        return _page(
            "Unsubscribe",
            f"<p>Stop sending newsletters to <strong>{email}</strong>?</p>"
            + _button("Unsubscribe"),
        )

    async def unsubscribe_post(request: web.Request) -> web.Response:
        token = request.match_info["token"]
        form = await request.post()  # one-click: List-Unsubscribe=One-Click; the button: empty
        source = "one-click" if form.get("List-Unsubscribe") == "One-Click" else "web page"
        try:
            result = await _write(
                ctx, lambda s: unsubscribe(s, token, source=source, now=ctx.now())
            )
        except ConsentError:
            return _invalid()
        email = html.escape(result.email)
        return _page(
            "You are unsubscribed",
            f"<p><strong>{email}</strong> will receive no more newsletters from us.</p>"
            "<p>Invoices and replies to your own messages still reach you.</p>",
        )

    async def confirm_page(request: web.Request) -> web.Response:
        token = request.match_info["token"]
        pending = await _read(ctx, lambda s: pending_optin(s, token, now=ctx.now()))
        if pending is None:
            return _invalid()
        email = html.escape(pending.email)
        if pending.confirmed:
            return _page("Already confirmed", f"<p>{email} is subscribed.</p>")
        return _page(
            "Confirm your subscription",
            f"<p>Send newsletters to <strong>{email}</strong>?</p>" + _button("Yes, subscribe"),
        )

    async def confirm_post(request: web.Request) -> web.Response:
        token = request.match_info["token"]
        try:
            result = await _write(ctx, lambda s: confirm_subscription(s, token, now=ctx.now()))
        except ConsentError:
            return _invalid()
        email = html.escape(result.email)
        return _page(
            "Subscription confirmed",
            f"<p>Thank you: <strong>{email}</strong> will receive our newsletters. "
            "Every one of them has a link to stop.</p>",
        )

    async def click(request: web.Request) -> web.Response:
        token = request.match_info["token"]
        try:
            link_id = int(request.match_info["link_id"])
        except ValueError:
            return _invalid()
        target = await _write(ctx, lambda s: click_target(s, token, link_id, now=ctx.now()))
        if target is None:
            return _invalid()
        raise web.HTTPFound(target, headers={"Cache-Control": "no-store"})

    return [
        web.get("/u/{token}", unsubscribe_page),
        web.post("/u/{token}", unsubscribe_post),
        web.get("/confirm/{token}", confirm_page),
        web.post("/confirm/{token}", confirm_post),
        web.get("/c/{token}/{link_id}", click),
    ]
