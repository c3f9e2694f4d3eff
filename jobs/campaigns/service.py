"""Campaigns as the team manages them: create, edit, preview, test, schedule, start, pause.

Starting a send snapshots the audience into `campaign_recipients`: whoever joins the
segment later is not added, and the batches that follow walk that fixed list by id.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session, selectinload

from jobs.campaigns import render as tpl
from jobs.campaigns.message import contact_fields, recipient_message, sample_fields
from jobs.campaigns.segments import audience, parse_segment
from store.models import (
    Campaign,
    CampaignRecipient,
    CampaignStatus,
    Contact,
    ContactEmail,
    OutboxMessage,
    RecipientStatus,
)
from store.outbox import enqueue
from store.settings import Settings

TEST_KIND = "campaign_test"
EDITABLE = (CampaignStatus.DRAFT, CampaignStatus.SCHEDULED)


class CampaignError(ValueError):
    """A campaign request that cannot be done; the message says why."""


@dataclass(frozen=True)
class Preview:
    to: str
    subject: str
    text: str
    html: str
    audience_size: int


@dataclass(frozen=True)
class Stats:
    name: str
    status: str
    audience: int
    pending: int
    queued: int
    sent: int
    delivered: int
    bounced: int
    failed: int
    unsubscribed: int
    complained: int
    skipped: int
    clicks: int
    scheduled_at: datetime | None
    started_at: datetime | None
    finished_at: datetime | None

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {}
        for key in self.__dataclass_fields__:
            value = getattr(self, key)
            out[key] = value.isoformat() if isinstance(value, datetime) else value
        return out


def _validate(subject: str, body_md: str, segment: str, track_clicks: bool) -> None:
    if not subject.strip():
        raise CampaignError("the subject is empty")
    if not body_md.strip():
        raise CampaignError("the body is empty")
    if "\n" in subject or "\r" in subject:
        raise CampaignError("the subject must be one line")
    tpl.compile_body(subject, body_md, track_clicks=track_clicks)  # raises TemplateError
    parse_segment(segment)  # raises SegmentError


def create_campaign(
    session: Session,
    *,
    name: str,
    subject: str,
    body_md: str,
    segment: str = "",
    created_by_id: int | None = None,
    track_clicks: bool = False,
    now: datetime,
) -> Campaign:
    name = name.strip()
    if not name:
        raise CampaignError("a campaign needs a name")
    if session.scalar(select(Campaign.id).where(Campaign.name == name)) is not None:
        raise CampaignError(f"a campaign named {name!r} exists already")
    _validate(subject, body_md, segment, track_clicks)
    campaign = Campaign(
        name=name,
        subject=subject.strip(),
        body_md=body_md,
        segment=segment.strip(),
        created_by_id=created_by_id,
        track_clicks=track_clicks,
        status=CampaignStatus.DRAFT,
        created_at=now,
    )
    session.add(campaign)
    session.flush()
    return campaign


def update_campaign(
    session: Session,
    campaign: Campaign,
    *,
    subject: str | None = None,
    body_md: str | None = None,
    segment: str | None = None,
    track_clicks: bool | None = None,
) -> Campaign:
    if campaign.status not in EDITABLE:
        raise CampaignError(f"{campaign.name!r} is {campaign.status}; only drafts can be edited")
    new_subject = campaign.subject if subject is None else subject.strip()
    new_body = campaign.body_md if body_md is None else body_md
    new_segment = campaign.segment if segment is None else segment.strip()
    new_track = campaign.track_clicks if track_clicks is None else track_clicks
    _validate(new_subject, new_body, new_segment, new_track)
    campaign.subject, campaign.body_md = new_subject, new_body
    campaign.segment, campaign.track_clicks = new_segment, new_track
    return campaign


def get_campaign(session: Session, name: str) -> Campaign:
    """By exact name, else by name whatever its case (as people type it in chat), else id."""
    found = session.scalar(select(Campaign).where(Campaign.name == name))
    if found is None:
        found = session.scalar(
            select(Campaign).where(func.lower(Campaign.name) == name.lower()).order_by(Campaign.id)
        )
    if found is None and name.isdigit():
        found = session.get(Campaign, int(name))
    if found is None:
        raise CampaignError(f"no campaign named {name!r}")
    return found


def _contact_by_email(session: Session, email: str) -> Contact | None:
    return session.scalar(
        select(Contact)
        .join(ContactEmail, ContactEmail.contact_id == Contact.id)
        .where(ContactEmail.email == email.strip().lower())
        .options(selectinload(Contact.company), selectinload(Contact.owner))
    )


def preview(
    session: Session,
    campaign: Campaign,
    settings: Settings,
    *,
    contact_email: str | None = None,
    now: datetime,
) -> Preview:
    """The message one person would get, and how many people the segment selects today."""
    members = audience(session, campaign.segment, now=now, zone=settings.zone)
    if contact_email:
        contact = _contact_by_email(session, contact_email)
        if contact is None:
            raise CampaignError(f"no contact with the address {contact_email}")
        fields, to = contact_fields(contact, campaign), contact_email.strip().lower()
    elif members:
        contact = session.get(Contact, members[0].contact_id)
        assert contact is not None
        fields, to = contact_fields(contact, campaign), members[0].email
    else:
        fields, to = sample_fields(campaign), "jane.doe@example.com"
    msg = recipient_message(campaign, settings, fields=fields, token="preview")
    return Preview(to, msg.subject, msg.text, msg.html, len(members))


def test_send(
    session: Session, campaign: Campaign, settings: Settings, *, to: str, now: datetime
) -> OutboxMessage:
    """A copy to oneself, subject marked [TEST]; it counts nowhere and skips no check."""
    to = to.strip()
    if "@" not in to:
        raise CampaignError(f"not an email address: {to!r}")
    contact = _contact_by_email(session, to)
    fields = contact_fields(contact, campaign) if contact else sample_fields(campaign)
    token = "test-" + secrets.token_hex(8)
    msg = recipient_message(campaign, settings, fields=fields, token=token)
    row = enqueue(
        session,
        kind=TEST_KIND,
        dedupe_key=f"campaign-test:{campaign.id}:{uuid.uuid4().hex}",
        to=to,
        subject=f"[TEST] {msg.subject}",
        text=msg.text,
        html=msg.html,
        headers=msg.headers,
        due_at=now,
    )
    assert row is not None  # the key is fresh
    row.message_id = msg.message_id
    return row


def schedule(session: Session, campaign: Campaign, at: datetime, *, now: datetime) -> Campaign:
    if campaign.status not in EDITABLE:
        raise CampaignError(f"{campaign.name!r} is {campaign.status} and cannot be scheduled")
    if at <= now:
        raise CampaignError(f"{at.isoformat()} is in the past; use send without --at")
    campaign.status, campaign.scheduled_at = CampaignStatus.SCHEDULED, at
    return campaign


def start(session: Session, campaign: Campaign, settings: Settings, *, now: datetime) -> int:
    """Fix the audience and mark the campaign sending; returns the audience size.

    Starting a campaign that is already sending (after a crash, say) changes nothing.
    """
    if campaign.status == CampaignStatus.SENDING:
        return _count(session, campaign.id)
    if campaign.status not in EDITABLE:
        raise CampaignError(f"{campaign.name!r} is {campaign.status}; it cannot be sent again")
    members = audience(session, campaign.segment, now=now, zone=settings.zone)
    rows = [
        {
            "campaign_id": campaign.id,
            "contact_id": m.contact_id,
            "email": m.email,
            "token": secrets.token_hex(16),
            "status": RecipientStatus.PENDING,
        }
        for m in members
    ]
    for begin in range(0, len(rows), 2000):
        session.execute(insert(CampaignRecipient), rows[begin : begin + 2000])
    campaign.status = CampaignStatus.SENDING
    campaign.started_at = now
    campaign.last_recipient_id = 0
    campaign.consecutive_errors = 0
    return len(rows)


def _count(session: Session, campaign_id: int) -> int:
    return int(
        session.scalar(
            select(func.count(CampaignRecipient.id)).where(
                CampaignRecipient.campaign_id == campaign_id
            )
        )
        or 0
    )


def pause(session: Session, campaign: Campaign, *, reason: str | None = None) -> Campaign:
    if campaign.status not in (CampaignStatus.SENDING, CampaignStatus.SCHEDULED):
        raise CampaignError(f"{campaign.name!r} is {campaign.status}; nothing to pause")
    campaign.status = CampaignStatus.PAUSED
    return campaign


def resume(session: Session, campaign: Campaign) -> Campaign:
    if campaign.status != CampaignStatus.PAUSED:
        raise CampaignError(f"{campaign.name!r} is {campaign.status}, not paused")
    campaign.status = CampaignStatus.SENDING if campaign.started_at else CampaignStatus.SCHEDULED
    campaign.consecutive_errors = 0
    return campaign


def stats(session: Session, campaign: Campaign) -> Stats:
    from jobs.campaigns.clicks import click_count

    counts = dict(
        session.execute(
            select(CampaignRecipient.status, func.count(CampaignRecipient.id))
            .where(CampaignRecipient.campaign_id == campaign.id)
            .group_by(CampaignRecipient.status)
        ).all()
    )

    def n(*states: RecipientStatus) -> int:
        return sum(int(counts.get(s, 0)) for s in states)

    after_send = (
        RecipientStatus.SENT,
        RecipientStatus.DELIVERED,
        RecipientStatus.BOUNCED,
        RecipientStatus.UNSUBSCRIBED,
        RecipientStatus.COMPLAINED,
    )
    return Stats(
        name=campaign.name,
        status=str(campaign.status),
        audience=sum(int(v) for v in counts.values()),
        pending=n(RecipientStatus.PENDING),
        queued=n(RecipientStatus.QUEUED),
        sent=n(*after_send),
        delivered=n(*after_send) - n(RecipientStatus.BOUNCED),
        bounced=n(RecipientStatus.BOUNCED),
        failed=n(RecipientStatus.FAILED),
        unsubscribed=n(RecipientStatus.UNSUBSCRIBED),
        complained=n(RecipientStatus.COMPLAINED),
        skipped=n(RecipientStatus.SKIPPED),
        clicks=click_count(session, campaign.id) if campaign.track_clicks else 0,
        scheduled_at=campaign.scheduled_at,
        started_at=campaign.started_at,
        finished_at=campaign.finished_at,
    )
