"""Fast bulk INSERT for importers: ids allocated up front, one DBAPI executemany.

SQLAlchemy's executemany spends most of its time per row and per column on parameter
processing; for 100,000 rows that is most of an import. Here each column's bind
processor is looked up once and applied only where it does something, defaults are
filled from the table definition, and the rows go to the driver's `executemany`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import (
    Column,
    ColumnElement,
    String,
    Table,
    any_,
    bindparam,
    func,
    insert,
    literal_column,
    select,
    text,
    type_coerce,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session
from sqlalchemy.sql.selectable import Subquery
from sqlalchemy.types import NullType

from store.db import Database

_Processor = Callable[[Any], Any] | None
IMPORT_CACHE_KIB = 65536
IMPORT_CHECKPOINT_PAGES = 16384  # 64 MB of 4 KB pages


@contextmanager
def bulk_writer(db: Database) -> Iterator[Connection | None]:
    """A connection for a bulk import's transactions, tuned for it on SQLite.

    A 64 MB page cache: a batch inserts into several indexes at random places, and with
    SQLite's default 2 MB cache the pages it dirties spill and are written more than
    once. A WAL checkpoint every 64 MB instead of every 4 MB: each checkpoint copies
    nearly every index page the batches dirtied back into the database file and waits
    for the disk twice, so checkpointing after every batch costs a tenth of the import.
    Commits stay as durable as before (WAL with synchronous=NORMAL). At the end the WAL
    is copied back without waiting for readers (`PASSIVE`), the settings are put back,
    and the next write shrinks the WAL file again (`journal_size_limit`, set by
    `store.db`). Elsewhere: None, and the ordinary pooled connections are used."""
    if not db.is_sqlite:
        yield None
        return
    with db.writer_connection() as conn:
        raw = conn.connection.dbapi_connection
        assert raw is not None
        cache = raw.execute("PRAGMA cache_size").fetchone()[0]
        checkpoint = raw.execute("PRAGMA wal_autocheckpoint").fetchone()[0]
        raw.execute(f"PRAGMA cache_size=-{IMPORT_CACHE_KIB}")
        raw.execute(f"PRAGMA wal_autocheckpoint={IMPORT_CHECKPOINT_PAGES}")
        try:
            yield conn
        finally:
            # An interrupt in the middle of a statement leaves the connection discarded
            # (closed, never pooled again): nothing to put back, and the error stands.
            if not conn.invalidated:
                raw.execute(f"PRAGMA cache_size={int(cache)}")
                raw.execute(f"PRAGMA wal_autocheckpoint={int(checkpoint)}")
                raw.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()


def allocate_ids(session: Session, table: Table, count: int) -> list[int]:
    """`count` fresh primary keys for `table`.

    PostgreSQL draws them from the column's sequence. SQLite continues after the largest
    id: safe because every write transaction there holds the database's write lock from
    BEGIN IMMEDIATE (`Database.write`).
    """
    if count <= 0:
        return []
    name = table.name
    if session.get_bind().dialect.name == "postgresql":
        query = text(
            f"SELECT nextval(pg_get_serial_sequence('{name}', 'id')) FROM generate_series(1, :n)"
        )
        return [int(v) for v in session.scalars(query, {"n": count})]
    start = int(session.scalar(text(f'SELECT coalesce(max(id), 0) FROM "{name}"')) or 0) + 1
    return list(range(start, start + count))


def _default(col: Column[Any]) -> Any:
    default = col.default
    if default is None:
        return None
    if getattr(default, "is_scalar", False):
        return getattr(default, "arg", None)
    if getattr(default, "is_callable", False):
        return default.arg(None)  # type: ignore[attr-defined]
    return None


def insert_rows(
    session: Session, table: Table, rows: list[dict[str, Any]], *, with_ids: bool = True
) -> list[int]:
    """Insert rows (dicts by column name) in one executemany; returns new ids in order.

    Columns a row leaves out get the column's Python default, as an ORM insert would;
    a column no row sets and without such a default is left out of the statement.
    """
    if not rows:
        return []
    ids = allocate_ids(session, table, len(rows)) if with_ids else []
    for row, new_id in zip(rows, ids, strict=False):
        row["id"] = new_id
    present: set[str] = set().union(*rows)
    names: list[str] = []
    # Column by column: one comprehension per column costs far less than a loop over
    # the columns of every row.
    columns: list[list[Any]] = []
    for col in table.columns:
        name, default = col.name, _default(col)
        if name in present:
            columns.append([row.get(name, default) for row in rows])
        elif default is not None:
            columns.append([default] * len(rows))
        else:
            continue
        names.append(name)
    _execute(session, table, names, columns)
    return ids


def insert_tuples(
    session: Session,
    table: Table,
    names: Sequence[str],
    rows: Sequence[tuple[Any, ...]],
    *,
    with_ids: bool = True,
) -> list[int]:
    """`insert_rows` for rows given as tuples of the columns `names` (no per-row dicts);
    with `with_ids`, an `id` is allocated for each. Returns the new ids in order."""
    if not rows:
        return []
    columns = [list(c) for c in zip(*rows, strict=True)]
    names = list(names)
    ids: list[int] = []
    if with_ids:
        ids = allocate_ids(session, table, len(rows))
        names.insert(0, "id")
        columns.insert(0, ids)
    _execute(session, table, names, columns)
    return ids


_PLACEHOLDERS = {"qmark": "?", "format": "%s", "pyformat": "%s"}


def _execute(session: Session, table: Table, names: list[str], columns: list[list[Any]]) -> None:
    """One driver-level executemany of the columns' values, each bind-converted."""
    conn = session.connection()
    dialect = conn.dialect
    placeholder = _PLACEHOLDERS.get(dialect.paramstyle)
    if placeholder is None:  # an unusual driver: the ordinary path
        rows = [dict(zip(names, r, strict=True)) for r in zip(*columns, strict=True)]
        session.execute(insert(table), rows)
        return
    for i, name in enumerate(names):
        proc: _Processor = table.c[name].type._cached_bind_processor(dialect)
        if proc is not None:
            columns[i] = _converted(proc, columns[i])
    quote = dialect.identifier_preparer.quote
    sql = (
        f"INSERT INTO {dialect.identifier_preparer.format_table(table)} "
        f"({', '.join(quote(n) for n in names)}) "
        f"VALUES ({', '.join([placeholder] * len(names))})"
    )
    conn.exec_driver_sql(sql, list(zip(*columns, strict=True)))


def _converted(proc: Callable[[Any], Any], column: list[Any]) -> list[Any]:
    """`proc` applied to a column's values, each distinct value once: a batch repeats its
    `now`, its few consent dates, `{}`, enums. Keyed by type too, so `True` and `1`
    (equal, same hash) keep their own conversions; unhashable values by their repr."""
    first = column[0] if column else None
    if len(set(map(id, column))) == 1:  # one object throughout: `now`, a default, None
        return [None if first is None else proc(first)] * len(column)
    seen: dict[tuple[type, Any], Any] = {}
    out: list[Any] = []
    last: Any = seen  # a sentinel no value is
    converted: Any = None
    for value in column:
        if value is None:
            out.append(None)
            continue
        if value is not last:
            key = (type(value), value if value.__hash__ is not None else repr(value))
            converted = seen.get(key, seen)
            if converted is seen:
                converted = seen[key] = proc(value)
            last = value
        out.append(converted)
    return out


def among(session: Session, col: Any, values: Iterable[Any]) -> ColumnElement[bool]:
    """`col IN values` as ONE bound parameter (a JSON array on SQLite, an array on
    PostgreSQL). A plain IN of 1,000 values costs ~5x more to compile and bind; the
    parameter is anonymous, so a statement built this way is compiled once per process
    and then found in SQLAlchemy's statement cache."""
    items = list(values)
    if session.get_bind().dialect.name == "postgresql":
        result: ColumnElement[bool] = col == any_(bindparam(None, items, type_=_array_of(col)))
        return result
    rows = func.json_each(bindparam(None, json.dumps(items), type_=String())).table_valued("value")
    result = col.in_(select(rows.c.value))
    assert isinstance(result, ColumnElement)
    return result


def _array_of(col: Any) -> postgresql.ARRAY[Any]:
    kind = col.type if not isinstance(col.type, NullType) else String()
    return postgresql.ARRAY(kind)


def pair_rows(session: Session, a: Any, b: Any, pairs: Iterable[tuple[Any, Any]]) -> Subquery:
    """`pairs` as a table of two columns, `a` and `b` (typed as the columns given), bound
    as one parameter on SQLite and two on PostgreSQL, as `among`.

    Joined to the table on both columns, it lets SQLite probe an index on the pair;
    `(a, b) IN (...)` would probe by the first column alone and read every row of it.
    """
    items = list(pairs)
    if session.get_bind().dialect.name == "postgresql":
        first, second = [p[0] for p in items], [p[1] for p in items]
        return select(
            func.unnest(bindparam(None, first, type_=_array_of(a))).label("a"),
            func.unnest(bindparam(None, second, type_=_array_of(b))).label("b"),
        ).subquery()
    rows = func.json_each(bindparam(None, json.dumps(items), type_=String())).table_valued("value")
    return select(
        type_coerce(func.json_extract(rows.c.value, literal_column("'$[0]'")), a.type).label("a"),
        type_coerce(func.json_extract(rows.c.value, literal_column("'$[1]'")), b.type).label("b"),
    ).subquery()
