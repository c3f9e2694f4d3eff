"""The scheduler and the mailer inside `crm serve`.

APScheduler 3 only ticks: each tick runs a sweep (`jobs.sweeps.run_job`) that reads what is
due from the database, so a double tick or a day of downtime sends nothing twice and misses
nothing. Jobs are defined here in code (no job store), with `coalesce=True` (missed ticks
collapse into one run) and a real `misfire_grace_time`.

Exactly one process schedules. On PostgreSQL it is the one holding a session-level
`pg_try_advisory_lock` on a connection it keeps open; the others try again every
`lock_retry` seconds and take over when the holder dies (its session ends, the lock goes).
On SQLite the one `crm serve` process schedules. The mailer runs in every process:
`FOR UPDATE SKIP LOCKED` gives each outbox row to one of them.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy import text
from sqlalchemy.engine import Connection

from jobs.mailer import Mailer, worker_id
from jobs.sweeps import JOBS, run_job
from jobs.transport import SlackSender
from store.db import Database
from store.settings import Settings

log = logging.getLogger(__name__)

LOCK_KEY = 0x43524D4A  # "CRMJ": the advisory lock only the scheduling process holds
MISFIRE_GRACE = 300


class AdvisoryLock:
    """A PostgreSQL session-level advisory lock held on a dedicated connection."""

    def __init__(self, db: Database, key: int = LOCK_KEY) -> None:
        self.db = db
        self.key = key
        self._conn: Connection | None = None

    @property
    def held(self) -> bool:
        return self._conn is not None

    def try_acquire(self) -> bool:
        if self._conn is not None:
            return self.check()
        conn = self.db.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        try:
            got = bool(
                conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": self.key}).scalar()
            )
        except Exception:
            conn.close()
            raise
        if not got:
            conn.close()
            return False
        self._conn = conn
        return True

    def check(self) -> bool:
        """Still ours? A dropped connection means the lock is gone too."""
        if self._conn is None:
            return False
        try:
            self._conn.execute(text("SELECT 1"))
            return True
        except Exception:
            log.warning("lost the scheduler lock's connection")
            self._forget()
            return False

    def _forget(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.invalidate()
                conn.close()
            except Exception:
                log.debug("closing the lock connection failed", exc_info=True)

    def release(self) -> None:
        conn, self._conn = self._conn, None
        if conn is None:
            return
        try:
            conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": self.key})
        finally:
            conn.close()


class JobsComponent:
    """The `crm serve` component running the mailer everywhere and the sweeps on one node."""

    name = "scheduler"

    def __init__(
        self,
        db: Database,
        settings: Settings,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        *,
        slack: SlackSender | None = None,
        schedule: bool = True,
        sweeps: tuple[str, ...] = JOBS,
    ) -> None:
        self.db = db
        self.settings = settings
        self.clock = clock
        self.schedule = schedule
        self.sweeps = sweeps
        self.worker = worker_id()
        self.mailer = Mailer(db, settings, slack=slack, worker=self.worker)
        self.lock = AdvisoryLock(db) if db.is_postgres else None
        self.leading = False
        self.scheduler: AsyncIOScheduler | None = None

    def _add(self, job_id: str, func: Callable[..., Any], seconds: float, **kwargs: Any) -> None:
        assert self.scheduler is not None
        self.scheduler.add_job(
            func,
            "interval",
            seconds=seconds,
            id=job_id,
            kwargs=kwargs,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=MISFIRE_GRACE,
            next_run_time=datetime.now(UTC) + timedelta(milliseconds=50),
            replace_existing=True,
        )

    async def start(self) -> None:
        # a line per tick would drown the log; our own jobs log what they did
        logging.getLogger("apscheduler.executors.default").setLevel(logging.WARNING)
        self.scheduler = AsyncIOScheduler(timezone=UTC)
        self._add("mailer", self._deliver, self.settings.mailer_interval)
        if self.schedule:
            self._add("leader", self._elect, self.settings.jobs_interval)
        self.scheduler.start()
        log.info("jobs started (worker %s, scheduling=%s)", self.worker, self.schedule)

    async def stop(self) -> None:
        if self.scheduler is not None:
            self.scheduler.shutdown(wait=False)
            self.scheduler = None
        if self.lock is not None:
            await asyncio.to_thread(self.lock.release)

    async def _elect(self) -> None:
        """Become (or stay) the process that schedules the sweeps."""
        if self.lock is None:
            ours = True
        else:
            try:
                ours = await asyncio.to_thread(self.lock.try_acquire)
            except Exception:
                log.exception("could not ask for the scheduler lock")
                ours = False
        if ours and not self.leading:
            log.info("worker %s now schedules the jobs", self.worker)
            for name in self.sweeps:
                self._add(f"sweep:{name}", self._sweep, self.settings.jobs_interval, name=name)
        elif not ours and self.leading:
            log.warning("worker %s no longer schedules the jobs", self.worker)
            for name in self.sweeps:
                if self.scheduler is not None and self.scheduler.get_job(f"sweep:{name}"):
                    self.scheduler.remove_job(f"sweep:{name}")
        self.leading = ours

    async def _sweep(self, name: str) -> None:
        if self.lock is not None and not self.lock.held:
            return
        now = self.clock()
        try:
            result = await asyncio.to_thread(
                run_job, self.db, self.settings, name, now, worker=self.worker
            )
        except asyncio.CancelledError:
            # Shutting down: the sweep commits whole or not at all, the next tick redoes it.
            log.info("job %s interrupted by shutdown", name)
            return
        except Exception:
            log.exception("job %s failed; the next tick tries again", name)
            return
        if result.queued:
            log.info("job %s queued %d message(s)", name, result.queued)

    async def _deliver(self) -> None:
        try:
            report = await self.mailer.deliver_due(self.clock())
        except asyncio.CancelledError:
            log.info("mailer interrupted by shutdown; unsent rows stay queued")
            return
        except Exception:
            log.exception("mailer run failed; the next tick tries again")
            return
        if report.claimed:
            log.info("mailer: %s", report)
