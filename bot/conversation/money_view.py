"""Orders and invoices as the conversation shows them, derived through the sales API."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.conversation.reply import Record, invoice_record, order_record
from bot.conversation.turn import day
from store.models import Company, Invoice, InvoiceStatus, Order
from store.money import format_money
from store.sales import InvoiceState, invoice_state

CLOSED = ("paid", "void")


@dataclass(frozen=True)
class InvoiceView:
    invoice: Invoice
    state: InvoiceState

    @property
    def is_open(self) -> bool:
        return str(self.state.status) not in CLOSED

    def record(self) -> Record:
        return invoice_record(
            self.invoice, status=str(self.state.status), days_overdue=self.state.days_overdue
        )

    def line(self, tz: ZoneInfo) -> str:
        inv, state = self.invoice, self.state
        text = (
            f"{inv.number}  {format_money(inv.amount_minor, inv.currency)}  {state.status}, "
            f"due {day(inv.due_at, tz)}"
        )
        if inv.paid_minor:
            text += f", {format_money(state.remaining_minor, inv.currency)} left"
        if state.days_overdue > 0:
            text += f", {state.days_overdue} days overdue"
        if inv.promised_on is not None:
            text += f", promised for {day(inv.promised_on, tz)}"
        return text


def views(invoices: Iterable[Invoice], *, now: datetime, tz: ZoneInfo) -> list[InvoiceView]:
    return [InvoiceView(inv, invoice_state(inv, now=now, tz=tz)) for inv in invoices]


def open_invoice_views(
    session: Session, *, company_id: int, now: datetime, tz: ZoneInfo
) -> list[InvoiceView]:
    rows = session.scalars(
        select(Invoice)
        .where(
            Invoice.company_id == company_id,
            Invoice.status.in_([InvoiceStatus.OPEN, InvoiceStatus.DISPUTED]),
        )
        .order_by(Invoice.due_at)
    )
    return [v for v in views(rows, now=now, tz=tz) if v.is_open]


def order_line(order: Order, tz: ZoneInfo) -> str:
    text = (
        f"{order.number}  {format_money(order.total_minor, order.currency)}  {order.status}, "
        f"ordered {day(order.ordered_at, tz)}"
    )
    if order.shipped_at is not None:
        text += f", shipped {day(order.shipped_at, tz)}"
    return text


def order_records(orders: Iterable[Order]) -> list[Record]:
    return [order_record(o) for o in orders]


def credit_line(company: Company, open_views: list[InvoiceView]) -> str | None:
    """Credit limit and how much of it open invoices use (in the limit's currency)."""
    if company.credit_limit_minor is None:
        return None
    currency = company.currency or (open_views[0].invoice.currency if open_views else "USD")
    used = sum(v.state.remaining_minor for v in open_views if v.invoice.currency == currency)
    limit = company.credit_limit_minor
    share = f" ({used * 100 // limit}%)" if limit else ""
    return f"Credit: {format_money(used, currency)} used of {format_money(limit, currency)}{share}"
