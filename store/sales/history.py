"""Invoice, order and payment events in the customer's interaction history.

Each event carries a `source_id` derived from what happened (invoice number, payment
reference, new status), so applying the same import or sync twice logs it once.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.models import Interaction, InteractionKind, Invoice, Order


def _log(
    session: Session,
    *,
    kind: InteractionKind,
    source_id: str,
    occurred_at: datetime,
    subject: str,
    company_id: int | None,
    contact_id: int | None,
    user_id: int | None = None,
    order_id: int | None = None,
    invoice_id: int | None = None,
) -> Interaction | None:
    """Insert the event unless its source_id is already filed; None when it was."""
    found = session.scalar(select(Interaction.id).where(Interaction.source_id == source_id))
    if found is not None:
        return None
    row = Interaction(
        kind=kind,
        source_id=source_id,
        occurred_at=occurred_at,
        subject=subject[:500],
        company_id=company_id,
        contact_id=contact_id,
        user_id=user_id,
        order_id=order_id,
        invoice_id=invoice_id,
    )
    session.add(row)
    return row


def log_invoice_event(
    session: Session,
    invoice: Invoice,
    *,
    event: str,
    subject: str,
    occurred_at: datetime,
    user_id: int | None = None,
    kind: InteractionKind = InteractionKind.INVOICE,
) -> Interaction | None:
    """`event` distinguishes what happened to the invoice: created, status:void@time, …"""
    return _log(
        session,
        kind=kind,
        source_id=f"invoice:{invoice.number}:{event}",
        occurred_at=occurred_at,
        subject=subject,
        company_id=invoice.company_id,
        contact_id=invoice.contact_id,
        user_id=user_id,
        order_id=invoice.order_id,
        invoice_id=invoice.id,
    )


def log_order_event(
    session: Session,
    order: Order,
    *,
    event: str,
    subject: str,
    occurred_at: datetime,
    user_id: int | None = None,
) -> Interaction | None:
    return _log(
        session,
        kind=InteractionKind.ORDER,
        source_id=f"order:{order.number}:{event}",
        occurred_at=occurred_at,
        subject=subject,
        company_id=order.company_id,
        contact_id=order.contact_id,
        user_id=user_id,
        order_id=order.id,
    )
