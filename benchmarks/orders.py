"""Orders benchmark: importing 100,000 invoices, and aging over 1,000,000 invoices.

Run: `.venv/bin/python benchmarks/orders.py [--import-rows N] [--aging-rows N] [--skip-pg]
[--skip-import] [--skip-aging] [--receivable SHARE] [--rounds N]`; exits 1 when the aging
misses its target on PostgreSQL.

Each figure is printed beside a bare baseline measured in the same run:
- import: our `crm import invoices` path (parse, match customer, upsert, log history)
  against csv.reader + one executemany INSERT of the same rows into the same table;
- aging: `store.sales.aging()` (SQLAlchemy, names, credit limits, totals) against the bare
  SQL aggregate on the DB-API cursor, on SQLite and on PostgreSQL (target: under 300 ms on
  PostgreSQL); then, on the same data, the aggregate as it was before the partial index
  ix_invoices_open (SUM(CASE ...) over the covering index of all invoices), for the ratio.
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
AGING_TARGET_MS = 300.0  # the aging report over 1,000,000 invoices on PostgreSQL
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


def invoice_rows(count: int, companies: int, receivable: float = 0.25) -> Iterator[tuple[Any, ...]]:
    """A receivables ledger: 70% paid, 22% open (some partly paid), 5% void, 3% disputed.

    `receivable` scales the open and disputed shares (0.25 is the mix above; the rest paid).

    Due dates spread over 300 days, so a quarter of the ledger is receivable: more than in a
    real ledger of a million invoices, which holds years of paid history (a pessimistic
    share for a report whose cost follows the open invoices). The share is flat over age,
    where real late invoices thin out; the aggregate costs the same whatever the bucket.
    """
    rnd = random.Random(11)
    for i in range(count):
        due = NOW - timedelta(days=rnd.randrange(-60, 240), hours=rnd.randrange(24))
        amount = rnd.randrange(1_000, 1_000_000)
        roll = rnd.random()
        status, paid = "paid", amount
        if roll < 0.88 * receivable:
            status, paid = "open", (amount // 2 if roll < 0.16 * receivable else 0)
        elif roll < 0.88 * receivable + 0.05:
            status, paid = "void", 0
        elif roll < receivable + 0.05:
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


def load_sqlite(db: Database, count: int, companies: int, receivable: float = 0.25) -> float:
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
            for n, c, d, a, p, cur_, s in invoice_rows(count, companies, receivable)
        ),
    )
    cur.execute("COMMIT")
    raw.close()
    _rebuild(db, indexes)
    with db.engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")
    return time.perf_counter() - start


def load_pg(db: Database, count: int, companies: int, receivable: float = 0.25) -> float:
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
            for row in invoice_rows(count, companies, receivable):
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


def _driver_sql(db: Database, sql: str) -> tuple[str, dict[str, Any]]:
    """SQL with :dN placeholders, and the boundaries, as the DB-API driver takes them."""
    bounds = dict(zip(("d1", "d31", "d61", "d91"), aging_boundaries(NOW, TZ), strict=True))
    if db.is_sqlite:
        return sql, {k: v.replace(tzinfo=None).isoformat(" ") for k, v in bounds.items()}
    return re.sub(r":(d\d+)", r"%(\1)s", sql), dict(bounds)


Timer = Callable[[], tuple[float, int]]


def _on_cursor(db: Database, sql: str, *, hide: str | None = None) -> Timer:
    """Time `sql` on a DB-API connection of its own: (seconds, rows returned).

    `hide` names an index dropped inside the timed transaction (PostgreSQL's DDL is
    transactional) and back at the rollback: the plan without it, on the same data.
    """
    sql, params = _driver_sql(db, sql)
    raw = db.engine.raw_connection()

    def run() -> tuple[float, int]:
        cur = raw.cursor()
        if hide is not None:
            cur.execute(f"DROP INDEX {hide}")
        start = time.perf_counter()
        cur.execute(sql, params)
        rows = cur.fetchall()
        elapsed = time.perf_counter() - start
        cur.close()
        raw.rollback()  # hold no lock between runs
        return elapsed, len(rows)

    return run


def bare_aging(db: Database) -> Timer:
    """The same aggregate (without the name join) straight on the DB-API cursor."""
    inner = aging_sql(db.engine.dialect.name)
    return _on_cursor(db, inner[inner.index("SELECT company_id") : inner.index(") a")])


# The aggregate before ix_invoices_open: SUM(CASE ...) over a covering index of all invoices.
BEFORE_INDEX = (
    "CREATE INDEX ix_invoices_aging ON invoices"
    " (status, company_id, currency, due_at, amount_minor, paid_minor)"
)
BEFORE_SQL = """
SELECT company_id, currency,
  SUM(CASE WHEN due_at >= :d1 THEN amount_minor - paid_minor ELSE 0 END) AS b0,
  SUM(CASE WHEN due_at < :d1 AND due_at >= :d31 THEN amount_minor - paid_minor ELSE 0 END) AS b1,
  SUM(CASE WHEN due_at < :d31 AND due_at >= :d61 THEN amount_minor - paid_minor ELSE 0 END) AS b2,
  SUM(CASE WHEN due_at < :d61 AND due_at >= :d91 THEN amount_minor - paid_minor ELSE 0 END) AS b3,
  SUM(CASE WHEN due_at < :d91 THEN amount_minor - paid_minor ELSE 0 END) AS b4
FROM invoices {hint}
WHERE status IN ('open', 'disputed') AND amount_minor > paid_minor
GROUP BY company_id, currency
"""


def before_aging(db: Database) -> Timer:
    """The old query over the old covering index, built beside ix_invoices_open.

    SQLite is held to the old index by INDEXED BY; PostgreSQL runs it with ix_invoices_open
    dropped inside the timed transaction.
    """
    with db.engine.begin() as conn:
        conn.exec_driver_sql(BEFORE_INDEX)
    raw = db.engine.raw_connection()
    dbapi: Any = raw.driver_connection
    if not db.is_sqlite:
        dbapi.autocommit = True
    cur = dbapi.cursor()
    cur.execute("ANALYZE" if db.is_sqlite else "VACUUM ANALYZE invoices")
    cur.close()
    if not db.is_sqlite:
        dbapi.autocommit = False  # back to the pool as it came: a DROP there must roll back
    raw.close()
    if db.is_sqlite:
        return _on_cursor(db, BEFORE_SQL.format(hint="INDEXED BY ix_invoices_aging"))
    return _on_cursor(db, BEFORE_SQL.format(hint=""), hide="ix_invoices_open")


def open_share(db: Database) -> str:
    with db.engine.connect() as conn:
        total, receivable = conn.execute(
            sa.text(
                "SELECT count(*), sum(CASE WHEN status IN ('open', 'disputed')"
                " AND amount_minor > paid_minor THEN 1 ELSE 0 END) FROM invoices"
            )
        ).one()
    return f"{receivable:,} of {total:,} invoices receivable ({100 * receivable / total:.0f}%)"


def cpu_clock(db: Database) -> Callable[[], float]:
    """Seconds of CPU used so far by this process and, on PostgreSQL, by the backends of
    the benchmark's database: unlike wall time, barely moved by other work on the machine."""
    if db.is_sqlite:
        return time.process_time
    with db.engine.connect() as conn:
        pids = [
            int(p)
            for p in conn.exec_driver_sql(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
            ).scalars()
        ]
    tick = os.sysconf("SC_CLK_TCK")

    def clock() -> float:
        used = time.process_time()
        for pid in pids:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            used += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
        return used

    return clock


def interleaved(
    timers: dict[str, Timer], rounds: int, clock: Callable[[], float] | None = None
) -> dict[str, tuple[float, int, float]]:
    """Median ms, row count and mean CPU ms of each, run in turn round after round, after
    one warm-up: on a shared machine a burst of load then hits all of them, not one."""
    times: dict[str, list[float]] = {name: [] for name in timers}
    cpu: dict[str, float] = dict.fromkeys(timers, 0.0)
    counts: dict[str, int] = {}
    for round_ in range(rounds + 1):
        for name, timer in timers.items():
            before = clock() if clock and round_ else 0.0
            elapsed, counts[name] = timer()
            if round_:
                times[name].append(elapsed * 1000)
                cpu[name] += (clock() - before) * 1000 / rounds if clock else 0.0
    return {name: (statistics.median(t), counts[name], cpu[name]) for name, t in times.items()}


def bench_aging(db: Database, label: str, count: int, *, before: bool, rounds: int) -> float:
    def ours() -> tuple[float, int]:
        start = time.perf_counter()
        with db.read() as s:
            groups = len(aging(s, now=NOW, tz=TZ).rows)
        return time.perf_counter() - start, groups

    timers = {"ours": ours, "bare": bare_aging(db)}
    if before:
        timers["before"] = before_aging(db)
    for timer in timers.values():
        timer()  # open every connection before cpu_clock looks for the backends
    found = interleaved(timers, rounds, cpu_clock(db))
    ms, groups, ours_cpu = found["ours"]
    assert all(n == groups for _, n, _ in found.values()), found
    print(
        f"aging over {count:,} invoices ({label}): {ms:.0f} ms, median of {rounds} "
        f"({groups:,} customer/currency rows; {open_share(db)})"
    )
    bare_ms, _, bare_cpu = found["bare"]
    print(
        f"  bare SQL aggregate (same query, no names) on the DB-API cursor: {bare_ms:.0f} ms"
        f" (ours = {ms / bare_ms:.2f}x bare)"
    )
    cpu_line = f"  CPU per run (this process{'' if db.is_sqlite else ' + PostgreSQL'}):"
    cpu_line += f" ours {ours_cpu:.0f} ms, bare {bare_cpu:.0f} ms"
    if before:
        old_ms, _, old_cpu = found["before"]
        print(
            f"  before ix_invoices_open (SUM(CASE) over a covering index of all invoices):"
            f" {old_ms:.0f} ms = {old_ms / bare_ms:.1f}x the bare aggregate now"
        )
        cpu_line += f", before {old_cpu:.0f} ms"
    print(cpu_line)
    return ms


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
    parser.add_argument(
        "--skip-before", action="store_true", help="do not time the aggregate before this change"
    )
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument(
        "--receivable", type=float, default=0.25, help="share of invoices still to be paid"
    )
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
        secs = load_sqlite(db, args.aging_rows, args.companies, args.receivable)
        print(f"(generated {args.aging_rows:,} invoices on SQLite in {secs:.1f} s)")
        bench_aging(db, "SQLite", args.aging_rows, before=not args.skip_before, rounds=args.rounds)
        db.dispose()

    if args.skip_pg:
        return
    pg_url, drop = pg_database()
    try:
        db = Database(pg_url)
        migrate.upgrade(db)
        secs = load_pg(db, args.aging_rows, args.companies, args.receivable)
        print(f"(generated {args.aging_rows:,} invoices on PostgreSQL with COPY in {secs:.1f} s)")
        ms = bench_aging(
            db, "PostgreSQL", args.aging_rows, before=not args.skip_before, rounds=args.rounds
        )
        db.dispose()
    finally:
        drop()
    met = ms < AGING_TARGET_MS
    print(f"aging on PostgreSQL: target < {AGING_TARGET_MS:.0f} ms {'met' if met else 'MISSED'}")
    if not met:
        sys.exit(1)


if __name__ == "__main__":
    main()
