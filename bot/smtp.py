"""The inbound SMTP front: accept mail for our own addresses, file it durably, answer.

Thin on purpose (Mailman's LMTP runner, Zulip's email_mirror_server): it checks the
envelope, refuses what it can with named reply codes, files the raw bytes and answers 250
only after the commit. Everything else happens in the intake worker afterwards.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
import time
import weakref
from collections.abc import Callable
from typing import Any

from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword
from aiosmtpd.smtp import Session as SmtpSession

from bot import smtp_codes as codes
from bot.addresses import Recipient, RecipientKind, recipient_for
from bot.context import AppContext
from bot.intake.receive import GroupCommitWriter, Incoming
from store.users import user_by_token

log = logging.getLogger(__name__)

_TOKEN_TTL = 60.0


class IntakeHandler:
    """aiosmtpd hooks: RCPT decides who may receive, DATA files the message."""

    def __init__(self, ctx: AppContext, writer: GroupCommitWriter) -> None:
        self.ctx = ctx
        self.writer = writer
        self.accepting = True
        self._tokens: dict[str, tuple[int, float]] = {}  # token -> (user id, looked up at)

    def _classify(self, address: str) -> Recipient:
        settings = self.ctx.settings
        return recipient_for(address, settings.mail_domain, settings.bot_address)

    def _cached_user(self, token: str) -> int | None:
        hit = self._tokens.get(token)
        if hit is not None and time.monotonic() - hit[1] < _TOKEN_TTL:
            return hit[0]
        return None

    def _user_for_token(self, token: str) -> int | None:
        cached = self._cached_user(token)
        if cached is not None:
            return cached
        with self.ctx.db.read() as session:
            user = user_by_token(session, token)
            user_id = user.id if user is not None else None
        if user_id is not None:
            self._tokens[token] = (user_id, time.monotonic())
        return user_id

    async def handle_RCPT(
        self,
        server: SMTP,
        session: SmtpSession,
        envelope: Envelope,
        address: str,
        rcpt_options: list[str],
    ) -> str:
        if len(envelope.rcpt_tos) >= codes.MAX_RECIPIENTS:
            return codes.S452_TOO_MANY_RCPTS
        recipient = self._classify(address)
        if recipient.kind is RecipientKind.FOREIGN:
            return codes.S550_RELAY_DENIED
        if recipient.kind is RecipientKind.UNKNOWN_LOCAL:
            return codes.S550_NO_SUCH_USER
        if recipient.kind is RecipientKind.PERSONAL:
            assert recipient.token is not None
            user_id = self._cached_user(recipient.token)
            if user_id is None:
                user_id = await asyncio.to_thread(self._user_for_token, recipient.token)
            if user_id is None:
                return codes.S550_NO_SUCH_USER
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return codes.S250_RCPT_OK

    async def handle_DATA(self, server: SMTP, session: SmtpSession, envelope: Envelope) -> str:
        if not self.accepting:
            return codes.S451_SHUTTING_DOWN
        if not envelope.rcpt_tos:
            return codes.S554_NO_VALID_RCPT
        raw = envelope.original_content or b""
        if isinstance(envelope.content, bytes) and not raw:
            raw = envelope.content
        now = self.ctx.now()
        items = []
        for rcpt in envelope.rcpt_tos:
            recipient = self._classify(rcpt)
            user_id = None
            if recipient.kind is RecipientKind.PERSONAL and recipient.token:
                user_id = self._cached_user(recipient.token)  # looked up at RCPT
                if user_id is None:
                    user_id = await asyncio.to_thread(self._user_for_token, recipient.token)
            items.append(
                Incoming(
                    channel="smtp",
                    raw=raw,
                    received_at=now,
                    mail_from=envelope.mail_from or "",
                    rcpt_to=rcpt,
                    user_id=user_id,
                )
            )
        try:
            results = await asyncio.gather(*(self.writer.file(item) for item in items))
        except Exception:
            log.exception("could not file a message from %s", session.peer)
            return codes.S451_TRY_AGAIN
        if all(r.duplicate for r in results):
            return codes.S250_DUPLICATE
        return codes.S250_OK

    async def handle_exception(self, error: Exception) -> str:
        """Log ours; the peer gets a generic line, never the exception text."""
        log.error("SMTP session error: %s", type(error).__name__, exc_info=error)
        return codes.S421_ERROR


def _tls_context(ctx: AppContext) -> ssl.SSLContext | None:
    settings = ctx.settings
    if not (settings.smtp_tls_cert and settings.smtp_tls_key):
        return None
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(settings.smtp_tls_cert, settings.smtp_tls_key)
    return context


def _authenticator(ctx: AppContext) -> Callable[..., AuthResult] | None:
    user, password = ctx.settings.smtp_auth_user, ctx.settings.smtp_auth_password
    if not (user and password):
        return None

    def check(
        server: SMTP, session: SmtpSession, envelope: Envelope, mechanism: str, data: Any
    ) -> AuthResult:
        import hmac

        ok = (
            isinstance(data, LoginPassword)
            and hmac.compare_digest(data.login, user.encode())
            and hmac.compare_digest(data.password, password.encode())
        )
        return AuthResult(success=bool(ok), handled=False)  # aiosmtpd answers 235 or 535

    return check


class SmtpServer:
    """A serve component: aiosmtpd's protocol on `loop.create_server`, with group commit."""

    name = "smtp"

    def __init__(self, ctx: AppContext, on_filed: Callable[[], None] | None = None) -> None:
        self.ctx = ctx
        self.writer = GroupCommitWriter(ctx.db, on_commit=on_filed)
        self.handler = IntakeHandler(ctx, self.writer)
        self._server: asyncio.base_events.Server | None = None
        self._protocols: weakref.WeakSet[SMTP] = weakref.WeakSet()
        self.port: int | None = None

    def _protocol(self) -> SMTP:
        settings = self.ctx.settings
        tls = _tls_context(self.ctx)
        auth = _authenticator(self.ctx)
        proto = SMTP(
            self.handler,
            data_size_limit=settings.smtp_max_bytes,
            enable_SMTPUTF8=True,
            hostname=settings.mail_domain,
            ident="CRM Assistant ESMTP",
            tls_context=tls,
            authenticator=auth,
            auth_required=auth is not None,
            auth_require_tls=tls is not None,
            timeout=120,
        )
        self._protocols.add(proto)
        return proto

    async def start(self) -> None:
        self.writer.start()
        loop = asyncio.get_running_loop()
        settings = self.ctx.settings
        self._server = await loop.create_server(
            self._protocol, host=settings.smtp_host, port=settings.smtp_port
        )
        self.port = self._server.sockets[0].getsockname()[1]
        log.info("SMTP listening on %s:%s", settings.smtp_host, self.port)

    async def stop(self) -> None:
        self.handler.accepting = False
        if self._server is not None:
            self._server.close()
        for proto in list(self._protocols):
            transport = proto.transport
            if transport is not None and not transport.is_closing():
                transport.close()
        self._protocols.clear()
        if self._server is not None:
            await asyncio.sleep(0)
            self._server = None
        await asyncio.to_thread(self.writer.stop)
