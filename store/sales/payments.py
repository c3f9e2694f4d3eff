"""Payments, promises and status changes: the things that move an invoice toward closed.

`Invoice.paid_minor` is kept equal to the sum of its payments by every function here, so
aging and credit stay one scan over invoices. Which invoices that scan reads (the partial
index ix_invoices_open) follows from status, amount and paid_minor alone: a writer that
keeps those right, bulk or not, has nothing else to maintain. A payment is identified by
(invoice, reference): recording it again returns the same row.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from store.models import Company, InteractionKind, Invoice, InvoiceStatus, Payment
from store.money import check_currency, format_money
from store.sales.history import HistoryBuffer, log_event


class SalesError(ValueError):
    """A sales operation that cannot be done as asked; the message says why."""


class Outcome(enum.StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


def get_invoice(session: Session, number: str) -> Invoice:
    invoice = session.scalar(select(Invoice).where(Invoice.number == number.strip()))
    if invoice is None:
        raise SalesError(f"no invoice {number}")
    return invoice


def refresh_paid(session: Session, invoice: Invoice) -> None:
    """Recompute paid_minor from the payments and move open <-> paid to match."""
    session.flush()
    total = session.scalar(
        select(func.coalesce(func.sum(Payment.amount_minor), 0)).where(
            Payment.invoice_id == invoice.id
        )
    )
    invoice.paid_minor = int(total or 0)
    if invoice.status == InvoiceStatus.OPEN and invoice.paid_minor >= invoice.amount_minor:
        invoice.status = InvoiceStatus.PAID
    elif invoice.status == InvoiceStatus.PAID and invoice.paid_minor < invoice.amount_minor:
        invoice.status = InvoiceStatus.OPEN


def apply_payment(
    session: Session,
    invoice: Invoice,
    *,
    amount_minor: int,
    currency: str,
    received_at: datetime,
    reference: str,
    user_id: int | None = None,
    allow_update: bool = False,
    history: HistoryBuffer | None = None,
) -> tuple[Payment, Outcome]:
    """Add (or, for imports, correct) one payment; refuses other currencies and overpayment."""
    currency = check_currency(currency)
    reference = reference.strip()
    if not reference:
        raise SalesError("a payment needs a reference")
    if amount_minor <= 0:
        raise SalesError("a payment amount must be positive")
    if currency != invoice.currency:
        raise SalesError(
            f"payment in {currency} for invoice {invoice.number} in {invoice.currency}"
        )
    if invoice.status == InvoiceStatus.VOID:
        raise SalesError(f"invoice {invoice.number} is void")
    existing = session.scalar(
        select(Payment).where(Payment.invoice_id == invoice.id, Payment.reference == reference)
    )
    previous = existing.amount_minor if existing is not None else 0
    if existing is not None and previous == amount_minor and existing.received_at == received_at:
        return existing, Outcome.UNCHANGED
    if existing is not None and not allow_update:
        raise SalesError(
            f"payment {reference} on {invoice.number} is already recorded as "
            f"{format_money(previous, currency)}"
        )
    room = invoice.amount_minor - invoice.paid_minor + previous
    if amount_minor > room:
        raise SalesError(
            f"{format_money(amount_minor, currency)} overpays invoice {invoice.number}: "
            f"{format_money(max(room, 0), currency)} remaining"
        )
    if existing is None:
        payment = Payment(
            invoice_id=invoice.id,
            amount_minor=amount_minor,
            currency=currency,
            received_at=received_at,
            reference=reference,
        )
        session.add(payment)
        outcome = Outcome.CREATED
    else:
        payment = existing
        payment.amount_minor = amount_minor
        payment.received_at = received_at
        outcome = Outcome.UPDATED
    refresh_paid(session, invoice)
    _log_payment(session, invoice, payment, outcome, user_id, history)
    return payment, outcome


def _log_payment(
    session: Session,
    invoice: Invoice,
    payment: Payment,
    outcome: Outcome,
    user_id: int | None,
    history: HistoryBuffer | None,
) -> None:
    money = format_money(payment.amount_minor, payment.currency)
    left = format_money(invoice.remaining_minor, invoice.currency)
    closing = "paid in full" if invoice.remaining_minor == 0 else f"{left} remaining"
    verb = "received" if outcome is Outcome.CREATED else "corrected to"
    event = f"payment:{payment.reference}"
    if outcome is Outcome.UPDATED:
        event += f":{payment.amount_minor}:{payment.received_at.isoformat()}"
    log_event(
        session,
        invoice,
        event=event,
        subject=f"Payment{shown_reference(payment.reference)} {verb} {money} on {invoice.number};"
        f" {closing}",
        occurred_at=payment.received_at,
        user_id=user_id,
        kind=InteractionKind.PAYMENT,
        history=history,
    )


def record_payment(
    session: Session,
    *,
    invoice_number: str,
    amount_minor: int,
    currency: str,
    received_at: datetime,
    reference: str,
    user_id: int | None = None,
    now: datetime,
) -> Payment:
    """Record a payment; the same (invoice, reference) again returns the recorded one."""
    invoice = get_invoice(session, invoice_number)
    payment, outcome = apply_payment(
        session,
        invoice,
        amount_minor=amount_minor,
        currency=currency,
        received_at=received_at,
        reference=reference,
        user_id=user_id,
    )
    if outcome is not Outcome.UNCHANGED:
        invoice.updated_at = now
    return payment


def record_promise(
    session: Session,
    *,
    invoice_number: str,
    promised_on: date,
    user_id: int | None = None,
    now: datetime,
) -> Invoice:
    """The customer promised to pay on a date; dunning waits for it."""
    invoice = get_invoice(session, invoice_number)
    if invoice.status in (InvoiceStatus.VOID, InvoiceStatus.PAID):
        raise SalesError(f"invoice {invoice.number} is {invoice.status}, nothing to promise")
    if invoice.promised_on != promised_on:
        invoice.promised_on = promised_on
        invoice.updated_at = now
        log_event(
            session,
            invoice,
            event=f"promise:{promised_on.isoformat()}",
            subject=f"Promise to pay {invoice.number} on {promised_on.isoformat()}",
            occurred_at=now,
            user_id=user_id,
        )
    return invoice


def set_invoice_status(
    session: Session,
    *,
    invoice_number: str,
    status: InvoiceStatus,
    user_id: int | None = None,
    now: datetime,
    note: str | None = None,
) -> Invoice:
    """Dispute, void, or reopen an invoice (open/paid follow the payments)."""
    invoice = get_invoice(session, invoice_number)
    change_status(session, invoice, InvoiceStatus(status), user_id=user_id, now=now, note=note)
    return invoice


def change_status(
    session: Session,
    invoice: Invoice,
    status: InvoiceStatus,
    *,
    now: datetime,
    user_id: int | None = None,
    note: str | None = None,
    history: HistoryBuffer | None = None,
) -> bool:
    """Set the stored status and log it; False when nothing changed."""
    if status == InvoiceStatus.OPEN and invoice.paid_minor >= invoice.amount_minor:
        status = InvoiceStatus.PAID
    if invoice.status == status:
        return False
    old = invoice.status
    invoice.status = status
    invoice.updated_at = now
    subject = f"Invoice {invoice.number} {old} -> {status}"
    log_event(
        session,
        invoice,
        event=f"status:{status}:{now.isoformat()}",
        subject=f"{subject}: {note}" if note else subject,
        occurred_at=now,
        user_id=user_id,
        history=history,
    )
    return True


def pause_dunning(
    session: Session,
    *,
    invoice_number: str | None = None,
    company_id: int | None = None,
    paused: bool = True,
    now: datetime,
) -> None:
    """Stop (or resume) payment reminders for one invoice or a whole customer."""
    if (invoice_number is None) == (company_id is None):
        raise SalesError("pause dunning for an invoice or for a company, not both")
    if invoice_number is not None:
        invoice = get_invoice(session, invoice_number)
        invoice.dunning_paused = paused
        invoice.updated_at = now
        return
    company = session.get(Company, company_id)
    if company is None:
        raise SalesError(f"no company {company_id}")
    company.dunning_paused = paused
    company.updated_at = now


GENERATED_REFERENCES = ("chat:", "auto:")


def shown_reference(reference: str) -> str:
    """ " BANK-77" for a reference a person wrote; nothing for one made up to key the row
    (a payment recorded in chat, a file row without a reference)."""
    return "" if reference.startswith(GENERATED_REFERENCES) else f" {reference}"
