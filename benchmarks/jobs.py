"""Scheduled jobs at volume, each figure next to a bare baseline measured in the same run.

1. Digests for 10,000 users rendered and queued on SQLite (target: under 60 s).
2. A dunning sweep over 100,000 invoices, and a second sweep that must queue nothing.
3. Mailer throughput to a local SMTP sink, next to a bare smtplib loop sending the same
   message bytes over one connection (target: at least 80 % of the bare loop). Measured
   twice: against a bare aiosmtpd sink (as a relay in Python would answer) and against
   Postfix's C `smtp-sink` (which costs the two cores almost nothing, so the figure is the
   sender's own; see benchmarks/sinks.py).

Run: `.venv/bin/python benchmarks/jobs.py` (or `make bench`). Sizes can be scaled down with
`--scale 0.1` for a quick look; `--only mailer` runs one part.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import smtplib
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.sinks import smtp_sink  # noqa: E402
from jobs import digest, dunning  # noqa: E402
from jobs.compose import compose_bytes, new_message_id  # noqa: E402
from jobs.mailer import Mailer  # noqa: E402
from store import migrate  # noqa: E402
from store.db import Database  # noqa: E402
from store.models import (  # noqa: E402
    Company,
    Contact,
    ContactEmail,
    Invoice,
    OutboxMessage,
    Task,
    User,
)
from store.settings import Settings, load_settings  # noqa: E402

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
ZONES = ("UTC", "Europe/Berlin", "Europe/London", "Asia/Tokyo", "America/New_York")


def fresh_db(tmp: Path, name: str) -> Database:
    db = Database(f"sqlite:///{tmp / name}")
    migrate.upgrade(db)
    return db


def settings_for(db: Database, tmp: Path, **extra: Any) -> Settings:
    base: dict[str, Any] = {
        "database_url": db.url,
        "maildir": str(tmp / "maildir"),
        "relay_url": None,
        "slack_bot_token": None,
        "slack_app_token": None,
    }
    return load_settings(**{**base, **extra})


def bulk(db: Database, model: Any, rows: list[dict[str, Any]]) -> None:
    with db.write() as s:
        for i in range(0, len(rows), 5000):
            s.execute(insert(model), rows[i : i + 5000])


def seed_people(db: Database, users: int) -> None:
    bulk(
        db,
        User,
        [
            {
                "id": i,
                "email": f"user{i}@ourco.com",
                "name": f"User {i}",
                "forward_token": f"t{i}",
                "timezone": ZONES[i % len(ZONES)],
                "role": "member",
                "active": True,
                "digest_hour": NOW.astimezone(ZoneInfo(ZONES[i % len(ZONES)])).hour,
            }
            for i in range(1, users + 1)
        ],
    )


def bench_digest(tmp: Path, users: int) -> None:
    db = fresh_db(tmp, "digest.db")
    seed_people(db, users)
    bulk(
        db,
        Company,
        [
            {
                "id": i,
                "name": f"Customer {i}",
                "owner_id": i,
                "lifecycle": "customer",
                "created_at": NOW - timedelta(days=100),
                "last_contacted_at": NOW - timedelta(days=i % 60),
            }
            for i in range(1, users + 1)
        ],
    )
    bulk(
        db,
        Task,
        [
            {
                "title": f"Follow up {n}",
                "assignee_id": 1 + n % users,
                "status": "open",
                "priority": "normal",
                "due_at": NOW + timedelta(hours=(n % 72) - 48),
            }
            for n in range(users * 3)
        ],
    )
    bulk(
        db,
        Invoice,
        [
            {
                "number": f"INV-{n}",
                "company_id": 1 + n % users,
                "amount_minor": 10000 + n,
                "paid_minor": 0,
                "currency": "EUR",
                "status": "open",
                "dunning_paused": False,
                "due_at": NOW - timedelta(days=n % 120),
            }
            for n in range(users * 2)
        ],
    )
    settings = settings_for(db, tmp)
    start, cpu = time.perf_counter(), time.process_time()
    result = digest.run(db, settings, NOW)
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    with db.read() as s:
        sample = s.scalar(select(OutboxMessage.body_html).limit(1)) or ""
    start = time.perf_counter()
    digest.run(db, settings, NOW + timedelta(minutes=1))
    again = time.perf_counter() - start
    print(
        f"digest: {result.queued} digests for {users} users rendered and queued in "
        f"{elapsed:.1f} s wall, {cpu:.1f} s CPU ({users / elapsed:.0f}/s; target < 60 s) "
        f"{'OK' if elapsed < 60 else 'SLOW'}; HTML {len(sample) // 1024} KB each; "
        f"second sweep {again:.1f} s"
    )
    db.dispose()


def bench_dunning(tmp: Path, invoices: int) -> None:
    db = fresh_db(tmp, "dunning.db")
    customers = max(invoices // 10, 1)
    bulk(
        db,
        Company,
        [
            {"id": i, "name": f"Customer {i}", "lifecycle": "customer", "dunning_paused": False}
            for i in range(1, customers + 1)
        ],
    )
    bulk(
        db,
        Contact,
        [
            {
                "id": i,
                "name": f"Billing {i}",
                "company_id": i,
                "lifecycle": "customer",
                "do_not_contact": False,
                "marketing_consent": False,
            }
            for i in range(1, customers + 1)
        ],
    )
    bulk(
        db,
        ContactEmail,
        [
            {"contact_id": i, "email": f"billing@c{i}.example", "is_primary": True}
            for i in range(1, customers + 1)
        ],
    )
    bulk(
        db,
        Invoice,
        [
            {
                "number": f"INV-{n}",
                "company_id": 1 + n % customers,
                "amount_minor": 10000 + n,
                "paid_minor": (n % 3) * 1000,
                "currency": "EUR",
                "status": "open",
                "dunning_paused": False,
                "due_at": NOW - timedelta(days=n % 45),
            }
            for n in range(invoices)
        ],
    )
    settings = settings_for(db, tmp)
    t0 = time.perf_counter()
    with db.read() as s:  # the bare baseline: just reading the same rows
        rows = s.execute(
            select(
                Invoice.id,
                Invoice.company_id,
                Invoice.due_at,
                Invoice.amount_minor,
                Invoice.paid_minor,
            )
        ).all()
    bare = time.perf_counter() - t0
    t0, cpu = time.perf_counter(), time.process_time()
    result = dunning.run(db, settings, NOW)
    first, cpu = time.perf_counter() - t0, time.process_time() - cpu
    t0 = time.perf_counter()
    again = dunning.run(db, settings, NOW + timedelta(hours=1))
    second = time.perf_counter() - t0
    print(
        f"dunning: sweep over {invoices} invoices ({customers} customers) queued "
        f"{result.queued} reminders in {first:.1f} s wall, {cpu:.1f} s CPU; "
        f"a second sweep queued {again.queued} in {second:.1f} s; "
        f"bare read of the {len(rows)} invoice rows {bare:.2f} s"
    )
    db.dispose()


def bench_mailer(tmp: Path, count: int, *, postfix: bool) -> None:
    with smtp_sink(prefer_postfix=postfix) as sink:
        db = fresh_db(tmp, f"mailer-{sink.port}.db")
        settings = settings_for(db, tmp, relay_url=f"smtp://127.0.0.1:{sink.port}", relay_rate=1e9)
        body = "Hello,\n\n" + "This is a line of a realistic notification.\n" * 30
        bulk(
            db,
            OutboxMessage,
            [
                {
                    "kind": "bench",
                    "dedupe_key": f"b{n}",
                    "channel": "email",
                    "to_addr": f"person{n}@example.com",
                    "subject": f"Message {n}",
                    "body_text": body,
                    "body_html": f"<p>{body}</p>",
                    "headers": {},
                    "status": "pending",
                    "due_at": NOW,
                    "attempts": 0,
                }
                for n in range(count)
            ],
        )
        with db.read() as s:
            rows = list(s.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
        messages: list[bytes] = []  # the bytes our mailer sends, built outside the timing
        for r in rows:
            r.message_id = new_message_id("bench.local")
            messages.append(compose_bytes(r, sender=settings.bot_address, now=NOW))
        t0, cpu = time.perf_counter(), time.process_time()
        with smtplib.SMTP("127.0.0.1", sink.port) as smtp:
            for data, r in zip(messages, rows, strict=True):
                smtp.sendmail(settings.bot_address, [r.to_addr], data)
        bare = count / (time.perf_counter() - t0)
        bare_cpu = (time.process_time() - cpu) / count * 1e6
        t0, cpu = time.perf_counter(), time.process_time()
        report = asyncio.run(Mailer(db, settings).deliver_due(NOW))
        ours = count / (time.perf_counter() - t0)
        ours_cpu = (time.process_time() - cpu) / count * 1e6
        assert report.sent == count, report
        ratio = ours / bare
        print(
            f"mailer: {count} messages to {sink.name}, one connection each: mailer "
            f"{ours:.0f} msg/s, {ours_cpu:.0f} us CPU/msg (claim, compose, send, record); "
            f"bare smtplib loop {bare:.0f} msg/s, {bare_cpu:.0f} us CPU/msg (same bytes, "
            f"composed beforehand): {ratio:.0%} of bare (target >= 80 %) "
            f"{'OK' if ratio >= 0.8 else 'SLOW'}"
        )
        db.dispose()


def load() -> str:
    try:
        return "load average " + Path("/proc/loadavg").read_text().split()[0]
    except OSError:
        return "load average unknown"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--only", choices=("digest", "dunning", "mailer"), default=None)
    args = parser.parse_args()
    run = {args.only} if args.only else {"digest", "dunning", "mailer"}
    print(f"machine: {multiprocessing.cpu_count()} CPUs, {load()} at start")
    with tempfile.TemporaryDirectory() as tmp:
        if "digest" in run:
            bench_digest(Path(tmp), int(10_000 * args.scale))
        if "dunning" in run:
            bench_dunning(Path(tmp), int(100_000 * args.scale))
        if "mailer" in run:
            bench_mailer(Path(tmp), int(3_000 * args.scale), postfix=False)
            bench_mailer(Path(tmp), int(3_000 * args.scale), postfix=True)
    print(f"machine: {load()} at the end")


if __name__ == "__main__":
    main()
