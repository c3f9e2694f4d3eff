"""Handing campaign messages to the relay (or the Maildir) with the VERP envelope sender.

The one thing this does that a general mailer does not: it records a message as sent at
the last moment before handing it over irrevocably. Over SMTP that is after the whole
message has been transmitted but before the terminating `.`; a relay discards a message
whose connection closes before the dot, so a sender killed at any point either has not
recorded the message (and a restart sends it: the relay never took the first copy) or has
recorded it and sends the dot microseconds later. Only a crash inside that last `send()`
can lose one message; none can send one twice.
"""

from __future__ import annotations

import contextlib
import os
import re
import smtplib
import socket
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol
from urllib.parse import parse_qs, unquote, urlsplit

Commit = Callable[[], bool]
"""Records the message as sent; False when another sender got to it first."""


class SendFailure(Exception):
    """A message was not delivered; `permanent` for a 5xx, `recipient` for a RCPT refusal."""

    def __init__(
        self,
        message: str,
        *,
        permanent: bool,
        recipient: bool = False,
        after_commit: bool = False,
        maybe_delivered: bool = False,
    ) -> None:
        super().__init__(message)
        self.permanent = permanent
        self.recipient = recipient
        self.after_commit = after_commit
        self.maybe_delivered = maybe_delivered


class CampaignTransport(Protocol):
    def send(self, envelope_from: str, rcpt: str, data: bytes, commit: Commit) -> bool:
        """Deliver `data`; False when `commit` said someone else had sent it."""
        ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class Relay:
    host: str
    port: int
    user: str | None
    password: str | None
    tls: bool
    starttls: bool

    @classmethod
    def from_url(cls, url: str) -> Relay:
        parts = urlsplit(url)
        query = parse_qs(parts.query)
        tls = parts.scheme == "smtps"
        return cls(
            host=parts.hostname or "127.0.0.1",
            port=parts.port or (465 if tls else 25),
            user=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            tls=tls,
            starttls=query.get("starttls", ["0"])[0].lower() in ("1", "true", "yes"),
        )


_LEADING_DOT = re.compile(rb"(?m)^\.")


def _reply_text(resp: bytes | str) -> str:
    return resp.decode("utf-8", "replace") if isinstance(resp, bytes) else str(resp)


class SmtpTransport:
    """One persistent connection, reopened after an error."""

    def __init__(self, relay: Relay, *, timeout: float = 30.0) -> None:
        self.relay = relay
        self.timeout = timeout
        self._smtp: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        if self._smtp is not None:
            return self._smtp
        r = self.relay
        smtp: smtplib.SMTP
        if r.tls:
            smtp = smtplib.SMTP_SSL(r.host, r.port, timeout=self.timeout)
        else:
            smtp = smtplib.SMTP(r.host, r.port, timeout=self.timeout)
        smtp.ehlo()
        if r.starttls:
            smtp.starttls(context=ssl.create_default_context())
            smtp.ehlo()
        if r.user:
            smtp.login(r.user, r.password or "")
        # The final dot is a small write after the message text: without TCP_NODELAY, Nagle
        # holds it until the relay's delayed ACK (~40 ms on Linux) for every message.
        if smtp.sock is not None:
            smtp.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._smtp = smtp
        return smtp

    def _drop(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.close()
            finally:
                self._smtp = None

    def _refused(self, code: int, resp: bytes, *, recipient: bool = False) -> SendFailure:
        if self._smtp is not None:
            try:
                self._smtp.rset()
            except (OSError, smtplib.SMTPException):
                self._drop()
        return SendFailure(
            f"{code} {_reply_text(resp)}", permanent=code >= 500, recipient=recipient
        )

    def send(self, envelope_from: str, rcpt: str, data: bytes, commit: Commit) -> bool:
        committed = terminated = False
        try:
            smtp = self._connect()
            code, resp = smtp.mail(envelope_from)
            if code != 250:
                raise self._refused(code, resp)
            code, resp = smtp.rcpt(rcpt)
            if code not in (250, 251):
                raise self._refused(code, resp, recipient=True)
            smtp.putcmd("data")
            code, resp = smtp.getreply()
            if code != 354:
                raise self._refused(code, resp)
            body = _LEADING_DOT.sub(b"..", data)
            smtp.send(body if body.endswith(b"\r\n") else body + b"\r\n")
            committed = commit()
            if not committed:
                self._drop()  # closing before the dot makes the relay discard it
                return False
            smtp.send(b".\r\n")
            terminated = True
            code, resp = smtp.getreply()
        except (OSError, smtplib.SMTPException) as exc:
            self._drop()
            raise SendFailure(
                f"relay connection: {exc}",
                permanent=False,
                after_commit=committed,
                maybe_delivered=terminated,
            ) from None
        if code != 250:
            raise SendFailure(
                f"{code} {_reply_text(resp)}", permanent=code >= 500, after_commit=True
            )
        return True

    def close(self) -> None:
        if self._smtp is not None:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                self._smtp.quit()
            self._smtp = None


class MaildirTransport:
    """Without a relay, messages land in CRM_MAILDIR, as a local delivery agent would write
    them (with `Return-Path` showing the envelope sender)."""

    def __init__(self, path: str | Path) -> None:
        self.root = Path(path)
        for sub in ("tmp", "new", "cur"):
            (self.root / sub).mkdir(parents=True, exist_ok=True)
        self._n = 0

    def send(self, envelope_from: str, rcpt: str, data: bytes, commit: Commit) -> bool:
        self._n += 1
        name = f"{time.time():.6f}.P{os.getpid()}Q{self._n}.{socket.gethostname()}"
        tmp = self.root / "tmp" / name
        tmp.write_bytes(f"Return-Path: <{envelope_from}>\r\n".encode() + data)
        if not commit():
            tmp.unlink()
            return False
        tmp.rename(self.root / "new" / name)
        return True

    def close(self) -> None:
        return None


def transport_for(relay_url: str | None, maildir: str) -> CampaignTransport:
    if relay_url:
        return SmtpTransport(Relay.from_url(relay_url))
    return MaildirTransport(maildir)


def transports_for(
    relay_url: str | None, maildir: str, connections: int = 1
) -> list[CampaignTransport]:
    """One transport per parallel relay connection (a Maildir needs only one)."""
    if not relay_url:
        return [MaildirTransport(maildir)]
    relay = Relay.from_url(relay_url)
    return [SmtpTransport(relay) for _ in range(max(connections, 1))]


def close_all(transports: list[CampaignTransport]) -> None:
    for transport in transports:
        transport.close()
