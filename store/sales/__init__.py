"""Orders, invoices and payments as sales sees them: state, payments, credit and aging."""

from store.sales.credit import AgingReport, AgingRow, CreditStatus, aging, credit_status
from store.sales.payments import (
    Outcome,
    SalesError,
    pause_dunning,
    record_payment,
    record_promise,
    set_invoice_status,
)
from store.sales.queries import (
    InvoiceWithState,
    find_invoice,
    find_order,
    open_invoices,
    orders_for_company,
    overdue_invoices,
)
from store.sales.state import InvoiceCondition, InvoiceState, invoice_state

__all__ = [
    "AgingReport",
    "AgingRow",
    "CreditStatus",
    "InvoiceCondition",
    "InvoiceState",
    "InvoiceWithState",
    "Outcome",
    "SalesError",
    "aging",
    "credit_status",
    "find_invoice",
    "find_order",
    "invoice_state",
    "open_invoices",
    "orders_for_company",
    "overdue_invoices",
    "pause_dunning",
    "record_payment",
    "record_promise",
    "set_invoice_status",
]
