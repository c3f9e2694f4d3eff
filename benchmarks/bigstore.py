"""A generated store for benchmarks: N contacts in N/10 companies and M interactions.

Written straight through the driver in big batches (executemany inside one transaction
on SQLite, COPY on PostgreSQL), then the search index is built with the same store
function the importer uses. 100,000 contacts and 1,000,000 interactions take about a
minute on SQLite on 2 cores.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from itertools import islice

from sqlalchemy import Connection

from store.db import Database
from store.models import Base
from store.normalize import name_key
from store.search_index import reindex_all
from store.users import add_user

FIRST = [
    "Anna",
    "Ben",
    "Chen",
    "Dana",
    "Emil",
    "Fatima",
    "Gita",
    "Hugo",
    "Ines",
    "Jonas",
    "Kara",
    "Liam",
    "Mara",
    "Nils",
    "Olga",
    "Pavel",
    "Quinn",
    "Rosa",
    "Sven",
    "Tara",
    "Uma",
    "Vito",
    "Wen",
    "Xena",
    "Yuri",
    "Zoe",
    "Arjun",
    "Bea",
    "Carl",
    "Dina",
]
LAST = [
    "Andersson",
    "Bauer",
    "Costa",
    "Dubois",
    "Eriksen",
    "Fischer",
    "Garcia",
    "Hansen",
    "Ivanova",
    "Jensen",
    "Kowalski",
    "Larsen",
    "Moreau",
    "Novak",
    "Olsen",
    "Petrov",
    "Quist",
    "Rossi",
    "Schmidt",
    "Tanaka",
    "Ueda",
    "Varga",
    "Weber",
    "Xu",
    "Yilmaz",
    "Zimmer",
    "Berg",
    "Lund",
    "Holm",
    "Dahl",
]
WORDS = [
    "North",
    "Blue",
    "Iron",
    "Silver",
    "Green",
    "Delta",
    "Nova",
    "Apex",
    "Pine",
    "Stone",
    "River",
    "Bright",
    "Swift",
    "Polar",
    "Cedar",
    "Summit",
    "Harbor",
    "Atlas",
    "Vertex",
    "Lumen",
    "Orbit",
    "Quartz",
    "Falcon",
    "Meadow",
    "Coral",
]
KINDS = ["email", "call", "meeting", "note", "slack"]
BATCH = 100_000


def company_name(i: int) -> str:
    a, b = WORDS[i % len(WORDS)], WORDS[(i // len(WORDS)) % len(WORDS)]
    return f"{a}{b.lower()} {['Inc', 'GmbH', 'AB', 'Ltd', 'SA'][i % 5]} {i}"


def person(i: int) -> str:
    """Unique, realistic-looking names: 30 x 30 x 30 x 4 combinations."""
    first = FIRST[i % 30]
    last = LAST[(i // 30) % 30]
    second = LAST[(i // 900) % 30]
    middle = "ABCD"[(i // 27000) % 4]
    return f"{first} {middle}. {last}-{second}"


def email_of(i: int, n_companies: int) -> str:
    return f"{(name_key(person(i)) or '').replace(' ', '.')}.{i}@c{i % n_companies}.example.com"


def stamp(moment: datetime, sqlite: bool) -> str:
    """A UTC timestamp as each database stores it (SQLite: naive text, as SQLAlchemy writes)."""
    utc = moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%d %H:%M:%S.%f") if sqlite else utc.isoformat()


def bulk_insert(
    db: Database, table: str, columns: Sequence[str], rows: Iterable[tuple[object, ...]]
) -> None:
    """Straight to the driver in batches: executemany in one transaction, or COPY.

    The table's secondary indexes are dropped first and built again at the end: one sort
    per index instead of a million random B-tree inserts that outgrow the page cache.
    """
    indexes = sorted(Base.metadata.tables[table].indexes, key=lambda i: str(i.name))
    with db.engine.begin() as conn:
        for index in indexes:
            index.drop(conn)
        _load(db, conn, table, columns, rows)
        for index in indexes:
            index.create(conn)


def _load(
    db: Database,
    conn: Connection,
    table: str,
    columns: Sequence[str],
    rows: Iterable[tuple[object, ...]],
) -> None:
    names = ", ".join(columns)
    if db.is_sqlite:
        marks = ", ".join("?" for _ in columns)
        sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"
        for batch in _batches(rows):
            conn.exec_driver_sql(sql, batch)  # type: ignore[arg-type]
        return
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _batches(rows: Iterable[tuple[object, ...]]) -> Iterator[list[tuple[object, ...]]]:
    it = iter(rows)
    while batch := list(islice(it, BATCH)):
        yield batch


def generate(
    db: Database, n_contacts: int, n_interactions: int, *, now: datetime
) -> dict[str, float]:
    """Fill an empty, migrated store; returns seconds per step."""
    rng = random.Random(7)
    sqlite = db.is_sqlite
    with db.write() as s:
        user_id = add_user(s, email="alice@ourco.com", name="Alice", slack_id="UALICE").id
    n_companies = max(n_contacts // 10, 1)
    at = stamp(now, sqlite)
    false, true = (0, 1) if sqlite else ("f", "t")
    times: dict[str, float] = {}

    def ago(days: int = 400) -> str:
        return stamp(now - timedelta(days=rng.randint(0, days)), sqlite)

    t0 = time.perf_counter()
    bulk_insert(
        db,
        "companies",
        [
            "id",
            "name",
            "domain",
            "owner_id",
            "lifecycle",
            "dunning_paused",
            "custom",
            "created_at",
            "updated_at",
            "last_contacted_at",
        ],
        (
            (
                i + 1,
                company_name(i),
                f"c{i}.example.com",
                user_id,
                "customer",
                false,
                "{}",
                at,
                at,
                ago(),
            )
            for i in range(n_companies)
        ),
    )
    bulk_insert(
        db,
        "contacts",
        [
            "id",
            "name",
            "name_key",
            "company_id",
            "lifecycle",
            "do_not_contact",
            "marketing_consent",
            "custom",
            "created_at",
            "updated_at",
            "last_contacted_at",
        ],
        (
            (
                i + 1,
                person(i),
                name_key(person(i)),
                i % n_companies + 1,
                "customer",
                false,
                false,
                "{}",
                at,
                at,
                ago(),
            )
            for i in range(n_contacts)
        ),
    )
    bulk_insert(
        db,
        "contact_emails",
        ["id", "contact_id", "email", "is_primary"],
        ((i + 1, i + 1, email_of(i, n_companies), true) for i in range(n_contacts)),
    )
    times["contacts"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    minutes = 10**6
    bulk_insert(
        db,
        "interactions",
        ["kind", "occurred_at", "user_id", "contact_id", "company_id", "subject", "created_at"],
        (
            (
                KINDS[i % 5],
                stamp(now - timedelta(minutes=rng.randint(1, minutes)), sqlite),
                user_id,
                (contact := rng.randrange(n_contacts)) + 1,
                contact % n_companies + 1,
                f"Subject {i}",
                at,
            )
            for i in range(n_interactions)
        ),
    )
    times["interactions"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    with db.write() as s:
        reindex_all(s)
    times["search index"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    with db.engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")
    if db.is_postgres:
        with db.engine.begin() as conn:
            for table in ("companies", "contacts", "contact_emails"):
                conn.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT MAX(id) FROM {table}))"
                )
    times["analyze"] = time.perf_counter() - t0
    return times
