"""A small run-log per job in `job_state`: when each sweep ran, where, and what it queued.

It lets an operator (and the tests) see that a job ran once per tick even with several
`crm serve` processes on one database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.models import JobState

KEEP = 200


@dataclass(frozen=True)
class SweepResult:
    """What one run of a job did; `queued` counts outbox rows written."""

    job: str
    queued: int = 0
    details: dict[str, int] = field(default_factory=dict)


def record_run(
    session: Session,
    result: SweepResult,
    *,
    now: datetime,
    worker: str,
    scheduled: datetime | None = None,
) -> None:
    """Append this run to the job's log (the last KEEP runs are kept) in the caller's commit."""
    name = f"run:{result.job}"
    state = session.scalar(select(JobState).where(JobState.name == name).with_for_update())
    entry: dict[str, Any] = {
        "at": now.isoformat(),
        "scheduled": scheduled.isoformat() if scheduled else None,
        "worker": worker,
        "queued": result.queued,
        **result.details,
    }
    if state is None:
        session.add(JobState(name=name, value={"runs": 1, "recent": [entry]}, updated_at=now))
    else:
        recent = [*list(state.value.get("recent", []))[-(KEEP - 1) :], entry]
        state.value = {"runs": int(state.value.get("runs", 0)) + 1, "recent": recent}
        state.updated_at = now
    session.flush()


def runs(session: Session, job: str) -> list[dict[str, Any]]:
    state = session.get(JobState, f"run:{job}")
    return list(state.value.get("recent", [])) if state else []
