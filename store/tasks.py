"""Tasks: follow-ups with a due time, a reminder time and one assignee."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.models import Priority, Task, TaskStatus


class TaskError(ValueError):
    """The task does not exist or is no longer open."""


def create_task(
    session: Session,
    *,
    title: str,
    due_at: datetime | None = None,
    remind_at: datetime | None = None,
    assignee_id: int | None,
    created_by_id: int | None = None,
    contact_id: int | None = None,
    company_id: int | None = None,
    order_id: int | None = None,
    priority: Priority | str = Priority.NORMAL,
    now: datetime,
    notes: str | None = None,
    interaction_id: int | None = None,
) -> Task:
    """A new open task; the reminder defaults to the due time."""
    title = " ".join(title.split())
    if not title:
        raise TaskError("a task needs a title")
    task = Task(
        title=title[:500],
        notes=notes,
        due_at=due_at,
        remind_at=remind_at if remind_at is not None else due_at,
        status=TaskStatus.OPEN,
        priority=Priority(priority),
        assignee_id=assignee_id,
        created_by_id=created_by_id,
        contact_id=contact_id,
        company_id=company_id,
        order_id=order_id,
        interaction_id=interaction_id,
        created_at=now,
    )
    session.add(task)
    session.flush()
    return task


def _open_task(session: Session, task_id: int) -> Task:
    task = session.get(Task, task_id)
    if task is None:
        raise TaskError(f"no task #{task_id}")
    if task.status is not TaskStatus.OPEN:
        raise TaskError(f"task #{task_id} is already {task.status.value}")
    return task


def complete_task(session: Session, task_id: int, *, now: datetime) -> Task:
    task = _open_task(session, task_id)
    task.status = TaskStatus.DONE
    task.completed_at = now
    session.flush()
    return task


def snooze_task(session: Session, task_id: int, until: datetime, *, now: datetime) -> Task:
    """Move the reminder (and a due time that would come before it) to `until`."""
    task = _open_task(session, task_id)
    if until <= now:
        raise TaskError("snooze until a time in the future")
    task.remind_at = until
    if task.due_at is not None and task.due_at < until:
        task.due_at = until
    session.flush()
    return task


def open_tasks(session: Session, assignee_id: int | None) -> list[Task]:
    """Open tasks of one person, soonest due first, undated last."""
    query = select(Task).where(Task.status == TaskStatus.OPEN, Task.assignee_id == assignee_id)
    query = query.order_by(Task.due_at.is_(None), Task.due_at, Task.id)
    return list(session.scalars(query))
