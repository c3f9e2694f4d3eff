"""Campaigns as a team uses them: who gets one, what it looks like, how it goes out."""

from __future__ import annotations

import email
import email.policy
from datetime import datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

import pytest
from sqlalchemy import func, select

from jobs.campaigns import service
from jobs.campaigns.render import TemplateError
from jobs.campaigns.runner import run, send_to_end
from jobs.campaigns.segments import SegmentError, audience, parse_segment
from jobs.campaigns.sending import enqueue_batch
from jobs.campaigns.transport import MaildirTransport, Relay, SmtpTransport
from store.db import Database
from store.models import (
    Campaign,
    CampaignRecipient,
    CampaignStatus,
    Invoice,
    Lifecycle,
    Order,
    OutboxMessage,
    RecipientStatus,
    Role,
    Suppression,
    SuppressionReason,
)
from store.users import add_user
from tests.newsletter_people import company, news_settings, person
from tests.services import free_port

BODY = """# News for {{ company or "you" }}

Hello {{ first_name or "there" }},

our new catalogue is out: [see it](https://shop.example.com/catalogue).

{{ owner }}
"""


def messages(maildir: Path) -> list[EmailMessage]:
    out = []
    for path in sorted((maildir / "new").iterdir()):
        msg = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        assert isinstance(msg, EmailMessage)
        out.append(msg)
    return out


def clock_at(now: datetime):  # type: ignore[no-untyped-def]
    return lambda: now


def test_a_segment_with_a_typo_is_refused_naming_the_term() -> None:
    with pytest.raises(SegmentError, match="tagg"):
        parse_segment("tagg:newsletter")
    with pytest.raises(SegmentError, match="lifecycle:vip"):
        parse_segment("lifecycle:vip")
    with pytest.raises(SegmentError, match="2026-13-01"):
        parse_segment("ordered-since:2026-13-01")
    assert [t.key for t in parse_segment("tag:a  -company:acme.com overdue:no")] == [
        "tag",
        "company",
        "overdue",
    ]


def test_only_consenting_reachable_people_are_ever_selected(db: Database, now: datetime) -> None:
    with db.write() as s:
        person(s, "ann@acme.com", "Ann Lee", now=now)
        person(s, "bob@acme.com", "Bob", consent=False)
        person(s, "dnc@acme.com", "Dee", do_not_contact=True)
        survivor = person(s, "keep@acme.com", "Kim")
        person(s, "dup@acme.com", "Kim Dup", merged_into_id=survivor.id)
        person(s, "gone@acme.com", "Gone")
        s.add(
            Suppression(email="gone@acme.com", reason=SuppressionReason.HARD_BOUNCE, created_at=now)
        )
    with db.read() as s:
        got = {m.email for m in audience(s, "tag:newsletter", now=now, zone=now.tzinfo)}  # type: ignore[arg-type]
        everyone = {m.email for m in audience(s, "", now=now, zone=now.tzinfo)}  # type: ignore[arg-type]
    assert got == everyone == {"ann@acme.com", "keep@acme.com"}


def test_segments_by_tag_lifecycle_company_orders_and_overdue(db: Database, now: datetime) -> None:
    zone = now.tzinfo
    with db.write() as s:
        acme = company(s, "Acme", "acme.com", lifecycle=Lifecycle.CUSTOMER)
        globex = company(s, "Globex", "globex.com")
        person(s, "ann@acme.com", "Ann", org=acme)
        person(s, "gil@globex.com", "Gil", org=globex, tags=("newsletter", "press"))
        person(s, "solo@gmail.com", "Solo", tags=("press",), lifecycle=Lifecycle.CUSTOMER)
        s.add(
            Order(
                number="SO-1",
                company_id=acme.id,
                ordered_at=now - timedelta(days=10),
                currency="EUR",
            )
        )
        s.add(
            Invoice(
                number="INV-1",
                company_id=globex.id,
                due_at=now - timedelta(days=3),
                amount_minor=1000,
                paid_minor=0,
                currency="EUR",
            )
        )

    def pick(segment: str) -> set[str]:
        with db.read() as s:
            return {m.email for m in audience(s, segment, now=now, zone=zone)}  # type: ignore[arg-type]

    assert pick("tag:press") == {"gil@globex.com", "solo@gmail.com"}
    assert pick("tag:newsletter -tag:press") == {"ann@acme.com"}
    assert pick("lifecycle:customer") == {"ann@acme.com", "solo@gmail.com"}
    assert pick("company:acme.com") == pick('company:"acme"') == {"ann@acme.com"}
    assert pick("ordered-since:2026-11-01") == {"ann@acme.com"}
    assert pick("no-order-since:2026-11-01") == {"gil@globex.com", "solo@gmail.com"}
    assert pick("overdue:yes") == {"gil@globex.com"}
    assert pick("overdue:no tag:newsletter") == {"ann@acme.com"}


def test_a_body_with_an_unknown_field_or_bad_syntax_is_refused_at_create(
    db: Database, now: datetime
) -> None:
    with db.write() as s, pytest.raises(TemplateError, match="frist_name"):
        service.create_campaign(s, name="x", subject="Hi", body_md="{{ frist_name }}", now=now)
    with db.write() as s, pytest.raises(TemplateError, match="line 2"):
        service.create_campaign(s, name="y", subject="Hi", body_md="ok\n{% if %}", now=now)


def test_the_sandbox_and_escaping_keep_a_hostile_name_harmless(
    db: Database, now: datetime, tmp_path: Path
) -> None:
    settings = news_settings(tmp_path)
    with db.write() as s:
        person(s, "x@acme.com", '<script>alert(1)</script> "Eve"')
        c = service.create_campaign(
            s, name="n", subject="Hi {{ first_name }}", body_md=BODY, now=now
        )
        shown = service.preview(s, c, settings, contact_email="x@acme.com", now=now)
    assert "<script>" not in shown.html and "&lt;script&gt;" in shown.html
    with db.write() as s, pytest.raises(TemplateError):
        bad = service.create_campaign(
            s, name="evil", subject="x", body_md="{{ name.__class__.__mro__ }}", now=now
        )
        service.preview(s, bad, settings, now=now)


def test_preview_renders_markdown_and_fields_for_one_contact(
    db: Database, now: datetime, tmp_path: Path
) -> None:
    settings = news_settings(tmp_path)
    with db.write() as s:
        owner = add_user(s, email="owner@ourco.com", name="Olga Owner", role=Role.ADMIN)
        acme = company(s, "Acme Inc", "acme.com", owner_id=owner.id)
        person(s, "ann@acme.com", "Ann Lee", org=acme)
        person(s, "bob@acme.com", "Bob", consent=False)
        c = service.create_campaign(
            s,
            name="Nov",
            subject="{{ first_name }}, news",
            body_md=BODY,
            segment="tag:newsletter",
            now=now,
        )
        shown = service.preview(s, c, settings, now=now)
    assert shown.audience_size == 1 and shown.to == "ann@acme.com"
    assert shown.subject == "Ann, news"
    assert "<h1>News for Acme Inc</h1>" in shown.html
    assert '<a href="https://shop.example.com/catalogue">see it</a>' in shown.html
    assert (
        "Hello Ann," in shown.text and "see it (https://shop.example.com/catalogue)" in shown.text
    )
    assert "Olga Owner" in shown.text
    assert "Unsubscribe: https://crm.example.com/u/" in shown.text


def _start(db: Database, now: datetime, tmp_path: Path, **kw: object) -> Campaign:
    settings = news_settings(tmp_path)
    with db.write() as s:
        c = service.create_campaign(
            s,
            name="Nov",
            subject="News",
            body_md=BODY,
            segment="tag:newsletter",
            now=now,
            **kw,  # type: ignore[arg-type]
        )
        service.start(s, c, settings, now=now)
    return c


def test_every_delivered_message_carries_the_headers_and_parts_a_newsletter_needs(
    db: Database, now: datetime, tmp_path: Path
) -> None:
    settings = news_settings(tmp_path)
    with db.write() as s:
        person(s, "ann@acme.com", "Ann Lee")
        person(s, "ben@acme.com", "Ben Ode")
    c = _start(db, now, tmp_path)
    report = send_to_end(db, settings, MaildirTransport(settings.maildir), clock=clock_at(now))
    assert report.delivery.sent == 2 and report.finished == ["Nov"]
    got = messages(Path(settings.maildir))
    with db.read() as s:
        tokens = {r.email: r.token for r in s.scalars(select(CampaignRecipient))}
        assert s.get(Campaign, c.id).status == CampaignStatus.SENT  # type: ignore[union-attr]
    assert {parse(m["To"]) for m in got} == {"ann@acme.com", "ben@acme.com"}
    for msg in got:
        token = tokens[parse(msg["To"])]
        assert msg["List-Unsubscribe"] == (
            f"<https://crm.example.com/u/{token}>, <mailto:unsubscribe+{token}@crm.localhost>"
        )
        assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert msg["Precedence"] == "bulk"
        assert msg["Message-ID"].startswith(f"<c{c.id}.") and token in msg["Message-ID"]
        assert msg["Return-Path"] == f"<bounces+{token}@crm.localhost>"
        assert "X-CRM-Envelope-From" not in msg
        text = msg.get_body(("plain",))
        html = msg.get_body(("html",))
        assert text is not None and html is not None
        assert f"https://crm.example.com/u/{token}" in text.get_content()
        assert f'href="https://crm.example.com/u/{token}"' in html.get_content()
    with db.read() as s:
        stats = service.stats(s, s.get(Campaign, c.id))  # type: ignore[arg-type]
    assert (stats.audience, stats.sent, stats.delivered, stats.bounced) == (2, 2, 2, 0)


def parse(value: str) -> str:
    return email.utils.parseaddr(value)[1]


def test_batches_checkpoint_and_the_audience_is_fixed_when_the_send_starts(
    db: Database, now: datetime, tmp_path: Path
) -> None:
    settings = news_settings(tmp_path)
    with db.write() as s:
        for i in range(5):
            person(s, f"p{i}@acme.com", f"P {i}")
    c = _start(db, now, tmp_path)
    with db.write() as s:
        person(s, "late@acme.com", "Late Comer")  # joins after the start: not in this send
        camp = s.get(Campaign, c.id)
        assert camp is not None
        first = enqueue_batch(s, camp, settings, now=now, limit=2)
    with db.write() as s:
        camp = s.get(Campaign, c.id)
        assert camp is not None
        second = enqueue_batch(s, camp, settings, now=now, limit=10)
        again = enqueue_batch(s, camp, settings, now=now, limit=10)
    assert (first.queued, first.exhausted) == (2, False)
    assert (second.queued, second.exhausted) == (3, True)
    assert again.queued == 0
    with db.read() as s:
        keys = sorted(s.scalars(select(OutboxMessage.dedupe_key)))
        ids = sorted(s.scalars(select(CampaignRecipient.id)))
        assert s.get(Campaign, c.id).last_recipient_id == ids[-1]  # type: ignore[union-attr]
    assert keys == sorted(f"campaign:{c.id}:{i}" for i in ids)


def test_a_test_send_is_marked_and_counts_nowhere(
    db: Database, now: datetime, tmp_path: Path
) -> None:
    settings = news_settings(tmp_path)
    with db.write() as s:
        person(s, "ann@acme.com", "Ann Lee")
        c = service.create_campaign(s, name="Nov", subject="News", body_md=BODY, now=now)
        service.test_send(s, c, settings, to="me@ourco.com", now=now)
    from jobs.campaigns.delivery import deliver_due

    deliver_due(db, settings, MaildirTransport(settings.maildir), clock=clock_at(now))
    (msg,) = messages(Path(settings.maildir))
    assert msg["Subject"] == "[TEST] News" and parse(msg["To"]) == "me@ourco.com"
    assert "Hello Jane," in msg.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    with db.read() as s:
        camp = s.get(Campaign, c.id)
        assert camp is not None and camp.status == CampaignStatus.DRAFT
        assert service.stats(s, camp).sent == 0


def test_a_scheduled_campaign_starts_at_its_time_and_not_before(
    db: Database, now: datetime, tmp_path: Path
) -> None:
    settings = news_settings(tmp_path)
    with db.write() as s:
        person(s, "ann@acme.com", "Ann Lee")
        c = service.create_campaign(s, name="Nov", subject="News", body_md=BODY, now=now)
        service.schedule(s, c, now + timedelta(hours=2), now=now)
    transport = MaildirTransport(settings.maildir)
    early = run(db, settings, now + timedelta(hours=1), transport=transport, budget=5)
    assert early.started == [] and early.delivery.sent == 0
    late = run(db, settings, now + timedelta(hours=2, minutes=1), transport=transport, budget=5)
    assert late.started == ["Nov"] and late.delivery.sent == 1 and late.finished == ["Nov"]


def test_repeated_delivery_errors_pause_the_campaign_and_tell_its_owner(
    db: Database, now: datetime, tmp_path: Path
) -> None:
    settings = news_settings(tmp_path, campaign_error_limit=3)
    with db.write() as s:
        owner = add_user(s, email="olga@ourco.com", name="Olga")
        for i in range(6):
            person(s, f"p{i}@acme.com", f"P {i}")
        owner_id = owner.id
    with db.write() as s:
        c = service.create_campaign(
            s, name="Nov", subject="News", body_md=BODY, created_by_id=owner_id, now=now
        )
        service.start(s, c, settings, now=now)
    dead_relay = SmtpTransport(Relay("127.0.0.1", free_port(), None, None, False, False), timeout=2)
    report = send_to_end(db, settings, dead_relay, clock=clock_at(now), budget=20)
    with db.read() as s:
        camp = s.get(Campaign, c.id)
        assert camp is not None and camp.status == CampaignStatus.PAUSED
        note = s.scalar(select(OutboxMessage).where(OutboxMessage.kind == "campaign_paused"))
        sent = s.scalar(
            select(func.count()).where(CampaignRecipient.status == RecipientStatus.SENT)
        )
    assert report.delivery.sent == 0 and report.delivery.deferred == 3
    assert note is not None and note.to_addr == "olga@ourco.com"
    assert "crm campaign resume Nov" in note.body_text
    assert sent == 0
    with db.write() as s:
        camp = s.get(Campaign, c.id)
        assert camp is not None
        service.resume(s, camp)
        assert camp.status == CampaignStatus.SENDING and camp.consecutive_errors == 0


def test_several_relay_connections_deliver_each_message_once(
    db: Database, now: datetime, tmp_path: Path
) -> None:
    from collections import Counter

    from jobs.campaigns.transport import close_all, transports_for
    from tests.smtp_sink import start_sink

    port = free_port()
    sink, controller = start_sink(port)
    settings = news_settings(tmp_path, relay_url=f"smtp://127.0.0.1:{port}")
    with db.write() as s:
        for i in range(30):
            person(s, f"p{i}@acme.com", f"P {i}")
    _start(db, now, tmp_path)
    transports = transports_for(settings.relay_url, settings.maildir, 3)
    try:
        report = send_to_end(db, settings, transports, clock=clock_at(now))
    finally:
        close_all(transports)
        controller.stop()
    counts = Counter(m.rcpt for m in sink.messages)
    assert report.delivery.sent == 30 and len(counts) == 30 and max(counts.values()) == 1
    assert all(m.mail_from.startswith("bounces+") for m in sink.messages)


def test_the_general_mailer_leaves_campaign_rows_to_the_campaign_sender(
    db: Database, now: datetime, tmp_path: Path
) -> None:
    from jobs.mailer import Mailer
    from store.outbox import enqueue

    settings = news_settings(tmp_path)
    with db.write() as s:
        person(s, "ann@acme.com", "Ann Lee")
    c = _start(db, now, tmp_path)
    with db.write() as s:
        camp = s.get(Campaign, c.id)
        assert camp is not None
        enqueue_batch(s, camp, settings, now=now)
        enqueue(
            s,
            kind="dunning",
            dedupe_key="d:1",
            to="ann@acme.com",
            subject="Overdue",
            text="Please pay",
            due_at=now,
        )
    rows, _ = Mailer(db, settings).claim(now)
    assert [r.kind for r in rows] == ["dunning"]
