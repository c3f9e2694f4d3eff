"""The scheduled jobs by name, and running one as a unit: the sweep and its run-log entry
commit together, so the log never claims a run whose messages were lost."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy.orm import Session

from jobs import digest, dunning, reminders
from jobs.runlog import SweepResult, record_run
from store.db import Database
from store.settings import Settings

Sweep = Callable[[Session, Settings, datetime], SweepResult]

SWEEPS: dict[str, Sweep] = {
    reminders.JOB: reminders.sweep,
    dunning.JOB: dunning.sweep,
    digest.JOB: digest.sweep,
}


class UnknownJobError(KeyError):
    pass


def run_job(
    db: Database,
    settings: Settings,
    name: str,
    now: datetime,
    *,
    worker: str,
    scheduled: datetime | None = None,
) -> SweepResult:
    """One sweep of job `name` at `now`, as the scheduler or `crm jobs run` would."""
    sweep = SWEEPS.get(name)
    if sweep is None:
        raise UnknownJobError(name)
    with db.write() as session:
        result = sweep(session, settings, now)
        record_run(session, result, now=now, worker=worker, scheduled=scheduled)
    return result
