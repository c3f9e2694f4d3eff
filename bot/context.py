"""The composition root: settings, database and clock, built once per entry point."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from store.db import Database
from store.settings import Settings, load_settings


def system_clock() -> datetime:
    return datetime.now(UTC)


@dataclass
class AppContext:
    """Everything a channel needs, passed down instead of imported as globals."""

    settings: Settings
    db: Database
    clock: Callable[[], datetime] = system_clock
    extras: dict[str, object] = field(default_factory=dict)

    def now(self) -> datetime:
        return self.clock()

    @classmethod
    def from_env(cls, **overrides: object) -> AppContext:
        settings = load_settings(**overrides)
        return cls(settings=settings, db=Database(settings.database_url))

    def close(self) -> None:
        self.db.dispose()
