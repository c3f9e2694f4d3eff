"""Tasks by chat: `remind me to …`, `task …`, `tasks`, `done 12`, `snooze 12 to Monday`."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.conversation.reply import Reply, task_record
from bot.conversation.targets import resolve
from bot.conversation.turn import Refusal, Turn, when
from store.models import Role, Task, TaskStatus
from store.tasks import TaskError, complete_task, create_task, open_tasks, snooze_task


def add_task(turn: Turn) -> Reply:
    title = turn.arg("title") or turn.arg("text")
    if not title:
        raise Refusal("What is the task? e.g. `remind me to call Bob at Acme tomorrow at 10`")
    contact_id = company_id = None
    target = turn.arg("target")
    if target or turn.target is not None:
        found = resolve(turn.session, target, pinned=turn.target)
        if found.choices:
            raise Refusal(f"Several customers match {target!r}; name one more precisely.")
        contact_id = found.contact.id if found.contact else None
        company_id = found.company_id
    due = turn.command.due
    task = create_task(
        turn.session,
        title=title,
        due_at=due,
        remind_at=due,
        assignee_id=turn.user.id,
        created_by_id=turn.user.id,
        contact_id=contact_id,
        company_id=company_id,
        now=turn.now,
    )
    due_text = f", due {when(due, turn.tz)}" if due else ""
    return Reply(f"Task #{task.id}: {task.title}{due_text}", tasks=(task_record(task),))


def list_tasks(turn: Turn) -> Reply:
    tasks = list(open_tasks(turn.session, turn.user.id))
    if not tasks:
        return Reply("You have no open tasks.")
    lines = [f"Your open tasks ({len(tasks)}):"]
    lines += [task_line(t, turn) for t in tasks]
    return Reply("\n".join(lines), tasks=tuple(task_record(t) for t in tasks))


def task_line(task: Task, turn: Turn) -> str:
    text = f"#{task.id} {task.title}"
    if task.due_at is not None:
        late = " (overdue)" if task.due_at < turn.now else ""
        text += f", due {when(task.due_at, turn.tz)}{late}"
    about = task.contact.name if task.contact else (task.company.name if task.company else None)
    return text + (f" [{about}]" if about else "")


def _own_task(turn: Turn) -> Task:
    raw = turn.command.args.get("task_id")
    if raw is None or not str(raw).isdigit():
        raise Refusal("Which task? Give its number, e.g. `done 12` (see `tasks`).")
    task = turn.session.get(Task, int(raw))
    if task is None:
        raise Refusal(f"There is no task #{raw}.")
    if task.assignee_id not in (None, turn.user.id) and turn.user.role != Role.ADMIN:
        owner = task.assignee.name if task.assignee else "someone else"
        raise Refusal(f"Task #{task.id} belongs to {owner}; only they or an admin can change it.")
    return task


def done(turn: Turn) -> Reply:
    task = _own_task(turn)
    if task.status != TaskStatus.OPEN:
        raise Refusal(f"Task #{task.id} is already {task.status}.")
    try:
        task = complete_task(turn.session, task.id, now=turn.now)
    except TaskError as exc:
        raise Refusal(str(exc)) from None
    return Reply(f"Done: #{task.id} {task.title}", tasks=(task_record(task),))


def snooze(turn: Turn) -> Reply:
    task = _own_task(turn)
    if turn.command.args.get("error"):
        raise Refusal(
            f"{turn.command.args['error']}; try `snooze {task.id} to Monday` or "
            f"`snooze {task.id} 2 days`."
        )
    until: datetime = turn.command.due or turn.now + timedelta(days=1)
    if until <= turn.now:
        raise Refusal("Snooze to a time in the future, e.g. `snooze 12 to Monday`.")
    try:
        task = snooze_task(turn.session, task.id, until, now=turn.now)
    except TaskError as exc:
        raise Refusal(str(exc)) from None
    return Reply(
        f"Snoozed #{task.id} {task.title} until {when(until, turn.tz)}", tasks=(task_record(task),)
    )
