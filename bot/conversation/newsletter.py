"""`subscribe jane@acme.com` and `unsubscribe jane@acme.com`: marketing consent by chat.

Subscribing never records consent directly: it sends the person a confirmation link
(double opt-in); only their press on the confirm page counts.
"""

from __future__ import annotations

from bot.conversation.reply import Reply
from bot.conversation.turn import Refusal, Turn
from jobs.campaigns.bounces import suppress
from jobs.campaigns.consent import ConsentError, request_subscription
from store.contacts import contact_by_email
from store.models import SuppressionReason
from store.normalize import normalize_email


def subscribe(turn: Turn) -> Reply:
    email = turn.arg("email")
    if not email:
        raise Refusal("Whom should I invite? e.g. `subscribe jane@acme.com`")
    try:
        request = request_subscription(
            turn.session, email, requested_by=turn.user, settings=turn.settings, now=turn.now
        )
    except ConsentError as exc:
        raise Refusal(f"I could not invite {email}: {exc}") from None
    if request.already_subscribed:
        return Reply(f"{request.email} already receives the newsletter.")
    if not request.confirmation_sent:
        return Reply(f"{request.email} was already sent a confirmation link today.")
    return Reply(
        f"I sent {request.email} a link to confirm they want the newsletter; "
        "they are subscribed once they press the button on that page."
    )


def unsubscribe(turn: Turn) -> Reply:
    email = normalize_email(turn.arg("email"))
    if "@" not in email:
        raise Refusal("Whom should I take off the list? e.g. `unsubscribe jane@acme.com`")
    contact = contact_by_email(turn.session, email)
    if contact is not None:
        contact.marketing_consent = False
    added = suppress(
        turn.session,
        email,
        SuppressionReason.UNSUBSCRIBED,
        f"removed by {turn.user.email} in chat",
        now=turn.now,
    )
    if not added:
        return Reply(f"{email} was already off the newsletter list.")
    return Reply(f"{email} will receive no more newsletters (invoice reminders still go out).")
