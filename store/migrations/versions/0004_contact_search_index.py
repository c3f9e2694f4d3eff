"""search index: name words of contacts and companies, word trigrams; recent-interaction indexes

Revision ID: 0004_contact_search_index
Revises: 0003_open_invoice_balance
"""

from collections.abc import Iterator, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from store.search_index import name_words, trigrams

revision: str = "0004_contact_search_index"
down_revision: str | None = "0003_open_invoice_balance"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "contact_name_words",
        sa.Column("word", sa.String(length=100), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_contact_name_words_contact_id_contacts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("word", "contact_id", name=op.f("pk_contact_name_words")),
    )
    op.create_index(
        op.f("ix_contact_name_words_contact_id"), "contact_name_words", ["contact_id"]
    )
    op.create_table(
        "company_name_words",
        sa.Column("word", sa.String(length=100), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["companies.id"],
            name=op.f("fk_company_name_words_company_id_companies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("word", "company_id", name=op.f("pk_company_name_words")),
    )
    op.create_index(
        op.f("ix_company_name_words_company_id"), "company_name_words", ["company_id"]
    )
    op.create_table(
        "name_trigrams",
        sa.Column("trigram", sa.String(length=3), nullable=False),
        sa.Column("word", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("trigram", "word", name=op.f("pk_name_trigrams")),
    )
    op.create_index(
        "ix_interactions_contact_recent", "interactions", ["contact_id", "occurred_at"]
    )
    op.create_index(
        "ix_interactions_company_recent", "interactions", ["company_id", "occurred_at"]
    )
    op.drop_index("ix_interactions_contact_id", table_name="interactions")
    op.drop_index("ix_interactions_company_id", table_name="interactions")
    _fill_index(op.get_bind())


def downgrade() -> None:
    op.create_index("ix_interactions_company_id", "interactions", ["company_id"])
    op.create_index("ix_interactions_contact_id", "interactions", ["contact_id"])
    op.drop_index("ix_interactions_company_recent", table_name="interactions")
    op.drop_index("ix_interactions_contact_recent", table_name="interactions")
    op.drop_table("name_trigrams")
    op.drop_index(op.f("ix_company_name_words_company_id"), table_name="company_name_words")
    op.drop_table("company_name_words")
    op.drop_index(op.f("ix_contact_name_words_contact_id"), table_name="contact_name_words")
    op.drop_table("contact_name_words")


# The schema as of this revision, so later model changes cannot alter what it does.
_contacts = sa.table(
    "contacts", sa.column("id"), sa.column("name"), sa.column("merged_into_id")
)
_companies = sa.table("companies", sa.column("id"), sa.column("name"))
_contact_words = sa.table("contact_name_words", sa.column("word"), sa.column("contact_id"))
_company_words = sa.table("company_name_words", sa.column("word"), sa.column("company_id"))
_trigrams = sa.table("name_trigrams", sa.column("trigram"), sa.column("word"))


def _fill_index(conn: sa.Connection) -> None:
    """Index the names already stored, in batches so a big store does not fill memory."""
    seen: set[str] = set()
    live = sa.select(_contacts.c.id, _contacts.c.name).where(
        _contacts.c.merged_into_id.is_(None), _contacts.c.name.is_not(None)
    )
    for rows in _batches(conn.execute(live)):
        words = [{"word": w, "contact_id": i} for i, name in rows for w in name_words(name)]
        _insert(conn, _contact_words, words, seen)
    named = sa.select(_companies.c.id, _companies.c.name)
    for rows in _batches(conn.execute(named)):
        words = [{"word": w, "company_id": i} for i, name in rows for w in name_words(name)]
        _insert(conn, _company_words, words, seen)


def _insert(conn: sa.Connection, table: Any, rows: list[dict[str, Any]], seen: set[str]) -> None:
    if rows:
        conn.execute(table.insert(), rows)
    new = {r["word"] for r in rows} - seen
    seen.update(new)
    grams = [{"trigram": t, "word": w} for w in sorted(new) for t in trigrams(w)]
    if grams:
        conn.execute(_trigrams.insert(), grams)


def _batches(result: Any, size: int = 5000) -> Iterator[list[Any]]:
    rows = result.fetchall()
    for start in range(0, len(rows), size):
        yield rows[start : start + size]
