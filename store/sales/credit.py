"""Credit used against the limit, and accounts-receivable aging, as single SQL aggregates.

Aging buckets by days overdue in the team's zone. The day boundaries are computed here in
Python (DST-aware) and the database only compares `due_at` with them, so one indexed scan
answers for a million invoices on SQLite and PostgreSQL alike. Currencies are never added.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.orm import Session

from store.models import Company, Invoice, InvoiceStatus
from store.sales.state import local_date, overdue_since

BUCKETS = ("current", "days_1_30", "days_31_60", "days_61_90", "over_90")
BUCKET_LABELS = ("Current", "1-30", "31-60", "61-90", "Over 90")
_RECEIVABLE = (InvoiceStatus.OPEN, InvoiceStatus.DISPUTED)


@dataclass(frozen=True)
class CreditStatus:
    """`used_minor` is open receivables in the limit's currency; other currencies aside."""

    company_id: int
    limit_minor: int | None
    used_minor: int
    currency: str | None
    on_hold: bool
    other_currencies: dict[str, int] = field(default_factory=dict)

    @property
    def available_minor(self) -> int | None:
        return None if self.limit_minor is None else self.limit_minor - self.used_minor


@dataclass(frozen=True)
class AgingRow:
    """One customer (or the total when company_id is None) in one currency, minor units."""

    company_id: int | None
    name: str
    currency: str
    current: int
    days_1_30: int
    days_31_60: int
    days_61_90: int
    over_90: int

    @property
    def total(self) -> int:
        return self.current + self.days_1_30 + self.days_31_60 + self.days_61_90 + self.over_90

    def buckets(self) -> tuple[int, int, int, int, int]:
        return (self.current, self.days_1_30, self.days_31_60, self.days_61_90, self.over_90)


@dataclass(frozen=True)
class AgingReport:
    as_of: date
    rows: list[AgingRow]
    totals: list[AgingRow]


def _remaining() -> ColumnElement[Any]:
    return Invoice.amount_minor - Invoice.paid_minor


def receivable_filter() -> list[ColumnElement[bool]]:
    return [Invoice.status.in_(_RECEIVABLE), Invoice.amount_minor > Invoice.paid_minor]


def credit_status(
    session: Session, company_id: int, *, now: datetime, tz: ZoneInfo
) -> CreditStatus:
    """Limit, credit used (everything unpaid, due or not) and whether the customer is on hold."""
    company = session.get(Company, company_id)
    if company is None:
        raise LookupError(f"no company {company_id}")
    stmt = (
        select(Invoice.currency, func.sum(_remaining()))
        .where(Invoice.company_id == company_id, *receivable_filter())
        .group_by(Invoice.currency)
    )
    used = {str(cur): int(total or 0) for cur, total in session.execute(stmt)}
    currency = company.currency or (max(used, key=used.__getitem__) if used else None)
    in_limit = used.pop(currency, 0) if currency else 0
    limit = company.credit_limit_minor
    return CreditStatus(
        company_id=company_id,
        limit_minor=limit,
        used_minor=in_limit,
        currency=currency,
        on_hold=limit is not None and in_limit > limit,
        other_currencies=used,
    )


def aging_boundaries(now: datetime, tz: ZoneInfo) -> tuple[datetime, datetime, datetime, datetime]:
    """Due before b[0] is >= 1 day overdue, before b[1] >= 31, b[2] >= 61, b[3] >= 91."""
    return (
        overdue_since(now, tz, 1),
        overdue_since(now, tz, 31),
        overdue_since(now, tz, 61),
        overdue_since(now, tz, 91),
    )


def aging_columns(now: datetime, tz: ZoneInfo) -> Sequence[ColumnElement[Any]]:
    b1, b31, b61, b91 = aging_boundaries(now, tz)
    rem = _remaining()
    due = Invoice.due_at
    cases = (
        case((due >= b1, rem), else_=0),
        case(((due < b1) & (due >= b31), rem), else_=0),
        case(((due < b31) & (due >= b61), rem), else_=0),
        case(((due < b61) & (due >= b91), rem), else_=0),
        case((due < b91, rem), else_=0),
    )
    return [func.sum(c).label(name) for c, name in zip(cases, BUCKETS, strict=True)]


def aging(
    session: Session, *, now: datetime, tz: ZoneInfo, company_id: int | None = None
) -> AgingReport:
    """Receivables per customer and in total, per currency, in the five usual buckets."""
    agg = (
        select(Invoice.company_id, Invoice.currency, *aging_columns(now, tz))
        .where(*receivable_filter())
        .group_by(Invoice.company_id, Invoice.currency)
    )
    if company_id is not None:
        agg = agg.where(Invoice.company_id == company_id)
    sub = agg.subquery()
    stmt = select(Company.name, sub).outerjoin(Company, Company.id == sub.c.company_id)
    rows = [
        AgingRow(
            cid,
            str(name) if name is not None else "(no customer)",
            str(cur),
            *(int(v or 0) for v in vals),
        )
        for name, cid, cur, *vals in session.connection().execute(stmt)
    ]
    rows.sort(key=lambda r: (r.name.casefold(), r.currency, r.company_id or 0))
    return AgingReport(as_of=local_date(now, tz), rows=rows, totals=_totals(rows))


def _totals(rows: list[AgingRow]) -> list[AgingRow]:
    sums: dict[str, list[int]] = {}
    for row in rows:
        acc = sums.setdefault(row.currency, [0, 0, 0, 0, 0])
        for i, value in enumerate(row.buckets()):
            acc[i] += value
    return [AgingRow(None, "Total", cur, *vals) for cur, vals in sorted(sums.items())]


def set_credit_limit(
    session: Session,
    company_id: int,
    *,
    limit_minor: int | None,
    currency: str | None,
    now: datetime,
) -> Company:
    """Set (or, with None, remove) a company's credit limit in one currency."""
    company = session.get(Company, company_id)
    if company is None:
        raise LookupError(f"no company {company_id}")
    if limit_minor is not None and (limit_minor < 0 or not currency):
        raise ValueError("a credit limit is a non-negative amount with its currency")
    company.credit_limit_minor = limit_minor
    if currency:
        company.currency = currency
    company.updated_at = now
    return company


def find_company(session: Session, text: str) -> Company | None:
    """By id, domain or exact name (case-insensitive): how a finance person names one."""
    text = text.strip()
    if text.isdigit():
        return session.get(Company, int(text))
    found = session.scalar(select(Company).where(Company.domain == text.lower()))
    if found is None:
        found = session.scalar(
            select(Company)
            .where(func.lower(Company.name) == text.lower())
            .order_by(Company.id)
            .limit(1)
        )
    return found
