"""The intake as a forwarder meets it: forward, get a reply, undo it, confirm what was held."""

from __future__ import annotations

import asyncio
from datetime import datetime
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.context import AppContext
from bot.intake.process import Outcome, process_inbound
from bot.intake.receive import Incoming, file_one
from jobs.mailer import Mailer
from store.db import Database
from store.models import (
    Change,
    Contact,
    InboundMessage,
    InboundStatus,
    Interaction,
    Order,
    OutboxMessage,
    Task,
    User,
)
from store.users import add_user, forwarding_address
from tests.intake_mail import forward, reply_to_bot
from tests.smtp_helpers import DOMAIN, make_context


def _ann(ctx: AppContext) -> User:
    with ctx.db.write() as session:
        return add_user(session, email="ann@ourco.com", name="Ann Lee", timezone="Europe/Berlin")


@pytest.fixture
def ann(ctx: AppContext) -> User:
    return _ann(ctx)


@pytest.fixture
def bob(ctx: AppContext) -> User:
    with ctx.db.write() as session:
        return add_user(session, email="bob@ourco.com", name="Bob Stone")


def deliver(ctx: AppContext, user: User, raw: bytes, mail_from: str = "ann@ourco.com") -> Outcome:
    """What the SMTP front does, then what the worker does."""
    filed = file_one(
        ctx.db,
        Incoming(
            channel="smtp",
            raw=raw,
            received_at=ctx.now(),
            mail_from=mail_from,
            rcpt_to=forwarding_address(user, DOMAIN),
            user_id=user.id,
        ),
    )
    return process_inbound(ctx, filed.inbound_id)


def outbox(ctx: AppContext) -> list[OutboxMessage]:
    with ctx.db.read() as session:
        return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def count(ctx: AppContext, model: type) -> int:
    with ctx.db.read() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_a_forward_files_the_customer_and_replies_to_the_forwarder(any_ctx: AppContext) -> None:
    ctx = any_ctx
    ann = _ann(ctx)
    raw = forward(message_id="<fwd-1@ourco.com>")
    outcome = deliver(ctx, ann, raw)
    assert outcome.status is InboundStatus.PROCESSED, outcome
    with ctx.db.read() as session:
        john = session.scalar(select(Contact).where(Contact.name == "John Doe"))
        assert john is not None
        assert john.title == "Head of Purchasing"
        assert john.company is not None and john.company.domain == "acme.com"
        [interaction] = session.scalars(select(Interaction))
        assert interaction.contact_id == john.id
        assert interaction.subject == "Pricing"
        [task] = session.scalars(select(Task))
        assert task.title == "Send revised quote"
        assert task.assignee_id == ann.id
        change = session.scalar(select(Change))
        assert change is not None
    [reply] = outbox(ctx)
    assert reply.kind == "intake_reply"
    assert reply.dedupe_key.startswith("reply:inbound:")
    assert reply.to_addr == "ann@ourco.com"
    assert reply.headers["In-Reply-To"] == "<fwd-1@ourco.com>"
    assert reply.headers["References"] == "<fwd-1@ourco.com>"
    assert reply.headers["Auto-Submitted"] == "auto-replied"
    assert reply.headers["Reply-To"] == forwarding_address(ann, DOMAIN)
    assert "New contact: John Doe <john.doe@acme.com>" in reply.body_text
    assert "Send revised quote" in reply.body_text
    assert "Reply `undo` to revert" in reply.body_text
    assert reply.body_html and "<code>undo</code>" in reply.body_html
    assert change.reply_message_id == reply.message_id


def test_the_same_email_forwarded_twice_or_by_two_users_is_one_interaction(
    ctx: AppContext, ann: User, bob: User
) -> None:
    first = deliver(ctx, ann, forward(message_id="<a1@ourco.com>"))
    again = deliver(ctx, ann, forward(message_id="<a2@ourco.com>", note=""))
    by_bob = deliver(
        ctx,
        bob,
        forward(forwarder="Bob <bob@ourco.com>", message_id="<b1@ourco.com>", note=""),
        mail_from="bob@ourco.com",
    )
    assert [o.status for o in (first, again, by_bob)] == [InboundStatus.PROCESSED] * 3
    assert count(ctx, Interaction) == 1
    assert count(ctx, Contact) == 1
    replies = outbox(ctx)
    assert [r.to_addr for r in replies] == ["ann@ourco.com", "ann@ourco.com", "bob@ourco.com"]
    assert "already logged" in replies[2].body_text


def test_undo_by_reply_reverts_exactly_that_intake(any_ctx: AppContext) -> None:
    ctx = any_ctx
    ann = _ann(ctx)
    deliver(
        ctx,
        ann,
        forward(
            message_id="<keep@ourco.com>",
            note="",
            original_from="Mary <mary@globex.com>",
            original_subject="Hello",
            body="Hi\n",
            signature="",
        ),
    )
    deliver(ctx, ann, forward(message_id="<undo-me@ourco.com>"))
    reply = outbox(ctx)[-1]
    assert reply.message_id
    outcome = deliver(ctx, ann, reply_to_bot(in_reply_to=reply.message_id, text="undo"))
    assert outcome.status is InboundStatus.PROCESSED, outcome
    with ctx.db.read() as session:
        names = sorted(c.name or "" for c in session.scalars(select(Contact)))
        assert names == ["Mary"]
        assert [i.subject for i in session.scalars(select(Interaction))] == ["Hello"]
        assert session.scalar(select(func.count(Task.id))) == 0
    confirmation = outbox(ctx)[-1]
    assert confirmation.kind == "intake_undo"
    assert confirmation.body_text.startswith("Undone:")
    assert confirmation.headers["Auto-Submitted"] == "auto-replied"


def test_an_auto_responder_answering_the_reply_does_not_start_a_loop(
    ctx: AppContext, ann: User
) -> None:
    deliver(ctx, ann, forward())
    reply = outbox(ctx)[-1]
    assert reply.message_id
    for headers, subject in (
        ({"Auto-Submitted": "auto-replied"}, "Automatic reply: Re: Fwd: Pricing"),
        ({}, "Out of Office: Re: Fwd: Pricing"),
        ({"Precedence": "bulk"}, "Re: Fwd: Pricing"),
    ):
        raw = reply_to_bot(
            in_reply_to=reply.message_id,
            text="I am away until Monday.",
            subject=subject,
            headers=headers,
        )
        outcome = deliver(ctx, ann, raw)
        assert outcome.status is InboundStatus.IGNORED
    assert len(outbox(ctx)) == 1


def test_mail_from_a_foreign_address_is_held_until_confirmed(ctx: AppContext, ann: User) -> None:
    raw = forward(forwarder="Mallory <mallory@evil.example>", message_id="<held@evil.example>")
    outcome = deliver(ctx, ann, raw, mail_from="mallory@evil.example")
    assert outcome.status is InboundStatus.HELD
    assert "mallory@evil.example" in outcome.reasons[0]
    assert count(ctx, Contact) == 0
    [notice] = outbox(ctx)
    assert (notice.kind, notice.to_addr) == ("intake_held", "ann@ourco.com")
    assert "confirm" in notice.body_text
    assert notice.message_id
    confirm = deliver(ctx, ann, reply_to_bot(in_reply_to=notice.message_id, text="Confirm"))
    assert confirm.status is InboundStatus.PROCESSED
    released = process_inbound(ctx, outcome.inbound_id)
    assert released.status is InboundStatus.PROCESSED, released
    assert count(ctx, Contact) == 1


def test_failed_dkim_for_the_forwarders_domain_is_held(ctx: AppContext, ann: User) -> None:
    raw = forward(headers={"Authentication-Results": "mx.ourco.com; dkim=fail header.d=ourco.com"})
    outcome = deliver(ctx, ann, raw)
    assert outcome.status is InboundStatus.HELD
    assert outcome.reasons == ("dkim=fail for ourco.com",)


def test_no_reply_and_internal_mail_make_no_contacts(ctx: AppContext, ann: User) -> None:
    robot = deliver(ctx, ann, forward(original_from="Shop <no-reply@shop.example>", signature=""))
    internal = deliver(ctx, ann, forward(original_from="Bob <bob@ourco.com>", signature=""))
    assert robot.status is InboundStatus.IGNORED and internal.status is InboundStatus.IGNORED
    assert "no-reply" in robot.reasons[0]
    assert "internal" in internal.reasons[0]
    assert count(ctx, Contact) == 0
    with ctx.db.read() as session:
        rows = list(session.scalars(select(InboundMessage).order_by(InboundMessage.id)))
    assert [r.reasons for r in rows] == [list(robot.reasons), list(internal.reasons)]
    assert [r.kind for r in outbox(ctx)] == ["intake_ignored", "intake_ignored"]


def test_replies_per_sender_are_limited_per_hour(sqlite_db: Database, now: datetime) -> None:
    ctx = make_context(sqlite_db, now, replies_per_sender_per_hour=2)
    with sqlite_db.write() as session:
        ann = add_user(session, email="ann@ourco.com", name="Ann")
    for i in range(4):
        deliver(ctx, ann, forward(original_from=f"P{i} <p{i}@firm{i}.example>", signature=""))
    assert count(ctx, Contact) == 4
    assert len(outbox(ctx)) == 2


def test_the_reply_leaves_as_a_threaded_auto_reply_through_the_mailer(
    sqlite_db: Database, now: datetime, tmp_path: Path
) -> None:
    ctx = make_context(sqlite_db, now, maildir=str(tmp_path / "maildir"))
    ann = _ann(ctx)
    deliver(ctx, ann, forward(message_id="<thread-1@ourco.com>"))
    report = asyncio.run(Mailer(ctx.db, ctx.settings).deliver_due(now))
    assert report.sent == 1
    [path] = (tmp_path / "maildir" / "new").iterdir()
    sent = message_from_bytes(path.read_bytes(), policy=policy.default)
    assert sent["To"] == "ann@ourco.com"
    assert sent["In-Reply-To"] == "<thread-1@ourco.com>"
    assert sent["Auto-Submitted"] == "auto-replied"
    assert sent["Reply-To"] == forwarding_address(ann, DOMAIN)
    assert sent["Subject"] == "Re: Fwd: Pricing"
    with ctx.db.read() as session:
        change = session.scalar(select(Change))
    assert change is not None and sent["Message-ID"] == change.reply_message_id


def test_an_order_reference_is_linked_when_the_order_exists(ctx: AppContext, ann: User) -> None:
    with ctx.db.write() as session:
        session.add(Order(number="SO-1042", currency="EUR", total_minor=125000))
    deliver(ctx, ann, forward())
    with ctx.db.read() as session:
        [interaction] = session.scalars(select(Interaction))
        [task] = session.scalars(select(Task))
        order = session.scalar(select(Order))
        assert order is not None
        assert interaction.order_id == task.order_id == order.id
    assert "Linked to order SO-1042." in outbox(ctx)[-1].body_text
