"""Leaving and joining: unsubscribe pages, bounces, complaints, double opt-in."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import select

from bot.context import AppContext
from bot.http import build_app
from bot.web.unsubscribe import routes
from jobs.campaigns import service
from jobs.campaigns.bounces import handle_bounce_message
from jobs.campaigns.consent import request_subscription
from jobs.campaigns.segments import audience
from store.db import Database
from store.models import (
    CampaignRecipient,
    Contact,
    ContactEmail,
    Interaction,
    InteractionKind,
    OutboxMessage,
    RecipientStatus,
    Role,
    Suppression,
    SuppressionReason,
)
from store.outbox import enqueue
from store.settings import Settings
from store.users import add_user
from tests.newsletter_people import news_settings, person

DSN = Path(__file__).parent / "data" / "dsn"
BODY = "Hello {{ first_name }}, see [our shop](https://shop.example.com/) or [docs](https://docs.example.com/)."


def started(
    db: Database, settings: Settings, now: datetime, name: str = "Nov", **kw: Any
) -> dict[str, str]:
    """Start a campaign to everyone with consent; returns email -> token."""
    with db.write() as s:
        c = service.create_campaign(s, name=name, subject="News", body_md=BODY, now=now, **kw)
        service.start(s, c, settings, now=now)
        return {
            r.email: r.token
            for r in s.scalars(
                select(CampaignRecipient).where(CampaignRecipient.campaign_id == c.id)
            )
        }


def web(
    db: Database, settings: Settings, now: datetime, script: Callable[[TestClient], Awaitable[None]]
) -> None:
    ctx = AppContext(settings=settings, db=db, clock=lambda: now)

    async def main() -> None:
        async with TestClient(TestServer(build_app(ctx, [routes]))) as client:
            await script(client)

    asyncio.run(main())


def consent_of(db: Database, email: str) -> bool:
    with db.read() as s:
        contact = s.scalar(select(Contact).join(ContactEmail).where(ContactEmail.email == email))
        assert contact is not None
        return contact.marketing_consent


def test_a_get_changes_nothing_the_post_unsubscribes_and_the_next_campaign_skips_them(
    db: Database, now: datetime, tmp_path: Path
) -> None:
    settings = news_settings(tmp_path)
    with db.write() as s:
        person(s, "ann@acme.com", "Ann Lee")
        person(s, "ben@acme.com", "Ben Ode")
    tokens = started(db, settings, now)

    async def script(client: TestClient) -> None:
        for _ in range(3):  # a link scanner, a preview, the person looking
            page = await client.get(f"/u/{tokens['ann@acme.com']}")
            assert page.status == 200
            text = await page.text()
            assert "ann@acme.com" in text and "<form method='post'>" in text
        assert consent_of(db, "ann@acme.com")
        with db.read() as s:
            assert s.scalar(select(Suppression)) is None
        done = await client.post(f"/u/{tokens['ann@acme.com']}", data={})
        assert done.status == 200 and "unsubscribed" in (await done.text())
        # RFC 8058: the mail client's one-click POST
        one_click = await client.post(
            f"/u/{tokens['ben@acme.com']}", data={"List-Unsubscribe": "One-Click"}
        )
        assert one_click.status == 200
        assert (await client.get("/u/" + "0" * 32)).status == 404
        assert (await client.post("/u/" + "0" * 32)).status == 404

    web(db, settings, now, script)
    assert not consent_of(db, "ann@acme.com") and not consent_of(db, "ben@acme.com")
    with db.read() as s:
        sup = s.scalar(select(Suppression).where(Suppression.email == "ann@acme.com"))
        assert sup is not None and sup.reason == SuppressionReason.UNSUBSCRIBED
        rec = s.scalar(select(CampaignRecipient).where(CampaignRecipient.email == "ann@acme.com"))
        assert rec is not None and rec.status == RecipientStatus.UNSUBSCRIBED
        notes = list(
            s.scalars(
                select(Interaction.subject).where(Interaction.kind == InteractionKind.NEWSLETTER)
            )
        )
        assert any("Unsubscribed" in (n or "") for n in notes)
        assert service.stats(s, service.get_campaign(s, "Nov")).unsubscribed == 2
    with db.write() as s:
        person(s, "cat@acme.com", "Cat")
    assert set(started(db, settings, now, name="Dec")) == {"cat@acme.com"}


def test_unsubscribed_people_still_get_invoice_reminders(
    db: Database, now: datetime, tmp_path: Path
) -> None:
    """Suppression is about marketing: the outbox takes non-campaign mail to them as before."""
    settings = news_settings(tmp_path)
    with db.write() as s:
        person(s, "ann@acme.com", "Ann Lee")
    tokens = started(db, settings, now)
    from jobs.campaigns.consent import unsubscribe

    with db.write() as s:
        unsubscribe(s, tokens["ann@acme.com"], source="test", now=now)
        reminder = enqueue(
            s,
            kind="dunning",
            dedupe_key="dunning:INV-1:level1",
            to="ann@acme.com",
            subject="Invoice INV-1 is overdue",
            text="Please pay",
            due_at=now,
        )
        assert reminder is not None
    with db.read() as s:
        assert audience(s, "", now=now, zone=settings.zone) == []
        row = s.scalar(select(OutboxMessage).where(OutboxMessage.kind == "dunning"))
        assert row is not None and row.status == "pending"


def _dsn(name: str, token: str) -> bytes:
    return (DSN / name).read_bytes().replace(b"TOKEN", token.encode())


def test_a_hard_bounce_suppresses_the_address_and_shows_on_the_contact(
    db: Database, now: datetime, tmp_path: Path
) -> None:
    settings = news_settings(tmp_path)
    with db.write() as s:
        person(s, "ghost@acme.com", "Gus Ghost")
        person(s, "ann@acme.com", "Ann")
    tokens = started(db, settings, now)
    token = tokens["ghost@acme.com"]
    with db.write() as s:
        out = handle_bounce_message(
            s, _dsn("postfix_hard.eml", token), f"bounces+{token}@crm.localhost", now=now
        )
    with db.write() as s:  # the same DSN delivered twice changes nothing more
        again = handle_bounce_message(
            s, _dsn("postfix_hard.eml", token), f"bounces+{token}@crm.localhost", now=now
        )
    assert out.action == "hard_bounce" and out.suppressed and again.action == "ignored"
    with db.read() as s:
        sup = s.scalar(select(Suppression).where(Suppression.email == "ghost@acme.com"))
        assert sup is not None and sup.reason == SuppressionReason.HARD_BOUNCE
        bounce = list(
            s.scalars(select(Interaction).where(Interaction.kind == InteractionKind.BOUNCE))
        )
        assert len(bounce) == 1 and "5.1.1" in (bounce[0].summary or "")
        assert bounce[0].contact_id is not None
        stats = service.stats(s, service.get_campaign(s, "Nov"))
        assert stats.bounced == 1
    assert set(started(db, settings, now, name="Dec")) == {"ann@acme.com"}


def test_soft_bounces_suppress_only_past_the_threshold(
    db: Database, now: datetime, tmp_path: Path
) -> None:
    settings = news_settings(tmp_path)
    with db.write() as s:
        person(s, "full@acme.com", "Fay Full")
    for i in range(3):
        token = started(db, settings, now + timedelta(days=i), name=f"C{i}")["full@acme.com"]
        with db.write() as s:
            out = handle_bounce_message(
                s, _dsn("exim_soft.eml", token), f"bounces+{token}@crm.localhost", now=now
            )
        assert out.action == "soft_bounce"
        assert out.suppressed == (i == 2)
    with db.read() as s:
        sup = s.scalar(select(Suppression))
        assert sup is not None and sup.reason == SuppressionReason.SOFT_BOUNCE


def test_a_complaint_suppresses_and_withdraws_consent_and_autoreplies_are_ignored(
    db: Database, now: datetime, tmp_path: Path
) -> None:
    settings = news_settings(tmp_path)
    with db.write() as s:
        person(s, "angry@acme.com", "Andy")
        person(s, "jane@acme.com", "Jane")
        person(s, "slow@acme.com", "Sam")
    tokens = started(db, settings, now)
    with db.write() as s:
        angry = handle_bounce_message(
            s, _dsn("arf_abuse.eml", tokens["angry@acme.com"]), "fbl@crm.localhost", now=now
        )
        ooo = handle_bounce_message(
            s,
            _dsn("out_of_office.eml", "x"),
            f"bounces+{tokens['jane@acme.com']}@crm.localhost",
            now=now,
        )
        delayed = handle_bounce_message(
            s, _dsn("delayed.eml", "x"), f"bounces+{tokens['slow@acme.com']}@crm.localhost", now=now
        )
        stranger = handle_bounce_message(
            s, b"Subject: hi\n\nhello", "bounces+nosuchtoken@crm.localhost", now=now
        )
    assert angry.action == "complaint" and angry.suppressed
    assert (ooo.action, delayed.action, stranger.action) == ("ignored", "ignored", "ignored")
    assert not consent_of(db, "angry@acme.com") and consent_of(db, "jane@acme.com")
    with db.read() as s:
        assert service.stats(s, service.get_campaign(s, "Nov")).complained == 1
        assert {x.email for x in s.scalars(select(Suppression))} == {"angry@acme.com"}


def test_a_mail_to_the_unsubscribe_address_unsubscribes(
    db: Database, now: datetime, tmp_path: Path
) -> None:
    settings = news_settings(tmp_path)
    with db.write() as s:
        person(s, "ann@acme.com", "Ann")
    token = started(db, settings, now)["ann@acme.com"]
    with db.write() as s:
        out = handle_bounce_message(
            s, b"Subject: unsubscribe\n\n", f"unsubscribe+{token}@crm.localhost", now=now
        )
    assert out.action == "unsubscribed" and not consent_of(db, "ann@acme.com")


def test_double_opt_in_needs_the_button_not_just_the_link(
    db: Database, now: datetime, tmp_path: Path
) -> None:
    settings = news_settings(tmp_path)
    with db.write() as s:
        admin = add_user(s, email="olga@ourco.com", name="Olga", role=Role.ADMIN)
        req = request_subscription(
            s, "Jane@Acme.com", requested_by=admin, settings=settings, now=now
        )
        repeat = request_subscription(
            s, "jane@acme.com", requested_by=admin, settings=settings, now=now
        )
    assert req.created_contact and req.confirmation_sent and req.confirm_url
    assert not repeat.confirmation_sent  # one confirmation per address per day
    with db.read() as s:
        mail = s.scalar(select(OutboxMessage).where(OutboxMessage.kind == "optin_confirmation"))
        assert (
            mail is not None
            and mail.to_addr == "jane@acme.com"
            and req.confirm_url in mail.body_text
        )
    path = req.confirm_url.removeprefix(settings.base_url)

    async def script(client: TestClient) -> None:
        page = await client.get(path)
        assert page.status == 200 and "Yes, subscribe" in await page.text()
        assert not consent_of(db, "jane@acme.com")
        done = await client.post(path)
        assert done.status == 200 and "confirmed" in await done.text()
        assert (await client.get("/confirm/not-a-token")).status == 404

    web(db, settings, now, script)
    with db.read() as s:
        contact = s.scalar(
            select(Contact).join(ContactEmail).where(ContactEmail.email == "jane@acme.com")
        )
        assert contact is not None and contact.marketing_consent
        assert (
            contact.consent_at == now
            and contact.consent_source == "double opt-in (asked by olga@ourco.com)"
        )


def test_click_counting_redirects_only_to_the_campaigns_own_links(
    db: Database, now: datetime, tmp_path: Path
) -> None:
    settings = news_settings(tmp_path)
    with db.write() as s:
        person(s, "ann@acme.com", "Ann")
    tracked = started(db, settings, now, name="Tracked", track_clicks=True)["ann@acme.com"]
    plain = started(db, settings, now, name="Plain")["ann@acme.com"]
    with db.read() as s:
        camp = service.get_campaign(s, "Tracked")
        preview = service.preview(s, camp, settings, now=now)
    assert "https://crm.example.com/c/" in preview.html

    async def script(client: TestClient) -> None:
        hop = await client.get(f"/c/{tracked}/1", allow_redirects=False)
        assert hop.status == 302 and hop.headers["Location"] == "https://docs.example.com/"
        await client.get(f"/c/{tracked}/1", allow_redirects=False)
        assert (await client.get(f"/c/{tracked}/7", allow_redirects=False)).status == 404
        assert (await client.get(f"/c/{plain}/0", allow_redirects=False)).status == 404

    web(db, settings, now, script)
    with db.read() as s:
        assert service.stats(s, service.get_campaign(s, "Tracked")).clicks == 1


def test_an_unsubscribe_after_queueing_still_stops_the_message(
    db: Database, now: datetime, tmp_path: Path
) -> None:
    from jobs.campaigns.consent import unsubscribe
    from jobs.campaigns.delivery import deliver_due
    from jobs.campaigns.sending import enqueue_batch
    from jobs.campaigns.transport import MaildirTransport

    settings = news_settings(tmp_path)
    with db.write() as s:
        person(s, "ann@acme.com", "Ann")
        person(s, "ben@acme.com", "Ben")
    tokens = started(db, settings, now)
    with db.write() as s:
        enqueue_batch(s, service.get_campaign(s, "Nov"), settings, now=now)
    with db.write() as s:
        unsubscribe(s, tokens["ann@acme.com"], source="web page", now=now)
    report = deliver_due(db, settings, MaildirTransport(settings.maildir), clock=lambda: now)
    assert report.sent == 1
    (only,) = list((Path(settings.maildir) / "new").iterdir())
    assert b"ben@acme.com" in only.read_bytes()


def test_stored_mail_to_the_bounce_and_unsubscribe_addresses_is_applied_by_the_sweep(
    db: Database, now: datetime, tmp_path: Path
) -> None:
    from jobs.campaigns.inbound import process_newsletter_mail
    from store.models import InboundMessage, InboundStatus

    settings = news_settings(tmp_path)
    with db.write() as s:
        person(s, "ghost@acme.com", "Gus")
        person(s, "ann@acme.com", "Ann")
        person(s, "jane@acme.com", "Jane")
    tokens = started(db, settings, now)
    mails = [
        (
            _dsn("postfix_hard.eml", tokens["ghost@acme.com"]),
            f"bounces+{tokens['ghost@acme.com']}@crm.localhost",
        ),
        (b"Subject: unsubscribe\r\n\r\n", f"unsubscribe+{tokens['ann@acme.com']}@crm.localhost"),
        (_dsn("out_of_office.eml", "x"), f"Bounces+{tokens['jane@acme.com']}@crm.localhost"),
        (b"Subject: hi\r\n\r\nfor the intake", "crm+abc@crm.localhost"),
    ]
    with db.write() as s:
        for raw, rcpt in mails:
            s.add(
                InboundMessage(
                    channel="smtp", received_at=now, rcpt_to=rcpt, raw=raw, size=len(raw)
                )
            )
    report = process_newsletter_mail(db, now)
    assert (report.processed, report.ignored, report.failed) == (2, 1, 0)
    with db.read() as s:
        statuses = [r.status for r in s.scalars(select(InboundMessage).order_by(InboundMessage.id))]
        assert {x.email for x in s.scalars(select(Suppression))} == {
            "ghost@acme.com",
            "ann@acme.com",
        }
    assert statuses == [
        InboundStatus.PROCESSED,
        InboundStatus.PROCESSED,
        InboundStatus.IGNORED,
        InboundStatus.RECEIVED,
    ]
