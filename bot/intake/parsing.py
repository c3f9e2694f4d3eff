"""Parsing received messages, here or in a pool of processes: pure CPU, no database.

Kept apart from the code that writes so a pool process imports only the parsers.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import pickle
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import datetime

from parsers import peers
from parsers.email import parse_email
from parsers.types import ParsedEmail, ParseError

log = logging.getLogger(__name__)

Parsed = ParsedEmail | Exception


@dataclass(frozen=True)
class ParseJob:
    """What parsing one message needs; plain data, so it can go to another process."""

    raw: bytes
    now: datetime
    zone: str
    region: str = "US"  # CRM_DEFAULT_REGION, for phone numbers that say nothing else
    model: str | None = None  # CRM_SPACY_MODEL: loaded once per process, then reused


Parser = Callable[[Sequence[ParseJob]], list[Parsed]]


def parse_job(job: ParseJob) -> Parsed:
    """Never raises: a parse error is recorded in the transaction that files the outcome."""
    try:
        nlp = peers.pipeline(None, job.model) if job.model else None
        return parse_email(job.raw, now=job.now, tz=job.zone, default_region=job.region, nlp=nlp)
    except Exception as exc:
        return exc


def parse_here(jobs: Sequence[ParseJob]) -> list[Parsed]:
    return [parse_job(job) for job in jobs]


def _parse_portable(job: ParseJob) -> Parsed:
    """`parse_job` in a pool process: an error that cannot travel back is sent as text."""
    result = parse_job(job)
    if isinstance(result, Exception) and not isinstance(result, ParseError):
        try:
            pickle.dumps(result)
        except Exception:
            return RuntimeError(f"{type(result).__name__}: {result}")
    return result


def _watch_parent(parent: int) -> None:
    """In a pool process: leave when the parent is gone (a `kill -9` of `crm serve` would
    otherwise leave idle parser processes behind)."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(0)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


class ParsePool:
    """Parsing a backlog in other processes, so it runs beside the writes on another core.

    Parsing is pure CPU (no I/O, no database), which one Python process cannot spread over
    cores. A backlog smaller than `min_jobs` (the usual case: a message or two) is parsed
    here, with no process to start or hand over to; the pool starts on the first backlog.
    If a pool process dies (or cannot start), batches are parsed here for a minute, then a
    new pool is tried.
    """

    def __init__(self, processes: int, *, min_jobs: int = 8) -> None:
        self.processes = processes
        self.min_jobs = min_jobs
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()
        self._broken_until = 0.0

    def __call__(self, jobs: Sequence[ParseJob]) -> list[Parsed]:
        if self.processes < 1 or len(jobs) < self.min_jobs:
            return parse_here(jobs)
        if time.monotonic() < self._broken_until:
            return parse_here(jobs)
        with self._lock:
            if self._pool is None:
                spawn = multiprocessing.get_context("spawn")  # never fork a threaded process
                self._pool = ProcessPoolExecutor(
                    self.processes,
                    mp_context=spawn,
                    initializer=_watch_parent,
                    initargs=(os.getpid(),),
                )
            pool = self._pool
        chunk = max(1, len(jobs) // (self.processes * 2))
        try:
            return list(pool.map(_parse_portable, jobs, chunksize=chunk))
        except BrokenProcessPool:
            log.warning("a parser process died; parsing in the main process for a minute")
            self._broken_until = time.monotonic() + 60.0
            self.close()
            return parse_here(jobs)

    def close(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
