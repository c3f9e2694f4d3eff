"""What goes into each user's daily digest, gathered for many users with a few queries.

Each query covers every user in the batch at once and the rows are grouped in Python, so
10,000 digests cost about ten queries rather than sixty thousand.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session, joinedload, selectinload

from jobs.common import zone_of
from jobs.dunning_data import local_midnight
from store.models import (
    Company,
    Contact,
    Interaction,
    Invoice,
    InvoiceStatus,
    Lifecycle,
    Payment,
    Task,
    TaskStatus,
    User,
)
from store.money import format_money
from store.settings import Settings

BUCKETS = (
    ("not yet due", None, 0),
    ("1-30 days", 1, 30),
    ("31-60 days", 31, 60),
    ("61-90 days", 61, 90),
    ("over 90", 91, None),
)
COLORS = ("#7fb3d5", "#f4d03f", "#f39c12", "#e67e22", "#c0392b")
STALE_SHOWN = 10


@dataclass(frozen=True)
class TaskLine:
    id: int
    title: str
    due: str
    about: str | None


@dataclass(frozen=True)
class ContactLine:
    name: str
    email: str | None
    company: str | None


@dataclass(frozen=True)
class InteractionLine:
    when: str
    kind: str
    subject: str
    who: str | None


@dataclass(frozen=True)
class InvoiceLine:
    number: str
    customer: str
    remaining: str
    due_date: str


@dataclass(frozen=True)
class PaymentLine:
    invoice: str
    customer: str
    amount: str
    settled: bool


@dataclass(frozen=True)
class StaleLine:
    name: str
    last: str


@dataclass(frozen=True)
class AgingBar:
    label: str
    amount: str
    count: int
    percent: int
    blocks: int
    color: str


@dataclass(frozen=True)
class AgingChart:
    currency: str
    total: str
    bars: tuple[AgingBar, ...]


@dataclass(frozen=True)
class DigestData:
    user_id: int
    user_name: str
    local_date: date
    local_date_label: str
    stale_days: int
    tasks_today: tuple[TaskLine, ...]
    tasks_overdue: tuple[TaskLine, ...]
    new_contacts: tuple[ContactLine, ...]
    interactions: tuple[InteractionLine, ...]
    newly_overdue: tuple[InvoiceLine, ...]
    payments: tuple[PaymentLine, ...]
    stale: tuple[StaleLine, ...]
    aging: tuple[AgingChart, ...]


def _among(column: Any, ids: Sequence[int]) -> ColumnElement[bool]:
    """`column IN ids` for small batches; for big ones read all and let grouping filter."""
    clause: ColumnElement[bool] = column.in_(ids) if len(ids) <= 500 else column.is_not(None)
    return clause


def _about(contact: Contact | None, company: Company | None) -> str | None:
    if contact is not None and contact.name:
        return contact.name
    return company.name if company is not None else None


def collect(
    session: Session, users: Sequence[User], *, now: datetime, settings: Settings
) -> dict[int, DigestData]:
    ids = [u.id for u in users]
    zones = {u.id: zone_of(u.timezone, settings.zone) for u in users}
    since = now - timedelta(days=1)
    tasks = _tasks(session, ids, zones, now)
    contacts = _new_contacts(session, ids, since, now)
    talks = _interactions(session, ids, zones, since, now)
    overdue = _newly_overdue(session, ids, now, settings.zone)
    paid = _payments(session, ids, since, now)
    stale = _stale(session, ids, now, settings.stale_days)
    aging = _aging(session, ids, now, settings.zone)
    out = {}
    for u in users:
        local = now.astimezone(zones[u.id])
        today, late = tasks.get(u.id, ([], []))
        out[u.id] = DigestData(
            user_id=u.id,
            user_name=u.name,
            local_date=local.date(),
            local_date_label=local.strftime("%A %d %B %Y"),
            stale_days=settings.stale_days,
            tasks_today=tuple(today),
            tasks_overdue=tuple(late),
            new_contacts=tuple(contacts.get(u.id, [])),
            interactions=tuple(talks.get(u.id, [])),
            newly_overdue=tuple(overdue.get(u.id, [])),
            payments=tuple(paid.get(u.id, [])),
            stale=tuple(stale.get(u.id, [])),
            aging=tuple(aging.get(u.id, [])),
        )
    return out


def _tasks(
    session: Session, ids: Sequence[int], zones: dict[int, ZoneInfo], now: datetime
) -> dict[int, tuple[list[TaskLine], list[TaskLine]]]:
    horizon = now + timedelta(days=2)
    out: dict[int, tuple[list[TaskLine], list[TaskLine]]] = defaultdict(lambda: ([], []))
    for t in session.scalars(
        select(Task)
        .options(joinedload(Task.contact), joinedload(Task.company))
        .where(
            Task.status == TaskStatus.OPEN,
            _among(Task.assignee_id, ids),
            Task.due_at.is_not(None),
            Task.due_at < horizon,
        )
        .order_by(Task.due_at, Task.id)
    ):
        zone = zones.get(t.assignee_id or 0)
        if zone is None or t.due_at is None:
            continue
        due = t.due_at.astimezone(zone)
        today = now.astimezone(zone).date()
        if due.date() > today:
            continue
        late = due.date() < today
        label = due.strftime("%d %b") if late else due.strftime("%H:%M")
        line = TaskLine(t.id, t.title, label, _about(t.contact, t.company))
        out[t.assignee_id or 0][1 if late else 0].append(line)
    return out


def _new_contacts(
    session: Session, ids: Sequence[int], since: datetime, now: datetime
) -> dict[int, list[ContactLine]]:
    out: dict[int, list[ContactLine]] = defaultdict(list)
    for c in session.scalars(
        select(Contact)
        .options(selectinload(Contact.emails), joinedload(Contact.company))
        .where(
            _among(Contact.owner_id, ids),
            Contact.created_at >= since,
            Contact.created_at <= now,
            Contact.merged_into_id.is_(None),
        )
        .order_by(Contact.id)
    ):
        out[c.owner_id or 0].append(
            ContactLine(
                c.name or c.primary_email or f"contact {c.id}",
                c.primary_email,
                c.company.name if c.company else None,
            )
        )
    return out


def _interactions(
    session: Session, ids: Sequence[int], zones: dict[int, ZoneInfo], since: datetime, now: datetime
) -> dict[int, list[InteractionLine]]:
    out: dict[int, list[InteractionLine]] = defaultdict(list)
    for i in session.scalars(
        select(Interaction)
        .options(joinedload(Interaction.contact), joinedload(Interaction.company))
        .where(
            _among(Interaction.user_id, ids),
            Interaction.occurred_at >= since,
            Interaction.occurred_at <= now,
        )
        .order_by(Interaction.occurred_at)
    ):
        zone = zones.get(i.user_id or 0)
        if zone is None:
            continue
        out[i.user_id or 0].append(
            InteractionLine(
                i.occurred_at.astimezone(zone).strftime("%a %H:%M"),
                str(i.kind),
                i.subject or (i.summary or "")[:80],
                _about(i.contact, i.company),
            )
        )
    return out


def _owned_invoices(ids: Sequence[int]) -> Any:
    return (
        select(Invoice, Company.owner_id, Company.name)
        .join(Company, Invoice.company_id == Company.id)
        .where(_among(Company.owner_id, ids))
    )


def _newly_overdue(
    session: Session, ids: Sequence[int], now: datetime, zone: ZoneInfo
) -> dict[int, list[InvoiceLine]]:
    """Invoices whose first overdue day is today (due yesterday in the team's zone)."""
    today = now.astimezone(zone).date()
    start, end = local_midnight(today - timedelta(days=1), zone), local_midnight(today, zone)
    out: dict[int, list[InvoiceLine]] = defaultdict(list)
    for inv, owner_id, name in session.execute(
        _owned_invoices(ids).where(
            Invoice.status == InvoiceStatus.OPEN,
            Invoice.amount_minor > Invoice.paid_minor,
            Invoice.due_at >= start,
            Invoice.due_at < end,
        )
    ):
        out[owner_id].append(
            InvoiceLine(
                inv.number,
                name,
                format_money(inv.remaining_minor, inv.currency),
                inv.due_at.astimezone(zone).date().isoformat(),
            )
        )
    return out


def _payments(
    session: Session, ids: Sequence[int], since: datetime, now: datetime
) -> dict[int, list[PaymentLine]]:
    out: dict[int, list[PaymentLine]] = defaultdict(list)
    for pay, inv, owner_id, name in session.execute(
        select(Payment, Invoice, Company.owner_id, Company.name)
        .join(Invoice, Payment.invoice_id == Invoice.id)
        .join(Company, Invoice.company_id == Company.id)
        .where(
            _among(Company.owner_id, ids), Payment.received_at >= since, Payment.received_at <= now
        )
        .order_by(Payment.received_at)
    ):
        out[owner_id or 0].append(
            PaymentLine(
                inv.number,
                name,
                format_money(pay.amount_minor, pay.currency),
                inv.paid_minor >= inv.amount_minor,
            )
        )
    return out


def _stale(
    session: Session, ids: Sequence[int], now: datetime, days: int
) -> dict[int, list[StaleLine]]:
    cutoff = now - timedelta(days=days)
    out: dict[int, list[StaleLine]] = defaultdict(list)
    for c in session.scalars(
        select(Company)
        .where(
            _among(Company.owner_id, ids),
            Company.lifecycle != Lifecycle.INACTIVE,
            Company.created_at <= cutoff,
            or_(Company.last_contacted_at.is_(None), Company.last_contacted_at < cutoff),
        )
        .order_by(Company.last_contacted_at.is_not(None), Company.last_contacted_at, Company.id)
    ):
        lines = out[c.owner_id or 0]
        if len(lines) < STALE_SHOWN:
            last = c.last_contacted_at
            lines.append(
                StaleLine(
                    c.name,
                    f"last contact {(now - last).days} days ago" if last else "never contacted",
                )
            )
    return out


def _bucket(days_overdue: int) -> int:
    for n, (_, low, high) in enumerate(BUCKETS):
        if (low is None or days_overdue >= low) and (high is None or days_overdue <= high):
            return n
    return len(BUCKETS) - 1


def _aging(
    session: Session, ids: Sequence[int], now: datetime, zone: ZoneInfo
) -> dict[int, list[AgingChart]]:
    today = now.astimezone(zone).date()
    sums: dict[tuple[int, str], list[list[int]]] = defaultdict(lambda: [[0, 0] for _ in BUCKETS])
    for inv, owner_id, _name in session.execute(
        _owned_invoices(ids).where(
            Invoice.status == InvoiceStatus.OPEN, Invoice.amount_minor > Invoice.paid_minor
        )
    ):
        days = (today - inv.due_at.astimezone(zone).date()).days
        cell = sums[(owner_id, inv.currency)][_bucket(days)]
        cell[0] += inv.remaining_minor
        cell[1] += 1
    out: dict[int, list[AgingChart]] = defaultdict(list)
    for (owner_id, currency), cells in sorted(sums.items()):
        out[owner_id].append(_chart(currency, cells))
    return out


def _chart(currency: str, cells: Iterable[list[int]]) -> AgingChart:
    cells = list(cells)
    top = max(c[0] for c in cells) or 1
    bars = tuple(
        AgingBar(
            label,
            format_money(amount, currency),
            count,
            max(round(100 * amount / top), 1) if amount else 0,
            max(round(20 * amount / top), 1) if amount else 0,
            color,
        )
        for (label, _, _), (amount, count), color in zip(BUCKETS, cells, COLORS, strict=True)
    )
    return AgingChart(currency, format_money(sum(c[0] for c in cells), currency), bars)
