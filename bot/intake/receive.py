"""Filing raw messages in `inbound_messages`, alone or many per commit (group commit).

A channel answers "accepted" only after the row is committed. Under load, committing each
message separately would make the disk the bottleneck, so `GroupCommitWriter` collects the
messages that arrive while a commit is running and files them together in the next one;
each sender still gets its answer only after the commit that contains its message.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from email.header import decode_header, make_header
from email.parser import BytesHeaderParser
from email.policy import compat32
from typing import Any

from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from store.db import Database
from store.models import InboundMessage, InboundStatus

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Incoming:
    """One message as a channel received it, before anything is decided about it."""

    channel: str
    raw: bytes
    received_at: datetime
    mail_from: str | None = None
    rcpt_to: str | None = None
    user_id: int | None = None


@dataclass(frozen=True)
class Filed:
    inbound_id: int
    duplicate: bool


def header_summary(raw: bytes) -> tuple[str | None, str | None]:
    """Message-ID and decoded Subject, read from the header block only (cheap, never raises)."""
    try:
        headers = BytesHeaderParser(policy=compat32).parsebytes(raw, headersonly=True)
        message_id = headers.get("Message-ID")
        subject = headers.get("Subject")
    except Exception:
        return None, None
    mid = str(message_id).strip()[:500] if message_id else None
    text: str | None = None
    if subject is not None:
        try:
            text = str(make_header(decode_header(str(subject))))
        except Exception:
            text = str(subject)
        text = " ".join(text.split())[:500]
    return mid or None, text


def file_messages(session: Session, items: Sequence[Incoming]) -> list[Filed]:
    """Insert the messages not filed yet; one with a known Message-ID and recipient is not
    filed again (a client retrying after a lost answer must not create a second intake)."""
    summaries = [header_summary(item.raw) for item in items]
    ids = {mid for mid, _ in summaries if mid}
    known: dict[tuple[str, str | None], int] = {}
    if ids:
        rows = session.execute(
            select(InboundMessage.id, InboundMessage.message_id, InboundMessage.rcpt_to).where(
                InboundMessage.message_id.in_(ids)
            )
        )
        for row_id, mid, rcpt in rows:
            known.setdefault((str(mid), rcpt), row_id)
    results: list[Filed] = []
    pending: list[tuple[int, InboundMessage]] = []
    for index, (item, (mid, subject)) in enumerate(zip(items, summaries, strict=True)):
        key = (mid, item.rcpt_to) if mid else None
        if key is not None and key in known:
            results.append(Filed(known[key], True))
            continue
        row = InboundMessage(
            channel=item.channel,
            received_at=item.received_at,
            mail_from=(item.mail_from or "")[:500] or None,
            rcpt_to=(item.rcpt_to or "")[:2000] or None,
            user_id=item.user_id,
            message_id=mid,
            subject=subject,
            size=len(item.raw),
            raw=item.raw,
            status=InboundStatus.RECEIVED,
            reasons=[],
            attempts=0,
        )
        session.add(row)
        pending.append((index, row))
        results.append(Filed(-1, False))
        if key is not None:
            known[key] = -1 - index  # placeholder so a duplicate in the same batch is caught
    session.flush()
    for index, row in pending:
        results[index] = Filed(row.id, False)
    for index, filed in enumerate(results):
        if filed.duplicate and filed.inbound_id < 0:
            results[index] = Filed(results[-1 - filed.inbound_id].inbound_id, True)
    return results


def durable(db: Database) -> Database:
    """The same store, with commits that are on the disk when they return.

    SQLite in WAL with synchronous=NORMAL (the store's setting) survives a crash of the
    process but may lose the last commits to a power cut; a 250 promises more, so the
    inbound writer syncs each commit (group commit makes that one sync per batch), and so
    does the intake worker (one per batch of applied messages). PostgreSQL commits durably
    already; an in-memory database has nothing to sync: both get `db` itself.
    """
    if not db.is_sqlite or ":memory:" in db.url or "mode=memory" in db.url:
        return db
    twin = Database(db.url)
    event.listen(twin.engine, "connect", _synchronous_full)  # after the store's own pragmas
    return twin


def _synchronous_full(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA synchronous=FULL")
    cur.close()


def file_one(db: Database, item: Incoming) -> Filed:
    with db.write() as session:
        return file_messages(session, [item])[0]


_Job = tuple[Incoming, Callable[[Filed | BaseException], None]]


class GroupCommitWriter:
    """A writer thread that commits every message waiting for it in one transaction."""

    def __init__(
        self, db: Database, *, max_batch: int = 200, on_commit: Callable[[], None] | None = None
    ) -> None:
        self.db = durable(db)
        self._owns_db = self.db is not db
        self.max_batch = max_batch
        self.on_commit = on_commit
        self._queue: queue.Queue[_Job | None] = queue.Queue()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="inbound-writer", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join(timeout=30)
            self._thread = None
        if self._owns_db:
            self.db.dispose()

    async def file(self, item: Incoming) -> Filed:
        """File `item`; returns once the commit containing it has succeeded (raises if not)."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Filed] = loop.create_future()

        def done(result: Filed | BaseException) -> None:
            loop.call_soon_threadsafe(_settle, future, result)

        if self._thread is None:
            raise RuntimeError("the inbound writer is not running")
        self._queue.put((item, done))
        return await future

    def _run(self) -> None:
        while True:
            first = self._queue.get()
            if first is None:
                return
            batch = [first]
            stopping = False
            while len(batch) < self.max_batch:
                try:
                    nxt = self._queue.get_nowait()
                except queue.Empty:
                    break
                if nxt is None:
                    stopping = True
                    break
                batch.append(nxt)
            self._commit(batch)
            if stopping:
                return

    def _commit(self, batch: list[_Job]) -> None:
        try:
            with self.db.write() as session:
                results = file_messages(session, [item for item, _ in batch])
        except Exception as exc:
            if len(batch) == 1:
                log.exception("filing an inbound message failed")
                batch[0][1](exc)
                return
            for job in batch:  # one bad message must not refuse the others
                self._commit([job])
            return
        for (_, done), filed in zip(batch, results, strict=True):
            done(filed)
        if self.on_commit is not None:
            self.on_commit()


def _settle(future: asyncio.Future[Filed], result: Filed | BaseException) -> None:
    if future.done():
        return
    if isinstance(result, BaseException):
        future.set_exception(result)
    else:
        future.set_result(result)


def pending_ids(session: Session, limit: int = 50) -> list[int]:
    """Received messages waiting for the intake (bounce addresses belong to the newsletter)."""
    query = (
        select(InboundMessage.id)
        .where(InboundMessage.status == InboundStatus.RECEIVED)
        .where(
            InboundMessage.rcpt_to.is_(None)
            | ~(
                func.lower(InboundMessage.rcpt_to).like("bounces+%")
                | func.lower(InboundMessage.rcpt_to).like("unsubscribe+%")
            )
        )
        .order_by(InboundMessage.id)
        .limit(limit)
    )
    return list(session.scalars(query))
