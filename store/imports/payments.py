"""`crm import payments`: invoice_number,amount,currency,received_at,reference.

A payment is identified by (invoice, reference); a row without a reference gets one made
of its date and amount, so the same bank line imported twice is still one payment.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from zoneinfo import ZoneInfo

from store.imports import values as v
from store.imports.mapfile import MapSpec
from store.imports.orders import number_of
from store.imports.runner import Kind
from store.sales.upsert import Applied, Batch, PaymentData, upsert_payment


def payment_record(cells: Mapping[str, object], spec: MapSpec, tz: ZoneInfo) -> PaymentData:
    number = number_of(cells, "invoice_number")
    code = v.currency(cells.get("currency"))
    amount = v.money(cells.get("amount"), code, spec, "amount")
    if amount <= 0:
        raise v.RowError("amount must be positive")
    received_at = v.required_when(cells.get("received_at"), spec, tz, "received_at")
    reference = v.text(cells.get("reference"))
    if reference is None:
        reference = f"auto:{received_at.date().isoformat()}:{amount}"
    if len(reference) > 200:
        raise v.RowError("reference is longer than 200 characters")
    return PaymentData(number, amount, code, received_at, reference)


def _apply(batch: Batch, record: PaymentData) -> Applied:
    return upsert_payment(batch, record)


def _prefetch(batch: Batch, records: Sequence[PaymentData]) -> None:
    batch.prefetch_invoices(r.invoice_number for r in records)


PAYMENTS = Kind(
    name="payments",
    required=("invoice_number", "amount", "currency", "received_at"),
    optional=("reference",),
    convert=payment_record,
    apply=_apply,
    prefetch=_prefetch,
)
