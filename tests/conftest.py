"""Shared fixtures: a migrated store on SQLite and on PostgreSQL, and named people."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot.context import AppContext
from store import migrate
from store.db import Database
from store.models import Base
from tests.services import PG_ADMIN_URL, require
from tests.slack_fake import FakeSlack
from tests.smtp_helpers import make_context

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def _pg_available() -> bool:
    try:
        engine = sa.create_engine(PG_ADMIN_URL)
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
        engine.dispose()
        return True
    except Exception:
        return False


@pytest.fixture(scope="session")
def pg_available() -> bool:
    return _pg_available()


@pytest.fixture(scope="session")
def pg_server_url(pg_available: bool) -> str:
    require(pg_available, f"PostgreSQL at {PG_ADMIN_URL}")
    return PG_ADMIN_URL


def create_pg_database(admin_url: str) -> str:
    """A new empty database on the server; returns its URL."""
    name = f"crm_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return admin_url.rsplit("/", 1)[0] + "/" + name


def drop_pg_database(admin_url: str, url: str) -> None:
    name = url.rsplit("/", 1)[1]
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def fresh_pg_url(pg_server_url: str) -> Iterator[str]:
    """An empty PostgreSQL database of the test's own, dropped afterwards."""
    url = create_pg_database(pg_server_url)
    yield url
    drop_pg_database(pg_server_url, url)


@pytest.fixture(scope="session")
def _pg_session_db(pg_server_url: str) -> Iterator[Database]:
    url = create_pg_database(pg_server_url)
    db = Database(url)
    migrate.upgrade(db)
    yield db
    db.dispose()
    drop_pg_database(pg_server_url, url)


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "crm.db"
    db = Database(f"sqlite:///{path}")
    migrate.upgrade(db)
    with db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.dispose()
    return path


def _truncate_all(db: Database) -> None:
    names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with db.engine.begin() as conn:
        conn.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")


@pytest.fixture
def sqlite_db(_sqlite_template: Path, tmp_path: Path) -> Iterator[Database]:
    """A migrated SQLite store of the test's own."""
    path = tmp_path / "crm.db"
    shutil.copy(_sqlite_template, path)
    db = Database(f"sqlite:///{path}")
    yield db
    db.dispose()


@pytest.fixture
def pg_db(request: pytest.FixtureRequest) -> Iterator[Database]:
    """The session's migrated PostgreSQL store, emptied before the test."""
    db: Database = request.getfixturevalue("_pg_session_db")
    _truncate_all(db)
    yield db


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest) -> Iterator[Database]:
    """A migrated store; every test using it runs on SQLite and on PostgreSQL."""
    name = "sqlite_db" if request.param == "sqlite" else "pg_db"
    yield request.getfixturevalue(name)


@pytest.fixture
def now() -> datetime:
    return NOW


@pytest.fixture
def crm_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, _sqlite_template: Path) -> Path:
    """Environment for running `crm` in a temporary project folder on SQLite."""
    db_path = tmp_path / "crm.db"
    shutil.copy(_sqlite_template, db_path)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CRM_DATABASE_URL", f"sqlite:///{db_path}")
    monkeypatch.setenv("CRM_MAILDIR", str(tmp_path / "maildir"))
    for key in list(os.environ):
        if key.startswith("CRM_SLACK") or key in ("CRM_RELAY_URL", "CRM_IMAP_URL"):
            monkeypatch.delenv(key)
    return tmp_path


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    """A local fake of the Slack Web API; Bob and a stranger are Slack users it knows."""
    server = FakeSlack(users={"UBOB": "bob@ourco.com", "USTRANGER": "eve@elsewhere.com"})
    server.start()
    yield server
    server.stop()


@pytest.fixture
def ctx(sqlite_db: Database, now: datetime) -> Iterator[AppContext]:
    """The intake's context (settings, store, clock) on SQLite."""
    yield make_context(sqlite_db, now)


@pytest.fixture
def any_ctx(db: Database, now: datetime) -> Iterator[AppContext]:
    """The same on both databases, for the flows that must hold on each."""
    yield make_context(db, now)
