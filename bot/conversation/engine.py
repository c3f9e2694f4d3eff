"""One conversation for every door: `/crm`, mentions and DMs in Slack, and `crm ask`.

`answer` parses the line in the asker's zone, checks that they may do what they ask, runs
the intent's handler in one transaction (writes inside `track_changes`, so `undo` works)
and returns a `Reply`. Channels only render it.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.conversation import campaigns, cards, newsletter, notes, reports, sales, tasks
from bot.conversation.grammar import parse
from bot.conversation.help import HELP, help_reply
from bot.conversation.reply import Reply
from bot.conversation.turn import Handler, Refusal, Target, Turn
from bot.conversation.undo import undo, undo_one
from parsers.types import ParsedCommand
from store.audit import track_changes
from store.db import Database
from store.models import Change, Role, User
from store.settings import Settings

VIEWER_REFUSAL = (
    "Viewers can look things up but not change records; ask an admin to change your role."
)

READS: dict[str, Handler] = {
    "find": cards.find,
    "tasks": tasks.list_tasks,
    "order": sales.order,
    "orders": sales.orders,
    "invoice": sales.invoice,
    "invoices": sales.invoices,
    "overdue": sales.overdue,
    "stale": reports.stale,
    "stats": reports.stats,
    "digest": reports.digest,
    "help": help_reply,
}
WRITES: dict[str, Handler] = {
    "log": notes.log,
    "note": notes.log,
    "task": tasks.add_task,
    "remind": tasks.add_task,
    "done": tasks.done,
    "snooze": tasks.snooze,
    "paid": sales.paid,
    "promise": sales.promise,
    "subscribe": newsletter.subscribe,
    "unsubscribe": newsletter.unsubscribe,
}


def zone_for(user: User, settings: Settings, tz: str | ZoneInfo | None) -> ZoneInfo:
    """The asker's zone: an explicit one, else their own, else the team's."""
    if isinstance(tz, ZoneInfo):
        return tz
    for name in (tz, user.timezone, settings.timezone):
        if name:
            try:
                return ZoneInfo(name)
            except (ZoneInfoNotFoundError, ValueError):
                continue
    return ZoneInfo("UTC")


def answer(
    db: Database,
    settings: Settings,
    user: User,
    text: str,
    *,
    now: datetime,
    tz: str | ZoneInfo | None = None,
    source: str = "chat",
    target: Target | None = None,
) -> Reply:
    """Answer one line from a team member."""
    zone = zone_for(user, settings, tz)
    command = parse(text, now=now, tz=zone)
    return answer_command(
        db, settings, user, command, now=now, tz=zone, source=source, target=target
    )


def answer_command(
    db: Database,
    settings: Settings,
    user: User,
    command: ParsedCommand,
    *,
    now: datetime,
    tz: str | ZoneInfo | None = None,
    source: str = "chat",
    target: Target | None = None,
) -> Reply:
    """Answer an already understood command (buttons build these directly)."""
    zone = zone_for(user, settings, tz)
    intent = command.intent
    if intent == "campaign":
        return campaigns.handle(db, settings, user, command, now=now, tz=zone)
    if (intent == "undo" or intent in WRITES) and user.role == Role.VIEWER:
        return Reply(VIEWER_REFUSAL, refused=True)
    if intent == "undo":
        try:
            with db.write() as session:
                return undo(Turn(session, settings, user, command, now, zone, source))
        except Refusal as exc:
            return exc.as_reply()
    if intent in WRITES:
        return _write(db, settings, user, command, now, zone, source, target)
    handler = READS.get(intent)
    if handler is None:
        return Reply(f"Sorry, I did not understand {command.text.strip()!r}.\n\n{HELP}")
    with db.read() as session:
        try:
            return handler(Turn(session, settings, user, command, now, zone, source, target))
        except Refusal as exc:
            return exc.as_reply()


def undo_by_id(
    db: Database, settings: Settings, user: User, change_id: int, *, now: datetime
) -> Reply:
    """The Undo button: take back one particular change of the asker's."""
    if user.role == Role.VIEWER:
        return Reply(VIEWER_REFUSAL, refused=True)
    zone = zone_for(user, settings, None)
    command = ParsedCommand("undo", "undo", {"change_id": change_id})
    try:
        with db.write() as session:
            change = session.get(Change, change_id)
            if change is None:
                return Reply("That change no longer exists.")
            return undo_one(Turn(session, settings, user, command, now, zone, "slack"), change)
    except Refusal as exc:
        return exc.as_reply()


def _write(
    db: Database,
    settings: Settings,
    user: User,
    command: ParsedCommand,
    now: datetime,
    zone: ZoneInfo,
    source: str,
    target: Target | None,
) -> Reply:
    handler = WRITES[command.intent]
    try:
        with db.write() as session:
            with track_changes(
                session, user_id=user.id, source=source, now=now, summary=command.text[:500]
            ) as change:
                reply = handler(Turn(session, settings, user, command, now, zone, source, target))
            session.flush()
            change_id = change.id if change is not None and change.id is not None else None
    except Refusal as exc:
        return exc.as_reply()
    return replace(reply, change_id=change_id)
