"""A send killed with SIGKILL midway resumes with no one missed and no message repeated.

The message a dead sender had handed to the relay without recording it is not sent again:
the store calls it failed, "it may have arrived", and the sink shows it did."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

from sqlalchemy import select

from jobs.campaigns import service
from store.db import Database
from store.models import Campaign, CampaignRecipient, CampaignStatus, RecipientStatus
from tests.newsletter_people import many_people
from tests.services import free_port
from tests.smtp_sink import start_sink

CRM = str(Path(sys.executable).parent / "crm")
TOTAL = 5000


def test_a_killed_sender_resumes_and_everyone_gets_exactly_one_message(
    sqlite_db: Database, tmp_path: Path, now: object
) -> None:
    with sqlite_db.write() as s:
        many_people(s, TOTAL)
        service.create_campaign(
            s,
            name="Big",
            subject="Hello {{ first_name }}",
            body_md="Hi {{ name }}!",
            segment="tag:newsletter",
            now=now,  # type: ignore[arg-type]
        )
    port = free_port()
    sink, controller = start_sink(port)
    env = {
        **os.environ,
        "CRM_DATABASE_URL": sqlite_db.url,
        "CRM_RELAY_URL": f"smtp://127.0.0.1:{port}",
        "CRM_MAILDIR": str(tmp_path / "maildir"),
        "CRM_MAIL_DOMAIN": "crm.localhost",
        "CRM_CAMPAIGN_RATE": "0",
        "CRM_CAMPAIGN_HOURLY_LIMIT": "0",
    }
    current: list[subprocess.Popen[bytes]] = []

    def kill() -> None:
        proc = current[-1]
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()

    in_doubt: dict[str, str] = {}

    def crash_mid_transaction(n: int) -> None:
        # Crash 1: in the middle of an SMTP transaction, before this message's dot. The
        # message before it was accepted, and marked handed over, but not yet recorded.
        if n == 1000:
            in_doubt["before crash 1"] = sink.messages[-1].rcpt
            kill()

    def crash_after_the_dot(n: int) -> None:
        # Crash 2: after the relay took the message, before the sender read its reply. The
        # store knows it was handed over and may have arrived.
        if n == 2500:
            in_doubt["at crash 2"] = sink.messages[-1].rcpt
            kill()

    sink.on_rcpt = crash_mid_transaction
    sink.on_data = crash_after_the_dot
    try:
        for round_ in range(3):
            proc = subprocess.Popen(
                [CRM, "campaign", "send", "Big"],
                env=env,
                cwd=tmp_path,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
            current.append(proc)
            out, err = proc.communicate(timeout=180)
            if round_ < 2:
                assert proc.returncode == -signal.SIGKILL, (round_, out, err)
        assert proc.returncode == 0, err.decode()
    finally:
        controller.stop()
    per_recipient = Counter(m.rcpt for m in sink.messages)
    assert len(per_recipient) == TOTAL  # no one missed
    assert per_recipient.most_common(1)[0][1] == 1  # no one got a message twice
    assert {m.mail_from.split("@")[0].split("+")[0] for m in sink.messages} == {"bounces"}
    with sqlite_db.read() as s:
        campaign = service.get_campaign(s, "Big")
        stats = service.stats(s, campaign)
        assert isinstance(campaign, Campaign) and campaign.status == CampaignStatus.SENT
        uncertain = dict(
            s.execute(
                select(CampaignRecipient.email, CampaignRecipient.detail).where(
                    CampaignRecipient.status == RecipientStatus.FAILED
                )
            ).all()
        )
    # the two messages in doubt were not sent again; they did arrive, once
    assert set(uncertain) == set(in_doubt.values()), (uncertain, in_doubt)
    assert all("it may have arrived" in str(detail) for detail in uncertain.values())
    assert (stats.audience, stats.sent, stats.failed) == (TOTAL, TOTAL - 2, 2)
    assert (stats.pending, stats.queued) == (0, 0)
