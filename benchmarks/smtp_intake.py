"""SMTP intake throughput: our front (durable commit before 250) against a bare aiosmtpd sink.

Postfix's `smtp-source` (taken from Debian's postfix package, not installed) sends 2,000
messages over 20 sessions to each server in the same run. Then the intake worker, as
`crm serve` runs it (batches of 50 per transaction, parsing in a parser process when a
core is spare), applies everything that was received: the end-to-end received -> applied
rate on SQLite, with the CPU it took per message (steadier than wall time on a shared
machine), parse_email's own rate on the same messages (the ceiling for one core), and the
peak memory of the process and of its largest child.

    .venv/bin/python benchmarks/smtp_intake.py [--messages 2000] [--sessions 20]
        [--parse-processes N] [--no-e2e]
"""

from __future__ import annotations

import argparse
import asyncio
import glob
import logging
import multiprocessing
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aiosmtpd.smtp import SMTP, Envelope
from aiosmtpd.smtp import Session as SmtpSession
from sqlalchemy import func, select

from bot.context import AppContext
from bot.intake.channels import parse_processes_default
from bot.intake.worker import IntakeWorker
from bot.smtp import SmtpServer
from parsers.email import parse_email
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


def _cpu_seconds() -> float:
    """CPU used by this process and its finished children (the parser processes, once
    stopped): unlike wall time, hardly moved by other work on a shared machine."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def applied_rate(
    ctx: AppContext, messages: int, parse_processes: int
) -> tuple[float, float, float]:
    """The intake worker as `crm serve` runs it, from the first received message to the last
    applied one (the parser processes, if any, start inside the measured time). Returns
    (messages per second, CPU milliseconds per message, a parser process's peak MB)."""
    worker = IntakeWorker(ctx, parse_processes=parse_processes)
    loop = Loop()
    cpu = _cpu_seconds()
    start = time.perf_counter()
    loop.run(worker.start())
    while worker.processed < messages:
        time.sleep(0.02)
    elapsed = time.perf_counter() - start
    parser_mb = max((_peak_mb(p.pid) for p in multiprocessing.active_children()), default=0.0)
    loop.run(worker.stop())
    return messages / elapsed, (_cpu_seconds() - cpu) * 1000 / messages, parser_mb


def _peak_mb(pid: int | None) -> float:
    """A live process's peak resident memory (VmHWM), in MB; 0 if it is gone."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def parse_rate(db: Database, count: int = 200) -> float:
    """parse_email alone on the stored messages, one core: the ceiling for the rate above."""
    with db.read() as session:
        raws = list(session.scalars(select(InboundMessage.raw).limit(count)))
    now = datetime.now(UTC)
    start = time.process_time()
    for raw in raws:
        parse_email(raw, now=now, tz="UTC")
    return len(raws) / (time.process_time() - start)


@dataclass
class Ours:
    accept: float
    applied: float | None = None
    cpu_ms: float | None = None
    parser_mb: float = 0.0
    parse_alone: float | None = None
    outcomes: dict[str, int] = field(default_factory=dict)


def ours(
    workdir: Path, messages: int, sessions: int, *, e2e: bool = True, parse_processes: int = 0
) -> Ours:
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
    result = Ours(accept=messages / elapsed)
    if not e2e:
        return result
    result.applied, result.cpu_ms, result.parser_mb = applied_rate(ctx, messages, parse_processes)
    with db.read() as session:
        rows = session.execute(
            select(InboundMessage.status, func.count()).group_by(InboundMessage.status)
        ).all()
    result.outcomes = {str(k): int(v) for k, v in rows}
    assert result.outcomes.get(str(InboundStatus.RECEIVED), 0) == 0, result.outcomes
    result.parse_alone = parse_rate(db)
    db.dispose()
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--no-e2e", action="store_true", help="only the SMTP accept rates")
    parser.add_argument(
        "--parse-processes",
        type=int,
        default=parse_processes_default(),
        help="parser processes beside the writer (default: as crm serve, one per spare core)",
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)  # the hourly reply limit warns once per message
    load = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        bare = bare_rate(args.messages, args.sessions)
        res = ours(
            Path(tmp),
            args.messages,
            args.sessions,
            e2e=not args.no_e2e,
            parse_processes=args.parse_processes,
        )
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"load average at start:     {load[0]:8.2f} (1 min), {os.cpu_count()} cores")
    print(f"bare aiosmtpd sink:        {bare:8.0f} msg/s")
    print(
        f"ours (commit before 250):  {res.accept:8.0f} msg/s  ({res.accept / bare:.0%} of bare; "
        "target >= 50%)"
    )
    if res.applied is not None:
        print(
            f"received -> applied:       {res.applied:8.0f} msg/s  (SQLite, "
            f"{args.parse_processes} parser process(es); {res.applied / bare:.0%} of bare; "
            "target >= 200)"
        )
        print(f"  CPU per message:         {res.cpu_ms:8.1f} ms  (this process and its parsers)")
        print(f"  outcomes:                {res.outcomes}")
    if res.parse_alone is not None:
        print(f"parse_email alone, 1 core: {res.parse_alone:8.0f} msg/s  (these messages)")
    parsers = f"; each parser process: {res.parser_mb:.0f} MB" if res.parser_mb else ""
    print(f"peak memory (RSS):         {peak_mb:8.0f} MB  (this process{parsers})")
    ok = res.accept >= bare / 2 and (res.applied is None or res.applied >= 200)
    print("PASS" if ok else "BELOW TARGET")


if __name__ == "__main__":
    main()
