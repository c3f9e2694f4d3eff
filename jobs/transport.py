"""Where composed messages go: an SMTP relay, a local Maildir, or Slack.

Every transport answers a send with nothing (delivered) or one of two errors:
`TransientError` (try again later: 4xx, a network failure) or `PermanentError` (never
retry: 5xx, a Slack `channel_not_found`), carrying the other side's own words.
"""

from __future__ import annotations

import asyncio
import mailbox
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, runtime_checkable
from urllib.parse import parse_qs, unquote, urlsplit

import aiosmtplib


class DeliveryError(Exception):
    """A message could not be delivered; `str()` is what the other side said."""


class TransientError(DeliveryError):
    """Worth another try later (4xx, connection refused, timeout, Slack rate limit)."""


class PermanentError(DeliveryError):
    """Retrying cannot help (5xx, an unknown Slack user)."""


@runtime_checkable
class SlackSender(Protocol):
    """What the mailer needs from Slack; the Slack channel implements it.

    `payload` is a `chat.postMessage` body: `channel` (a user id for a DM), `text`
    (the notification fallback) and `blocks`. Raise `TransientError` for a rate limit or
    a network failure and `PermanentError` for anything retrying cannot fix.
    """

    async def post(self, payload: Mapping[str, Any]) -> None: ...


Ready = Callable[[], Awaitable[None]]
"""Awaited just before a message is handed over; raising stops it short of that."""


async def _nothing() -> None:
    return None


class EmailTransport(Protocol):
    """A batch-scoped email sink: opened once, used for many messages, closed.

    `send` takes the finished message bytes; `ready` is awaited after the envelope is
    accepted and before the message itself goes out (the mailer waits there until the
    previous message's outcome is committed).
    """

    async def open(self) -> None: ...

    async def send(
        self, data: bytes, sender: str, recipients: list[str], ready: Ready = _nothing
    ) -> None: ...

    async def close(self) -> None: ...


@dataclass(frozen=True)
class RelayConfig:
    """`smtp://user:pass@host:port[?starttls=1][&verify=0]` or `smtps://…` parsed once."""

    host: str
    port: int
    implicit_tls: bool
    starttls: bool
    username: str | None
    password: str | None
    verify: bool

    @classmethod
    def from_url(cls, url: str) -> RelayConfig:
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ValueError("relay URL must look like smtp://user:pass@host:port or smtps://…")
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        implicit = parts.scheme == "smtps"
        return cls(
            host=parts.hostname,
            port=parts.port or (465 if implicit else 25),
            implicit_tls=implicit,
            starttls=not implicit and query.get("starttls", "0") in ("1", "true", "yes"),
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            verify=query.get("verify", "1") not in ("0", "false", "no"),
        )


def _classify(code: int, message: str) -> DeliveryError:
    text = f"{code} {message}".strip()
    return PermanentError(text) if code >= 500 else TransientError(text)


class RelayTransport:
    """One aiosmtplib connection per batch, paced to at most `rate` messages a second."""

    def __init__(self, config: RelayConfig, *, rate: float, timeout: float = 30.0) -> None:
        self.config = config
        self.interval = 1.0 / rate if rate > 0 else 0.0
        self.timeout = timeout
        self._smtp: aiosmtplib.SMTP | None = None
        self._last = 0.0

    async def open(self) -> None:
        await self._connect()

    async def _connect(self) -> aiosmtplib.SMTP:
        cfg = self.config
        smtp = aiosmtplib.SMTP(
            hostname=cfg.host,
            port=cfg.port,
            use_tls=cfg.implicit_tls,
            start_tls=cfg.starttls,
            validate_certs=cfg.verify,
            username=cfg.username,
            password=cfg.password,
            timeout=self.timeout,
        )
        try:
            await smtp.connect()
        except aiosmtplib.SMTPResponseException as exc:
            raise _classify(exc.code, exc.message) from exc
        except (aiosmtplib.SMTPException, OSError) as exc:
            raise TransientError(f"relay {cfg.host}:{cfg.port} unreachable: {exc}") from exc
        self._smtp = smtp
        return smtp

    async def _pace(self) -> None:
        if self.interval:
            wait = self._last + self.interval - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            self._last = time.monotonic()

    async def send(
        self, data: bytes, sender: str, recipients: list[str], ready: Ready = _nothing
    ) -> None:
        await self._pace()
        smtp = self._smtp if self._smtp is not None and self._smtp.is_connected else None
        if smtp is None:
            smtp = await self._connect()
        try:
            refused = await self._envelope(smtp, sender, recipients)
            try:
                await ready()
            except BaseException:
                await self._drop()  # before DATA: the relay holds nothing of this message
                raise
            await smtp.data(data)
        except aiosmtplib.SMTPResponseException as exc:
            await self._reset()
            raise _classify(exc.code, exc.message) from exc
        except (aiosmtplib.SMTPException, OSError) as exc:
            await self._drop()
            raise TransientError(f"relay connection failed: {exc}") from exc
        if refused:  # some recipients refused, others accepted: report the first refusal
            raise refused[0]

    async def _envelope(
        self, smtp: aiosmtplib.SMTP, sender: str, recipients: list[str]
    ) -> list[DeliveryError]:
        """MAIL and RCPT; the refusals when some recipients (not all) were refused."""
        await smtp.mail(sender)
        refused: list[DeliveryError] = []
        for rcpt in recipients:
            try:
                await smtp.rcpt(rcpt)
            except aiosmtplib.SMTPRecipientRefused as exc:
                refused.append(_classify(exc.code, exc.message))
        if len(refused) == len(recipients):
            await self._reset()
            raise refused[0]
        return refused

    async def _reset(self) -> None:
        if self._smtp is not None and self._smtp.is_connected:
            try:
                await self._smtp.rset()
            except (aiosmtplib.SMTPException, OSError):
                await self._drop()

    async def _drop(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            smtp.close()

    async def close(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is not None and smtp.is_connected:
            try:
                await smtp.quit()
            except (aiosmtplib.SMTPException, OSError):
                smtp.close()


class MaildirTransport:
    """Writes each message into a real Maildir: tmp/ first, then renamed into new/."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._box: mailbox.Maildir | None = None

    async def open(self) -> None:
        self._box = mailbox.Maildir(self.path, create=True)

    async def send(
        self, data: bytes, sender: str, recipients: list[str], ready: Ready = _nothing
    ) -> None:
        box = self._box or mailbox.Maildir(self.path, create=True)
        trace = f"Return-Path: <{sender}>\r\n" + "".join(
            f"Delivered-To: {rcpt}\r\n" for rcpt in recipients
        )
        await ready()
        try:
            await asyncio.to_thread(box.add, trace.encode() + data)
        except OSError as exc:
            raise TransientError(f"cannot write to {self.path}: {exc}") from exc

    async def close(self) -> None:
        self._box = None


def email_transport(relay_url: str | None, maildir: str, *, rate: float) -> EmailTransport:
    """The relay when one is configured, otherwise the Maildir."""
    if relay_url:
        return RelayTransport(RelayConfig.from_url(relay_url), rate=rate)
    return MaildirTransport(maildir)
