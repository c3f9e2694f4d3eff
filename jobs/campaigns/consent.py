"""Marketing consent: leaving with one click, joining with a confirmed double opt-in.

Both end in a POST: a GET on either link only shows a page with a button, because mail
scanners and link previewers fetch every link in a message and must not be able to
unsubscribe anyone or confirm a subscription on their behalf.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from jobs.campaigns.bounces import recipient_by_token, suppress
from store.contacts import contact_by_email, upsert_contact
from store.models import (
    Campaign,
    Contact,
    Interaction,
    InteractionKind,
    JobState,
    RecipientStatus,
    Suppression,
    SuppressionReason,
    User,
)
from store.normalize import normalize_email
from store.outbox import enqueue
from store.settings import Settings

OPTIN_PREFIX = "optin:"
OPTIN_VALID = timedelta(days=14)


class ConsentError(ValueError):
    """A subscription request that cannot be made; the message says why."""


@dataclass(frozen=True)
class UnsubscribeResult:
    email: str
    campaign: str
    already: bool


@dataclass(frozen=True)
class SubscriptionRequest:
    email: str
    contact_id: int
    created_contact: bool
    already_subscribed: bool
    confirmation_sent: bool
    confirm_url: str | None


@dataclass(frozen=True)
class PendingOptIn:
    email: str
    confirmed: bool


def _log(session: Session, contact: Contact | None, subject: str, key: str, now: datetime) -> None:
    if contact is None:
        return
    if session.scalar(select(Interaction.id).where(Interaction.source_id == key)):
        return
    session.add(
        Interaction(
            kind=InteractionKind.NEWSLETTER,
            occurred_at=now,
            contact_id=contact.id,
            company_id=contact.company_id,
            subject=subject,
            source_id=key,
        )
    )


def unsubscribe(session: Session, token: str, *, source: str, now: datetime) -> UnsubscribeResult:
    """Stop all marketing mail to the token's recipient now; repeating it is harmless."""
    recipient = recipient_by_token(session, token)
    if recipient is None:
        raise ConsentError("this unsubscribe link is not valid")
    campaign = session.get(Campaign, recipient.campaign_id)
    name = campaign.name if campaign else ""
    added = suppress(
        session, recipient.email, SuppressionReason.UNSUBSCRIBED, f"{source}: {name}", now=now
    )
    if recipient.status not in (RecipientStatus.BOUNCED, RecipientStatus.COMPLAINED):
        recipient.status = RecipientStatus.UNSUBSCRIBED
    contact = session.get(Contact, recipient.contact_id) if recipient.contact_id else None
    already = not added and (contact is None or not contact.marketing_consent)
    if contact is not None and contact.marketing_consent:
        contact.marketing_consent = False
        contact.consent_source, contact.consent_at = f"unsubscribed ({source})", now
    _log(
        session,
        contact,
        f"Unsubscribed from newsletters ({source}, campaign {name})",
        f"unsubscribe:{token}",
        now,
    )
    return UnsubscribeResult(recipient.email, name, already)


def _contact_for(session: Session, email: str, now: datetime) -> tuple[Contact, bool]:
    """The person with this address (the survivor if merged), created with their company
    (by domain) when unknown."""
    found = contact_by_email(session, email)
    if found is not None:
        return found, False
    result = upsert_contact(session, email=email, now=now)
    return result.contact, result.created


def request_subscription(
    session: Session,
    email: str,
    *,
    requested_by: User | int | None,
    settings: Settings,
    now: datetime,
) -> SubscriptionRequest:
    """Send `email` a link to confirm they want newsletters (double opt-in).

    Consent is only recorded when the person presses the button on the confirm page.
    At most one confirmation email per address per day, so the command cannot be used
    to flood someone.
    """
    address = normalize_email(email)
    try:
        validate_email(address, check_deliverability=False)
    except EmailNotValidError as exc:
        raise ConsentError(f"not a valid email address: {email!r} ({exc})") from None
    contact, created = _contact_for(session, address, now)
    if contact.marketing_consent:
        return SubscriptionRequest(address, contact.id, created, True, False, None)
    if contact.do_not_contact:
        raise ConsentError(f"{address} is marked do-not-contact")
    user_id = requested_by.id if isinstance(requested_by, User) else requested_by
    token = secrets.token_urlsafe(24)
    url = f"{settings.base_url}/confirm/{token}"
    row = enqueue(
        session,
        kind="optin_confirmation",
        dedupe_key=f"optin:{address}:{now.date().isoformat()}",
        to=address,
        subject="Please confirm your subscription",
        text=_confirmation_text(settings, url),
        due_at=now,
        headers={"Auto-Submitted": "auto-generated"},
    )
    if row is None:
        return SubscriptionRequest(address, contact.id, created, False, False, None)
    value: dict[str, Any] = {
        "email": address,
        "contact_id": contact.id,
        "requested_by": user_id,
        "requested_at": now.isoformat(),
    }
    session.add(JobState(name=OPTIN_PREFIX + token, value=value, updated_at=now))
    return SubscriptionRequest(address, contact.id, created, False, True, url)


def _confirmation_text(settings: Settings, url: str) -> str:
    return (
        "Hello,\n\n"
        f"someone (hopefully you) asked to receive news from {settings.mail_domain} "
        "at this address.\n\n"
        f"To confirm, open this link and press the button:\n{url}\n\n"
        "If you did not ask for this, ignore this message: without your confirmation "
        "nothing will be sent to you.\n"
    )


def _optin(session: Session, token: str, now: datetime) -> JobState | None:
    state = session.get(JobState, OPTIN_PREFIX + token)
    if state is None:
        return None
    requested = datetime.fromisoformat(str(state.value.get("requested_at")))
    if not state.value.get("confirmed_at") and now - requested > OPTIN_VALID:
        return None
    return state


def pending_optin(session: Session, token: str, *, now: datetime) -> PendingOptIn | None:
    """What the confirm page shows; None for an unknown or expired link."""
    state = _optin(session, token, now)
    if state is None:
        return None
    return PendingOptIn(str(state.value["email"]), bool(state.value.get("confirmed_at")))


def confirm_subscription(session: Session, token: str, *, now: datetime) -> PendingOptIn:
    """Record consent with its source and date; lifts an earlier suppression of the address."""
    state = _optin(session, token, now)
    if state is None:
        raise ConsentError("this confirmation link is not valid or has expired")
    email = str(state.value["email"])
    if state.value.get("confirmed_at"):
        return PendingOptIn(email, True)
    contact, _ = _contact_for(session, email, now)
    requester_id = state.value.get("requested_by")
    requester = session.get(User, requester_id) if requester_id else None
    contact.marketing_consent = True
    asked = f" (asked by {requester.email})" if requester else ""
    contact.consent_source = f"double opt-in{asked}"
    contact.consent_at = now
    session.execute(delete(Suppression).where(Suppression.email == email))
    state.value = {**state.value, "confirmed_at": now.isoformat()}
    state.updated_at = now
    _log(session, contact, "Subscribed to newsletters (double opt-in)", f"optin:{token}", now)
    return PendingOptIn(email, True)
