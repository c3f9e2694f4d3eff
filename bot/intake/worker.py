"""The intake worker inside `crm serve`: picks up received messages and processes them.

It is woken right after a channel commits a message, and also looks every `poll_seconds`
so messages filed by another process (or left by a crash) are never forgotten. What is
waiting is applied `per_commit` messages to a transaction (each in its own savepoint), and
parsed before that transaction opens, so the write lock is held only for the writes.
Its commits are synced to disk like the inbound writer's: a commit undone by a power cut
after the mailer sent its reply would make the message be applied, and answered, again.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import threading

from bot.context import AppContext
from bot.intake.parsing import ParseJob, ParsePool, parse_job
from bot.intake.process import Outcome, Prepared, apply_prepared, prepare
from bot.intake.receive import durable, pending_ids

log = logging.getLogger(__name__)


class IntakeWorker:
    name = "intake"

    def __init__(
        self,
        ctx: AppContext,
        *,
        poll_seconds: float = 15.0,
        batch: int = 200,
        per_commit: int = 50,
        parse_processes: int = 0,
    ) -> None:
        db = durable(ctx.db)  # one sync per applied batch: cheap, and no reply sent twice
        self._owns_db = db is not ctx.db
        self.ctx = dataclasses.replace(ctx, db=db) if self._owns_db else ctx
        self.poll_seconds = poll_seconds
        self.batch = batch
        self.per_commit = max(1, per_commit)
        self.parse = ParsePool(parse_processes)
        self._event = asyncio.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        self.processed = 0

    def wake(self) -> None:
        """Safe to call from any thread (the SMTP writer calls it after each commit)."""
        if self._loop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._event.set)

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stopping = False
        self._task = asyncio.create_task(self._run(), name="intake-worker")

    async def stop(self) -> None:
        self._stopping = True
        self._event.set()
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        await asyncio.to_thread(self.parse.close)
        if self._owns_db:
            self.ctx.db.dispose()

    def _pending(self) -> list[int]:
        with self.ctx.db.read() as session:
            return pending_ids(session, self.batch)

    def _warm_up(self) -> None:
        """Load the parser's language data (and any statistical model) now, not while the
        first sender waits."""
        sample = b"From: a@example.com\r\nSubject: warm-up\r\n\r\nTask: call Bob tomorrow\r\n"
        settings = self.ctx.settings
        outcome = parse_job(
            ParseJob(sample, self.ctx.now(), settings.timezone, model=settings.spacy_model)
        )
        if isinstance(outcome, Exception):
            log.warning("parser warm-up failed: %s", outcome)

    def _prepare(self, ids: list[int]) -> Prepared:
        return prepare(self.ctx, ids, parse=self.parse)

    async def _work_through(self, ids: list[int]) -> None:
        """Apply chunk by chunk, parsing the next chunk while the current one is written."""
        chunks = [ids[i : i + self.per_commit] for i in range(0, len(ids), self.per_commit)]
        if not chunks:
            return
        ahead = asyncio.ensure_future(asyncio.to_thread(self._prepare, chunks[0]))
        for index in range(len(chunks)):
            prepared = await ahead
            if self._stopping:
                return
            if index + 1 < len(chunks):
                ahead = asyncio.ensure_future(asyncio.to_thread(self._prepare, chunks[index + 1]))
            try:
                self._count(await asyncio.to_thread(apply_prepared, self.ctx, prepared))
            except BaseException:
                if index + 1 < len(chunks):
                    with contextlib.suppress(Exception):
                        await ahead  # it only reads; let it end before the retry
                raise

    def _count(self, outcomes: list[Outcome]) -> None:
        for outcome in outcomes:
            if outcome.status is not None:
                self.processed += 1
                log.info("inbound #%s: %s", outcome.inbound_id, outcome.status)

    async def _run(self) -> None:
        # A daemon thread, not awaited: stopping must never wait for the warm-up.
        threading.Thread(target=self._warm_up, name="parser-warm-up", daemon=True).start()
        backoff = 1.0
        while not self._stopping:
            self._event.clear()
            try:
                ids = await asyncio.to_thread(self._pending)
                await self._work_through(ids)
                backoff = 1.0
            except Exception:
                log.exception("intake worker: database trouble, retrying in %.0fs", backoff)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 60.0)
                continue
            if ids and len(ids) >= self.batch:
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._event.wait(), timeout=self.poll_seconds)
