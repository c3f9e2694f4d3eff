"""One recipient's campaign message: the fields, the body, and the headers that let them leave.

Every message carries the recipient's own token three times: in the one-click unsubscribe
URL, in the `unsubscribe+TOKEN@` mailto, and in the VERP bounce address
`bounces+TOKEN@` used as envelope sender, so whatever comes back names the recipient.
"""

from __future__ import annotations

from dataclasses import dataclass

from jobs.campaigns import render as tpl
from jobs.campaigns.mime import ENVELOPE_HEADER
from store.models import Campaign, Contact
from store.settings import Settings


@dataclass(frozen=True)
class CampaignMessage:
    subject: str
    text: str
    html: str
    headers: dict[str, str]
    message_id: str
    envelope_from: str


def unsubscribe_url(settings: Settings, token: str) -> str:
    return f"{settings.base_url}/u/{token}"


def bounce_address(settings: Settings, token: str) -> str:
    return f"bounces+{token}@{settings.mail_domain}"


def unsubscribe_mailto(settings: Settings, token: str) -> str:
    return f"unsubscribe+{token}@{settings.mail_domain}"


def contact_fields(
    contact: Contact, campaign: Campaign, *, email: str | None = None
) -> dict[str, str]:
    """The fields a template can use; `email` when the address is known already (the
    contact's own addresses are then not loaded)."""
    name = (contact.name or "").strip()
    parts = name.split()
    owner = contact.owner or (contact.company.owner if contact.company else None)
    owner = owner or campaign.created_by
    return {
        "name": name,
        "first_name": parts[0] if parts else "",
        "last_name": parts[-1] if len(parts) > 1 else "",
        "email": email if email is not None else contact.primary_email or "",
        "company": contact.company.name if contact.company else "",
        "owner": owner.name if owner else "",
    }


def sample_fields(campaign: Campaign) -> dict[str, str]:
    """What a preview or test shows when there is no real person to take values from."""
    owner = campaign.created_by
    return {
        "name": "Jane Doe",
        "first_name": "Jane",
        "last_name": "Doe",
        "email": "jane.doe@example.com",
        "company": "Example Inc",
        "owner": owner.name if owner else "Your account manager",
    }


def sender_name(settings: Settings) -> str:
    return settings.bot_address.split("@", 1)[-1]


def recipient_message(
    campaign: Campaign,
    settings: Settings,
    *,
    fields: dict[str, str],
    token: str,
    recipient_id: int | None = None,
) -> CampaignMessage:
    compiled = tpl.compile_body(
        campaign.subject, campaign.body_md, track_clicks=campaign.track_clicks
    )
    url = unsubscribe_url(settings, token)
    rendered = tpl.render(
        compiled,
        {**fields, "unsubscribe_url": url},
        click_base=f"{settings.base_url}/c/{token}",
    )
    rendered = tpl.with_footer(rendered, unsubscribe_url=url, sender_name=sender_name(settings))
    envelope = bounce_address(settings, token)
    headers = {
        "List-Unsubscribe": f"<{url}>, <mailto:{unsubscribe_mailto(settings, token)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "Precedence": "bulk",
        "X-CRM-Campaign": str(campaign.id),
        ENVELOPE_HEADER: envelope,
    }
    rid = f"r{recipient_id}." if recipient_id is not None else ""
    message_id = f"<c{campaign.id}.{rid}{token}@{settings.mail_domain}>"
    return CampaignMessage(
        subject=rendered.subject,
        text=rendered.text,
        html=rendered.html,
        headers=headers,
        message_id=message_id,
        envelope_from=envelope,
    )
