"""Who a campaign goes to: a segment string like `tag:newsletter lifecycle:customer`.

Terms are ANDed; a leading `-` negates one (`-tag:press`); quotes keep spaces in a value
(`company:"Acme Inc"`). Whatever the segment says, only
people who gave marketing consent, are not marked do-not-contact, were not merged into
another contact and whose address is not suppressed are ever selected.
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, exists, func, not_, or_, select
from sqlalchemy.orm import Session

from store.models import (
    Company,
    Contact,
    ContactEmail,
    Invoice,
    InvoiceStatus,
    Lifecycle,
    Order,
    Suppression,
    Tag,
    contact_tags,
)

KEYS = ("tag", "lifecycle", "company", "ordered-since", "no-order-since", "overdue")


class SegmentError(ValueError):
    """The segment string cannot be understood; the message names the bad term."""


@dataclass(frozen=True)
class Term:
    key: str
    value: str
    negated: bool = False


@dataclass(frozen=True)
class Member:
    contact_id: int
    email: str


def parse_segment(text: str) -> tuple[Term, ...]:
    """`tag:newsletter -lifecycle:lead` -> terms, each checked now rather than at send time."""
    terms = []
    try:
        words = shlex.split(text)
    except ValueError as exc:
        raise SegmentError(f"{text!r}: {exc}") from None
    for word in words:
        negated = word.startswith(("-", "!"))
        word = word[1:] if negated else word
        key, sep, value = word.partition(":")
        key = key.lower()
        if not sep or not value:
            raise SegmentError(f"{word!r}: expected key:value, e.g. tag:newsletter")
        if key not in KEYS:
            raise SegmentError(f"{word!r}: unknown key {key!r}; known: {', '.join(KEYS)}")
        _check_value(key, value)
        terms.append(Term(key, value, negated))
    return tuple(terms)


def _check_value(key: str, value: str) -> None:
    if key == "lifecycle" and value.lower() not in {m.value for m in Lifecycle}:
        known = ", ".join(m.value for m in Lifecycle)
        raise SegmentError(f"lifecycle:{value}: unknown lifecycle; known: {known}")
    if key in ("ordered-since", "no-order-since"):
        _date(key, value)
    if key == "overdue" and value.lower() not in ("yes", "no"):
        raise SegmentError(f"overdue:{value}: expected overdue:yes or overdue:no")


def _date(key: str, value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise SegmentError(f"{key}:{value}: expected a date like 2026-01-01") from None


def eligible() -> ColumnElement[bool]:
    """The conditions no segment can lift."""
    return and_(
        Contact.marketing_consent.is_(True),
        Contact.do_not_contact.is_(False),
        Contact.merged_into_id.is_(None),
    )


def _term_condition(term: Term, *, now: datetime, zone: ZoneInfo) -> ColumnElement[bool]:
    value = term.value
    if term.key == "tag":
        return exists(
            select(contact_tags.c.contact_id)
            .join(Tag, Tag.id == contact_tags.c.tag_id)
            .where(contact_tags.c.contact_id == Contact.id, func.lower(Tag.name) == value.lower())
        )
    if term.key == "lifecycle":
        stage = Lifecycle(value.lower())
        company_stage = exists(
            select(Company.id).where(Company.id == Contact.company_id, Company.lifecycle == stage)
        )
        return or_(Contact.lifecycle == stage, company_stage)
    if term.key == "company":
        return exists(select(Company.id).where(Company.id == Contact.company_id, _company(value)))
    if term.key in ("ordered-since", "no-order-since"):
        since = datetime.combine(_date(term.key, value), time(), zone)
        ordered = exists(select(Order.id).where(_same_customer(Order), Order.ordered_at >= since))
        return ordered if term.key == "ordered-since" else not_(ordered)
    # overdue: an open invoice with money left, due before today in the team's zone
    today = datetime.combine(now.astimezone(zone).date(), time(), zone)
    overdue = exists(
        select(Invoice.id).where(
            _same_customer(Invoice),
            Invoice.status == InvoiceStatus.OPEN,
            Invoice.paid_minor < Invoice.amount_minor,
            Invoice.due_at < today,
        )
    )
    return overdue if value.lower() == "yes" else not_(overdue)


def _company(value: str) -> ColumnElement[bool]:
    value = value.lower().strip()
    if "." in value:
        domain = value.removeprefix("www.")
        return or_(Company.domain == domain, func.lower(Company.name) == value)
    return func.lower(Company.name) == value


def _same_customer(model: type[Order] | type[Invoice]) -> ColumnElement[bool]:
    """An order or invoice is the contact's own, or their company's."""
    by_company = and_(Contact.company_id.is_not(None), model.company_id == Contact.company_id)
    return or_(model.contact_id == Contact.id, by_company)


def conditions(
    terms: Sequence[Term], *, now: datetime, zone: ZoneInfo
) -> list[ColumnElement[bool]]:
    out = [eligible()]
    for term in terms:
        cond = _term_condition(term, now=now, zone=zone)
        out.append(not_(cond) if term.negated else cond)
    return out


def audience(session: Session, segment: str, *, now: datetime, zone: ZoneInfo) -> list[Member]:
    """Everyone the segment selects today, one address each (the primary), by contact id."""
    terms = parse_segment(segment)
    contact_ids = select(Contact.id).where(*conditions(terms, now=now, zone=zone))
    rows = session.execute(
        select(ContactEmail.contact_id, ContactEmail.email, ContactEmail.is_primary)
        .where(ContactEmail.contact_id.in_(contact_ids))
        .where(~exists(select(Suppression.id).where(Suppression.email == ContactEmail.email)))
        .order_by(ContactEmail.contact_id, ContactEmail.is_primary.desc(), ContactEmail.id)
    ).all()
    chosen: dict[int, str] = {}
    for contact_id, address, _primary in rows:
        chosen.setdefault(contact_id, address)
    suppressed = _suppressed_primaries(session, list(chosen))
    return [Member(cid, addr) for cid, addr in chosen.items() if cid not in suppressed]


def _suppressed_primaries(session: Session, contact_ids: list[int]) -> set[int]:
    """A person whose primary address is suppressed is not mailed at a secondary one either."""
    if not contact_ids:
        return set()
    stmt = (
        select(ContactEmail.contact_id)
        .join(Suppression, Suppression.email == ContactEmail.email)
        .where(ContactEmail.is_primary.is_(True))
    )
    found: set[int] = set()
    for start in range(0, len(contact_ids), 5000):
        chunk = contact_ids[start : start + 5000]
        found.update(session.scalars(stmt.where(ContactEmail.contact_id.in_(chunk))))
    return found


def is_suppressed(session: Session, email: str) -> bool:
    return session.scalar(select(Suppression.id).where(Suppression.email == email)) is not None
