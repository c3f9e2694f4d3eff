"""Bounces and mailto unsubscribes arriving through our own SMTP server."""

from __future__ import annotations

import smtplib
from datetime import datetime
from pathlib import Path

from sqlalchemy import select

from bot.intake.receive import pending_ids
from jobs.campaigns import service
from jobs.campaigns.inbound import process_newsletter_mail
from store.db import Database
from store.models import CampaignRecipient, Suppression, SuppressionReason
from tests.newsletter_people import person
from tests.smtp_helpers import DOMAIN, RunningSmtp, make_context

DSN = Path(__file__).parent / "data" / "dsn" / "postfix_hard.eml"


def test_a_dsn_and_a_mailto_unsubscribe_over_smtp_end_in_suppressions(
    sqlite_db: Database, now: datetime
) -> None:
    ctx = make_context(sqlite_db, now)
    with sqlite_db.write() as s:
        person(s, "ghost@acme.com", "Gus")
        person(s, "ann@acme.com", "Ann")
        c = service.create_campaign(s, name="Nov", subject="News", body_md="Hi", now=now)
        service.start(s, c, ctx.settings, now=now)
        tokens = {r.email: r.token for r in s.scalars(select(CampaignRecipient))}
    bounce = f"bounces+{tokens['ghost@acme.com']}@{DOMAIN}"
    leave = f"unsubscribe+{tokens['ann@acme.com']}@{DOMAIN}"
    raw = DSN.read_bytes().replace(b"TOKEN", tokens["ghost@acme.com"].encode())
    raw = raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    server = RunningSmtp(ctx)
    try:
        with smtplib.SMTP("127.0.0.1", server.port, local_hostname="localhost", timeout=30) as smtp:
            assert smtp.sendmail("", [bounce], raw) == {}
            assert smtp.sendmail("ann@acme.com", [leave], b"Subject: unsubscribe\r\n\r\n") == {}
    finally:
        server.close()
    with sqlite_db.read() as s:
        assert pending_ids(s) == []  # the general intake leaves them to the newsletter
    report = process_newsletter_mail(sqlite_db, now)
    assert report.processed == 2
    with sqlite_db.read() as s:
        found = {x.email: x.reason for x in s.scalars(select(Suppression))}
    assert found == {
        "ghost@acme.com": SuppressionReason.HARD_BOUNCE,
        "ann@acme.com": SuppressionReason.UNSUBSCRIBED,
    }
