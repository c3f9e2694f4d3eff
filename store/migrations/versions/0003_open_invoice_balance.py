"""invoices: the aging and credit aggregates read only the open balance

A partial covering index over the invoices still expected to be paid replaces the covering
index over all invoices. Most invoices of a ledger are paid or void; this index holds only
the rest, in (customer, currency) order, so the aggregates read a fraction of the rows and
need no sort. Building the index is the backfill: it is filled from the existing rows.

Revision ID: 0003_open_invoice_balance
Revises: 0002_orders_aging_index
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_open_invoice_balance"
down_revision: str | None = "0002_orders_aging_index"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPEN_INVOICE = "status IN ('open', 'disputed') AND amount_minor > paid_minor"
OPEN_COLUMNS = ["company_id", "currency", "due_at", "amount_minor", "paid_minor", "status"]
OLD_COLUMNS = ["status", "company_id", "currency", "due_at", "amount_minor", "paid_minor"]


def upgrade() -> None:
    op.create_index(
        "ix_invoices_open",
        "invoices",
        OPEN_COLUMNS,
        unique=False,
        postgresql_where=sa.text(OPEN_INVOICE),
        sqlite_where=sa.text(OPEN_INVOICE),
    )
    op.drop_index("ix_invoices_aging", table_name="invoices")


def downgrade() -> None:
    op.create_index("ix_invoices_aging", "invoices", OLD_COLUMNS, unique=False)
    op.drop_index("ix_invoices_open", table_name="invoices")
