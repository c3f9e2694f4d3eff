"""Invoice, order and payment events in the customer's interaction history.

Each event carries a `source_id` derived from what happened (invoice number, payment
reference, new status), so applying the same import or sync twice logs it once. Imports
collect events in a HistoryBuffer and write them per batch: one lookup of the source ids
already filed, one batched insert.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.imports.bulk import among, insert_rows
from store.models import Base, Interaction, InteractionKind, Invoice, Order

_INTERACTIONS = Base.metadata.tables["interactions"]


@dataclass
class NewInvoice:
    """An invoice an import has decided to create, written with its chunk in one bulk
    insert; `id` is set then. Stands in for the Invoice in history events."""

    number: str
    company_id: int | None
    contact_id: int | None
    order_id: int | None
    values: dict[str, Any]
    id: int | None = None


Target = Invoice | Order | NewInvoice


@dataclass(frozen=True)
class _Event:
    kind: InteractionKind
    source_id: str
    occurred_at: datetime
    subject: str
    target: Target
    user_id: int | None


@dataclass
class HistoryBuffer:
    """Events waiting for their invoice/order ids; `write` files the ones not yet filed.

    `bulk` writes them with one plain INSERT and no ORM objects: for imports, which run
    outside the audit trail (an audited change must go through the ORM to be undoable).
    """

    events: dict[str, _Event] = field(default_factory=dict)
    bulk: bool = False

    def add(
        self,
        target: Target,
        *,
        event: str,
        subject: str,
        occurred_at: datetime,
        user_id: int | None = None,
        kind: InteractionKind | None = None,
    ) -> None:
        is_invoice = not isinstance(target, Order)
        prefix = "invoice" if is_invoice else "order"
        source_id = f"{prefix}:{target.number}:{event}"
        default = InteractionKind.INVOICE if is_invoice else InteractionKind.ORDER
        self.events.setdefault(
            source_id,
            _Event(kind or default, source_id, occurred_at, subject[:500], target, user_id),
        )

    def write(self, session: Session) -> int:
        """Insert the new events (after a flush that gives targets their ids)."""
        if not self.events:
            return 0
        session.flush()
        ids = list(self.events)
        column = _INTERACTIONS.c.source_id
        filed = set(session.scalars(select(column).where(among(session, column, ids))))
        rows = [_values(e) for sid, e in self.events.items() if sid not in filed]
        self.events.clear()
        if self.bulk:
            insert_rows(session, _INTERACTIONS, rows)
        else:
            session.add_all(Interaction(**row) for row in rows)
            session.flush()
        return len(rows)


def _values(event: _Event) -> dict[str, Any]:
    target = event.target
    is_invoice = not isinstance(target, Order)
    return {
        "kind": event.kind,
        "source_id": event.source_id,
        "occurred_at": event.occurred_at,
        "subject": event.subject,
        "company_id": target.company_id,
        "contact_id": target.contact_id,
        "user_id": event.user_id,
        "order_id": target.id if isinstance(target, Order) else target.order_id,
        "invoice_id": target.id if is_invoice else None,
    }


def log_event(
    session: Session,
    target: Invoice | Order,
    *,
    event: str,
    subject: str,
    occurred_at: datetime,
    user_id: int | None = None,
    kind: InteractionKind | None = None,
    history: HistoryBuffer | None = None,
) -> None:
    """Log now, or into `history` when the caller writes a batch later."""
    buffer = history if history is not None else HistoryBuffer()
    buffer.add(
        target, event=event, subject=subject, occurred_at=occurred_at, user_id=user_id, kind=kind
    )
    if history is None:
        buffer.write(session)
