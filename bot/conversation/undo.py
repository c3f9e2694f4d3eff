"""`undo`: take back the last change the asker made, whichever door it came through."""

from __future__ import annotations

from bot.conversation.reply import Reply
from bot.conversation.turn import Refusal, Turn
from store.models import Change
from store.undo import UndoError, last_change, undo_change


def undo(turn: Turn) -> Reply:
    change = last_change(turn.session, turn.user.id)
    if change is None:
        return Reply("There is nothing of yours to undo.")
    return undo_one(turn, change)


def undo_one(turn: Turn, change: Change) -> Reply:
    if change.undone_at is not None:
        return Reply(f"Already undone: {change.summary or 'that change'}.")
    if change.user_id != turn.user.id:
        return Reply("You can only undo your own changes.")
    summary = change.summary or "your last change"
    try:
        undo_change(turn.session, change.id, now=turn.now)
    except UndoError as exc:
        raise Refusal(f"I cannot undo {summary!r}: {exc}.") from None
    return Reply(f"Undone: {summary}.")
