"""The words of each reply the intake sends: one function per kind (healthchecks' emails.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.intake.apply import Applied
from bot.intake.reply import Rendered, notice, render
from store.models import InboundMessage

FIELD_NAMES = {
    "name": "name",
    "title": "title",
    "phone": "phone",
    "company_id": "company",
    "website": "website",
    "address": "address",
    "email": "email",
}


def _value(value: Any) -> str:
    return "(empty)" if value in (None, "") else str(value)


def _when(due: datetime | None) -> str:
    return due.strftime("%a %d %b %Y %H:%M %Z").strip() if due else "no due date"


def applied_reply(applied: Applied, notes: list[str]) -> Rendered:
    contact_lines: list[str] = []
    suggestions: list[str] = []
    for c in applied.contacts:
        if c.created:
            contact_lines.append(f"New contact: {c.label}")
        elif c.changed:
            changes = ", ".join(
                f"{FIELD_NAMES.get(k, k)} {_value(old)} -> {_value(new)}"
                for k, (old, new) in c.changed.items()
            )
            contact_lines.append(f"Updated contact {c.label}: {changes}")
        else:
            contact_lines.append(f"Contact already up to date: {c.label}")
        suggestions += [f"{c.label}: {FIELD_NAMES.get(k, k)} {v}" for k, v in c.suggestions.items()]
    if not applied.contacts:
        contact_lines.append("No outside contact found in this message.")
    interaction = (
        "Logged the email as an interaction."
        if applied.interaction_new
        else "This email was already logged (same message); not logged twice."
    )
    tasks = [f"Task for {t.assignee}: {t.title} (due {_when(t.due)})" for t in applied.tasks]
    links = [f"Linked to {link}." for link in applied.links]
    return render(
        "applied",
        contact_lines=contact_lines,
        interaction_line=interaction,
        task_lines=tasks,
        link_lines=links,
        suggestions=suggestions,
        notes=notes,
    )


def held_reply(row: InboundMessage, reasons: list[str]) -> Rendered:
    subject = row.subject or "(no subject)"
    return notice(
        f"A message was sent to your personal CRM address, but it is not filed yet: "
        f"{'; '.join(reasons)}.",
        f"Subject: {subject}",
        "If you sent or forwarded it, reply to this email with the word `confirm` and it will "
        f"be filed. Otherwise do nothing: it stays held (crm inbound list shows it as #{row.id}).",
    )


def ignored_reply(reasons: tuple[str, ...]) -> Rendered:
    return notice(
        f"Nothing was filed from this message: {'; '.join(reasons)}.",
        "Such mail does not create contacts. If this is a real customer conversation, forward "
        "the customer's own email instead.",
    )


def undo_reply(summary: str | None, error: str | None) -> Rendered:
    what = summary or "the change"
    if error:
        return notice(f"Could not undo {what}: {error}.", "Nothing was changed.")
    return notice(f"Undone: {what}.", "Everything that email created or changed is reverted.")


def failure_reply(row: InboundMessage, exc: Exception, *, ours: bool) -> Rendered:
    subject = row.subject or "(no subject)"
    if ours:
        first = f'Your message "{subject}" could not be filed because of an error on our side.'
    else:
        first = f'Your message "{subject}" could not be read: {exc}.'
    return notice(
        first,
        "It is kept safely and nothing was changed. An administrator can retry it with "
        f"`crm inbound retry {row.id}`, or you can forward it again.",
    )
