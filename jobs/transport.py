"""Where composed messages go: an SMTP relay, a local Maildir, or Slack.

Every transport answers a send with nothing (delivered) or one of three errors:
`TransientError` (try again later: 4xx, a network failure), `PermanentError` (never
retry: 5xx, a Slack `channel_not_found`), carrying the other side's own words, or
`UncertainError` (the connection broke after the final dot: it may have arrived).
"""

from __future__ import annotations

import mailbox
import re
import smtplib
import socket
import ssl
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, runtime_checkable
from urllib.parse import parse_qs, unquote, urlsplit


class DeliveryError(Exception):
    """A message could not be delivered; `str()` is what the other side said."""


class TransientError(DeliveryError):
    """Worth another try later (4xx, connection refused, timeout, Slack rate limit)."""


class PermanentError(DeliveryError):
    """Retrying cannot help (5xx, an unknown Slack user)."""


class UncertainError(DeliveryError):
    """The connection failed after the final dot went out, before the relay answered: the
    message may have arrived, so sending it again could deliver it twice."""


@runtime_checkable
class SlackSender(Protocol):
    """What the mailer needs from Slack; the Slack channel implements it.

    `payload` is a `chat.postMessage` body: `channel` (a user id for a DM), `text`
    (the notification fallback) and `blocks`. Raise `TransientError` for a rate limit or
    a network failure and `PermanentError` for anything retrying cannot fix.
    """

    async def post(self, payload: Mapping[str, Any]) -> None: ...


Ready = Callable[[], None]
"""Runs once per message before its DATA (while the relay answers MAIL); raising stops the
message short of the relay."""


def _nothing() -> None:
    return None


class EmailTransport(Protocol):
    """A batch-scoped email sink: opened once, used for many messages, closed.

    Synchronous on purpose: the mailer runs a whole batch in one worker thread, so the
    event loop stays free and no thread hop is paid per message. `send` takes the finished
    message bytes; `ready` is called while the relay answers MAIL, always before DATA (the
    mailer commits the previous message's outcome there, and marks this one handed over).
    """

    def open(self) -> None: ...

    def send(
        self, data: bytes, sender: str, recipients: list[str], ready: Ready = _nothing
    ) -> None: ...

    def close(self) -> None: ...


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


_LEADING_DOT = re.compile(rb"(?m)^\.")
_PLAIN_ADDRESS = re.compile(r"[^\s<>()\[\]\\,;:\"@]+@[^\s<>()\[\]\\,;:\"@]+")


def _quote(addr: str) -> str:
    """`<addr>` for the envelope; a plain address (nearly all) without smtplib's general
    address parser, which costs about as much as the rest of the envelope."""
    if _PLAIN_ADDRESS.fullmatch(addr):
        return f"<{addr}>"
    return smtplib.quoteaddr(addr)


def _text(resp: bytes | str) -> str:
    return resp.decode("utf-8", "replace") if isinstance(resp, bytes) else str(resp)


class RelayTransport:
    """One SMTP connection per batch, paced to at most `rate` messages a second; the
    envelope pipelined (one round trip per message) when the relay offers PIPELINING."""

    def __init__(self, config: RelayConfig, *, rate: float, timeout: float = 30.0) -> None:
        self.config = config
        self.interval = 1.0 / rate if rate > 0 else 0.0
        self.timeout = timeout
        self._smtp: smtplib.SMTP | None = None
        self._last = 0.0
        self._dot_written = False

    def open(self) -> None:
        self._connect()

    def _tls(self) -> ssl.SSLContext:
        context = ssl.create_default_context()
        if not self.config.verify:
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        return context

    def _connect(self) -> smtplib.SMTP:
        cfg = self.config
        try:
            smtp = (
                smtplib.SMTP_SSL(cfg.host, cfg.port, timeout=self.timeout, context=self._tls())
                if cfg.implicit_tls
                else smtplib.SMTP(cfg.host, cfg.port, timeout=self.timeout)
            )
            smtp.ehlo()
            if cfg.starttls:
                smtp.starttls(context=self._tls())
                smtp.ehlo()
            if cfg.username:
                smtp.login(cfg.username, cfg.password or "")
        except smtplib.SMTPResponseException as exc:
            raise _classify(exc.smtp_code, _text(exc.smtp_error)) from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise TransientError(f"relay {cfg.host}:{cfg.port} unreachable: {exc}") from exc
        if smtp.sock is not None:  # the final dot must not wait for a delayed ACK
            smtp.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._smtp = smtp
        return smtp

    def _pace(self) -> None:
        if self.interval:
            wait = self._last + self.interval - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            self._last = time.monotonic()

    def send(
        self, data: bytes, sender: str, recipients: list[str], ready: Ready = _nothing
    ) -> None:
        self._pace()
        smtp = self._smtp or self._connect()
        self._dot_written = False
        try:
            if smtp.has_extn("pipelining"):
                refused = self._pipelined(smtp, data, sender, recipients, ready)
            else:
                refused = self._envelope(smtp, sender, recipients, ready)
                code, resp = smtp.docmd("data")
                if code != 354:
                    raise smtplib.SMTPDataError(code, resp)
                self._message(smtp, data)
        except smtplib.SMTPResponseException as exc:
            self._reset()
            raise _classify(exc.smtp_code, _text(exc.smtp_error)) from exc
        except (smtplib.SMTPException, OSError) as exc:
            self._drop()
            if self._dot_written:
                raise UncertainError(f"relay connection failed after the final dot: {exc}") from exc
            raise TransientError(f"relay connection failed: {exc}") from exc
        if refused:  # some recipients refused, others accepted: report the first refusal
            raise refused[0]

    def _envelope(
        self, smtp: smtplib.SMTP, sender: str, recipients: list[str], ready: Ready
    ) -> list[DeliveryError]:
        """MAIL and RCPT, with `ready()` run while the relay answers MAIL; the refusals when
        some recipients (not all) were refused."""
        smtp.putcmd("mail", f"FROM:{_quote(sender)}")
        try:
            ready()
        except BaseException:
            self._drop()  # before DATA: the relay holds nothing of this message
            raise
        code, resp = smtp.getreply()
        if code != 250:
            self._reset()
            raise _classify(code, _text(resp))
        refused: list[DeliveryError] = []
        for rcpt in recipients:
            code, resp = smtp.rcpt(rcpt)
            if code not in (250, 251):
                refused.append(_classify(code, _text(resp)))
        if len(refused) == len(recipients):
            self._reset()
            raise refused[0]
        return refused

    def _pipelined(
        self, smtp: smtplib.SMTP, data: bytes, sender: str, recipients: list[str], ready: Ready
    ) -> list[DeliveryError]:
        """MAIL, every RCPT and DATA in one write (RFC 2920), `ready()` while the relay
        answers, then the message; the refusals when some recipients (not all) were refused."""
        commands = f"MAIL FROM:{_quote(sender)}\r\n" + "".join(
            f"RCPT TO:{_quote(rcpt)}\r\n" for rcpt in recipients
        )
        smtp.send(commands + "DATA\r\n")
        try:
            ready()
        except BaseException:
            self._drop()  # before the message: the relay holds nothing of it
            raise
        mail = smtp.getreply()
        replies = [smtp.getreply() for _ in recipients]
        go = smtp.getreply()
        refused = [_classify(c, _text(m)) for c, m in replies if c not in (250, 251)]
        accepted = mail[0] == 250 and len(refused) < len(recipients)
        if go[0] == 354 and not accepted:  # DATA taken despite the refusals: end it empty
            smtp.send(b".\r\n")
            smtp.getreply()
        if not accepted or go[0] != 354:
            self._reset()
            if mail[0] != 250:
                raise _classify(mail[0], _text(mail[1]))
            raise refused[0] if refused else _classify(go[0], _text(go[1]))
        self._message(smtp, data)
        return refused

    def _message(self, smtp: smtplib.SMTP, data: bytes) -> None:
        """The message after 354, its final dot, and the relay's verdict."""
        body = _LEADING_DOT.sub(b"..", data) if b"\n." in data or data[:1] == b"." else data
        smtp.send(body + (b".\r\n" if body.endswith(b"\r\n") else b"\r\n.\r\n"))
        self._dot_written = True
        code, resp = smtp.getreply()
        if code != 250:
            raise smtplib.SMTPDataError(code, resp)

    def _reset(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.rset()
            except (smtplib.SMTPException, OSError):
                self._drop()

    def _drop(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            smtp.close()

    def close(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            try:
                smtp.quit()
            except (smtplib.SMTPException, OSError):
                smtp.close()


class MaildirTransport:
    """Writes each message into a real Maildir: tmp/ first, then renamed into new/."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._box: mailbox.Maildir | None = None

    def open(self) -> None:
        self._box = mailbox.Maildir(self.path, create=True)

    def send(
        self, data: bytes, sender: str, recipients: list[str], ready: Ready = _nothing
    ) -> None:
        box = self._box or mailbox.Maildir(self.path, create=True)
        trace = f"Return-Path: <{sender}>\r\n" + "".join(
            f"Delivered-To: {rcpt}\r\n" for rcpt in recipients
        )
        ready()
        try:
            box.add(trace.encode() + data)
        except OSError as exc:
            raise TransientError(f"cannot write to {self.path}: {exc}") from exc

    def close(self) -> None:
        self._box = None


def email_transport(relay_url: str | None, maildir: str, *, rate: float) -> EmailTransport:
    """The relay when one is configured, otherwise the Maildir."""
    if relay_url:
        return RelayTransport(RelayConfig.from_url(relay_url), rate=rate)
    return MaildirTransport(maildir)
