"""What comes back: bounces, complaints and mailto unsubscribes, applied to the store.

Every campaign message has a VERP envelope sender `bounces+TOKEN@` and a mailto
`unsubscribe+TOKEN@`, so mail arriving at either names its recipient. A hard bounce
(5.x.x) suppresses the address at once, soft bounces (4.x.x) after three, a complaint
(ARF abuse report) at once and withdraws consent. Each shows on the contact as a `bounce`
interaction and on the campaign recipient. Applying the same report twice changes nothing.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from parsers.dsn import AbuseReport, DeliveryReport, parse_report
from store.models import (
    CampaignRecipient,
    Contact,
    Interaction,
    InteractionKind,
    RecipientStatus,
    Suppression,
    SuppressionReason,
)

SOFT_BOUNCE_LIMIT = 3
Severity = Literal["hard", "soft", "complaint"]
_TOKEN_IN_HEADER = re.compile(r"/u/([0-9a-f]{32})\b|unsubscribe\+([0-9a-f]{32})@")


@dataclass(frozen=True)
class BounceOutcome:
    """What an inbound message to a bounce or unsubscribe address did."""

    action: str  # hard_bounce | soft_bounce | complaint | unsubscribed | ignored
    email: str | None
    detail: str
    suppressed: bool = False


def split_address(rcpt: str) -> tuple[str, str | None]:
    """`bounces+abc@crm.example` -> ("bounces", "abc")."""
    local = rcpt.strip().strip("<>").rsplit("@", 1)[0].lower()
    base, plus, token = local.partition("+")
    return base, (token or None) if plus else None


def recipient_by_token(session: Session, token: str) -> CampaignRecipient | None:
    return session.scalar(select(CampaignRecipient).where(CampaignRecipient.token == token))


def suppress(
    session: Session, email: str, reason: SuppressionReason, detail: str, *, now: datetime
) -> bool:
    """Add the address to the suppression list; False when it was there already."""
    email = email.strip().lower()
    existing = session.scalar(select(Suppression).where(Suppression.email == email))
    if existing is not None:
        return False
    with session.begin_nested():
        session.add(Suppression(email=email, reason=reason, detail=detail[:2000], created_at=now))
    return True


def _soft_bounces(session: Session, email: str) -> int:
    return int(
        session.scalar(
            select(func.count(CampaignRecipient.id)).where(
                CampaignRecipient.email == email,
                CampaignRecipient.status == RecipientStatus.BOUNCED,
                CampaignRecipient.detail.like("soft:%"),
            )
        )
        or 0
    )


def record_bounce(
    session: Session,
    recipient: CampaignRecipient,
    *,
    severity: Severity,
    reason: str,
    now: datetime,
    key: str | None = None,
) -> BounceOutcome:
    """Count the bounce or complaint on the recipient, show it on the contact, suppress."""
    source_id = f"bounce:{recipient.id}:{key or severity}"
    if session.scalar(select(Interaction.id).where(Interaction.source_id == source_id)):
        return BounceOutcome("ignored", recipient.email, "already applied")
    if severity == "complaint":
        recipient.status = RecipientStatus.COMPLAINED
    else:
        recipient.status = RecipientStatus.BOUNCED
    recipient.detail = f"{severity}: {reason}"[:2000]
    session.flush()
    suppressed = False
    if severity == "hard":
        suppressed = suppress(
            session, recipient.email, SuppressionReason.HARD_BOUNCE, reason, now=now
        )
    elif severity == "soft" and _soft_bounces(session, recipient.email) >= SOFT_BOUNCE_LIMIT:
        detail = f"{SOFT_BOUNCE_LIMIT} soft bounces; last: {reason}"
        suppressed = suppress(
            session, recipient.email, SuppressionReason.SOFT_BOUNCE, detail, now=now
        )
    elif severity == "complaint":
        suppressed = suppress(
            session, recipient.email, SuppressionReason.COMPLAINT, reason, now=now
        )
    contact = session.get(Contact, recipient.contact_id) if recipient.contact_id else None
    if contact is not None and severity == "complaint":
        contact.marketing_consent = False
        contact.consent_source, contact.consent_at = "spam complaint", now
    label = {"hard": "Hard bounce", "soft": "Soft bounce", "complaint": "Spam complaint"}
    session.add(
        Interaction(
            kind=InteractionKind.BOUNCE,
            occurred_at=now,
            contact_id=recipient.contact_id,
            company_id=contact.company_id if contact else None,
            direction="in",
            subject=f"{label[severity]} from {recipient.email}",
            summary=reason[:4000] + (" (address suppressed)" if suppressed else ""),
            source_id=source_id,
        )
    )
    action = {"hard": "hard_bounce", "soft": "soft_bounce", "complaint": "complaint"}[severity]
    return BounceOutcome(action, recipient.email, reason, suppressed)


def _key(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()[:16]


def apply_report(
    session: Session,
    recipient: CampaignRecipient,
    report: DeliveryReport | AbuseReport,
    *,
    now: datetime,
    key: str,
) -> BounceOutcome:
    if isinstance(report, AbuseReport):
        reason = f"{report.feedback_type} report" + (
            f" from {report.user_agent}" if report.user_agent else ""
        )
        return record_bounce(session, recipient, severity="complaint", reason=reason, now=now)
    worst = report.worst
    if worst is None or worst.severity in ("delayed", "success"):
        what = worst.severity if worst else "empty report"
        return BounceOutcome("ignored", recipient.email, f"delivery status: {what}")
    reason = f"{worst.status} {worst.diagnostic or worst.action}".strip()
    severity: Severity = "hard" if worst.severity == "hard" else "soft"
    return record_bounce(session, recipient, severity=severity, reason=reason, now=now, key=key)


def _token_from_original(report: DeliveryReport | AbuseReport) -> str | None:
    for name, value in report.original_headers:
        if name.lower() == "list-unsubscribe":
            match = _TOKEN_IN_HEADER.search(value)
            if match:
                return match.group(1) or match.group(2)
    return None


def handle_bounce_message(
    session: Session, raw: bytes, rcpt: str, *, now: datetime
) -> BounceOutcome:
    """Apply one message received at `bounces+TOKEN@` or `unsubscribe+TOKEN@` (the intake
    calls this for those addresses). Anything else arriving there (an out-of-office reply,
    an unknown token) is ignored, never guessed at."""
    from jobs.campaigns.consent import unsubscribe

    base, token = split_address(rcpt)
    report = parse_report(raw) if base != "unsubscribe" else None
    if token is None and report is not None:
        token = _token_from_original(report)
    recipient = recipient_by_token(session, token) if token else None
    if recipient is None:
        return BounceOutcome("ignored", None, f"no campaign recipient for {rcpt}")
    if base == "unsubscribe":
        result = unsubscribe(session, recipient.token, source="email", now=now)
        return BounceOutcome("unsubscribed", result.email, "mailto unsubscribe", True)
    if report is None:
        return BounceOutcome("ignored", recipient.email, "not a delivery report")
    return apply_report(session, recipient, report, now=now, key=_key(raw))
