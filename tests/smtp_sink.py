"""A local SMTP server that records what it accepts, for delivery tests."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from email.parser import BytesHeaderParser
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP


class _FinishesWhatArrived(SMTP):  # type: ignore[misc]
    """Like a real MTA, take a message whose final dot arrived before the client hung up.

    aiosmtpd cancels its reader the moment EOF arrives, even with the complete message
    still in its buffer, which would make a client killed right after the dot look as if
    its message were lost. Postfix and its kind read what arrived first.
    """

    def eof_received(self) -> bool:
        asyncio.StreamReaderProtocol.eof_received(self)
        return False


class _SinkController(Controller):  # type: ignore[misc]
    def factory(self) -> SMTP:
        return _FinishesWhatArrived(self.handler, **self.SMTP_kwargs)


@dataclass
class Received:
    mail_from: str
    rcpt: str
    data: bytes

    @property
    def headers(self) -> Any:
        return BytesHeaderParser().parsebytes(self.data)


@dataclass
class Sink:
    """Records each accepted message; `on_rcpt` / `on_data` hooks run before the reply."""

    messages: list[Received] = field(default_factory=list)
    on_rcpt: Callable[[int], None] | None = None
    on_data: Callable[[int], None] | None = None
    rcpts: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        self.rcpts += 1
        if self.on_rcpt is not None:
            self.on_rcpt(self.rcpts)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            for rcpt in envelope.rcpt_tos:
                self.messages.append(Received(envelope.mail_from, rcpt, bytes(envelope.content)))
            count = len(self.messages)
        if self.on_data is not None:
            self.on_data(count)
        return "250 2.0.0 accepted"

    def count(self) -> int:
        with self.lock:
            return len(self.messages)


def start_sink(port: int) -> tuple[Sink, Controller]:
    sink = Sink()
    controller = _SinkController(sink, hostname="127.0.0.1", port=port, data_size_limit=0)
    controller.start()
    return sink, controller
