"""A real SMTP front on a loopback port, run on its own event loop thread for blocking clients."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine
from datetime import datetime
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Any, TypeVar

from bot.context import AppContext
from bot.smtp import SmtpServer
from store.db import Database
from store.settings import load_settings
from tests.services import free_port

T = TypeVar("T")
DOMAIN = "crm.ourco.test"


class LoopThread:
    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def run(self, coro: Coroutine[Any, Any, T], timeout: float = 30) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)
        self.loop.close()


def make_context(db: Database, now: datetime, **overrides: Any) -> AppContext:
    settings = load_settings(
        database_url=db.url,
        mail_domain=DOMAIN,
        smtp_host="127.0.0.1",
        smtp_port=free_port(),
        **overrides,
    )
    return AppContext(settings=settings, db=db, clock=lambda: now)


class RunningSmtp:
    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx
        self.loop = LoopThread()
        self.server = SmtpServer(ctx)
        self.loop.run(self.server.start())
        assert self.server.port is not None
        self.port: int = self.server.port

    def close(self) -> None:
        self.loop.run(self.server.stop())
        self.loop.close()


def message(
    *,
    sender: str = "ann@ourco.com",
    to: str = "crm@crm.ourco.test",
    subject: str = "Fwd: Pricing",
    body: str = "Hello",
    message_id: str | None = None,
    headers: dict[str, str] | None = None,
) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Message-ID"] = message_id or make_msgid(domain="ourco.com")
    for name, value in (headers or {}).items():
        msg[name] = value
    msg.set_content(body)
    return msg
