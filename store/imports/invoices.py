"""`crm import invoices`.

Columns: number,order_number,customer,customer_email,issued_at,due_at,amount,currency.

An optional `status` column (open, paid, void, disputed) carries the other system's view.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from zoneinfo import ZoneInfo

from store.imports import values as v
from store.imports.mapfile import MapSpec
from store.imports.orders import customer_of, number_of
from store.imports.runner import Kind
from store.models import InvoiceStatus
from store.sales.upsert import Applied, Batch, InvoiceData, upsert_invoice

INVOICE_SYNONYMS = {
    "cancelled": "void",
    "canceled": "void",
    "voided": "void",
    "unpaid": "open",
    "outstanding": "open",
    "due": "open",
    "overdue": "open",
    "partially_paid": "open",
    "partially paid": "open",
    "in dispute": "disputed",
    "settled": "paid",
}


def invoice_record(cells: Mapping[str, object], spec: MapSpec, tz: ZoneInfo) -> InvoiceData:
    number = number_of(cells)
    name, email = customer_of(cells)
    order_number = v.text(cells.get("order_number"))
    if name is None and email is None and order_number is None:
        raise v.RowError("no customer, customer_email or order_number")
    code = v.currency(cells.get("currency"))
    return InvoiceData(
        number=number,
        order_number=order_number,
        customer=name,
        customer_email=email,
        issued_at=v.when(cells.get("issued_at"), spec, tz, "issued_at"),
        due_at=v.required_when(cells.get("due_at"), spec, tz, "due_at"),
        amount_minor=v.money(cells.get("amount"), code, spec, "amount"),
        currency=code,
        status=v.choice(cells.get("status"), InvoiceStatus, spec, "status", INVOICE_SYNONYMS),
    )


def _apply(batch: Batch, record: InvoiceData) -> Applied:
    return upsert_invoice(batch, record)


def _prefetch(batch: Batch, records: Sequence[InvoiceData]) -> None:
    batch.prefetch_invoices(r.number for r in records)
    batch.prefetch_orders(r.order_number for r in records if r.order_number)
    batch.matcher.prime(
        (r.customer, r.customer_email)
        for r in records
        if (r.customer or r.customer_email) and not _refused(batch, r)
    )


def _refused(batch: Batch, record: InvoiceData) -> bool:
    """The checks `upsert_invoice` makes before it looks for the customer: a refused
    row must not create one."""
    invoice = batch.invoices.get(record.number)
    if invoice is None:
        return False
    return bool(
        (record.currency != invoice.currency and invoice.paid_minor)
        or record.amount_minor < invoice.paid_minor
    )


INVOICES = Kind(
    name="invoices",
    required=("number", "due_at", "amount", "currency"),
    optional=("order_number", "customer", "customer_email", "issued_at", "status"),
    convert=invoice_record,
    apply=_apply,
    prefetch=_prefetch,
)
