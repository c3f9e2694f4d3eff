"""What every intent handler receives, and the small formatting helpers they share."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.conversation.reply import Reply
from parsers.types import ParsedCommand
from store.models import User
from store.settings import Settings


class Refusal(Exception):
    """The request cannot be done as asked; the message (or `reply`) answers, nothing is written."""

    def __init__(self, message: str, reply: Reply | None = None) -> None:
        super().__init__(message)
        self.reply = reply

    def as_reply(self) -> Reply:
        return self.reply if self.reply is not None else Reply(str(self))


@dataclass(frozen=True)
class Target:
    """A record the asker already chose (a Confirm button), instead of a name to look up."""

    kind: str  # contact | company
    id: int


@dataclass(frozen=True)
class Turn:
    session: Session
    settings: Settings
    user: User
    command: ParsedCommand
    now: datetime
    tz: ZoneInfo
    source: str
    target: Target | None = None

    def arg(self, name: str, default: str = "") -> str:
        value = self.command.args.get(name)
        return default if value is None else str(value).strip()


Handler = Callable[[Turn], Reply]


def when(value: datetime | None, tz: ZoneInfo) -> str:
    """A moment as the asker reads it: `Tue 24 Nov 2026 10:00` in their zone."""
    if value is None:
        return "never"
    local = value.astimezone(tz)
    return local.strftime("%a %d %b %Y %H:%M")


def day(value: datetime | date | None, tz: ZoneInfo) -> str:
    if value is None:
        return "-"
    if isinstance(value, datetime):
        value = value.astimezone(tz).date()
    return value.strftime("%a %d %b %Y")
