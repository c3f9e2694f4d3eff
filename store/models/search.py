"""The search index: the words of names, and the trigrams of every word seen.

Fuzzy-matching 100,000 names per query does not scale, but the words names are made
of repeat a lot (a hundred thousand people share a few thousand first and last names).
So a typed word is matched against the distinct words first (by prefix, or by shared
trigrams for a typo), and only then turned into the people and companies carrying
those words. Rows are written by `store.search_index`; plain B-tree indexes serve every
lookup, identically on SQLite and PostgreSQL.
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from store.models.base import Base

WORD_MAX = 100


class ContactNameWord(Base):
    """One word of a live contact's name (merged contacts have none)."""

    __tablename__ = "contact_name_words"

    word: Mapped[str] = mapped_column(String(WORD_MAX), primary_key=True)
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class CompanyNameWord(Base):
    """One word of a company's name."""

    __tablename__ = "company_name_words"

    word: Mapped[str] = mapped_column(String(WORD_MAX), primary_key=True)
    company_id: Mapped[int] = mapped_column(
        ForeignKey("companies.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class NameTrigram(Base):
    """A trigram of a known word, `^` and `$` marking its ends ("^an", "ann", "na$").

    Only ever added to: a word nobody carries any more leads to no one, which is harmless.
    """

    __tablename__ = "name_trigrams"

    trigram: Mapped[str] = mapped_column(String(3), primary_key=True)
    word: Mapped[str] = mapped_column(String(WORD_MAX), primary_key=True)
