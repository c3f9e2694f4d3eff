"""SMTP intake throughput: our front (durable commit before 250) against a bare aiosmtpd sink.

Postfix's `smtp-source` (taken from Debian's postfix package, not installed) sends 2,000
messages over 20 sessions to each server in the same run. Then the intake worker applies
everything that was received, which gives the end-to-end received -> applied rate on
SQLite, and the process's peak memory is reported.

    .venv/bin/python benchmarks/smtp_intake.py [--messages 2000] [--sessions 20]
"""

from __future__ import annotations

import argparse
import asyncio
import glob
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aiosmtpd.smtp import SMTP, Envelope
from aiosmtpd.smtp import Session as SmtpSession
from sqlalchemy import func, select

from bot.context import AppContext
from bot.smtp import SmtpServer
from store import migrate
from store.db import Database
from store.models import InboundMessage, InboundStatus
from store.settings import load_settings
from store.users import add_user, forwarding_address

DOMAIN = "crm.bench.test"


def smtp_source() -> tuple[str, dict[str, str]]:
    """The smtp-source binary and its environment, unpacked from Debian's package if needed."""
    found = shutil.which("smtp-source")
    if found:
        return found, dict(os.environ)
    cache = Path(tempfile.gettempdir()) / "crm-bench-postfix"
    binary = cache / "root/usr/sbin/smtp-source"
    if not binary.exists():
        cache.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["apt-get", "download", "postfix"], cwd=cache, check=True, capture_output=True
        )
        deb = sorted(glob.glob(str(cache / "postfix_*.deb")))[-1]
        subprocess.run(["dpkg", "-x", deb, str(cache / "root")], check=True)
    env = {**os.environ, "LD_LIBRARY_PATH": str(cache / "root/usr/lib/postfix")}
    return str(binary), env


def blast(port: int, to: str, messages: int, sessions: int) -> float:
    binary, env = smtp_source()
    start = time.perf_counter()
    subprocess.run(
        [
            binary,
            "-s",
            str(sessions),
            "-m",
            str(messages),
            "-l",
            "2048",
            "-f",
            "ann@ourco.test",
            "-t",
            to,
            "-M",
            "bench.local",
            f"127.0.0.1:{port}",
        ],
        env=env,
        check=True,
        capture_output=True,
        timeout=600,
    )
    return time.perf_counter() - start


class CountingHandler:
    def __init__(self) -> None:
        self.count = 0

    async def handle_DATA(self, server: SMTP, session: SmtpSession, envelope: Envelope) -> str:
        self.count += 1
        return "250 OK"


class Loop:
    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def run(self, coro: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(600)


def bare_rate(messages: int, sessions: int) -> float:
    loop = Loop()
    handler = CountingHandler()

    async def start() -> asyncio.base_events.Server:
        return await loop.loop.create_server(
            lambda: SMTP(handler, hostname="bare.local"), host="127.0.0.1", port=0
        )

    server = loop.run(start())
    port = server.sockets[0].getsockname()[1]
    elapsed = blast(port, f"x@{DOMAIN}", messages, sessions)
    server.close()
    assert handler.count == messages, handler.count
    return messages / elapsed


def ours(
    workdir: Path, messages: int, sessions: int, *, e2e: bool = True
) -> tuple[float, float | None]:
    url = f"sqlite:///{workdir / 'crm.db'}"
    db = Database(url)
    migrate.upgrade(db)
    with db.write() as session:
        user = add_user(session, email="ann@ourco.test", name="Ann")
        address = forwarding_address(user, DOMAIN)
    settings = load_settings(database_url=url, mail_domain=DOMAIN, smtp_port=0)
    ctx = AppContext(settings=settings, db=db, clock=lambda: datetime.now(UTC))
    loop = Loop()
    server = SmtpServer(ctx)
    loop.run(server.start())
    assert server.port is not None
    elapsed = blast(server.port, address, messages, sessions)
    loop.run(server.stop())
    with db.read() as session:
        filed = session.scalar(select(func.count(InboundMessage.id)))
    assert filed == messages, f"{filed} filed of {messages}"
    accept_rate = messages / elapsed
    if not e2e:
        return accept_rate, None
    try:
        from bot.intake.process import process_inbound
        from bot.intake.receive import pending_ids
    except ImportError as exc:  # the store services are not there yet
        print(f"end-to-end: skipped ({exc})")
        return accept_rate, None
    start = time.perf_counter()
    done = 0
    while True:
        with db.read() as session:
            ids = pending_ids(session, 500)
        if not ids:
            break
        for inbound_id in ids:
            process_inbound(ctx, inbound_id)
            done += 1
    e2e = done / (time.perf_counter() - start)
    with db.read() as session:
        statuses = dict(
            session.execute(
                select(InboundMessage.status, func.count()).group_by(InboundMessage.status)
            ).all()
        )
    print(f"end-to-end outcomes: { {str(k): v for k, v in statuses.items()} }")
    assert statuses.get(InboundStatus.RECEIVED, 0) == 0
    db.dispose()
    return accept_rate, e2e


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--no-e2e", action="store_true", help="only the SMTP accept rates")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        bare = bare_rate(args.messages, args.sessions)
        accept, e2e = ours(Path(tmp), args.messages, args.sessions, e2e=not args.no_e2e)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"bare aiosmtpd sink:        {bare:8.0f} msg/s")
    print(
        f"ours (commit before 250):  {accept:8.0f} msg/s  ({accept / bare:.0%} of bare; "
        "target >= 50%)"
    )
    if e2e is not None:
        print(f"received -> applied:       {e2e:8.0f} msg/s  (SQLite; target >= 200)")
    print(f"peak memory (RSS):         {peak_mb:8.0f} MB")
    ok = accept >= bare / 2 and (e2e is None or e2e >= 200)
    print("PASS" if ok else "BELOW TARGET")


if __name__ == "__main__":
    main()
