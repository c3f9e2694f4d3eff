"""Engine and sessions for SQLite and PostgreSQL.

SQLite is configured so that a single file behaves under several threads and processes:
WAL, foreign keys, a busy timeout, and write transactions that take the write lock at
BEGIN (`BEGIN IMMEDIATE`), so two writers queue instead of failing half-way with
"database is locked".
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, sessionmaker

from store.search_index import keep_in_step

IMMEDIATE = "crm_begin_immediate"
WAL_SIZE_LIMIT = 16 * 1024 * 1024


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine; SQLite gets its pragmas and explicit transaction control."""
    if is_sqlite(url):
        _ensure_sqlite_dir(url)
        engine = create_engine(url, connect_args={"timeout": 30}, **kwargs)
        _configure_sqlite(engine)
        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return create_engine(url, pool_pre_ping=True, **kwargs)


def _ensure_sqlite_dir(url: str) -> None:
    path = url.split("///", 1)[-1]
    if path and path != ":memory:" and not path.startswith("file:"):
        Path(path).parent.mkdir(parents=True, exist_ok=True)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Hand transaction control to SQLAlchemy's begin event below.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.execute("PRAGMA synchronous=NORMAL")
        # A WAL that a bulk import let grow is cut back to this when it next restarts.
        cur.execute(f"PRAGMA journal_size_limit={WAL_SIZE_LIMIT}")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        if conn.get_execution_options().get(IMMEDIATE):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.exec_driver_sql("BEGIN")


class Database:
    """The store's entry point: read sessions and write transactions."""

    def __init__(self, url: str, **engine_kwargs: Any) -> None:
        self.url = url
        self.engine = make_engine(url, **engine_kwargs)
        self._reader = sessionmaker(self.engine, expire_on_commit=False)
        writer_engine = self.engine.execution_options(**{IMMEDIATE: True})
        self._writer = sessionmaker(writer_engine, expire_on_commit=False)
        keep_in_step(self._writer)

    @property
    def is_sqlite(self) -> bool:
        return is_sqlite(self.url)

    @property
    def is_postgres(self) -> bool:
        return self.engine.dialect.name == "postgresql"

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reading; nothing it does is committed."""
        with self._reader() as session:
            yield session

    @contextmanager
    def write(self, on: Connection | None = None) -> Iterator[Session]:
        """One write transaction: committed when the block ends, rolled back on error.

        `on`, a connection from `writer_connection`, runs it there instead of on one
        from the pool."""
        session_for = self._writer if on is None else partial(self._writer, bind=on)
        with session_for() as session, session.begin():
            yield session

    @contextmanager
    def writer_connection(self) -> Iterator[Connection]:
        """One connection for a run of write transactions (`write(on=...)`), so settings
        a bulk job gives it hold for the whole run and leave with it."""
        with self.engine.connect() as conn:
            yield conn.execution_options(**{IMMEDIATE: True})

    def dispose(self) -> None:
        self.engine.dispose()
