"""What the conversation answers: text for people plus the records it is about.

The record dicts carry exactly the fields of the `crm ask --json` contract in DESIGN.md, so
Slack, the CLI and tools all see the same data; Block Kit blocks are optional decoration.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from store.models import Contact, Interaction, Invoice, Order, Task
from store.money import to_decimal_str

Record = dict[str, Any]


@dataclass(frozen=True)
class Reply:
    text: str
    contacts: tuple[Record, ...] = ()
    interactions: tuple[Record, ...] = ()
    tasks: tuple[Record, ...] = ()
    orders: tuple[Record, ...] = ()
    invoices: tuple[Record, ...] = ()
    blocks: tuple[Record, ...] = ()
    refused: bool = False
    change_id: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """The `crm ask --json` document."""
        return {
            "text": self.text,
            "contacts": list(self.contacts),
            "interactions": list(self.interactions),
            "tasks": list(self.tasks),
            "orders": list(self.orders),
            "invoices": list(self.invoices),
        }


def iso(value: datetime | None) -> str | None:
    """UTC ISO-8601, the same whichever zone the value was computed in."""
    return value.astimezone(UTC).isoformat() if value is not None else None


def contact_record(contact: Contact) -> Record:
    return {
        "id": contact.id,
        "name": contact.name,
        "email": contact.primary_email,
        "phone": contact.primary_phone,
        "title": contact.title,
        "company": contact.company.name if contact.company else None,
        "last_contacted_at": iso(contact.last_contacted_at),
    }


def interaction_record(interaction: Interaction) -> Record:
    source = interaction.source_id
    message_id = source if source and source.startswith("<") else None
    return {
        "id": interaction.id,
        "kind": str(interaction.kind),
        "occurred_at": iso(interaction.occurred_at),
        "subject": interaction.subject,
        "message_id": message_id,
    }


def task_record(task: Task) -> Record:
    return {
        "id": task.id,
        "title": task.title,
        "due": iso(task.due_at),
        "status": str(task.status),
        "assignee": task.assignee.email if task.assignee else None,
    }


def order_record(order: Order) -> Record:
    return {
        "number": order.number,
        "status": str(order.status),
        "ordered_at": iso(order.ordered_at),
        "shipped_at": iso(order.shipped_at),
        "total": to_decimal_str(order.total_minor, order.currency),
        "currency": order.currency,
    }


def invoice_record(invoice: Invoice, *, status: str, days_overdue: int) -> Record:
    """`status` and `days_overdue` are derived (InvoiceState), not the stored column."""
    return {
        "number": invoice.number,
        "status": status,
        "issued_at": iso(invoice.issued_at),
        "due_at": iso(invoice.due_at),
        "amount": to_decimal_str(invoice.amount_minor, invoice.currency),
        "paid": to_decimal_str(invoice.paid_minor, invoice.currency),
        "currency": invoice.currency,
        "days_overdue": days_overdue,
    }
