"""Task reminders: at a task's remind time (its due time when none), once per remind time.

The dedupe key names the task and the remind time, so a second sweep queues nothing and a
snooze (a new remind time) reminds again. The reminder is a Slack DM with Done / Snooze
buttons when the assignee has Slack and Slack is configured, otherwise an email.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jobs import messages
from jobs.common import existing_keys, local_label, slack_enabled, zone_of
from jobs.runlog import SweepResult
from store.db import Database
from store.models import Task, TaskStatus, User
from store.settings import Settings

JOB = "reminders"


def reminder_key(task_id: int, remind_at: datetime) -> str:
    return f"reminder:task:{task_id}:{remind_at.astimezone(UTC).isoformat()}"


def sweep(session: Session, settings: Settings, now: datetime) -> SweepResult:
    """Queue every reminder due at `now` that was not queued before."""
    when = func.coalesce(Task.remind_at, Task.due_at)
    rows = session.execute(
        select(Task, User)
        .join(User, Task.assignee_id == User.id)
        .where(
            Task.status == TaskStatus.OPEN, when.is_not(None), when <= now, User.active.is_(True)
        )
        .order_by(Task.id)
    ).all()
    due = [(task, user, task.remind_at or task.due_at) for task, user in rows]
    done = existing_keys(session, (reminder_key(t.id, at) for t, _, at in due if at))
    slack = slack_enabled(settings)
    queued = 0
    for task, user, at in due:
        assert at is not None
        key = reminder_key(task.id, at)
        if key in done:
            continue
        zone = zone_of(user.timezone, settings.zone)
        about = task.contact.name if task.contact else (task.company.name if task.company else None)
        context = {
            "task": task,
            "user": user,
            "due": local_label(task.due_at, zone) if task.due_at else None,
            "about": about,
        }
        row = messages.task_reminder(
            session,
            to=user.email,
            dedupe_key=key,
            due_at=now,
            context=context,
            slack_id=user.slack_id if slack and user.slack_id else None,
        )
        queued += row is not None
    return SweepResult(JOB, queued=queued)


def run(db: Database, settings: Settings, now: datetime) -> SweepResult:
    with db.write() as session:
        return sweep(session, settings, now)
