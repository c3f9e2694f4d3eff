"""Credit used against the limit, and accounts-receivable aging, as single SQL aggregates.

Aging buckets by days overdue in the team's zone. The day boundaries are computed here in
Python (DST-aware) and the database only compares `due_at` with them. The aggregate reads
only the partial index `ix_invoices_open` (the invoices still expected to be paid, in
customer and currency order), so its cost follows the open receivables, not the size of
the ledger, on SQLite and PostgreSQL alike. Currencies are never added.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from operator import itemgetter
from typing import Any, NamedTuple, cast
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, bindparam, func, select, text
from sqlalchemy.orm import Session

from store.models import Company, Invoice, InvoiceStatus, UTCDateTime
from store.models.sales import OPEN_INVOICE
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


class AgingRow(NamedTuple):
    """One customer (or the total when company_id is None) in one currency, minor units.

    `credit_limit_minor` is set on the customer's row in the limit's currency (the one
    `credit_status` checks); there the credit used is `total`, due or not. A NamedTuple,
    not a frozen dataclass: a report has a row per customer and currency, and a frozen
    dataclass costs four times as much to build.
    """

    company_id: int | None
    name: str
    currency: str
    current: int
    days_1_30: int
    days_31_60: int
    days_61_90: int
    over_90: int
    credit_limit_minor: int | None = None

    @property
    def total(self) -> int:
        return self.current + self.days_1_30 + self.days_31_60 + self.days_61_90 + self.over_90

    @property
    def credit_available_minor(self) -> int | None:
        limit = self.credit_limit_minor
        return None if limit is None else limit - self.total

    @property
    def on_hold(self) -> bool:
        return self.credit_limit_minor is not None and self.total > self.credit_limit_minor

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


# Running sums from the newest due date back (due on or after each boundary, then all);
# the buckets are their differences. One comparison per sum is cheaper than the two of a
# closed range, on SQLite and PostgreSQL alike.
_AGING_SQL = """
SELECT a.company_id, c.name, a.currency, a.s1, a.s31, a.s61, a.s91, a.s_all,
       c.credit_limit_minor, c.currency
FROM (
  SELECT company_id, currency,
    CAST(COALESCE(SUM(amount_minor - paid_minor) FILTER (WHERE due_at >= :d1), 0) AS BIGINT) AS s1,
    CAST(COALESCE(SUM(amount_minor - paid_minor) FILTER (WHERE due_at >= :d31), 0) AS BIGINT)
      AS s31,
    CAST(COALESCE(SUM(amount_minor - paid_minor) FILTER (WHERE due_at >= :d61), 0) AS BIGINT)
      AS s61,
    CAST(COALESCE(SUM(amount_minor - paid_minor) FILTER (WHERE due_at >= :d91), 0) AS BIGINT)
      AS s91,
    CAST(SUM(amount_minor - paid_minor) AS BIGINT) AS s_all
  FROM invoices {hint}
  WHERE {open} {company}
  GROUP BY company_id, currency
) a
LEFT JOIN companies c ON c.id = a.company_id
"""


def aging_sql(dialect: str, *, one_company: bool = False) -> str:
    """The aggregate as SQL text.

    The WHERE is `OPEN_INVOICE` verbatim, the predicate of the partial index: SQLite uses a
    partial index only for a WHERE containing its terms, PostgreSQL when it can prove the
    predicate. On SQLite `INDEXED BY` also makes a WHERE that no longer matches an error
    instead of a silent full scan. FILTER, not SUM(CASE ...): a row outside a sum costs
    only its comparison. The CAST keeps PostgreSQL's numeric sums out of Python Decimals.
    """
    hint = "INDEXED BY ix_invoices_open" if dialect == "sqlite" else ""
    company = "AND company_id = :company_id" if one_company else ""
    return _AGING_SQL.format(hint=hint, open=OPEN_INVOICE, company=company)


def aging(
    session: Session, *, now: datetime, tz: ZoneInfo, company_id: int | None = None
) -> AgingReport:
    """Receivables per customer and in total, per currency, in the five usual buckets."""
    conn = session.connection()
    d1, d31, d61, d91 = aging_boundaries(now, tz)
    stmt = text(aging_sql(conn.dialect.name, one_company=company_id is not None)).bindparams(
        *(bindparam(name, type_=UTCDateTime()) for name in ("d1", "d31", "d61", "d91"))
    )
    params: dict[str, object] = {"d1": d1, "d31": d31, "d61": d61, "d91": d91}
    if company_id is not None:
        params["company_id"] = company_id
    result = conn.execute(stmt, params)
    rows: list[AgingRow] = []
    unplaced: dict[int, int] = {}
    # The driver's own tuples, one at a time: no column here needs converting, and a
    # SQLAlchemy Row (or a list of all the tuples) per customer and currency costs more,
    # mostly in garbage collection, than the rest of the Python side together.
    records = cast(Iterable[tuple[Any, ...]], result.cursor)
    make_row = AgingRow._make  # from a tuple in C, without the generated __new__
    for cid, name, cur, s1, s31, s61, s91, s_all, limit, limit_currency in records:
        if limit is not None and limit_currency is None and cid is not None:
            unplaced[cid] = limit
        rows.append(
            make_row(
                (
                    cid,
                    "(no customer)" if name is None else name,
                    cur,
                    s1,
                    s31 - s1,
                    s61 - s31,
                    s91 - s61,
                    s_all - s91,
                    limit if limit_currency == cur else None,
                )
            )
        )
    result.close()
    if unplaced:
        _place_limits(rows, unplaced)
    rows.sort(key=_by_name)
    return AgingReport(as_of=local_date(now, tz), rows=rows, totals=_totals(rows))


def _by_name(row: AgingRow) -> tuple[str, str, int]:
    return (row.name.casefold(), row.currency, row.company_id or 0)


def _place_limits(rows: list[AgingRow], unplaced: dict[int, int]) -> None:
    """A limit set without a currency is in the customer's largest one, as `credit_status`
    reads it."""
    largest: dict[int, int] = {}
    for i, row in enumerate(rows):
        cid = row.company_id
        if cid in unplaced and (cid not in largest or row.total > rows[largest[cid]].total):
            largest[cid] = i
    for cid, i in largest.items():
        rows[i] = rows[i]._replace(credit_limit_minor=unplaced[cid])


def _totals(rows: list[AgingRow]) -> list[AgingRow]:
    by_currency: dict[str, list[AgingRow]] = {}
    for row in rows:
        by_currency.setdefault(row.currency, []).append(row)
    return [
        AgingRow(None, "Total", cur, *(sum(map(itemgetter(i), group)) for i in range(3, 8)))
        for cur, group in sorted(by_currency.items())
    ]


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
