"""Emails as people send them to the intake: forwards, BCCs, replies to the bot, robots."""

from __future__ import annotations

from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from email.utils import make_msgid

SIGNATURE = "John Doe\nHead of Purchasing\nAcme Inc\n+1 415 555 0100\nwww.acme.com\n"


def forward(
    *,
    forwarder: str = "Ann Lee <ann@ourco.com>",
    to: str = "crm@crm.ourco.test",
    note: str = "Task: Send revised quote\nDue: 2026-11-27\n",
    original_from: str = "John Doe <john.doe@acme.com>",
    original_subject: str = "Pricing",
    original_date: str = "Mon, 23 Nov 2026 at 09:12",
    body: str = "Hi Ann,\n\nCould you send us a revised quote for order SO-1042?\n\nThanks,\n",
    signature: str = SIGNATURE,
    message_id: str | None = None,
    headers: dict[str, str] | None = None,
) -> bytes:
    msg = EmailMessage()
    msg["From"] = forwarder
    msg["To"] = to
    msg["Subject"] = f"Fwd: {original_subject}"
    msg["Date"] = "Mon, 23 Nov 2026 10:00:00 +0100"
    msg["Message-ID"] = message_id or make_msgid(domain="ourco.com")
    for name, value in (headers or {}).items():
        msg[name] = value
    msg.set_content(
        f"{note}\n---------- Forwarded message ---------\n"
        f"From: {original_from}\nDate: {original_date}\nSubject: {original_subject}\n"
        f"To: Ann Lee <ann@ourco.com>\n\n\n{body}{signature}"
    )
    return msg.as_bytes(policy=SMTP_POLICY)


def reply_to_bot(
    *,
    in_reply_to: str,
    text: str,
    sender: str = "Ann Lee <ann@ourco.com>",
    to: str = "crm@crm.ourco.test",
    subject: str = "Re: Fwd: Pricing",
    headers: dict[str, str] | None = None,
) -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Message-ID"] = make_msgid(domain="ourco.com")
    msg["In-Reply-To"] = in_reply_to
    msg["References"] = in_reply_to
    for name, value in (headers or {}).items():
        msg[name] = value
    msg.set_content(f"{text}\n\nOn Monday the CRM wrote:\n> New contact: John Doe\n")
    return msg.as_bytes(policy=SMTP_POLICY)
