"""Small helpers every sweep shares: zones, Slack availability, bulk dedupe checks."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.models import OutboxMessage
from store.settings import Settings


def slack_enabled(settings: Settings) -> bool:
    return bool(settings.slack_bot_token or settings.slack_app_token)


def zone_of(name: str | None, default: ZoneInfo) -> ZoneInfo:
    """The named zone, or `default` when it is missing or unknown."""
    if not name:
        return default
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return default


def existing_keys(session: Session, keys: Iterable[str]) -> set[str]:
    """Which of `keys` are already in the outbox, in chunks the databases accept."""
    wanted = list(dict.fromkeys(keys))
    found: set[str] = set()
    for i in range(0, len(wanted), 500):
        chunk = wanted[i : i + 500]
        found.update(
            session.scalars(
                select(OutboxMessage.dedupe_key).where(OutboxMessage.dedupe_key.in_(chunk))
            )
        )
    return found


def local_label(moment: datetime, zone: ZoneInfo) -> str:
    """'Mon 23 Nov 14:30' in the reader's zone."""
    return moment.astimezone(zone).strftime("%a %d %b %H:%M")
