"""Where an applied message's time goes: parsing (outside the write lock) and applying.

Files N messages straight into `inbound_messages`, then runs the intake on them in the
batches the worker uses, and prints the CPU milliseconds per message of each step, for
two kinds of mail: smtp-source's own messages (the SMTP benchmark's load: a short header
and 26 lines of X) and forwards that create a customer, a company and a task. CPU time,
not wall time, so the figures stay readable on a shared machine. To see the functions:

    .venv/bin/python -m cProfile -s cumulative benchmarks/intake_apply.py --kind forward
    .venv/bin/python benchmarks/intake_apply.py [--messages 300] [--per-commit 50]
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.context import AppContext
from bot.intake.process import apply_prepared, prepare
from bot.intake.receive import Incoming, file_messages, pending_ids
from store import migrate
from store.db import Database
from store.settings import load_settings
from store.users import add_user, forwarding_address
from tests.intake_mail import forward

DOMAIN = "crm.bench.test"


def smtp_source_message(index: int, to: str) -> bytes:
    """What `smtp-source -l 2048` sends (its header and body, line for line)."""
    body = "".join(f"{n}" + "X" * (79 - len(str(n))) + "\r\n" for n in range(1, 27))
    return (
        f"From: <ann@ourco.test>\r\nTo: <{to}>\r\n"
        "Date: Fri,  4 Dec 2026 02:56:17 +0000 (UTC)\r\n"
        f"Message-Id: <3c26.{index:04x}.0000@bench.local>\r\n\r\n{body}"
    ).encode()


def forward_message(index: int, to: str) -> bytes:
    return forward(
        forwarder="Ann <ann@ourco.test>",
        to=to,
        original_from=f"John Doe{index} <john{index}@acme{index}.example>",
        message_id=f"<f{index}@ourco.test>",
    )


KINDS: dict[str, Callable[[int, str], bytes]] = {
    "smtp-source": smtp_source_message,
    "forward": forward_message,
}


def measure(workdir: Path, kind: str, messages: int, per_commit: int) -> tuple[float, float]:
    """CPU ms per message for (parse, apply)."""
    url = f"sqlite:///{workdir / f'{kind}.db'}"
    db = Database(url)
    migrate.upgrade(db)
    with db.write() as session:
        user = add_user(session, email="ann@ourco.test", name="Ann")
        address, user_id = forwarding_address(user, DOMAIN), user.id
    now = datetime.now(UTC)
    make = KINDS[kind]
    with db.write() as session:
        items = [
            Incoming("smtp", make(i, address), now, "ann@ourco.test", address, user_id)
            for i in range(messages)
        ]
        file_messages(session, items)
    settings = load_settings(database_url=url, mail_domain=DOMAIN, smtp_port=0)
    ctx = AppContext(settings=settings, db=db, clock=lambda: datetime.now(UTC))
    with db.read() as session:
        ids = pending_ids(session, messages)
    parse_s = apply_s = 0.0
    for start in range(0, len(ids), per_commit):
        t0 = time.process_time()
        prepared = prepare(ctx, ids[start : start + per_commit])
        t1 = time.process_time()
        apply_prepared(ctx, prepared)
        t2 = time.process_time()
        parse_s, apply_s = parse_s + t1 - t0, apply_s + t2 - t1
    db.dispose()
    return parse_s * 1000 / messages, apply_s * 1000 / messages


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=300)
    parser.add_argument("--per-commit", type=int, default=50)
    parser.add_argument("--kind", choices=sorted(KINDS), action="append")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)  # the hourly reply limit warns once per message
    with tempfile.TemporaryDirectory() as tmp:
        for kind in args.kind or sorted(KINDS, reverse=True):
            parse_ms, apply_ms = measure(Path(tmp), kind, args.messages, args.per_commit)
            total = parse_ms + apply_ms
            print(
                f"{kind:12} parse {parse_ms:5.1f} ms + apply {apply_ms:5.1f} ms = "
                f"{total:5.1f} ms CPU per message ({1000 / total:4.0f} per CPU-second; "
                f"{parse_ms / total:.0%} parsing)"
            )


if __name__ == "__main__":
    main()
