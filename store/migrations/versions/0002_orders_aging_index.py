"""orders: covering index for the aging and credit aggregates

Revision ID: 0002_orders_aging_index
Revises: 0001_initial_schema
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002_orders_aging_index"
down_revision: str | None = "0001_initial_schema"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ["status", "company_id", "currency", "due_at", "amount_minor", "paid_minor"]


def upgrade() -> None:
    op.create_index("ix_invoices_aging", "invoices", COLUMNS, unique=False)


def downgrade() -> None:
    op.drop_index("ix_invoices_aging", table_name="invoices")
