"""Optional click counting: a redirect through our HTTP endpoint, off unless asked for.

A click link names a recipient token and a link number; the target is looked up in that
campaign's own body, so the endpoint can only ever redirect to a URL the campaign
contains: it is not an open redirect.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from jobs.campaigns.bounces import recipient_by_token
from jobs.campaigns.render import compile_body
from store.models import Campaign, SeenEvent

SOURCE = "campaign_click"


def click_target(session: Session, token: str, link_id: int, *, now: datetime) -> str | None:
    """The URL to redirect to (counting the click once per person and link), or None."""
    recipient = recipient_by_token(session, token)
    if recipient is None:
        return None
    campaign = session.get(Campaign, recipient.campaign_id)
    if campaign is None or not campaign.track_clicks:
        return None
    links = compile_body(campaign.subject, campaign.body_md, track_clicks=True).links
    if not 0 <= link_id < len(links):
        return None
    key = f"{campaign.id}:{recipient.id}:{link_id}"
    seen = select(SeenEvent.id).where(SeenEvent.source == SOURCE, SeenEvent.key == key)
    if session.scalar(seen) is None:
        try:
            with session.begin_nested():
                session.add(SeenEvent(source=SOURCE, key=key, seen_at=now))
        except IntegrityError:
            pass  # a double click raced us; it was counted once
    return links[link_id]


def click_count(session: Session, campaign_id: int) -> int:
    """Unique clicks: each person counted once per link."""
    return int(
        session.scalar(
            select(func.count(SeenEvent.id)).where(
                SeenEvent.source == SOURCE, SeenEvent.key.like(f"{campaign_id}:%")
            )
        )
        or 0
    )
