"""Two `crm serve` processes on one PostgreSQL database: every job runs once, mail goes once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from pathlib import Path
from zoneinfo import ZoneInfo

from jobs.runlog import runs
from store import migrate
from store.db import Database
from store.models import OutboxMessage, OutboxStatus
from tests.jobs_data import company, contact, invoice, task, user
from tests.services import free_port


def _healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as resp:
            return int(resp.status) == 200
    except OSError:
        return False


def _serve(env: dict[str, str], cwd: Path) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-c", "from bot.cli.app import main; main()", "serve"],
        env={**env, "CRM_HTTP_PORT": str(port), "CRM_SMTP_PORT": str(free_port())},
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    return proc, port


def _wait(predicate: object, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return True
        time.sleep(0.1)
    return False


def _seed(db: Database, now: datetime) -> None:
    with db.write() as s:
        for n in range(4):
            zone = ("UTC", "Asia/Tokyo", "America/New_York", "Europe/Berlin")[n]
            hour = now.astimezone(ZoneInfo(zone)).hour
            uid = user(
                s, f"u{n}@ourco.com", f"User {n}", timezone=zone, digest_hour=max(hour - 1, 0)
            )
            for t in range(3):
                task(s, f"Task {n}.{t}", uid, due_at=now - timedelta(hours=t + 1))
            acme = company(s, f"Customer {n}", owner_id=uid)
            contact(s, "Billing", f"billing@customer{n}.com", acme)
            invoice(s, f"INV-{n}", acme, now - timedelta(days=5), 1000 + n)


def test_two_serve_processes_run_every_job_once_and_hand_over_when_one_dies(
    fresh_pg_url: str, tmp_path: Path
) -> None:
    db = Database(fresh_pg_url)
    migrate.upgrade(db)
    now = datetime.now(UTC)
    _seed(db, now)
    env = {k: v for k, v in os.environ.items() if not k.startswith("CRM_")}
    env.update(
        CRM_DATABASE_URL=fresh_pg_url,
        CRM_MAILDIR=str(tmp_path / "maildir"),
        CRM_JOBS_INTERVAL="0.4",
        CRM_MAILER_INTERVAL="0.3",
    )
    first, port1 = _serve(env, tmp_path)
    second, port2 = _serve(env, tmp_path)
    procs = [first, second]
    try:
        assert _wait(lambda: _healthy(port1) and _healthy(port2), 120)
        assert _wait(lambda: len(_sent(db)) >= 12 + 4, 120), _sent(db)  # reminders + digests
        time.sleep(3)  # many more ticks in both processes
        with db.read() as s:
            reminder_runs = runs(s, "reminders")
            digest_runs = runs(s, "digest")
        leaders = {r["worker"] for r in reminder_runs + digest_runs + _dunning_runs(db)}
        assert len(leaders) == 1, leaders
        leader_pid = int(next(iter(leaders)).split(":")[1])
        assert leader_pid in {first.pid, second.pid}
        # the sweeps ran on one schedule, not two: about one run per interval
        span = _span(reminder_runs)
        assert len(reminder_runs) <= span / 0.4 + 3, (len(reminder_runs), span)
        # the leader stops; the other process takes over and reminds a new task once
        leader = first if first.pid == leader_pid else second
        follower = second if leader is first else first
        leader.send_signal(signal.SIGTERM)
        assert leader.wait(30) == 0
        with db.write() as s:
            away = (datetime.now(UTC).hour + 12) % 24  # no digest for this one today
            uid = user(s, "late@ourco.com", "Late Comer", digest_hour=away)
            task(s, "Fresh task", uid, due_at=datetime.now(UTC))
        assert _wait(lambda: any(m.to_addr == "late@ourco.com" for m in _sent(db)), 90)
        with db.read() as s:
            workers = {r["worker"] for r in runs(s, "reminders")}
        assert len(workers) == 2 and str(follower.pid) in " ".join(workers)
    finally:
        for p in procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in procs:
            try:
                p.wait(30)
            except subprocess.TimeoutExpired:
                p.kill()
    rows = _all(db)
    keys = [r.dedupe_key for r in rows]
    assert len(keys) == len(set(keys))
    assert sum(k.startswith("reminder:") for k in keys) == 13
    assert sum(k.startswith("digest:") for k in keys) == 4
    assert sum(k.startswith("dunning:") for k in keys) == 4
    emails = [r for r in rows if r.status == OutboxStatus.SENT]
    files = list((tmp_path / "maildir" / "new").iterdir())
    ids = [message_from_bytes(f.read_bytes())["Message-ID"] for f in files]
    assert len(ids) == len(set(ids)) == len(emails)  # every sent message delivered once
    db.dispose()


def _all(db: Database) -> list[OutboxMessage]:
    with db.read() as s:
        return list(s.query(OutboxMessage).order_by(OutboxMessage.id))


def _sent(db: Database) -> list[OutboxMessage]:
    return [m for m in _all(db) if m.status == OutboxStatus.SENT]


def _dunning_runs(db: Database) -> list[dict[str, object]]:
    with db.read() as s:
        return runs(s, "dunning")


def _span(entries: list[dict[str, object]]) -> float:
    times = [datetime.fromisoformat(str(e["at"])) for e in entries]
    return (max(times) - min(times)).total_seconds() if len(times) > 1 else 0.0
