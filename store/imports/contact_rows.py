"""One imported contact row: as read from a file, and as cleaned for the store.

Kept apart from the batch logic in `contacts.py`: the readers (CSV, vCard) build
`ContactRow`s, and `clean_row` is the one place their values become the store's forms.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any

from store.contact_fields import ContactError, clean_email, clean_phone, clean_tags, clean_text
from store.normalize import company_domain_for, name_key

_YES = {"yes", "y", "true", "1", "x", "opt-in", "opted in"}
_NO = {"no", "n", "false", "0", "", "opt-out"}


@dataclass(slots=True)
class ContactRow:
    """One contact as read from a file, before any cleaning. `line` is its file line.

    Read-only by convention; not a frozen dataclass because a frozen one costs three
    times as much to build, and a reader builds one for every line of the file."""

    line: int
    name: str | None = None
    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    title: str | None = None
    company: str | None = None
    tags: tuple[str, ...] = ()
    marketing_consent: str | None = None
    website: str | None = None
    address: str | None = None
    custom: Mapping[str, str] = field(default_factory=dict)
    error: str | None = None  # the reader could not make sense of the line


@dataclass(slots=True)
class CleanRow:
    """One row after validation: what the batch compares with the store and writes."""

    line: int
    values: dict[str, Any]
    emails: list[str]
    phones: list[str]
    tags: list[str]
    company: str | None
    consent_at: datetime | None
    custom: dict[str, str]
    key: str | None  # name_key of the name
    domain: str | None  # company domain of the first work address
    company_id: int | None = None


def parse_consent(value: str | None, now: datetime) -> datetime | None:
    """yes/no, or the ISO date consent was given; returns when it was given, or None."""
    text = (value or "").strip().lower()
    if text in _NO:
        return None
    if text in _YES:
        return now
    try:
        return _consent_date(text)
    except ValueError:
        raise ContactError(f"invalid marketing_consent {value!r} (yes, no or a date)") from None


@lru_cache(maxsize=4096)
def _consent_date(text: str) -> datetime:
    """Cached: a file repeats the same few dates, and one object per date lets the bulk
    insert convert each of them once."""
    if len(text) == 10:
        return datetime.combine(date.fromisoformat(text), datetime.min.time(), UTC)
    parsed = datetime.fromisoformat(text.replace("z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def clean_row(row: ContactRow, now: datetime, region: str) -> CleanRow:
    """The row's values in the forms the store keeps; ContactError says what is wrong."""
    if row.error:
        raise ContactError(row.error)
    emails = [clean_email(e) for e in row.emails if e.strip()]
    if len(emails) > 1:
        emails = list(dict.fromkeys(emails))
    phones = [clean_phone(p, region) for p in row.phones if p.strip()]
    if len(phones) > 1:
        phones = list(dict.fromkeys(phones))
    name = clean_text(row.name)
    if not emails and not name:
        raise ContactError("a contact needs a name or an email")
    values = {
        "name": name,
        "title": clean_text(row.title),
        "website": clean_text(row.website, 500),
        "address": (row.address or "").strip() or None,
    }
    custom = {k: v.strip() for k, v in row.custom.items() if v and v.strip()} if row.custom else {}
    return CleanRow(
        row.line,
        values,
        emails,
        phones,
        clean_tags(row.tags) if row.tags else [],
        clean_text(row.company),
        parse_consent(row.marketing_consent, now) if row.marketing_consent else None,
        custom,
        name_key(name),
        next(filter(None, map(_work_domain, emails)), None),
    )


@lru_cache(maxsize=65536)
def _domain_of_clean(domain: str) -> str | None:
    return company_domain_for("x@" + domain)


def _work_domain(email: str) -> str | None:
    """`company_domain_for` of an already clean address; domains repeat, so cached."""
    return _domain_of_clean(email.rpartition("@")[2])
