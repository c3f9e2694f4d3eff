"""Handing campaign messages to the relay (or the Maildir) with the VERP envelope sender.

What this adds to a plain SMTP client: a hook, `ready`, run once per message while the relay
is busy with its envelope (after MAIL, RCPT and DATA went out, before their replies are
read) and always before the terminating `.`. The sender commits the previous message's
outcome there and marks this one handed over, so a crash can leave at most one message per
connection handed over but unrecorded, and the store knows which. A relay discards a
message whose connection closes before the dot, so if `ready` raises, the connection is
dropped and nothing of this message is handed over.

When the relay offers PIPELINING (RFC 2920), MAIL, RCPT and DATA go out in one write and
their three replies are read after it: one round trip per message instead of three.
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

Ready = Callable[[], None]
"""Runs before the final dot; raising stops the message before it is handed over."""


class SendFailure(Exception):
    """A message was not delivered; `permanent` for a 5xx, `recipient` for a RCPT refusal."""

    def __init__(
        self,
        message: str,
        *,
        permanent: bool,
        recipient: bool = False,
        maybe_delivered: bool = False,
    ) -> None:
        super().__init__(message)
        self.permanent = permanent
        self.recipient = recipient
        self.maybe_delivered = maybe_delivered  # the dot went out, the reply never came


class CampaignTransport(Protocol):
    def send(self, envelope_from: str, rcpt: str, data: bytes, ready: Ready) -> None:
        """Deliver `data`, calling `ready()` just before handing it over irrevocably; raise
        `SendFailure` when it was not accepted."""
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

    def _open_transaction(
        self, smtp: smtplib.SMTP, envelope_from: str, rcpt: str, ready: Ready
    ) -> None:
        """MAIL, RCPT and DATA, pipelined when the relay allows, with `ready()` run while the
        relay works on them; raises unless DATA got 354."""
        for addr in (envelope_from, rcpt):
            if not addr or any(c in addr for c in "\r\n<>"):
                raise SendFailure(f"not a valid address: {addr!r}", permanent=True, recipient=True)
        if not smtp.has_extn("pipelining"):
            replies = [smtp.mail(envelope_from), smtp.rcpt(rcpt)]
            _guarded(self, ready)
            if replies[0][0] == 250 and replies[1][0] in (250, 251):
                smtp.putcmd("data")
                replies.append(smtp.getreply())
        else:
            smtp.send(f"MAIL FROM:<{envelope_from}>\r\nRCPT TO:<{rcpt}>\r\nDATA\r\n")
            _guarded(self, ready)
            replies = [smtp.getreply(), smtp.getreply(), smtp.getreply()]
        if (
            len(replies) == 3
            and replies[2][0] == 354
            and not (replies[0][0] == 250 and replies[1][0] in (250, 251))
        ):
            smtp.send(b".\r\n")  # DATA was taken despite a refusal: end it empty
            smtp.getreply()
        (mail_code, mail_resp), (rcpt_code, rcpt_resp) = replies[0], replies[1]
        if mail_code != 250:
            raise self._refused(mail_code, mail_resp)
        if rcpt_code not in (250, 251):
            raise self._refused(rcpt_code, rcpt_resp, recipient=True)
        if replies[2][0] != 354:
            raise self._refused(*replies[2])

    def send(self, envelope_from: str, rcpt: str, data: bytes, ready: Ready) -> None:
        terminated = False
        try:
            smtp = self._connect()
            self._open_transaction(smtp, envelope_from, rcpt, ready)
            body = _LEADING_DOT.sub(b"..", data)
            if not body.endswith(b"\r\n"):
                body += b"\r\n"
            smtp.send(body + b".\r\n")
            terminated = True
            code, resp = smtp.getreply()
        except (OSError, smtplib.SMTPException) as exc:
            self._drop()
            raise SendFailure(
                f"relay connection: {exc}", permanent=False, maybe_delivered=terminated
            ) from None
        if code != 250:
            raise SendFailure(f"{code} {_reply_text(resp)}", permanent=code >= 500)

    def close(self) -> None:
        if self._smtp is not None:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                self._smtp.quit()
            self._smtp = None


def _guarded(transport: SmtpTransport, ready: Ready) -> None:
    try:
        ready()
    except BaseException:
        transport._drop()  # closing before the dot makes the relay discard the message
        raise


class MaildirTransport:
    """Without a relay, messages land in CRM_MAILDIR, as a local delivery agent would write
    them (with `Return-Path` showing the envelope sender)."""

    def __init__(self, path: str | Path) -> None:
        self.root = Path(path)
        for sub in ("tmp", "new", "cur"):
            (self.root / sub).mkdir(parents=True, exist_ok=True)
        self._n = 0

    def send(self, envelope_from: str, rcpt: str, data: bytes, ready: Ready) -> None:
        self._n += 1
        name = f"{time.time():.6f}.P{os.getpid()}Q{self._n}.{socket.gethostname()}"
        tmp = self.root / "tmp" / name
        tmp.write_bytes(f"Return-Path: <{envelope_from}>\r\n".encode() + data)
        try:
            ready()
        except BaseException:
            tmp.unlink()
            raise
        tmp.rename(self.root / "new" / name)

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
