"""An SMTP relay of the test's own: records what it accepts, answers what it is told."""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller

from tests.services import free_port


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage


@dataclass
class RecordingHandler:
    received: list[Received] = field(default_factory=list)
    replies: list[str] = field(default_factory=list)  # answers to the next DATA commands
    connections: int = 0
    stall: threading.Event | None = None  # while set... see `data_started`
    data_started: threading.Event = field(default_factory=threading.Event)
    pipelining: bool = False  # offer PIPELINING (aiosmtpd reads pipelined commands in order)
    refuse: set[str] = field(default_factory=set)  # recipients refused at RCPT with a 550
    hang_up: set[str] = field(default_factory=set)  # taken, then the line drops unanswered

    async def handle_EHLO(
        self, server: Any, session: Any, envelope: Any, hostname: str, responses: list[str]
    ) -> list[str]:
        self.connections += 1
        session.host_name = hostname
        if self.pipelining:
            responses.insert(len(responses) - 1, "250-PIPELINING")
        return responses

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        if address in self.refuse:
            return "550 5.1.1 no such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.data_started.set()
        if self.stall is not None:
            while not self.stall.is_set():
                await asyncio.sleep(0.05)
            return "421 4.3.0 going away"
        if self.replies:
            reply = self.replies.pop(0)
            if not reply.startswith("250"):
                return reply
        raw = envelope.content if isinstance(envelope.content, bytes) else envelope.content.encode()
        msg = message_from_bytes(raw, policy=policy.default)
        assert isinstance(msg, EmailMessage)
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), msg))
        if self.hang_up & set(envelope.rcpt_tos):
            server.transport.abort()  # the reply below goes nowhere
        return "250 2.0.0 queued"


class Relay:
    """`with Relay() as relay:` starts it on a free port; `relay.url` for CRM_RELAY_URL."""

    def __init__(self) -> None:
        self.handler = RecordingHandler()
        self.port = free_port()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    @property
    def received(self) -> list[Received]:
        return self.handler.received

    def __enter__(self) -> Relay:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.handler.stall is not None:
            self.handler.stall.set()
        self.controller.stop()
