"""What the parsers return: frozen dataclasses, no I/O, no database.

`ParsedEmail.to_json()` is the `crm parse --json` contract of DESIGN.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


class ParseError(ValueError):
    """The input is not something the parser can read (for example, not an email at all)."""


@dataclass(frozen=True)
class Address:
    """A person on a message. `email` is "" when a forward header gave only a name
    ("To: Bessie Smith"): such an entry is kept (JSON `"email": null`), never filed as a
    contact, since there is nothing to identify them by."""

    name: str | None
    email: str

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "email": self.email or None}


@dataclass(frozen=True)
class Attachment:
    filename: str | None
    content_type: str
    size: int


@dataclass(frozen=True)
class Forwarded:
    """The original message inside a forward; `date` is as written in the forward header."""

    sender: Address | None
    to: tuple[Address, ...] = ()
    cc: tuple[Address, ...] = ()
    subject: str | None = None
    date: str | None = None
    body: str = ""
    message_id: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "from": self.sender.to_json() if self.sender else None,
            "to": [a.to_json() for a in self.to],
            "cc": [a.to_json() for a in self.cc],
            "subject": self.subject,
            "date": self.date,
            "body": self.body,
        }


@dataclass(frozen=True)
class ContactCandidate:
    name: str | None = None
    email: str | None = None
    phone: str | None = None
    title: str | None = None
    company: str | None = None
    website: str | None = None
    address: str | None = None
    source: str = "header"  # header | signature | vcard | body | ner (a model's PERSON)

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "email": self.email,
            "phone": self.phone,
            "title": self.title,
            "company": self.company,
            "website": self.website,
        }


@dataclass(frozen=True)
class TaskCandidate:
    title: str
    due: datetime | None
    source: str = "note"  # note | command | body

    def to_json(self) -> dict[str, Any]:
        return {"title": self.title, "due": self.due.isoformat() if self.due else None}


@dataclass(frozen=True)
class Reference:
    kind: str  # order | invoice | quote | po
    number: str

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "number": self.number}


@dataclass(frozen=True)
class Amount:
    value: str  # decimal string in major units, e.g. "1250.00"
    currency: str | None

    def to_json(self) -> dict[str, Any]:
        return {"value": self.value, "currency": self.currency}


@dataclass(frozen=True)
class NoteCommand:
    """A `Key: value` line atop the forwarder's note (Task:, Due:, Tag:, Owner:, Order:)."""

    key: str
    value: str


@dataclass(frozen=True)
class ParsedEmail:
    message_id: str | None
    sender: Address | None
    subject: str | None
    date: datetime | None
    language: str | None
    note: str | None
    forwarded: Forwarded | None
    contacts: tuple[ContactCandidate, ...] = ()
    tasks: tuple[TaskCandidate, ...] = ()
    references: tuple[Reference, ...] = ()
    amounts: tuple[Amount, ...] = ()
    # Beyond the JSON contract: what the intake needs to decide and to reply.
    to: tuple[Address, ...] = ()
    cc: tuple[Address, ...] = ()
    in_reply_to: str | None = None
    thread_references: tuple[str, ...] = ()
    body: str = ""  # the new text of the top message, quoted history removed
    attachments: tuple[Attachment, ...] = ()
    commands: tuple[NoteCommand, ...] = ()
    headers: dict[str, str] = field(default_factory=dict)  # selected raw headers, lower-case names
    defects: tuple[str, ...] = ()  # MIME problems found while reading

    def to_json(self) -> dict[str, Any]:
        return {
            "message_id": self.message_id,
            "sender": self.sender.to_json() if self.sender else None,
            "subject": self.subject,
            "date": self.date.isoformat() if self.date else None,
            "language": self.language,
            "note": self.note,
            "forwarded": self.forwarded.to_json() if self.forwarded else None,
            "contacts": [c.to_json() for c in self.contacts],
            "tasks": [t.to_json() for t in self.tasks],
            "references": [r.to_json() for r in self.references],
            "amounts": [a.to_json() for a in self.amounts],
        }


@dataclass(frozen=True)
class ParsedCommand:
    """A chat line (`/crm …`, a DM, `crm ask`) understood as one intent with its arguments."""

    intent: str  # find | log | note | task | tasks | done | snooze | order | orders | invoice |
    #              overdue | paid | promise | stale | stats | digest | undo | help | subscribe |
    #              unknown …
    text: str
    args: dict[str, Any] = field(default_factory=dict)
    due: datetime | None = None
    language: str | None = None
