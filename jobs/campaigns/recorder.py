"""Committing delivery outcomes off the sending loop, without widening the crash window."""

from __future__ import annotations

import threading
from collections.abc import Callable

from sqlalchemy import Engine

Flush = Callable[[Engine, list[object]], None]


class Recorder:
    """Commits delivery outcomes in the background, as many per transaction as have piled up.

    Each connection calls `add()` after the relay accepted a message and, before it sends
    the final dot of its next message, `wait()` for that record to be committed. So at any
    moment each connection has at most one message the relay may hold that the store does
    not yet call sent; a crash resends that one (same Message-ID) and no other. Recording
    happens while the next message is composed and transmitted, so it costs the sending
    loop almost nothing, and under load one transaction records many messages.
    """

    def __init__(self, engine: Engine, flush: Flush) -> None:
        self.engine = engine
        self.flush = flush
        self._cond = threading.Condition()
        self._pending: list[object] = []
        self._queued = 0
        self._done = 0
        self._closing = False
        self.error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="outbox-recorder", daemon=True)
        self._thread.start()

    def add(self, item: object) -> int:
        """Queue one outcome; the ticket to `wait()` for."""
        with self._cond:
            self._pending.append(item)
            self._queued += 1
            self._cond.notify_all()
            return self._queued

    def wait(self, ticket: int) -> None:
        """Return once the outcome with `ticket` (and every earlier one) is committed."""
        with self._cond:
            while self._done < ticket and self.error is None:
                self._cond.wait()
            if self.error is not None:
                raise RecordingFailed(str(self.error)) from self.error

    def close(self) -> None:
        """Commit what is left and stop; raises if a commit failed."""
        with self._cond:
            self._closing = True
            self._cond.notify_all()
        self._thread.join()
        if self.error is not None:
            raise RecordingFailed(str(self.error)) from self.error

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._pending and not self._closing:
                    self._cond.wait()
                if not self._pending:
                    return
                batch, self._pending = self._pending, []
                upto = self._queued
            try:
                self.flush(self.engine, batch)
            except BaseException as exc:
                with self._cond:
                    self.error = exc
                    self._cond.notify_all()
                return
            with self._cond:
                self._done = upto
                self._cond.notify_all()


class RecordingFailed(RuntimeError):
    """The store refused an outcome; sending stops, the rows stay claimed until the lease."""
