"""The scheduled jobs by name, and running one as a unit: the sweep and its run-log entry
commit together, so the log never claims a run whose messages were lost."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy.orm import Session

from jobs import digest, dunning, erp_sync, reminders
from jobs.campaigns import runner as newsletter
from jobs.runlog import SweepResult, record_run
from store.db import Database
from store.settings import Settings

Sweep = Callable[[Session, Settings, datetime], SweepResult]

SWEEPS: dict[str, Sweep] = {
    reminders.JOB: reminders.sweep,
    dunning.JOB: dunning.sweep,
    digest.JOB: digest.sweep,
}


# Jobs that manage their own transactions (they send, or read another database).
Task = Callable[[Database, Settings, datetime], SweepResult]


def _newsletter(db: Database, settings: Settings, now: datetime) -> SweepResult:
    report = newsletter.run(db, settings, now)
    details = {
        "sent": report.delivery.sent,
        "failed": report.delivery.failed,
        "started": len(report.started),
        "finished": len(report.finished),
    }
    return SweepResult("newsletter", queued=report.queued, details=details)


def _erp_sync(db: Database, settings: Settings, now: datetime) -> SweepResult:
    if not settings.erp_database_url or not settings.erp_mapping:
        return SweepResult("erp-sync", details={"configured": 0})
    result = erp_sync.run(db, settings, now=now)
    details = {f"{kind} changed": r.created + r.updated for kind, r in result.reports.items()}
    return SweepResult("erp-sync", details=details)


TASKS: dict[str, Task] = {"newsletter": _newsletter, "erp-sync": _erp_sync}
JOBS: tuple[str, ...] = (*SWEEPS, *TASKS)


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
    task = TASKS.get(name)
    if task is not None:
        result = task(db, settings, now)
        with db.write() as session:
            record_run(session, result, now=now, worker=worker, scheduled=scheduled)
        return result
    sweep = SWEEPS.get(name)
    if sweep is None:
        raise UnknownJobError(name)
    with db.write() as session:
        result = sweep(session, settings, now)
        record_run(session, result, now=now, worker=worker, scheduled=scheduled)
    return result
