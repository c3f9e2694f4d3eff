"""Slack `find` latency on a big store: time to ack and time to the full answer.

Generates 100,000 contacts (in 10,000 companies) and 1,000,000 interactions
(benchmarks/bigstore.py), then sends 1,000 correctly signed `/crm find …` slash
commands, one after the other, over HTTP to the product's own `/slack/events` route
(aiohttp + Bolt), with a local fake Slack Web API. The ack is the HTTP response to the
slash command (what Slack waits for); the answer is the moment the fake receives the
response_url POST. The queries mix what people type: full names, names with a typo,
first and last name only, company names with and without a typo, emails and domains.
The baseline is a bare Bolt app on the same route whose lazy listener answers "ok"
without touching the store, measured in the same run.

Targets: p99 ack < 100 ms, p99 answer < 300 ms (Slack allows 3 s).

    .venv/bin/python benchmarks/slack_latency.py [--db sqlite|postgresql|both]
        [--contacts 100000] [--interactions 1000000] [--requests 1000]
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import random
import signal
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from aiohttp import web

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from slack_bolt import Ack, App, Respond

from benchmarks.bigstore import company_name, email_of, generate, person
from bot.slack.app import build_app, web_client
from bot.slack.http import PATH, handler
from store import migrate
from store.db import Database
from store.settings import load_settings
from tests.slack_fake import Call, FakeSlack
from tests.slack_requests import SECRET, headers, slash_body

PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
KINDS = ["full name", "name typo", "first+last", "company", "company typo", "email", "domain"]


def typo(word: str, rng: random.Random) -> str:
    """One slip of the finger: two neighbouring letters swapped, or one left out."""
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 2)
    if rng.random() < 0.5:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    return word[:i] + word[i + 1 :]


def queries(n: int, n_contacts: int, rng: random.Random) -> list[tuple[str, str]]:
    """(kind, text) pairs naming real customers, the kinds taking turns."""
    n_companies = max(n_contacts // 10, 1)
    out = []
    for i in range(n):
        kind = KINDS[i % len(KINDS)]
        c, k = rng.randrange(n_contacts), rng.randrange(n_companies)
        words = person(c).split()
        if kind == "full name":
            text = person(c)
        elif kind == "name typo":
            j = rng.choice([0, 2])
            words[j] = typo(words[j], rng)
            text = " ".join(words)
        elif kind == "first+last":
            text = f"{words[0]} {words[2].split('-')[0]}"
        elif kind == "company":
            text = company_name(k)
        elif kind == "company typo":
            first, *rest = company_name(k).split()
            text = " ".join([typo(first, rng), *rest])
        elif kind == "email":
            text = email_of(c, n_companies)
        else:
            text = f"c{k}.example.com"
        out.append((kind, f"find {text}"))
    return out


@contextmanager
def serving(app: App) -> Iterator[int]:
    """The product's /slack/events route for `app` on a loopback port, in its own thread."""
    loop = asyncio.new_event_loop()
    started = threading.Event()
    box: dict[str, object] = {}

    async def start() -> None:
        web_app = web.Application()
        web_app.add_routes([handler(app)])
        runner = web.AppRunner(web_app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        box["runner"] = runner
        box["port"] = runner.addresses[0][1]
        started.set()

    thread = threading.Thread(target=lambda: (loop.run_until_complete(start()), loop.run_forever()))
    thread.start()
    started.wait(10)
    try:
        yield int(box["port"])  # type: ignore[call-overload]
    finally:
        runner = box["runner"]
        asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(10)  # type: ignore[attr-defined]
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()


def measure(port: int, fake: FakeSlack, texts: list[str]) -> tuple[list[float], list[float]]:
    """Send the commands one by one over one keep-alive connection: (ack ms, answer ms)."""
    arrived: dict[str, float] = {}
    done = threading.Condition()

    def on_call(call: Call) -> None:
        if call.method == "response_url":
            with done:
                arrived[call.path] = call.at
                done.notify_all()

    fake.on_call = on_call
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    acks, answers = [], []
    name = uuid.uuid4().hex[:6]
    for i, text in enumerate(texts):
        path = f"/response/{name}{i}"
        body = slash_body("UALICE", text, fake.response_url(f"{name}{i}"))
        sent_headers = headers(body)
        started = time.perf_counter()
        conn.request("POST", PATH, body=body.encode(), headers=sent_headers)
        response = conn.getresponse()
        response.read()
        acked = time.perf_counter()
        if response.status != 200:
            raise SystemExit(f"request {i} answered HTTP {response.status}")
        with done:
            if not done.wait_for(lambda p=path: p in arrived, timeout=10):
                raise SystemExit(f"no answer to request {i} ({text!r}) within 10 s")
            answered = arrived[path]
        acks.append((acked - started) * 1000)
        answers.append((answered - started) * 1000)
    conn.close()
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


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def report(label: str, acks: list[float], answers: list[float]) -> None:
    ack50, ack99 = statistics.median(acks), percentile(acks, 99)
    ans50, ans99 = statistics.median(answers), percentile(answers, 99)
    print(
        f"  {label:<24} ack p50 {ack50:6.1f} ms  p99 {ack99:6.1f} ms"
        f" | answer p50 {ans50:6.1f} ms  p99 {ans99:6.1f} ms"
    )


def run_on(url: str, label: str, args: argparse.Namespace, fake: FakeSlack) -> bool:
    print(f"== {label}")
    db = Database(url)
    migrate.upgrade(db)
    t0 = time.perf_counter()
    steps = generate(db, args.contacts, args.interactions, now=NOW)
    print(
        f"  generated {args.contacts:,} contacts, {args.interactions:,} interactions in "
        f"{time.perf_counter() - t0:.1f} s ("
        + ", ".join(f"{k} {v:.1f} s" for k, v in steps.items())
        + ")"
    )
    mix = queries(args.requests, args.contacts, random.Random(11))
    settings = load_settings(
        database_url=url,
        slack_bot_token="xoxb-bench",
        slack_signing_secret=SECRET,
        slack_api_url=fake.api_url,
    )
    app = build_app(settings, db, lambda: NOW, web_client(settings))
    with serving(bare_app(fake)) as port:
        measure(port, fake, ["find x"] * 20)
        bare_acks, bare_answers = measure(port, fake, ["find x"] * args.requests)
    with serving(app) as port:
        measure(port, fake, [t for _, t in mix[:20]])  # warm caches and connections
        acks, answers = measure(port, fake, [t for _, t in mix])
    fake.reset()
    report("baseline (bare Bolt)", bare_acks, bare_answers)
    report(f"find on {label}", acks, answers)
    by_kind: dict[str, list[int]] = defaultdict(list)
    for i, (kind, _) in enumerate(mix):
        by_kind[kind].append(i)
    for kind, idx in by_kind.items():
        report(f"  {kind}", [acks[i] for i in idx], [answers[i] for i in idx])
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
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
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
        sys.exit(1)


if __name__ == "__main__":
    main()
