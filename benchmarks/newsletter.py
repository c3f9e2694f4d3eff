"""Newsletter throughput: a 100,000-recipient campaign to a local SMTP sink, no rate limit.

Prints messages/s, CPU per message and peak memory of our sender (snapshot, render, queue
in checkpointed batches, claim, deliver with a commit per message) next to a bare smtplib
loop sending the same rendered messages over one connection to the same sink, in the same
run. Each side runs in its own process so its peak RSS is its own; the sink (Postfix's C
`smtp-sink` when available, see benchmarks/sinks.py) runs in a third. Each side uses one
SMTP connection.

    python benchmarks/newsletter.py [--recipients 100000]

Targets: at least 1,000 msg/s and under 300 MB for our sender.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import resource
import smtplib
import struct
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.sinks import smtp_sink  # noqa: E402

BODY = """# News for {{ company or "you" }}

Hello {{ first_name or "there" }},

our **winter catalogue** is out, with prices held until March:
[see it](https://shop.example.com/catalogue).

- free delivery above 200 EUR
- new spare parts section

{{ owner or "The team" }}
"""
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def _populate(url: str, count: int) -> None:
    from sqlalchemy import insert, select

    from jobs.campaigns import service
    from store import migrate
    from store.db import Database
    from store.models import Company, Contact, ContactEmail, Tag, contact_tags

    db = Database(url)
    migrate.upgrade(db)
    with db.write() as s:
        tag = Tag(name="newsletter")
        acme = Company(name="Acme Inc", domain="acme.example")
        s.add_all([tag, acme])
        s.flush()
        for start in range(0, count, 20000):
            n = min(20000, count - start)
            s.execute(
                insert(Contact),
                [
                    {
                        "name": f"Person {start + i}",
                        "marketing_consent": True,
                        "company_id": acme.id,
                    }
                    for i in range(n)
                ],
            )
        ids = list(s.scalars(select(Contact.id).order_by(Contact.id)))
        for start in range(0, len(ids), 20000):
            chunk = ids[start : start + 20000]
            s.execute(
                insert(ContactEmail),
                [
                    {"contact_id": cid, "email": f"p{cid}@example.org", "is_primary": True}
                    for cid in chunk
                ],
            )
            s.execute(insert(contact_tags), [{"contact_id": c, "tag_id": tag.id} for c in chunk])
        service.create_campaign(
            s,
            name="Winter",
            subject="{{ first_name }}, our winter catalogue",
            body_md=BODY,
            segment="tag:newsletter",
            now=NOW,
        )
    db.dispose()


def _ours(url: str, port: int, out: Any) -> None:
    from jobs.campaigns import service
    from jobs.campaigns.runner import send_to_end
    from jobs.campaigns.transport import Relay, SmtpTransport
    from store.db import Database
    from store.settings import load_settings

    settings = load_settings(
        database_url=url,
        relay_url=f"smtp://127.0.0.1:{port}",
        campaign_rate=0,
        campaign_hourly_limit=0,
        mail_domain="crm.example",
        public_url="https://crm.example",
    )
    db = Database(url)
    began = time.perf_counter()
    with db.write() as s:
        size = service.start(s, service.get_campaign(s, "Winter"), settings, now=NOW)
    snapshot = time.perf_counter() - began
    transport = SmtpTransport(Relay.from_url(settings.relay_url or ""))
    t0, cpu = time.perf_counter(), time.process_time()
    report = send_to_end(db, settings, transport, clock=lambda: NOW)
    elapsed, cpu = time.perf_counter() - t0, time.process_time() - cpu
    transport.close()
    out.put(
        {
            "audience": size,
            "snapshot_s": snapshot,
            "sent": report.delivery.sent,
            "send_s": elapsed,
            "cpu_s": cpu,
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        }
    )


def _render_to_file(url: str, path: Path) -> int:
    """The exact bytes our sender built, for the baseline to send (not timed)."""
    from sqlalchemy import select

    from jobs.campaigns.mime import ENVELOPE_HEADER, build_message
    from store.db import Database
    from store.models import OutboxMessage

    db = Database(url)
    n = 0
    with db.read() as s, path.open("wb") as f:
        stmt = select(OutboxMessage).where(OutboxMessage.kind == "campaign")
        for row in s.scalars(stmt.execution_options(yield_per=2000)):
            data = build_message(
                from_addr="crm@crm.example",
                to=row.to_addr,
                subject=row.subject,
                text=row.body_text,
                html=row.body_html,
                message_id=row.message_id or "",
                date=NOW,
                headers=row.headers,
            )
            env = row.headers[ENVELOPE_HEADER].encode()
            rcpt = row.to_addr.rsplit("<", 1)[-1].rstrip(">").encode()
            f.write(struct.pack("!III", len(env), len(rcpt), len(data)) + env + rcpt + data)
            n += 1
    db.dispose()
    return n


def _bare(path: Path, port: int, out: Any) -> None:
    smtp = smtplib.SMTP("127.0.0.1", port)
    sent = 0
    t0, cpu = time.perf_counter(), time.process_time()
    with path.open("rb") as f:
        while head := f.read(12):
            a, b, c = struct.unpack("!III", head)
            env, rcpt, data = f.read(a).decode(), f.read(b).decode(), f.read(c)
            smtp.sendmail(env, [rcpt], data)
            sent += 1
    elapsed, cpu = time.perf_counter() - t0, time.process_time() - cpu
    smtp.quit()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out.put({"sent": sent, "send_s": elapsed, "cpu_s": cpu, "peak_mb": peak})


def _run(target: Any, *args: Any) -> dict[str, Any]:
    out: Any = mp.Queue()
    proc = mp.Process(target=target, args=(*args, out))
    proc.start()
    result: dict[str, Any] = out.get()
    proc.join()
    return result


def _per_msg(side: dict[str, Any]) -> str:
    """CPU per message and the rate it allows on one free core: on a shared machine the
    wall-clock rate says as much about the neighbours as about the sender."""
    us = side["cpu_s"] / max(side["sent"], 1) * 1e6
    return f"{us:.0f} us/msg (= {1e6 / us:,.0f} msg/s on a free core)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--recipients", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        t = time.perf_counter()
        _populate(url, args.recipients)
        print(f"{args.recipients} consenting contacts created in {time.perf_counter() - t:.1f}s")
        with smtp_sink() as sink:
            print(f"sink: {sink.name}; one SMTP connection on each side")
            ours = _run(_ours, url, sink.port)
            rendered = Path(tmp) / "rendered.bin"
            _render_to_file(url, rendered)
            bare = _run(_bare, rendered, sink.port)
        load = os.getloadavg()[0]
    rate = ours["sent"] / ours["send_s"]
    bare_rate = bare["sent"] / bare["send_s"]
    print(f"load average at the end: {load:.1f} on {os.cpu_count()} cores")
    print(
        f"ours:     snapshot of {ours['audience']} recipients {ours['snapshot_s']:.1f}s; "
        f"queued+delivered {ours['sent']} in {ours['send_s']:.1f}s = {rate:,.0f} msg/s; "
        f"CPU {_per_msg(ours)}; peak RSS {ours['peak_mb']:.0f} MB"
    )
    print(
        f"baseline: bare smtplib loop, same {bare['sent']} messages in {bare['send_s']:.1f}s "
        f"= {bare_rate:,.0f} msg/s; CPU {_per_msg(bare)}; peak RSS {bare['peak_mb']:.0f} MB"
    )
    print(
        f"ours/baseline: {rate / bare_rate:.2f}; targets: >= 1,000 msg/s "
        f"({'met' if rate >= 1000 else 'NOT met'}), < 300 MB "
        f"({'met' if ours['peak_mb'] < 300 else 'NOT met'})"
    )


if __name__ == "__main__":
    main()
