"""Every migration walks down and up on both databases, and matches the models."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from store import migrate
from store.db import Database
from store.models import Base


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_db(request: pytest.FixtureRequest, tmp_path) -> Iterator[Database]:  # type: ignore[no-untyped-def]
    if request.param == "sqlite":
        db = Database(f"sqlite:///{tmp_path / 'm.db'}")
    else:
        db = Database(request.getfixturevalue("fresh_pg_url"))
    yield db
    db.dispose()


def _diff(db: Database) -> list[object]:
    with db.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        return list(compare_metadata(ctx, Base.metadata))


def test_every_revision_walks_down_and_up(empty_db: Database) -> None:
    revisions = migrate.revisions(empty_db)
    assert revisions, "no migrations found"
    migrate.upgrade(empty_db)
    for i in range(len(revisions) - 1, -1, -1):
        target = revisions[i - 1] if i > 0 else "base"
        migrate.downgrade(empty_db, target)
        migrate.upgrade(empty_db, revisions[i])
        migrate.downgrade(empty_db, target)
    migrate.upgrade(empty_db)
    assert _diff(empty_db) == []


def test_models_and_migrations_agree(empty_db: Database) -> None:
    migrate.upgrade(empty_db)
    assert _diff(empty_db) == [], "run a new migration: the models changed"


def test_revision_names_are_readable(empty_db: Database) -> None:
    for rev in migrate.revisions(empty_db):
        assert rev[:4].isdigit() and "_" in rev, rev
