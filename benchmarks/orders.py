"""Orders benchmark: importing 100,000 invoices, and aging over 1,000,000 invoices.

Run: `.venv/bin/python benchmarks/orders.py [--import-rows N] [--aging-rows N] [--skip-pg]
[--skip-import] [--skip-aging]`.

Each figure is printed beside a bare baseline measured in the same run:
- import: our `crm import invoices` path (parse, match customer, upsert, log history)
  against csv.reader + one executemany INSERT of the same rows into the same table;
- aging: `store.sales.aging()` (SQLAlchemy, names, totals) against the bare SQL aggregate
  on the DB-API cursor, on SQLite and on PostgreSQL (target: under 300 ms on PostgreSQL).
PostgreSQL uses a database of its own, `crm_bench_<random>`, dropped at the end.
"""

from __future__ import annotations

import argparse
import csv
import multiprocessing
import os
import random
import re
import resource
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sqlalchemy as sa

from store import migrate
from store.db import Database
from store.imports.sales import import_sales_file
from store.sales import aging
from store.sales.credit import aging_boundaries, aging_sql

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
TZ = ZoneInfo("Europe/Berlin")
PG_ADMIN = os.environ.get(
    "CRM_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
HEADER = "number,order_number,customer,customer_email,issued_at,due_at,amount,currency"


def write_invoice_csv(path: Path, rows: int, customers: int) -> None:
    rnd = random.Random(7)
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(HEADER + "\n")
        for i in range(rows):
            c = rnd.randrange(customers)
            issued = NOW.date() - timedelta(days=rnd.randrange(200))
            due = issued + timedelta(days=30)
            amount = f"{rnd.randrange(1000, 500000) / 100:.2f}"
            out.write(
                f"INV-{i:07d},,Customer {c},ap@customer{c}.example,{issued},{due},{amount},EUR\n"
            )


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _import_child(url: str, path: str, queue: Any) -> None:
    db = Database(url)
    start = time.perf_counter()
    report = import_sales_file(db, "invoices", Path(path), now=NOW, tz=TZ)
    elapsed = time.perf_counter() - start
    queue.put((elapsed, report.summary(), _peak_rss_mb()))
    db.dispose()


def bench_import(url: str, rows: int, workdir: Path, label: str) -> None:
    path = workdir / "invoices.csv"
    if not path.exists():
        write_invoice_csv(path, rows, customers=2000)
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    child = ctx.Process(target=_import_child, args=(url, str(path), queue))
    child.start()
    elapsed, summary, peak = queue.get()
    child.join()
    db = Database(url)
    bare = _bare_import(db, path)
    db.dispose()
    print(
        f"import {rows:,} invoices ({label}): {elapsed:.1f} s = {rows / elapsed:,.0f} rows/s, "
        f"peak RSS {peak:.0f} MB  [{summary}]"
    )
    print(
        f"  bare csv.reader + executemany INSERT of the same rows: {bare:.2f} s = "
        f"{rows / bare:,.0f} rows/s"
    )


def _bare_import(db: Database, path: Path) -> float:
    start = time.perf_counter()
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        next(reader)
        params = [
            {"n": "BARE-" + r[0], "d": datetime.fromisoformat(r[5]).replace(tzinfo=UTC),
             "a": int(r[6].replace(".", "")), "c": r[7], "s": "open", "p": 0, "dp": False,
             "t": NOW}
            for r in reader
        ]  # fmt: skip
    sql = sa.text(
        "INSERT INTO invoices (number, due_at, amount_minor, currency, status, paid_minor,"
        " dunning_paused, created_at, updated_at) VALUES (:n, :d, :a, :c, :s, :p, :dp, :t, :t)"
    )
    with db.engine.begin() as conn:
        conn.execute(sql, params)
    return time.perf_counter() - start


def invoice_rows(count: int, companies: int) -> Iterator[tuple[Any, ...]]:
    """A receivables ledger: 70% paid, 22% open (some partly paid), 5% void, 3% disputed."""
    rnd = random.Random(11)
    for i in range(count):
        due = NOW - timedelta(days=rnd.randrange(-60, 240), hours=rnd.randrange(24))
        amount = rnd.randrange(1_000, 1_000_000)
        roll = rnd.random()
        status, paid = "paid", amount
        if roll < 0.22:
            status, paid = "open", (amount // 2 if roll < 0.04 else 0)
        elif roll < 0.27:
            status, paid = "void", 0
        elif roll < 0.30:
            status, paid = "disputed", 0
        currency = "USD" if i % 10 == 0 else "EUR"
        yield (f"B{i:08d}", 1 + rnd.randrange(companies), due, amount, paid, currency, status)


def _secondary_indexes(db: Database) -> list[tuple[str, str]]:
    """(name, CREATE statement) of the invoices indexes a bulk load rebuilds afterwards."""
    with db.engine.connect() as conn:
        if db.is_sqlite:
            sql = (
                "SELECT name, sql FROM sqlite_master WHERE type = 'index'"
                " AND tbl_name = 'invoices' AND sql IS NOT NULL"
            )
        else:
            sql = (
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'invoices'"
                " AND position('UNIQUE' in indexdef) = 0"
            )
        found = [(str(n), str(d)) for n, d in conn.exec_driver_sql(sql)]
    with db.engine.begin() as conn:
        for name, _ in found:
            conn.exec_driver_sql(f'DROP INDEX "{name}"')
    return found


def _rebuild(db: Database, indexes: list[tuple[str, str]]) -> None:
    with db.engine.begin() as conn:
        for _, ddl in indexes:
            conn.exec_driver_sql(ddl)


def load_sqlite(db: Database, count: int, companies: int) -> float:
    start = time.perf_counter()
    indexes = _secondary_indexes(db)
    raw = db.engine.raw_connection()
    cur = raw.cursor()
    cur.execute("BEGIN")
    cur.executemany(
        "INSERT INTO companies (id, name, lifecycle, dunning_paused, custom, created_at,"
        " updated_at) VALUES (?, ?, 'customer', 0, '{}', ?, ?)",
        [(i, f"Company {i}", NOW.isoformat(), NOW.isoformat()) for i in range(1, companies + 1)],
    )
    stamp = NOW.replace(tzinfo=None).isoformat(" ")
    cur.executemany(
        "INSERT INTO invoices (number, company_id, due_at, amount_minor, paid_minor, currency,"
        " status, dunning_paused, created_at, updated_at) VALUES (?,?,?,?,?,?,?,0,?,?)",
        (  # type: ignore[arg-type]
            (n, c, d.replace(tzinfo=None).isoformat(" "), a, p, cur_, s, stamp, stamp)
            for n, c, d, a, p, cur_, s in invoice_rows(count, companies)
        ),
    )
    cur.execute("COMMIT")
    raw.close()
    _rebuild(db, indexes)
    with db.engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")
    return time.perf_counter() - start


def load_pg(db: Database, count: int, companies: int) -> float:
    start = time.perf_counter()
    indexes = _secondary_indexes(db)
    raw = db.engine.raw_connection()
    dbapi: Any = raw.driver_connection
    with dbapi.cursor() as cur:
        with cur.copy(
            "COPY companies (id, name, lifecycle, dunning_paused, custom, created_at, updated_at)"
            " FROM STDIN"
        ) as copy:
            for i in range(1, companies + 1):
                copy.write_row((i, f"Company {i}", "customer", False, "{}", NOW, NOW))
        with cur.copy(
            "COPY invoices (number, company_id, due_at, amount_minor, paid_minor, currency,"
            " status, dunning_paused, created_at, updated_at) FROM STDIN"
        ) as copy:
            for row in invoice_rows(count, companies):
                copy.write_row((*row, False, NOW, NOW))
        cur.execute("SELECT setval('companies_id_seq', %s)", (companies,))
    dbapi.commit()
    _rebuild(db, indexes)
    dbapi.autocommit = True
    with dbapi.cursor() as cur:
        cur.execute("VACUUM ANALYZE invoices")
    dbapi.autocommit = False
    raw.close()
    return time.perf_counter() - start


def bare_aging(db: Database) -> Callable[[], int]:
    """The same aggregate (without the name join) straight on the DB-API cursor."""
    inner = aging_sql(db.engine.dialect.name)
    inner = inner[inner.index("SELECT company_id") : inner.index(") a")]
    bounds = dict(zip(("d1", "d31", "d61", "d91"), aging_boundaries(NOW, TZ), strict=True))
    params: dict[str, Any]
    if db.is_sqlite:
        sql = inner
        params = {k: v.replace(tzinfo=None).isoformat(" ") for k, v in bounds.items()}
    else:
        sql = re.sub(r":(d\d+)", r"%(\1)s", inner)
        params = dict(bounds)
    raw = db.engine.raw_connection()

    def run() -> int:
        cur = raw.cursor()
        cur.execute(sql, params)
        rows = cur.fetchall()
        cur.close()
        return len(rows)

    return run


def timed(fn: Callable[[], object], repeat: int = 5) -> tuple[float, object]:
    fn()  # warm the cache
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000, result


def bench_aging(db: Database, label: str, count: int) -> None:
    def ours() -> int:
        with db.read() as s:
            return len(aging(s, now=NOW, tz=TZ).rows)

    ms, groups = timed(ours)
    bare_ms, bare_groups = timed(bare_aging(db))
    assert groups == bare_groups, (groups, bare_groups)
    print(
        f"aging over {count:,} invoices ({label}): {ms:.0f} ms median of 5 "
        f"({groups} customer/currency rows)"
    )
    print(f"  bare SQL aggregate on the DB-API cursor: {bare_ms:.0f} ms")


def pg_database() -> tuple[str, Callable[[], None]]:
    name = f"crm_bench_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return PG_ADMIN.rsplit("/", 1)[0] + "/" + name, drop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--import-rows", type=int, default=100_000)
    parser.add_argument("--aging-rows", type=int, default=1_000_000)
    parser.add_argument("--companies", type=int, default=10_000)
    parser.add_argument("--skip-pg", action="store_true")
    parser.add_argument("--skip-import", action="store_true")
    parser.add_argument("--skip-aging", action="store_true", help="only the import figures")
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    with tempfile.TemporaryDirectory(prefix="crm-bench-") as tmp:
        work = Path(tmp)
        if not args.skip_import:
            url = f"sqlite:///{work}/import.db"
            db = Database(url)
            migrate.upgrade(db)
            db.dispose()
            bench_import(url, args.import_rows, work, "SQLite")
        if args.skip_aging:
            return

        db = Database(f"sqlite:///{work}/aging.db")
        migrate.upgrade(db)
        secs = load_sqlite(db, args.aging_rows, args.companies)
        print(f"(generated {args.aging_rows:,} invoices on SQLite in {secs:.1f} s)")
        bench_aging(db, "SQLite", args.aging_rows)
        db.dispose()

    if args.skip_pg:
        return
    pg_url, drop = pg_database()
    try:
        db = Database(pg_url)
        migrate.upgrade(db)
        secs = load_pg(db, args.aging_rows, args.companies)
        print(f"(generated {args.aging_rows:,} invoices on PostgreSQL with COPY in {secs:.1f} s)")
        bench_aging(db, "PostgreSQL", args.aging_rows)
        db.dispose()
    finally:
        drop()


if __name__ == "__main__":
    main()
