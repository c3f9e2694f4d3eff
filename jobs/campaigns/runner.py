"""The campaign sweep: apply bounces and mailto unsubscribes, start what is scheduled, queue
the next batches, deliver what is due.

`run(db, settings, now)` is what the scheduler ticks (every minute is right); each call
works for at most `budget` seconds and leaves everything checkpointed, so ticks can be
missed, doubled or interrupted. `send_to_end` is the same loop in the foreground, for
`crm campaign send`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select

from jobs.campaigns.delivery import DeliveryReport, deliver_due, next_due
from jobs.campaigns.inbound import InboundReport, process_newsletter_mail
from jobs.campaigns.sending import BATCH, enqueue_batch, hourly_room, max_recipient_id
from jobs.campaigns.service import start
from jobs.campaigns.transport import CampaignTransport, close_all, transports_for
from store.db import Database
from store.models import Campaign, CampaignRecipient, CampaignStatus, RecipientStatus
from store.settings import Settings

log = logging.getLogger(__name__)

HORIZON = timedelta(seconds=60)
"""How far ahead of their due time messages are queued; consent is re-checked at queueing."""


@dataclass
class RunReport:
    started: list[str] = field(default_factory=list)
    queued: int = 0
    skipped: int = 0
    delivery: DeliveryReport = field(default_factory=DeliveryReport)
    finished: list[str] = field(default_factory=list)
    waiting: str | None = None  # why the loop stopped early (hourly cap, paused…)
    inbound: InboundReport | None = None  # bounces, complaints and mailto unsubscribes


def start_scheduled(db: Database, settings: Settings, now: datetime) -> list[str]:
    started = []
    with db.read() as session:
        ids = list(
            session.scalars(
                select(Campaign.id).where(
                    Campaign.status == CampaignStatus.SCHEDULED, Campaign.scheduled_at <= now
                )
            )
        )
    for cid in ids:
        with db.write() as session:
            campaign = session.get(Campaign, cid)
            if campaign is not None and campaign.status == CampaignStatus.SCHEDULED:
                size = start(session, campaign, settings, now=now)
                started.append(campaign.name)
                log.info("campaign %s started for %d recipients", campaign.name, size)
    return started


def queue_ahead(db: Database, settings: Settings, now: datetime, report: RunReport) -> bool:
    """Queue one batch per sending campaign whose queue runs dry within the horizon;
    True when something was queued."""
    with db.read() as session:
        ids = list(
            session.scalars(select(Campaign.id).where(Campaign.status == CampaignStatus.SENDING))
        )
    progressed = False
    for cid in ids:
        with db.write() as session:
            campaign = session.get(Campaign, cid)
            if campaign is None:
                continue
            top = max_recipient_id(session, cid)
            if campaign.last_recipient_id >= top:
                continue
            if settings.campaign_rate and _slot_too_far(session, campaign, now):
                continue
            result = enqueue_batch(session, campaign, settings, now=now, limit=BATCH, max_id=top)
            report.queued += result.queued
            report.skipped += result.skipped
            progressed = progressed or bool(result.queued or result.skipped)
            if not (result.queued or result.skipped) and hourly_room(session, settings, now) == 0:
                report.waiting = "hourly limit reached"
    return progressed


def _slot_too_far(session: object, campaign: Campaign, now: datetime) -> bool:
    from jobs.campaigns.sending import _next_slot

    return _next_slot(session, campaign, now) > now + HORIZON  # type: ignore[arg-type]


def finish_done(db: Database, now: datetime) -> list[str]:
    """Campaigns whose every recipient went through a batch and left the queue are sent."""
    finished = []
    with db.write() as session:
        for campaign in session.scalars(
            select(Campaign).where(Campaign.status == CampaignStatus.SENDING)
        ):
            if campaign.last_recipient_id < max_recipient_id(session, campaign.id):
                continue
            waiting = session.scalar(
                select(CampaignRecipient.id)
                .where(
                    CampaignRecipient.campaign_id == campaign.id,
                    CampaignRecipient.status.in_((RecipientStatus.PENDING, RecipientStatus.QUEUED)),
                )
                .limit(1)
            )
            if waiting is None:
                campaign.status, campaign.finished_at = CampaignStatus.SENT, now
                finished.append(campaign.name)
    return finished


def run(
    db: Database,
    settings: Settings,
    now: datetime,
    *,
    transport: CampaignTransport | None = None,
    budget: float = 50.0,
) -> RunReport:
    """One scheduler tick; `now` is the tick's time and advances with the wall clock."""
    began = time.monotonic()

    def clock() -> datetime:
        return now + timedelta(seconds=time.monotonic() - began)

    own = transport is None
    transports = [transport] if transport is not None else _transports(settings)
    try:
        return _loop(db, settings, transports, clock, until=began + budget, sleep=time.sleep)
    finally:
        if own:
            close_all(transports)


def _transports(settings: Settings) -> list[CampaignTransport]:
    return transports_for(settings.relay_url, settings.maildir, settings.campaign_connections)


def send_to_end(
    db: Database,
    settings: Settings,
    transport: CampaignTransport | Sequence[CampaignTransport],
    *,
    clock: Callable[[], datetime],
    sleep: Callable[[float], None] = time.sleep,
    budget: float | None = None,
) -> RunReport:
    """Run the sweep until nothing is left to send (or a campaign pauses or hits its cap)."""
    until = time.monotonic() + budget if budget else float("inf")
    return _loop(db, settings, transport, clock, until=until, sleep=sleep)


def _loop(
    db: Database,
    settings: Settings,
    transport: CampaignTransport | Sequence[CampaignTransport],
    clock: Callable[[], datetime],
    *,
    until: float,
    sleep: Callable[[float], None] | None,
) -> RunReport:
    report = RunReport(started=start_scheduled(db, settings, clock()))
    report.inbound = process_newsletter_mail(db, clock())
    while time.monotonic() < until:
        queued = queue_ahead(db, settings, clock(), report)
        delivered = deliver_due(db, settings, transport, clock=clock, limit=BATCH)
        report.delivery.add(delivered)
        report.finished += finish_done(db, clock())
        if queued or delivered.sent or delivered.failed or delivered.deferred:
            continue
        with db.read() as session:
            upcoming = next_due(session)
            sending = session.scalar(
                select(Campaign.id).where(Campaign.status == CampaignStatus.SENDING).limit(1)
            )
        if sleep is None or sending is None or report.waiting:
            break
        if upcoming is None:
            break  # sending, nothing queued and nothing to queue: cap or error backoff
        wait = (upcoming - clock()).total_seconds()
        if wait > 300:
            report.waiting = f"next message due at {upcoming.isoformat()}"
            break
        sleep(min(max(wait, 0.01), max(until - time.monotonic(), 0.01)))
    return report
