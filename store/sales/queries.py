"""Looking up orders and invoices the way a rep asks for them."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from store.models import Company, Invoice, InvoiceStatus, Order
from store.sales.state import InvoiceState, invoice_state, overdue_since


class InvoiceWithState(NamedTuple):
    invoice: Invoice
    state: InvoiceState


def find_order(session: Session, number: str) -> Order | None:
    """By number, ignoring case and surrounding blanks (`so-1042` finds `SO-1042`)."""
    number = number.strip()
    found = session.scalar(select(Order).where(Order.number == number))
    if found is None:
        found = session.scalar(select(Order).where(func.lower(Order.number) == number.lower()))
    return found


def orders_for_company(session: Session, company_id: int, limit: int = 5) -> list[Order]:
    """Most recent first (by order date, then by when we learnt of them)."""
    stmt = (
        select(Order)
        .where(Order.company_id == company_id)
        .order_by(Order.ordered_at.desc().nulls_last(), Order.id.desc())
        .limit(limit)
    )
    return list(session.scalars(stmt))


def find_invoice(session: Session, number: str) -> Invoice | None:
    number = number.strip()
    found = session.scalar(select(Invoice).where(Invoice.number == number))
    if found is None:
        found = session.scalar(select(Invoice).where(func.lower(Invoice.number) == number.lower()))
    return found


_RECEIVABLE = (InvoiceStatus.OPEN, InvoiceStatus.DISPUTED)


def open_invoices(
    session: Session, *, company_id: int | None = None, now: datetime, tz: ZoneInfo
) -> list[InvoiceWithState]:
    """Everything still expected to be paid (incl. disputed), oldest due date first."""
    stmt = select(Invoice).where(
        Invoice.status.in_(_RECEIVABLE), Invoice.amount_minor > Invoice.paid_minor
    )
    if company_id is not None:
        stmt = stmt.where(Invoice.company_id == company_id)
    stmt = stmt.order_by(Invoice.due_at, Invoice.id)
    return [InvoiceWithState(i, invoice_state(i, now=now, tz=tz)) for i in session.scalars(stmt)]


def overdue_invoices(
    session: Session, *, now: datetime, tz: ZoneInfo, owner_id: int | None = None
) -> list[InvoiceWithState]:
    """Open invoices past their due date (not disputed), most overdue first.

    `owner_id` keeps those of companies that team member owns.
    """
    stmt = select(Invoice).where(
        Invoice.status == InvoiceStatus.OPEN,
        Invoice.amount_minor > Invoice.paid_minor,
        Invoice.due_at < overdue_since(now, tz, 1),
    )
    if owner_id is not None:
        stmt = stmt.join(Company, Company.id == Invoice.company_id).where(
            Company.owner_id == owner_id
        )
    stmt = stmt.order_by(Invoice.due_at, Invoice.id)
    return [InvoiceWithState(i, invoice_state(i, now=now, tz=tz)) for i in session.scalars(stmt)]
