"""Many messages per transaction: each one still succeeds or fails on its own, and what was
held waits for its owner's `confirm`."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.context import AppContext
from bot.intake.parsing import ParseJob, ParsePool, parse_here
from bot.intake.process import process_batch, process_inbound
from bot.intake.receive import Incoming, file_messages, pending_ids
from bot.intake.worker import IntakeWorker
from parsers.types import ParseError
from store.models import (
    Change,
    Contact,
    InboundMessage,
    InboundStatus,
    Interaction,
    OutboxMessage,
    User,
)
from store.users import add_user, forwarding_address
from tests.intake_mail import forward, reply_to_bot
from tests.smtp_helpers import DOMAIN


def _ann(ctx: AppContext) -> User:
    with ctx.db.write() as session:
        return add_user(session, email="ann@ourco.com", name="Ann Lee")


@pytest.fixture
def ann(ctx: AppContext) -> User:
    return _ann(ctx)


@pytest.fixture
def bob(ctx: AppContext) -> User:
    with ctx.db.write() as session:
        return add_user(session, email="bob@ourco.com", name="Bob Stone")


def receive(ctx: AppContext, *mails: tuple[User, bytes, str]) -> list[int]:
    """File several messages the way the SMTP front does, without processing them."""
    with ctx.db.write() as session:
        filed = file_messages(
            session,
            [
                Incoming(
                    channel="smtp",
                    raw=raw,
                    received_at=ctx.now(),
                    mail_from=sender,
                    rcpt_to=forwarding_address(user, DOMAIN),
                    user_id=user.id,
                )
                for user, raw, sender in mails
            ],
        )
    return [f.inbound_id for f in filed]


def count(ctx: AppContext, model: type) -> int:
    with ctx.db.read() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def inbound(ctx: AppContext, inbound_id: int) -> InboundMessage:
    with ctx.db.read() as session:
        row = session.get(InboundMessage, inbound_id)
        assert row is not None
        return row


def test_one_bad_message_in_a_batch_fails_alone_and_the_others_are_filed(
    any_ctx: AppContext,
) -> None:
    ctx = any_ctx
    ann = _ann(ctx)
    good = forward(original_from="John Doe <john.doe@acme.com>", message_id="<g1@ourco.com>")
    bad = forward(original_from="Jim <jim..bad@acme.com>", message_id="<b1@ourco.com>")
    other = forward(original_from="Eve Ng <eve@globex.com>", message_id="<g2@ourco.com>")
    ids = receive(ctx, *[(ann, raw, "ann@ourco.com") for raw in (good, bad, other)])
    outcomes = process_batch(ctx, ids)
    assert [o.status for o in outcomes] == [
        InboundStatus.PROCESSED,
        InboundStatus.FAILED,
        InboundStatus.PROCESSED,
    ]
    failed = inbound(ctx, ids[1])
    assert failed.status is InboundStatus.FAILED
    assert "jim..bad@acme.com" in (failed.error or "")
    assert failed.raw == bad  # kept byte for byte for `crm inbound retry`
    assert failed.change_id is None
    # The failed message's half-done work (its Change row, its contact) is rolled back alone.
    assert count(ctx, Change) == 2
    with ctx.db.read() as session:
        names = sorted(session.scalars(select(Contact.name)))
        kinds = [m.kind for m in session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))]
    assert names == ["Eve Ng", "John Doe"]
    assert kinds == ["intake_reply", "intake_failed", "intake_reply"]


def test_the_same_email_forwarded_by_two_users_in_one_batch_is_one_interaction(
    ctx: AppContext, ann: User, bob: User
) -> None:
    by_ann = forward(message_id="<a1@ourco.com>")
    by_bob = forward(forwarder="Bob <bob@ourco.com>", message_id="<b1@ourco.com>", note="")
    ids = receive(ctx, (ann, by_ann, "ann@ourco.com"), (bob, by_bob, "bob@ourco.com"))
    outcomes = process_batch(ctx, ids)
    assert [o.status for o in outcomes] == [InboundStatus.PROCESSED] * 2
    assert count(ctx, Interaction) == 1
    assert count(ctx, Contact) == 1
    assert "interaction already filed" in outcomes[1].summary


def test_a_message_processed_already_is_not_applied_again(ctx: AppContext, ann: User) -> None:
    [inbound_id] = receive(ctx, (ann, forward(), "ann@ourco.com"))
    assert process_batch(ctx, [inbound_id])[0].status is InboundStatus.PROCESSED
    again = process_batch(ctx, [inbound_id, 999])
    assert [o.status for o in again] == [None, None]
    assert count(ctx, Change) == 1


def test_a_dkim_failure_is_held_and_its_owner_confirms_it_by_reply(
    ctx: AppContext, ann: User
) -> None:
    spoofed = forward(
        headers={"Authentication-Results": "mx.ourco.com; dkim=fail header.d=ourco.com"}
    )
    [held_id] = receive(ctx, (ann, spoofed, "ann@ourco.com"))
    assert process_inbound(ctx, held_id).status is InboundStatus.HELD
    assert count(ctx, Contact) == 0
    with ctx.db.read() as session:
        notice = session.scalars(select(OutboxMessage)).one()
    assert notice.kind == "intake_held" and notice.message_id
    # A stranger answering the notice with "confirm" releases nothing.
    stranger = reply_to_bot(
        in_reply_to=notice.message_id, text="confirm", sender="Mallory <mallory@evil.example>"
    )
    [stranger_id] = receive(ctx, (ann, stranger, "mallory@evil.example"))
    assert process_inbound(ctx, stranger_id).status is InboundStatus.HELD
    assert inbound(ctx, held_id).status is InboundStatus.HELD
    # Ann's own reply does; the worker then files the held message once.
    [confirm_id] = receive(
        ctx, (ann, reply_to_bot(in_reply_to=notice.message_id, text="confirm"), "ann@ourco.com")
    )
    confirmed = process_inbound(ctx, confirm_id)
    assert confirmed.status is InboundStatus.PROCESSED
    assert confirmed.summary == f"confirmed held message #{held_id}"
    with ctx.db.read() as session:
        assert pending_ids(session) == [held_id]
    released = process_batch(ctx, [held_id])[0]
    assert released.status is InboundStatus.PROCESSED
    assert "confirmed by the user" in released.reasons
    assert count(ctx, Contact) == 1
    # Confirming twice does nothing more.
    [twice_id] = receive(
        ctx, (ann, reply_to_bot(in_reply_to=notice.message_id, text="Confirm"), "ann@ourco.com")
    )
    assert process_inbound(ctx, twice_id).status is InboundStatus.IGNORED
    assert count(ctx, Interaction) == 1


def test_the_worker_applies_a_backlog_in_chunks(ctx: AppContext, ann: User) -> None:
    mails = [
        (
            ann,
            forward(original_from=f"P{i} <p{i}@firm{i}.example>", message_id=f"<m{i}@ourco.com>"),
            "ann@ourco.com",
        )
        for i in range(7)
    ]
    receive(ctx, *mails)
    worker = IntakeWorker(ctx, poll_seconds=0.05, per_commit=3)

    async def run() -> None:
        await worker.start()
        for _ in range(600):
            if worker.processed >= 7:
                break
            await asyncio.sleep(0.05)
        await worker.stop()

    asyncio.run(run())
    assert worker.processed == 7
    assert count(ctx, Contact) == 7
    with ctx.db.read() as session:
        assert pending_ids(session) == []


def test_a_parser_process_reads_what_the_main_process_reads() -> None:
    now = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    jobs = [
        ParseJob(forward(message_id=f"<p{i}@ourco.com>"), now, "Europe/Berlin") for i in range(3)
    ]
    jobs.append(ParseJob(b"\x00 not an email", now, "UTC"))
    pool = ParsePool(1, min_jobs=2)
    try:
        there = pool(jobs)
    finally:
        pool.close()
    here = parse_here(jobs)
    assert there[:3] == here[:3]
    assert isinstance(there[3], ParseError) and str(there[3]) == str(here[3])


_POOL_SCRIPT = """
import multiprocessing, sys, time
from datetime import UTC, datetime
from bot.intake.parsing import ParseJob, ParsePool
if __name__ == "__main__":
    pool = ParsePool(1, min_jobs=1)
    raw = b"From: a@b.example\\r\\nSubject: hi\\r\\n\\r\\nhi\\r\\n"
    pool([ParseJob(raw, datetime.now(UTC), "UTC")])
    print(" ".join(str(p.pid) for p in multiprocessing.active_children()), flush=True)
    time.sleep(120)
"""


def test_parser_processes_do_not_outlive_a_killed_parent(tmp_path: Path) -> None:
    script = tmp_path / "pool.py"
    script.write_text(_POOL_SCRIPT)
    parent = subprocess.Popen(
        [sys.executable, str(script)], stdout=subprocess.PIPE, cwd=Path(__file__).parent.parent
    )
    try:
        assert parent.stdout is not None
        children = [int(p) for p in parent.stdout.readline().split()]
        assert children, "the pool started no process"
    finally:
        parent.kill()  # SIGKILL: no shutdown code runs in the parent
        parent.wait()
    deadline = time.monotonic() + 20
    while any(_alive(pid) for pid in children) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not any(_alive(pid) for pid in children)


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split()[2] != "Z"  # a zombie has exited
    except FileNotFoundError:
        return False
