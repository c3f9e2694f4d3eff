"""Create-or-update of orders, invoices and payments keyed by number: imports and ERP sync.

Applying the same record twice is a no-op the second time (`Outcome.UNCHANGED`), and every
real change is logged in the customer's history, so re-imports and re-syncs are safe.
A `Batch` carries what one import chunk shares: records looked up by number in one query,
the customer matcher, and the history events written together at the end of the chunk.
Every check that can refuse a record runs before it changes anything.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.imports.bulk import insert_rows
from store.models import Base, Invoice, InvoiceStatus, Order, OrderStatus
from store.money import format_money
from store.sales.customers import CustomerMatcher
from store.sales.history import HistoryBuffer, NewInvoice
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


_INVOICES = Base.metadata.tables["invoices"]


def _bulk_history() -> HistoryBuffer:
    return HistoryBuffer(bulk=True)


@dataclass
class Batch:
    """What the records of one chunk share; lookups by number are cached here.

    New invoices and the history events are written at `finish` with one bulk insert
    each, not as ORM objects: imports and syncs run outside the audit trail."""

    session: Session
    matcher: CustomerMatcher
    now: datetime
    tz: ZoneInfo
    history: HistoryBuffer = field(default_factory=_bulk_history)
    orders: dict[str, Order | None] = field(default_factory=dict)
    invoices: dict[str, Invoice | None] = field(default_factory=dict)
    new_invoices: dict[str, NewInvoice] = field(default_factory=dict)

    def order(self, number: str) -> Order | None:
        if number not in self.orders:
            self.prefetch_orders([number])
        return self.orders[number]

    def invoice(self, number: str) -> Invoice | None:
        if number in self.new_invoices:  # made earlier in this chunk: write, then load it
            self._write_new_invoices()
        if number not in self.invoices:
            self.prefetch_invoices([number])
        return self.invoices[number]

    def _write_new_invoices(self) -> None:
        new = list(self.new_invoices.values())
        self.new_invoices.clear()
        ids = insert_rows(self.session, _INVOICES, [n.values for n in new])
        for made, new_id in zip(new, ids, strict=True):
            made.id = new_id
            self.invoices.pop(made.number, None)  # written now: the next lookup loads it

    def prefetch_orders(self, numbers: Iterable[str]) -> None:
        wanted = [n for n in set(numbers) if n not in self.orders]
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            self.orders.update(dict.fromkeys(chunk))
            found = self.session.scalars(select(Order).where(Order.number.in_(chunk)))
            self.orders.update((o.number, o) for o in found)

    def prefetch_invoices(self, numbers: Iterable[str]) -> None:
        wanted = [n for n in set(numbers) if n not in self.invoices]
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            self.invoices.update(dict.fromkeys(chunk))
            found = self.session.scalars(select(Invoice).where(Invoice.number.in_(chunk)))
            self.invoices.update((i.number, i) for i in found)

    def finish(self) -> None:
        """Write the chunk's new invoices and history events (flushing everything first)."""
        self.session.flush()
        self._write_new_invoices()
        self.history.write(self.session)


def _assign(row: object, values: dict[str, object]) -> list[str]:
    changed = [k for k, v in values.items() if getattr(row, k) != v]
    for key in changed:
        setattr(row, key, values[key])
    return changed


def upsert_order(batch: Batch, data: OrderData) -> Applied:
    order = batch.order(data.number)
    customer = batch.matcher.match(data.customer, data.customer_email)
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
    now = batch.now
    if order is None:
        values.setdefault("status", OrderStatus.OPEN)
        order = Order(number=data.number, created_at=now, updated_at=now, **values)
        batch.session.add(order)
        batch.orders[data.number] = order
        money = format_money(data.total_minor, data.currency)
        batch.history.add(
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
    if "status" in changed:
        when = data.shipped_at if order.status == OrderStatus.SHIPPED and data.shipped_at else now
        batch.history.add(
            order,
            event=f"status:{order.status}:{when.isoformat()}",
            subject=f"Order {order.number} {old_status} -> {order.status}",
            occurred_at=when,
        )
    return Applied(Outcome.UPDATED)


def upsert_invoice(batch: Batch, data: InvoiceData) -> Applied:
    invoice = batch.invoice(data.number)
    if invoice is not None:
        if data.currency != invoice.currency and invoice.paid_minor:
            raise SalesError(f"invoice {data.number} has payments in {invoice.currency}")
        if data.amount_minor < invoice.paid_minor:
            raise SalesError(
                f"amount {format_money(data.amount_minor, data.currency)} is below the "
                f"{format_money(invoice.paid_minor, invoice.currency)} already paid"
            )
    warnings: list[str] = []
    order = batch.order(data.order_number) if data.order_number else None
    if data.order_number and order is None:
        warnings.append(f"order {data.order_number} not found; invoice kept without it")
    if data.customer or data.customer_email or order is None:
        customer = batch.matcher.match(data.customer, data.customer_email)
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
    if invoice is None:
        return _create_invoice(batch, data, values, warnings)
    return _update_invoice(batch, invoice, data, values, warnings)


def _update_invoice(
    batch: Batch,
    invoice: Invoice,
    data: InvoiceData,
    values: dict[str, object],
    warnings: list[str],
) -> Applied:
    now = batch.now
    changed = _assign(invoice, values)
    if "amount_minor" in changed:
        refresh_paid(batch.session, invoice)
        batch.history.add(
            invoice,
            event=f"amount:{data.amount_minor}:{now.isoformat()}",
            subject=f"Invoice {invoice.number} amount now "
            f"{format_money(data.amount_minor, data.currency)}",
            occurred_at=now,
        )
    if data.status is not None and change_status(
        batch.session, invoice, data.status, now=now, history=batch.history
    ):
        changed.append("status")
    if not changed:
        return Applied(Outcome.UNCHANGED, tuple(warnings))
    invoice.updated_at = now
    return Applied(Outcome.UPDATED, tuple(warnings))


def _create_invoice(
    batch: Batch, data: InvoiceData, values: dict[str, object], warnings: list[str]
) -> Applied:
    now = batch.now
    status = data.status or InvoiceStatus.OPEN
    if status == InvoiceStatus.OPEN and data.amount_minor == 0:
        status = InvoiceStatus.PAID
    row = {
        "number": data.number,
        "status": status,
        "paid_minor": 0,
        "dunning_paused": False,
        "created_at": now,
        "updated_at": now,
        **values,
    }
    invoice = NewInvoice(
        data.number,
        company_id=row["company_id"],  # type: ignore[arg-type]
        contact_id=row["contact_id"],  # type: ignore[arg-type]
        order_id=row["order_id"],  # type: ignore[arg-type]
        values=row,
    )
    batch.new_invoices[data.number] = invoice
    batch.invoices[data.number] = None
    money = format_money(data.amount_minor, data.currency)
    due = local_date(data.due_at, batch.tz).isoformat()
    batch.history.add(
        invoice,
        event="created",
        subject=f"Invoice {data.number} issued for {money}, due {due}",
        occurred_at=data.issued_at or now,
    )
    return Applied(Outcome.CREATED, tuple(warnings))


def upsert_payment(batch: Batch, data: PaymentData) -> Applied:
    invoice = batch.invoice(data.invoice_number)
    if invoice is None:
        raise SalesError(f"no invoice {data.invoice_number}")
    _, outcome = apply_payment(
        batch.session,
        invoice,
        amount_minor=data.amount_minor,
        currency=data.currency,
        received_at=data.received_at,
        reference=data.reference,
        allow_update=True,
        history=batch.history,
    )
    if outcome is not Outcome.UNCHANGED:
        invoice.updated_at = batch.now
    return Applied(outcome)
