"""What an invoice is right now, derived from its amount, payments, stored status and due date.

The stored status only says open / paid / void / disputed; partially paid and overdue are
facts of the day, so they are computed here against `now` in the team's zone and never stored.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from store.models import Invoice, InvoiceStatus


class InvoiceCondition(enum.StrEnum):
    OPEN = "open"
    PARTIALLY_PAID = "partially_paid"
    PAID = "paid"
    OVERDUE = "overdue"
    VOID = "void"
    DISPUTED = "disputed"


@dataclass(frozen=True)
class InvoiceState:
    """`status` is one of InvoiceCondition; `days_overdue` is 0 unless the invoice is late."""

    status: InvoiceCondition
    remaining_minor: int
    days_overdue: int
    due_on: date
    promised_on: date | None = None

    @property
    def is_receivable(self) -> bool:
        """Money still expected: open, partially paid, overdue or disputed."""
        return self.remaining_minor > 0 and self.status not in (
            InvoiceCondition.PAID,
            InvoiceCondition.VOID,
        )


def local_date(moment: datetime, tz: ZoneInfo) -> date:
    return moment.astimezone(tz).date()


def day_start(day: date, tz: ZoneInfo) -> datetime:
    """The UTC instant the given calendar day starts in the zone (DST-aware)."""
    return datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)


def due_on(invoice: Invoice, tz: ZoneInfo) -> date:
    return local_date(invoice.due_at, tz)


def days_overdue(due: date, today: date) -> int:
    """Calendar days from the due date to today; overdue from the day after the due date."""
    return max((today - due).days, 0)


def invoice_state(invoice: Invoice, *, now: datetime, tz: ZoneInfo) -> InvoiceState:
    due = due_on(invoice, tz)
    remaining = invoice.remaining_minor
    late = days_overdue(due, local_date(now, tz))
    condition = _condition(invoice, remaining, late)
    return InvoiceState(
        status=condition,
        remaining_minor=0 if condition in _SETTLED else remaining,
        days_overdue=late if condition in _LATE_ABLE else 0,
        due_on=due,
        promised_on=invoice.promised_on,
    )


_SETTLED = (InvoiceCondition.VOID, InvoiceCondition.PAID)
_LATE_ABLE = (InvoiceCondition.OVERDUE, InvoiceCondition.DISPUTED)


def _condition(invoice: Invoice, remaining: int, late: int) -> InvoiceCondition:
    if invoice.status == InvoiceStatus.VOID:
        return InvoiceCondition.VOID
    if invoice.status == InvoiceStatus.PAID or remaining == 0:
        return InvoiceCondition.PAID
    if invoice.status == InvoiceStatus.DISPUTED:
        return InvoiceCondition.DISPUTED
    if late > 0:
        return InvoiceCondition.OVERDUE
    if invoice.paid_minor > 0:
        return InvoiceCondition.PARTIALLY_PAID
    return InvoiceCondition.OPEN


def overdue_since(now: datetime, tz: ZoneInfo, days: int) -> datetime:
    """Invoices due before this instant are at least `days` days overdue (days >= 1)."""
    today = local_date(now, tz)
    return day_start(today - timedelta(days=days - 1), tz)
