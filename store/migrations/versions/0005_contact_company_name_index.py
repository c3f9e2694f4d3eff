"""contacts: one (company_id, name_key) index instead of the one on company_id

The dedupe after email looks for a namesake at the same company. With an index on
company_id alone every person of that company is read to compare name keys; the pair
index answers with one probe, and by its first column serves every lookup by company,
so it replaces the single-column index. People without a company are left out of it
(nothing looks them up by a NULL company), so writes cost no more than before. Building
the index is the backfill.

Revision ID: 0005_contact_company_name_index
Revises: 0004_contact_search_index
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_contact_company_name_index"
down_revision: str | None = "0004_contact_search_index"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WITH_COMPANY = "company_id IS NOT NULL"


def upgrade() -> None:
    op.create_index(
        "ix_contacts_company_name",
        "contacts",
        ["company_id", "name_key"],
        sqlite_where=sa.text(WITH_COMPANY),
        postgresql_where=sa.text(WITH_COMPANY),
    )
    op.drop_index("ix_contacts_company_id", table_name="contacts")


def downgrade() -> None:
    op.create_index("ix_contacts_company_id", "contacts", ["company_id"])
    op.drop_index("ix_contacts_company_name", table_name="contacts")
