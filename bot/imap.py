"""The IMAP poller: a shared mailbox as another way in, through the same intake as SMTP.

Each new message (by UID, above a checkpoint kept with the mailbox's UIDVALIDITY in
JobState) is filed in the same transaction that moves the checkpoint; only after that
commit is it flagged \\Seen (or moved to CRM_IMAP_MOVE_TO, or deleted when CRM_IMAP_DELETE
says so). A crash in between re-files nothing: the checkpoint and the Message-ID guard
both stop it. IDLE is used when the server offers it, polling otherwise; a lost
connection is retried with growing pauses. imapclient is blocking, so this runs in a thread.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.parser import BytesHeaderParser
from email.policy import compat32
from email.utils import parseaddr
from typing import Any
from urllib.parse import unquote, urlsplit

from imapclient import IMAPClient

from bot.context import AppContext
from bot.intake.receive import Incoming, durable, file_messages
from store.models import JobState

log = logging.getLogger(__name__)

FETCH_CHUNK = 50


@dataclass(frozen=True)
class ImapTarget:
    host: str
    port: int
    ssl: bool
    user: str
    password: str
    mailbox: str

    @classmethod
    def from_url(cls, url: str) -> ImapTarget:
        parts = urlsplit(url)
        ssl = parts.scheme == "imaps"
        return cls(
            host=parts.hostname or "localhost",
            port=parts.port or (993 if ssl else 143),
            ssl=ssl,
            user=unquote(parts.username or ""),
            password=unquote(parts.password or ""),
            mailbox=unquote(parts.path.lstrip("/")) or "INBOX",
        )

    @property
    def checkpoint_name(self) -> str:
        return f"imap:{self.user}@{self.host}:{self.port}/{self.mailbox}"


def _return_path(raw: bytes) -> str | None:
    try:
        headers = BytesHeaderParser(policy=compat32).parsebytes(raw, headersonly=True)
    except Exception:
        return None
    value = headers.get("Return-Path")
    return parseaddr(str(value))[1] if value is not None else None


class ImapPoller:
    """A serve component; `poll_once()` is one full pass, used by tests and by the loop."""

    name = "imap"

    def __init__(
        self,
        ctx: AppContext,
        on_filed: Callable[[], None] | None = None,
        *,
        idle_seconds: float = 300.0,
        poll_seconds: float = 30.0,
    ) -> None:
        assert ctx.settings.imap_url
        self.ctx = ctx
        self.target = ImapTarget.from_url(ctx.settings.imap_url)
        self.on_filed = on_filed
        self.idle_seconds = idle_seconds
        self.poll_seconds = poll_seconds
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.connected = threading.Event()
        # Mail is flagged, moved or deleted on the server once filed: the commit that
        # files it must be on the disk first, as the SMTP server's 250 is.
        self._db = durable(ctx.db)

    # --- component ---------------------------------------------------------------------
    async def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="imap-poller", daemon=True)
        self._thread.start()

    async def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            await asyncio.to_thread(self._thread.join, 30)
            self._thread = None
        if self._db is not self.ctx.db:
            self._db.dispose()

    def _run(self) -> None:
        backoff = 1.0
        while not self._stop.is_set():
            client: IMAPClient | None = None
            try:
                client = self.connect()
                self.connected.set()
                backoff = 1.0
                while not self._stop.is_set():
                    self.poll_once(client)
                    self._wait(client)
            except Exception as exc:
                self.connected.clear()
                log.warning("IMAP %s: %s; reconnecting in %.0fs", self.target.host, exc, backoff)
                self._stop.wait(backoff)
                backoff = min(backoff * 2, 300.0)
            finally:
                if client is not None:
                    try:
                        client.logout()
                    except Exception:
                        log.debug("IMAP logout failed", exc_info=True)

    def _wait(self, client: IMAPClient) -> None:
        """Until the server reports news (IDLE) or the poll interval passes."""
        if not client.has_capability("IDLE"):
            self._stop.wait(self.poll_seconds)
            client.noop()
            return
        client.idle()
        try:
            deadline = time.monotonic() + self.idle_seconds
            while not self._stop.is_set() and time.monotonic() < deadline:
                if client.idle_check(timeout=0.5):
                    break
        finally:
            client.idle_done()

    # --- one pass ----------------------------------------------------------------------
    def connect(self) -> IMAPClient:
        t = self.target
        client = IMAPClient(t.host, port=t.port, ssl=t.ssl, timeout=60)
        client.login(t.user, t.password)
        client.select_folder(t.mailbox)
        return client

    def _checkpoint(self, uidvalidity: int) -> int:
        with self.ctx.db.read() as session:
            state = session.get(JobState, self.target.checkpoint_name)
            value: dict[str, Any] = dict(state.value) if state is not None else {}
        if value.get("uidvalidity") != uidvalidity:
            return 0  # a new mailbox generation: UIDs mean something else now
        return int(value.get("last_uid", 0))

    def poll_once(self, client: IMAPClient) -> int:
        """File every message above the checkpoint; returns how many were new."""
        client.noop()  # lets the server tell this session about mail that arrived meanwhile
        status = client.folder_status(self.target.mailbox, [b"UIDVALIDITY"])
        uidvalidity = int(status[b"UIDVALIDITY"])
        last = self._checkpoint(uidvalidity)
        uids = sorted(u for u in client.search(["UID", f"{last + 1}:*"]) if u > last)
        filed = 0
        for start in range(0, len(uids), FETCH_CHUNK):
            chunk = uids[start : start + FETCH_CHUNK]
            fetched = client.fetch(chunk, ["BODY.PEEK[]"])
            items = [(uid, bytes(fetched[uid][b"BODY[]"])) for uid in chunk if uid in fetched]
            filed += self._file(items, uidvalidity)
            self._mark_done([uid for uid, _ in items], client)
        return filed

    def _file(self, items: list[tuple[int, bytes]], uidvalidity: int) -> int:
        if not items:
            return 0
        now = self.ctx.now()
        incoming = [
            Incoming(
                channel="imap",
                raw=raw,
                received_at=now,
                mail_from=_return_path(raw),
                rcpt_to=f"imap:{self.target.mailbox}",
            )
            for _, raw in items
        ]
        with self._db.write() as session:
            results = file_messages(session, incoming)
            state = session.get(JobState, self.target.checkpoint_name)
            value = {"uidvalidity": uidvalidity, "last_uid": max(uid for uid, _ in items)}
            if state is None:
                session.add(JobState(name=self.target.checkpoint_name, value=value, updated_at=now))
            else:
                state.value = value
                state.updated_at = now
        if self.on_filed is not None:
            self.on_filed()
        return sum(1 for r in results if not r.duplicate)

    def _mark_done(self, uids: list[int], client: IMAPClient) -> None:
        """Only after the commit: flag, move or (when configured) delete."""
        if not uids:
            return
        settings = self.ctx.settings
        if settings.imap_move_to:
            if client.has_capability("MOVE"):
                client.move(uids, settings.imap_move_to)
            else:
                client.copy(uids, settings.imap_move_to)
                client.add_flags(uids, [b"\\Deleted"])
                client.expunge(uids) if client.has_capability("UIDPLUS") else client.expunge()
            return
        client.add_flags(uids, [b"\\Seen"])
        if settings.imap_delete:
            client.add_flags(uids, [b"\\Deleted"])
            client.expunge(uids) if client.has_capability("UIDPLUS") else client.expunge()
