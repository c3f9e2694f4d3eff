"""Create-or-update of orders, invoices and payments keyed by number: imports and ERP sync.

Applying the same record twice is a no-op the second time (`Outcome.UNCHANGED`), and every
real change is logged in the customer's history, so re-imports and re-syncs are safe.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.models import Invoice, InvoiceStatus, Order, OrderStatus
from store.money import format_money
from store.sales.customers import CustomerMatcher
from store.sales.history import log_invoice_event, log_order_event
from store.sales.payments import Outcome, SalesError, apply_payment, change_status, refresh_paid
from store.sales.state import local_date


@dataclass(frozen=True)
class OrderData:
    number: str
    customer: str | None
    customer_email: str | None
    status: OrderStatus | None
    ordered_at: datetime | None
    shipped_at: datetime | None
    total_minor: int
    currency: str


@dataclass(frozen=True)
class InvoiceData:
    number: str
    order_number: str | None
    customer: str | None
    customer_email: str | None
    issued_at: datetime | None
    due_at: datetime
    amount_minor: int
    currency: str
    status: InvoiceStatus | None = None


@dataclass(frozen=True)
class PaymentData:
    invoice_number: str
    amount_minor: int
    currency: str
    received_at: datetime
    reference: str


@dataclass(frozen=True)
class Applied:
    outcome: Outcome
    warnings: tuple[str, ...] = ()


def _assign(row: object, values: dict[str, object]) -> list[str]:
    changed = [k for k, v in values.items() if getattr(row, k) != v]
    for key in changed:
        setattr(row, key, values[key])
    return changed


def upsert_order(
    session: Session, data: OrderData, matcher: CustomerMatcher, *, now: datetime
) -> Applied:
    order = session.scalar(select(Order).where(Order.number == data.number))
    customer = matcher.match(data.customer, data.customer_email)
    values: dict[str, object] = {
        "company_id": customer.company_id,
        "contact_id": customer.contact_id,
        "customer_name": data.customer or None,
        "ordered_at": data.ordered_at,
        "shipped_at": data.shipped_at,
        "total_minor": data.total_minor,
        "currency": data.currency,
    }
    if data.status is not None:
        values["status"] = data.status
    if order is None:
        order = Order(number=data.number, created_at=now, updated_at=now, **values)
        session.add(order)
        session.flush()
        money = format_money(data.total_minor, data.currency)
        log_order_event(
            session,
            order,
            event="created",
            subject=f"Order {order.number} ({order.status}) for {money}",
            occurred_at=data.ordered_at or now,
        )
        return Applied(Outcome.CREATED)
    old_status = order.status
    changed = _assign(order, values)
    if not changed:
        return Applied(Outcome.UNCHANGED)
    order.updated_at = now
    session.flush()
    if "status" in changed:
        when = data.shipped_at if order.status == OrderStatus.SHIPPED and data.shipped_at else now
        log_order_event(
            session,
            order,
            event=f"status:{order.status}:{when.isoformat()}",
            subject=f"Order {order.number} {old_status} -> {order.status}",
            occurred_at=when,
        )
    return Applied(Outcome.UPDATED)


def upsert_invoice(
    session: Session,
    data: InvoiceData,
    matcher: CustomerMatcher,
    *,
    now: datetime,
    tz: ZoneInfo,
) -> Applied:
    warnings: list[str] = []
    order = None
    if data.order_number:
        order = session.scalar(select(Order).where(Order.number == data.order_number))
        if order is None:
            warnings.append(f"order {data.order_number} not found; invoice kept without it")
    if data.customer or data.customer_email or order is None:
        customer = matcher.match(data.customer, data.customer_email)
        company_id, contact_id = customer.company_id, customer.contact_id
    else:
        company_id, contact_id = order.company_id, order.contact_id
    values: dict[str, object] = {
        "order_id": order.id if order is not None else None,
        "company_id": company_id,
        "contact_id": contact_id,
        "customer_name": data.customer or None,
        "issued_at": data.issued_at,
        "due_at": data.due_at,
        "amount_minor": data.amount_minor,
        "currency": data.currency,
    }
    invoice = session.scalar(select(Invoice).where(Invoice.number == data.number))
    if invoice is None:
        return _create_invoice(session, data, values, now=now, tz=tz, warnings=warnings)
    if data.currency != invoice.currency and invoice.paid_minor:
        raise SalesError(f"invoice {data.number} has payments in {invoice.currency}")
    if data.amount_minor < invoice.paid_minor:
        raise SalesError(
            f"amount {format_money(data.amount_minor, data.currency)} is below the "
            f"{format_money(invoice.paid_minor, invoice.currency)} already paid"
        )
    changed = _assign(invoice, values)
    if "amount_minor" in changed:
        refresh_paid(session, invoice)
        log_invoice_event(
            session,
            invoice,
            event=f"amount:{data.amount_minor}:{now.isoformat()}",
            subject=f"Invoice {invoice.number} amount now "
            f"{format_money(data.amount_minor, data.currency)}",
            occurred_at=now,
        )
    if data.status is not None and change_status(session, invoice, data.status, now=now):
        changed.append("status")
    if not changed:
        return Applied(Outcome.UNCHANGED, tuple(warnings))
    invoice.updated_at = now
    return Applied(Outcome.UPDATED, tuple(warnings))


def _create_invoice(
    session: Session,
    data: InvoiceData,
    values: dict[str, object],
    *,
    now: datetime,
    tz: ZoneInfo,
    warnings: list[str],
) -> Applied:
    status = data.status or InvoiceStatus.OPEN
    if status == InvoiceStatus.OPEN and data.amount_minor == 0:
        status = InvoiceStatus.PAID
    invoice = Invoice(
        number=data.number, status=status, paid_minor=0, created_at=now, updated_at=now, **values
    )
    session.add(invoice)
    session.flush()
    money = format_money(data.amount_minor, data.currency)
    log_invoice_event(
        session,
        invoice,
        event="created",
        subject=f"Invoice {invoice.number} issued for {money}, due "
        f"{local_date(data.due_at, tz).isoformat()}",
        occurred_at=data.issued_at or now,
    )
    return Applied(Outcome.CREATED, tuple(warnings))


def upsert_payment(session: Session, data: PaymentData, *, now: datetime) -> Applied:
    invoice = session.scalar(select(Invoice).where(Invoice.number == data.invoice_number))
    if invoice is None:
        raise SalesError(f"no invoice {data.invoice_number}")
    _, outcome = apply_payment(
        session,
        invoice,
        amount_minor=data.amount_minor,
        currency=data.currency,
        received_at=data.received_at,
        reference=data.reference,
        allow_update=True,
    )
    if outcome is not Outcome.UNCHANGED:
        invoice.updated_at = now
    return Applied(outcome)
