"""`crm import orders`.

Columns: number,customer,customer_email,status,ordered_at,shipped_at,total,currency.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from zoneinfo import ZoneInfo

from store.imports import values as v
from store.imports.mapfile import MapSpec
from store.imports.runner import Kind
from store.models import OrderStatus
from store.sales.upsert import Applied, Batch, OrderData, upsert_order

ORDER_SYNONYMS = {
    "new": "open",
    "pending": "open",
    "canceled": "cancelled",
    "complete": "delivered",
    "completed": "delivered",
    "sent": "shipped",
    "dispatched": "shipped",
}


def customer_of(cells: Mapping[str, object]) -> tuple[str | None, str | None]:
    name = v.text(cells.get("customer"))
    email = v.text(cells.get("customer_email"))
    if name is not None and len(name) > 300:
        raise v.RowError("customer is longer than 300 characters")
    if email is not None and ("@" not in email or " " in email or len(email) > 320):
        raise v.RowError(f"customer_email {email!r} is not an email address")
    return name, email


def number_of(cells: Mapping[str, object], column: str = "number") -> str:
    number = v.text(cells.get(column))
    if number is None:
        raise v.RowError(f"{column} is empty")
    if len(number) > 100:
        raise v.RowError(f"{column} is longer than 100 characters")
    return number


def order_record(cells: Mapping[str, object], spec: MapSpec, tz: ZoneInfo) -> OrderData:
    number = number_of(cells)
    name, email = customer_of(cells)
    if name is None and email is None:
        raise v.RowError("no customer or customer_email")
    code = v.currency(cells.get("currency"))
    shipped_at = v.when(cells.get("shipped_at"), spec, tz, "shipped_at")
    status = v.choice(cells.get("status"), OrderStatus, spec, "status", ORDER_SYNONYMS)
    if status is None and shipped_at is not None:
        status = OrderStatus.SHIPPED
    return OrderData(
        number=number,
        customer=name,
        customer_email=email,
        status=status,
        ordered_at=v.when(cells.get("ordered_at"), spec, tz, "ordered_at"),
        shipped_at=shipped_at,
        total_minor=v.money(cells.get("total"), code, spec, "total"),
        currency=code,
    )


def _apply(batch: Batch, record: OrderData) -> Applied:
    return upsert_order(batch, record)


def _prefetch(batch: Batch, records: Sequence[OrderData]) -> None:
    batch.prefetch_orders(r.number for r in records)
    batch.matcher.prime((r.customer, r.customer_email) for r in records)


ORDERS = Kind(
    name="orders",
    required=("number", "total", "currency"),
    optional=("customer", "customer_email", "status", "ordered_at", "shipped_at"),
    convert=order_record,
    apply=_apply,
    prefetch=_prefetch,
)
