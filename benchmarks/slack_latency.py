"""Slack `find` latency on a big store: time to ack and time to the full answer.

Generates 100,000 contacts (in 10,000 companies) and 1,000,000 interactions with bulk
inserts, then sends 1,000 correctly signed `/crm find …` slash commands, one after the
other, through the real Bolt app to a local fake Slack Web API. The ack is the moment
`dispatch` returns (what Slack waits for); the answer is the moment the fake receives the
response_url POST. The baseline is a bare Bolt app whose lazy listener answers "ok"
without touching the store, measured in the same run.

Targets: p99 ack < 100 ms, p99 answer < 300 ms (Slack allows 3 s).

    .venv/bin/python benchmarks/slack_latency.py [--db sqlite|postgresql|both]
        [--contacts 100000] [--interactions 1000000] [--requests 1000]
"""

from __future__ import annotations

import argparse
import random
import signal
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from slack_bolt import Ack, App, Respond

from bot.slack.app import build_app, web_client
from store import migrate
from store.db import Database
from store.normalize import name_key
from store.settings import load_settings
from store.users import add_user
from tests.slack_fake import Call, FakeSlack
from tests.slack_requests import SECRET, signed, slash_body

PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
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


def company_name(i: int) -> str:
    a, b = WORDS[i % len(WORDS)], WORDS[(i // len(WORDS)) % len(WORDS)]
    return f"{a}{b.lower()} {['Inc', 'GmbH', 'AB', 'Ltd', 'SA'][i % 5]} {i}"


def stamp(moment: datetime, sqlite: bool) -> str:
    """A UTC timestamp as each database stores it (SQLite: naive text, as SQLAlchemy writes)."""
    utc = moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%d %H:%M:%S.%f") if sqlite else utc.isoformat()


def bulk_insert(
    db: Database, table: str, columns: list[str], rows: list[tuple[object, ...]]
) -> None:
    """Straight to the driver: executemany on SQLite, COPY on PostgreSQL."""
    raw = db.engine.raw_connection()
    try:
        cur = raw.cursor()
        names = ", ".join(columns)
        if db.is_sqlite:
            marks = ", ".join("?" for _ in columns)
            cur.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)
        else:
            with cur.copy(f"COPY {table} ({names}) FROM STDIN") as copy:  # type: ignore[attr-defined]
                for row in rows:
                    copy.write_row(row)
        raw.commit()
    finally:
        raw.close()


def person(i: int) -> str:
    """Unique, realistic-looking names: 30 x 30 x 30 x 4 combinations."""
    first = FIRST[i % 30]
    last = LAST[(i // 30) % 30]
    second = LAST[(i // 900) % 30]
    middle = "ABCD"[(i // 27000) % 4]
    return f"{first} {middle}. {last}-{second}"


def generate(db: Database, n_contacts: int, n_interactions: int) -> dict[str, list[str]]:
    """Bulk-insert the store; returns sample queries that name real customers."""
    rng = random.Random(7)
    sqlite = db.is_sqlite
    with db.write() as s:
        user_id = add_user(s, email="alice@ourco.com", name="Alice", slack_id="UALICE").id
    t0 = time.perf_counter()
    n_companies = max(n_contacts // 10, 1)
    now = stamp(NOW, sqlite)
    false = 0 if sqlite else "f"

    def ago(days: int = 400) -> str:
        return stamp(NOW - timedelta(days=rng.randint(0, days)), sqlite)

    companies = [
        (
            i + 1,
            company_name(i),
            f"c{i}.example.com",
            user_id,
            "customer",
            false,
            "{}",
            now,
            now,
            ago(),
        )
        for i in range(n_companies)
    ]
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
        companies,
    )
    names = [person(i) for i in range(n_contacts)]
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
        [
            (
                i + 1,
                names[i],
                name_key(names[i]),
                i % n_companies + 1,
                "customer",
                false,
                false,
                "{}",
                now,
                now,
                ago(),
            )
            for i in range(n_contacts)
        ],
    )
    bulk_insert(
        db,
        "contact_emails",
        ["id", "contact_id", "email", "is_primary"],
        [
            (
                i + 1,
                i + 1,
                f"{name_key(names[i]).replace(' ', '.')}.{i}@c{i % n_companies}.example.com",
                1 if sqlite else "t",
            )
            for i in range(n_contacts)
        ],
    )
    rows = []
    for i in range(n_interactions):
        contact = rng.randrange(n_contacts)
        occurred = stamp(NOW - timedelta(minutes=rng.randint(1, 10**6)), sqlite)
        rows.append(
            (
                KINDS[i % 5],
                occurred,
                user_id,
                contact + 1,
                contact % n_companies + 1,
                f"Subject {i}",
                now,
            )
        )
    bulk_insert(
        db,
        "interactions",
        ["kind", "occurred_at", "user_id", "contact_id", "company_id", "subject", "created_at"],
        rows,
    )
    with db.engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")
    if db.is_postgres:
        _fix_sequences(db)
    print(
        f"  generated {n_contacts:,} contacts, {n_interactions:,} interactions "
        f"in {time.perf_counter() - t0:.1f} s"
    )
    return {
        "contacts": rng.sample(names, min(500, len(names))),
        "companies": [str(c[1]) for c in rng.sample(companies, min(500, len(companies)))],
    }


def _fix_sequences(db: Database) -> None:
    with db.engine.begin() as conn:
        for table in ("companies", "contacts", "contact_emails"):
            conn.exec_driver_sql(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT MAX(id) FROM {table}))"
            )


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def measure(app: App, fake: FakeSlack, texts: list[str]) -> tuple[list[float], list[float]]:
    """Send the commands one by one; returns (ack ms, answer ms) per request."""
    arrived: dict[str, float] = {}
    done = threading.Condition()

    def on_call(call: Call) -> None:
        if call.method == "response_url":
            with done:
                arrived[call.path] = call.at
                done.notify_all()

    fake.on_call = on_call
    acks, answers = [], []
    for i, text in enumerate(texts):
        name = f"b{i}"
        request = signed(slash_body("UALICE", text, fake.response_url(name)))
        started = time.perf_counter()
        response = app.dispatch(request)
        acked = time.perf_counter()
        if response.status != 200:
            raise SystemExit(f"request {i} answered {response.status}: {response.body}")
        with done:
            if not done.wait_for(lambda n=name: f"/response/{n}" in arrived, timeout=10):
                raise SystemExit(f"no answer to request {i} ({text!r}) within 10 s")
            answered = arrived[f"/response/{name}"]
        acks.append((acked - started) * 1000)
        answers.append((answered - started) * 1000)
    fake.on_call = None
    return acks, answers


def bare_app(fake: FakeSlack) -> App:
    from slack_bolt.authorization import AuthorizeResult
    from slack_sdk import WebClient

    client = WebClient(token="xoxb-bench", base_url=fake.api_url)

    def authorize(enterprise_id: str | None, team_id: str | None) -> AuthorizeResult:
        return AuthorizeResult(
            enterprise_id=enterprise_id,
            team_id=team_id,
            bot_token="x",
            bot_user_id="UBOT0001",
            bot_id="BBOT0001",
        )

    app = App(
        client=client, signing_secret=SECRET, authorize=authorize, process_before_response=True
    )

    def ack_it(ack: Ack) -> None:
        ack()

    def answer_it(respond: Respond) -> None:
        respond(text="ok", response_type="ephemeral")

    app.command("/crm")(ack=ack_it, lazy=[answer_it])
    return app


def report(label: str, acks: list[float], answers: list[float]) -> None:
    ack50, ack99 = statistics.median(acks), percentile(acks, 99)
    ans50, ans99 = statistics.median(answers), percentile(answers, 99)
    print(
        f"  {label:<22} ack p50 {ack50:6.1f} ms  p99 {ack99:6.1f} ms"
        f" | answer p50 {ans50:6.1f} ms  p99 {ans99:6.1f} ms"
    )


def run_on(url: str, label: str, args: argparse.Namespace, fake: FakeSlack) -> bool:
    print(f"== {label}")
    db = Database(url)
    migrate.upgrade(db)
    samples = generate(db, args.contacts, args.interactions)
    rng = random.Random(11)
    texts = []
    for i in range(args.requests):
        pool = samples["companies"] if i % 2 else samples["contacts"]
        texts.append(f"find {rng.choice(pool)}")
    settings = load_settings(
        database_url=url,
        slack_bot_token="xoxb-bench",
        slack_signing_secret=SECRET,
        slack_api_url=fake.api_url,
    )
    app = build_app(settings, db, lambda: NOW, web_client(settings))
    measure(app, fake, texts[:20])  # warm caches and connections
    bare_acks, bare_answers = measure(bare_app(fake), fake, ["find x"] * args.requests)
    acks, answers = measure(app, fake, texts)
    fake.reset()
    report("baseline (bare Bolt)", bare_acks, bare_answers)
    report(f"find on {label}", acks, answers)
    ok = percentile(acks, 99) < 100 and percentile(answers, 99) < 300
    print(f"  targets p99 ack < 100 ms, answer < 300 ms: {'met' if ok else 'MISSED'}")
    db.dispose()
    return ok


def with_pg(action: Callable[[str], bool]) -> bool:
    name = f"crm_bench_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        return action(PG_ADMIN.rsplit("/", 1)[0] + "/" + name)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--interactions", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=1_000)
    args = parser.parse_args()
    # SIGTERM unwinds like Ctrl-C, so the benchmark database is still dropped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    fake = FakeSlack().start()
    results = []
    try:
        if args.db in ("sqlite", "both"):
            with tempfile.TemporaryDirectory() as tmp:
                results.append(run_on(f"sqlite:///{tmp}/bench.db", "SQLite", args, fake))
        if args.db in ("postgresql", "both"):
            results.append(with_pg(lambda url: run_on(url, "PostgreSQL", args, fake)))
    finally:
        fake.stop()
    if not all(results):
        print("some targets were missed")


if __name__ == "__main__":
    main()
