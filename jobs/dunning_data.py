"""The few queries dunning needs, kept apart so their correctness is easy to check.

remaining = amount_minor - paid_minor; only invoices stored as OPEN with something left;
days_overdue = calendar days from the due date to today in the team's zone (an invoice is
overdue from the day after its due date).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, joinedload, selectinload

from store.models import (
    Company,
    Contact,
    Interaction,
    InteractionKind,
    Invoice,
    InvoiceStatus,
    User,
)
from store.sales.state import days_overdue

# Interactions that mean someone spoke with the customer (reminders and newsletters don't).
CONVERSATIONS = (
    InteractionKind.EMAIL,
    InteractionKind.CALL,
    InteractionKind.MEETING,
    InteractionKind.SLACK,
    InteractionKind.NOTE,
)
BILLING_WORDS = ("billing", "accounts", "accounting", "finance", "invoice", "payable", "ap")


@dataclass(frozen=True)
class OverdueInvoice:
    id: int
    number: str
    company_id: int | None
    contact_id: int | None
    customer_name: str | None
    due_date: date
    days_overdue: int
    amount_minor: int
    paid_minor: int
    currency: str

    @property
    def remaining_minor(self) -> int:
        return self.amount_minor - self.paid_minor

    @property
    def customer_key(self) -> str | None:
        if self.company_id is not None:
            return str(self.company_id)
        return f"contact-{self.contact_id}" if self.contact_id is not None else None


@dataclass(frozen=True)
class Customer:
    key: str
    name: str
    company_id: int | None
    contact_id: int | None
    timezone: str | None
    paused: bool
    owner: User | None

    @property
    def quiet_key(self) -> tuple[str, int]:
        if self.company_id is not None:
            return ("company", self.company_id)
        assert self.contact_id is not None
        return ("contact", self.contact_id)


def local_midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)


def overdue_invoices(
    session: Session, *, today: date, zone: ZoneInfo, min_days: int
) -> list[OverdueInvoice]:
    """Open invoices with money left, at least `min_days` overdue, not paused or promised."""
    cutoff = local_midnight(today - timedelta(days=min_days - 1), zone)
    rows = session.execute(
        select(
            Invoice.id,
            Invoice.number,
            Invoice.company_id,
            Invoice.contact_id,
            Invoice.customer_name,
            Invoice.due_at,
            Invoice.amount_minor,
            Invoice.paid_minor,
            Invoice.currency,
        ).where(
            Invoice.status == InvoiceStatus.OPEN,
            Invoice.amount_minor > Invoice.paid_minor,
            Invoice.dunning_paused.is_(False),
            or_(Invoice.promised_on.is_(None), Invoice.promised_on < today),
            Invoice.due_at < cutoff,
        )
    )
    out = []
    for r in rows:
        due_date = r.due_at.astimezone(zone).date()
        out.append(
            OverdueInvoice(
                id=r.id,
                number=r.number,
                company_id=r.company_id,
                contact_id=r.contact_id,
                customer_name=r.customer_name,
                due_date=due_date,
                days_overdue=days_overdue(due_date, today),
                amount_minor=r.amount_minor,
                paid_minor=r.paid_minor,
                currency=r.currency,
            )
        )
    return out


def _chunks(ids: list[int], size: int = 500) -> Iterable[list[int]]:
    for i in range(0, len(ids), size):
        yield ids[i : i + size]


def load_customers(
    session: Session, groups: Mapping[str, list[OverdueInvoice]]
) -> dict[str, Customer]:
    company_ids = sorted(int(k) for k in groups if k.isdigit())
    contact_ids = sorted(int(k.split("-", 1)[1]) for k in groups if k.startswith("contact-"))
    out: dict[str, Customer] = {}
    for chunk in _chunks(company_ids):
        for c in session.scalars(
            select(Company).options(joinedload(Company.owner)).where(Company.id.in_(chunk))
        ):
            out[str(c.id)] = Customer(
                str(c.id), c.name, c.id, None, c.timezone, c.dunning_paused, c.owner
            )
    for chunk in _chunks(contact_ids):
        for p in session.scalars(
            select(Contact).options(joinedload(Contact.owner)).where(Contact.id.in_(chunk))
        ):
            key = f"contact-{p.id}"
            name = p.name or groups[key][0].customer_name or "customer"
            out[key] = Customer(key, name, None, p.id, p.timezone, False, p.owner)
    return out


def recently_spoken_to(session: Session, *, since: datetime) -> set[tuple[str, int]]:
    """Companies and contacts with a conversation since `since` (reminders don't count)."""
    rows = session.execute(
        select(Interaction.company_id, Interaction.contact_id, Contact.company_id)
        .outerjoin(Contact, Interaction.contact_id == Contact.id)
        .where(Interaction.occurred_at >= since, Interaction.kind.in_(CONVERSATIONS))
    )
    out: set[tuple[str, int]] = set()
    for company_id, contact_id, contact_company in rows:
        for cid in (company_id, contact_company):
            if cid is not None:
                out.add(("company", cid))
        if contact_id is not None:
            out.add(("contact", contact_id))
    return out


def _usable(contact: Contact) -> str | None:
    if contact.do_not_contact or contact.merged_into_id is not None:
        return None
    return contact.primary_email


def _billing_rank(contact: Contact, email: str) -> tuple[int, int]:
    local = email.split("@", 1)[0].lower()
    title = (contact.title or "").lower()
    hit = any(w in local or w in title for w in BILLING_WORDS)
    return (0 if hit else 1, contact.id)


def billing_addresses(
    session: Session, todo: Sequence[tuple[Customer, list[OverdueInvoice]]]
) -> dict[str, tuple[int, str | None, str]]:
    """Per customer key, (contact id, name, email) to write to.

    An invoice's own contact comes first (the oldest invoice's), then the customer's
    contact, then the company's contact that looks like billing, else its first.
    """
    contact_ids = sorted(
        {i.contact_id for _, g in todo for i in g if i.contact_id}
        | {c.contact_id for c, _ in todo if c.contact_id}
    )
    company_ids = sorted({c.company_id for c, _ in todo if c.company_id is not None})
    by_id: dict[int, Contact] = {}
    by_company: dict[int, list[Contact]] = defaultdict(list)
    loaded = select(Contact).options(selectinload(Contact.emails))
    for chunk in _chunks(contact_ids):
        for c in session.scalars(loaded.where(Contact.id.in_(chunk))):
            by_id[c.id] = c
    for chunk in _chunks(company_ids):
        for c in session.scalars(loaded.where(Contact.company_id.in_(chunk)).order_by(Contact.id)):
            by_id[c.id] = c
            by_company[c.company_id or 0].append(c)
    out = {}
    for customer, group in todo:
        found = _address(customer, group, by_id, by_company)
        if found is not None:
            out[customer.key] = found
    return out


def _address(
    customer: Customer,
    group: list[OverdueInvoice],
    by_id: Mapping[int, Contact],
    by_company: Mapping[int, list[Contact]],
) -> tuple[int, str | None, str] | None:
    ids = [i.contact_id for i in sorted(group, key=lambda i: i.due_date) if i.contact_id]
    if customer.contact_id is not None:
        ids.append(customer.contact_id)
    for cid in ids:
        contact = by_id.get(cid)
        email = _usable(contact) if contact else None
        if contact is not None and email:
            return contact.id, contact.name, email
    candidates = []
    for c in by_company.get(customer.company_id or -1, []):
        email = _usable(c)
        if email:
            candidates.append((_billing_rank(c, email), c, email))
    if not candidates:
        return None
    _, best, email = min(candidates, key=lambda t: t[0])
    return best.id, best.name, email
