"""Delivery status notifications (RFC 3464) and abuse reports (ARF, RFC 5965) as dataclasses.

Bounces come back to a per-message VERP address, so the recipient is already known from the
address; what these reports add is *what happened*: a permanent failure, a transient one, a
mere delay, or a complaint. Anything that is neither (an out-of-office reply sent to the
bounce address, say) parses to None and must not be treated as a bounce.
"""

from __future__ import annotations

import email
import email.policy
import re
from dataclasses import dataclass
from email.message import Message
from email.parser import HeaderParser
from typing import Literal

Severity = Literal["hard", "soft", "delayed", "success"]

_STATUS = re.compile(r"\b([245])\.(\d{1,3})\.(\d{1,3})\b")
# Status codes that are permanent on paper but clear up on their own (a full mailbox).
_SOFT_PERMANENT = {"5.2.2"}
_BOUNCE_SUBJECT = re.compile(
    r"undeliver|delivery (status|failure|has failed)|mail delivery failed|returned mail|"
    r"failure notice|non[- ]?delivery",
    re.IGNORECASE,
)
_DAEMON_FROM = re.compile(r"mailer-daemon|postmaster", re.IGNORECASE)


@dataclass(frozen=True)
class RecipientReport:
    """One recipient's fate from a delivery status notification."""

    final_recipient: str | None
    original_recipient: str | None
    action: str
    status: str
    diagnostic: str | None

    @property
    def severity(self) -> Severity:
        return classify(self.action, self.status)


@dataclass(frozen=True)
class DeliveryReport:
    """A bounce: the reporting MTA, each recipient's result and the original's identity."""

    reporting_mta: str | None
    recipients: tuple[RecipientReport, ...]
    original_message_id: str | None
    original_headers: tuple[tuple[str, str], ...]
    guessed: bool = False  # True when read from a plain-text bounce, not a real DSN

    @property
    def worst(self) -> RecipientReport | None:
        """The recipient line that matters most: hard before soft before delay."""
        order = {"hard": 0, "soft": 1, "delayed": 2, "success": 3}
        ranked = sorted(self.recipients, key=lambda r: order[r.severity])
        return ranked[0] if ranked else None


@dataclass(frozen=True)
class AbuseReport:
    """A complaint ("this is spam") forwarded by a mailbox provider's feedback loop."""

    feedback_type: str
    user_agent: str | None
    original_mail_from: str | None
    original_rcpt_to: tuple[str, ...]
    reported_domain: str | None
    arrival_date: str | None
    original_message_id: str | None
    original_headers: tuple[tuple[str, str], ...]


Report = DeliveryReport | AbuseReport


def classify(action: str, status: str) -> Severity:
    """Hard: permanent failure; soft: a transient one given up on; delayed: only a warning."""
    action = action.lower()
    if action in ("delivered", "relayed", "expanded"):
        return "success"
    if action == "delayed":
        return "delayed"
    match = _STATUS.search(status)
    if match is None:
        return "hard" if action == "failed" else "soft"
    code = ".".join(match.groups())
    if match.group(1) == "2":
        return "success"
    if match.group(1) == "4" or code in _SOFT_PERMANENT:
        return "soft"
    return "hard"


def parse_report(raw: bytes) -> Report | None:
    """A DSN or ARF report from raw message bytes, a plain-text bounce as a guess, else None."""
    msg = email.message_from_bytes(raw, policy=email.policy.compat32)
    report = _find_report(msg)
    if report is not None:
        kind = str(report.get_param("report-type") or "").lower()
        if kind == "delivery-status":
            return _delivery_report(report)
        if kind == "feedback-report":
            return _abuse_report(report)
    return _plain_bounce(msg)


def _find_report(msg: Message) -> Message | None:
    for part in msg.walk():
        if part.get_content_type() == "multipart/report":
            return part
    return None


def _fields(part: Message) -> list[Message]:
    """The header blocks of a message/delivery-status or message/feedback-report part."""
    payload = part.get_payload()
    if isinstance(payload, list):
        blocks = [p for p in payload if isinstance(p, Message)]
        if blocks:
            return blocks
    text = payload if isinstance(payload, str) else ""
    if part.get("Content-Transfer-Encoding", "").lower() in ("base64", "quoted-printable"):
        data = part.get_payload(decode=True)
        text = data.decode("utf-8", "replace") if isinstance(data, bytes) else text
    chunks = re.split(r"\r?\n\s*\r?\n", text.strip())
    return [HeaderParser().parsestr(chunk) for chunk in chunks if chunk.strip()]


def _typed_value(value: str | None) -> str | None:
    """`rfc822; jane@acme.com` -> `jane@acme.com`."""
    if value is None:
        return None
    value = " ".join(str(value).split())
    return value.split(";", 1)[1].strip() if ";" in value else value.strip()


def _bare(address: str | None) -> str | None:
    return address.strip().strip("<>").strip() if address else address


def _original(report: Message) -> tuple[str | None, tuple[tuple[str, str], ...]]:
    for part in report.walk():
        ctype = part.get_content_type()
        if ctype == "message/rfc822":
            inner = part.get_payload()
            if isinstance(inner, list) and inner and isinstance(inner[0], Message):
                return _headers_of(inner[0])
        if ctype == "text/rfc822-headers":
            data = part.get_payload(decode=True)
            text = data.decode("utf-8", "replace") if isinstance(data, bytes) else ""
            return _headers_of(HeaderParser().parsestr(text))
    return None, ()


def _headers_of(msg: Message) -> tuple[str | None, tuple[tuple[str, str], ...]]:
    headers = tuple((k, " ".join(str(v).split())) for k, v in msg.items())
    mid = msg.get("Message-ID")
    return (" ".join(str(mid).split()) if mid else None), headers


def _delivery_report(report: Message) -> DeliveryReport | None:
    status_part = next(
        (p for p in report.walk() if p.get_content_type() == "message/delivery-status"), None
    )
    if status_part is None:
        return None
    blocks = _fields(status_part)
    if not blocks:
        return None
    per_message, per_recipient = blocks[0], blocks[1:]
    if per_message.get("Final-Recipient") or per_message.get("Action"):
        per_recipient = blocks  # a report with the per-message block left out
    recipients = tuple(
        RecipientReport(
            final_recipient=_typed_value(b.get("Final-Recipient")),
            original_recipient=_typed_value(b.get("Original-Recipient")),
            action=str(b.get("Action", "")).strip().lower(),
            status=str(b.get("Status", "")).strip(),
            diagnostic=_typed_value(b.get("Diagnostic-Code")),
        )
        for b in per_recipient
        if b.get("Action") or b.get("Status")
    )
    mid, headers = _original(report)
    return DeliveryReport(
        reporting_mta=_typed_value(per_message.get("Reporting-MTA")),
        recipients=recipients,
        original_message_id=mid,
        original_headers=headers,
    )


def _abuse_report(report: Message) -> AbuseReport | None:
    part = next(
        (p for p in report.walk() if p.get_content_type() == "message/feedback-report"), None
    )
    if part is None:
        return None
    blocks = _fields(part)
    if not blocks:
        return None
    fields = blocks[0]
    mid, headers = _original(report)
    return AbuseReport(
        feedback_type=str(fields.get("Feedback-Type", "abuse")).strip().lower(),
        user_agent=fields.get("User-Agent"),
        original_mail_from=_bare(_typed_value(fields.get("Original-Mail-From"))),
        original_rcpt_to=tuple(
            v
            for v in (_bare(_typed_value(x)) for x in fields.get_all("Original-Rcpt-To") or [])
            if v
        ),
        reported_domain=fields.get("Reported-Domain"),
        arrival_date=fields.get("Arrival-Date") or fields.get("Received-Date"),
        original_message_id=mid,
        original_headers=headers,
    )


def _plain_bounce(msg: Message) -> DeliveryReport | None:
    """Old MTAs bounce in prose; believe it only from a daemon with a bounce-like subject."""
    sender = str(msg.get("From", ""))
    subject = str(msg.get("Subject", ""))
    if not (_DAEMON_FROM.search(sender) or msg.get("Return-Path", "").strip() == "<>"):
        return None
    if not _BOUNCE_SUBJECT.search(subject):
        return None
    text = _first_text(msg)
    match = _STATUS.search(text)
    if match is None:
        smtp = re.search(r"\b([45])\d\d[ -]", text)
        if smtp is None:
            return None
        status = f"{smtp.group(1)}.0.0"
    else:
        status = ".".join(match.groups())
    line = next((ln.strip() for ln in text.splitlines() if status in ln), None)
    mid, headers = _original(msg)
    return DeliveryReport(
        reporting_mta=None,
        recipients=(RecipientReport(None, None, "failed", status, line),),
        original_message_id=mid,
        original_headers=headers,
        guessed=True,
    )


def _first_text(msg: Message) -> str:
    for part in msg.walk():
        if part.get_content_type() == "text/plain":
            data = part.get_payload(decode=True)
            if isinstance(data, bytes):
                return data.decode(part.get_content_charset() or "utf-8", "replace")
    return ""
