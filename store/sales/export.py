"""Orders, invoices and the aging report as tables, written as CSV or XLSX.

Rows are streamed from the database, and XLSX is written in openpyxl's write-only mode,
so exporting a million invoices needs little memory. Money is a decimal string in CSV and
a number in XLSX, always beside its currency; dates are in the team's zone.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import IO
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from store.models import Company, Invoice, Order
from store.money import exponent, to_decimal_str
from store.sales.credit import BUCKET_LABELS, aging
from store.sales.state import invoice_state

Cell = str | int | Decimal | date | datetime | None


@dataclass(frozen=True)
class Money:
    minor: int
    currency: str

    def decimal(self) -> Decimal:
        return Decimal(to_decimal_str(self.minor, self.currency))


@dataclass(frozen=True)
class Table:
    header: Sequence[str]
    rows: Iterable[Sequence[Cell | Money]]


def _local(moment: datetime | None, tz: ZoneInfo) -> datetime | None:
    return moment.astimezone(tz).replace(tzinfo=None) if moment else None


def orders_table(session: Session, *, tz: ZoneInfo) -> Table:
    header = ["number", "customer", "status", "ordered_at", "shipped_at", "total", "currency"]

    def rows() -> Iterator[Sequence[Cell | Money]]:
        stmt = (
            select(Order, Company.name)
            .outerjoin(Company, Company.id == Order.company_id)
            .order_by(Order.number)
            .execution_options(yield_per=1000)
        )
        for order, company in session.execute(stmt):
            yield (
                order.number,
                company or order.customer_name,
                str(order.status),
                _local(order.ordered_at, tz),
                _local(order.shipped_at, tz),
                Money(order.total_minor, order.currency),
                order.currency,
            )

    return Table(header, rows())


def invoices_table(session: Session, *, now: datetime, tz: ZoneInfo) -> Table:
    header = [
        "number", "order_number", "customer", "status", "issued_at", "due_at", "amount",
        "paid", "remaining", "currency", "days_overdue", "promised_on",
    ]  # fmt: skip
    order = aliased(Order)

    def rows() -> Iterator[Sequence[Cell | Money]]:
        stmt = (
            select(Invoice, Company.name, order.number)
            .outerjoin(Company, Company.id == Invoice.company_id)
            .outerjoin(order, order.id == Invoice.order_id)
            .order_by(Invoice.number)
            .execution_options(yield_per=1000)
        )
        for inv, company, order_number in session.execute(stmt):
            state = invoice_state(inv, now=now, tz=tz)
            yield (
                inv.number,
                order_number,
                company or inv.customer_name,
                str(state.status),
                _local(inv.issued_at, tz),
                state.due_on,
                Money(inv.amount_minor, inv.currency),
                Money(inv.paid_minor, inv.currency),
                Money(state.remaining_minor, inv.currency),
                inv.currency,
                state.days_overdue,
                inv.promised_on,
            )

    return Table(header, rows())


def aging_table(session: Session, *, now: datetime, tz: ZoneInfo) -> Table:
    report = aging(session, now=now, tz=tz)
    header = [
        "customer",
        "currency",
        *BUCKET_LABELS,
        "Total",
        "Credit limit",
        "Credit available",
        "On hold",
    ]
    rows: list[Sequence[Cell | Money]] = []
    for r in (*report.rows, *report.totals):
        amounts = [Money(v, r.currency) for v in (*r.buckets(), r.total)]
        credit: list[Cell | Money] = ["", "", ""]
        if r.credit_limit_minor is not None and r.credit_available_minor is not None:
            credit = [
                Money(r.credit_limit_minor, r.currency),
                Money(r.credit_available_minor, r.currency),
                "yes" if r.on_hold else "no",
            ]
        rows.append([r.name, r.currency, *amounts, *credit])
    return Table(header, rows)


def write_csv(table: Table, out: IO[str]) -> int:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(table.header)
    count = 0
    for row in table.rows:
        writer.writerow([_text(c) for c in row])
        count += 1
    return count


def _text(cell: Cell | Money) -> str:
    if cell is None:
        return ""
    if isinstance(cell, Money):
        return to_decimal_str(cell.minor, cell.currency)
    if isinstance(cell, datetime | date):
        return cell.isoformat()
    return str(cell)


def write_xlsx(table: Table, path: Path, *, title: str) -> int:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])
    sheet.append(list(table.header))
    count = 0
    for row in table.rows:
        cells = []
        for value in row:
            if isinstance(value, Money):
                cell = WriteOnlyCell(sheet, value=value.decimal())  # type: ignore[arg-type]
                places = exponent(value.currency)
                cell.number_format = "#,##0." + "0" * places if places else "#,##0"
            else:
                cell = WriteOnlyCell(sheet, value=value)  # type: ignore[arg-type]
                if isinstance(value, datetime):
                    cell.number_format = "yyyy-mm-dd hh:mm"
                elif isinstance(value, date):
                    cell.number_format = "yyyy-mm-dd"
            cells.append(cell)
        sheet.append(cells)
        count += 1
    book.save(str(path))
    return count
