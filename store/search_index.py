"""Keeping the search index (`store.models.search`) in step with names.

Every write session of `store.db.Database` reindexes, at each flush and in the same
transaction, the contacts and companies whose name (or merge) the flush wrote through
the ORM: services, seeds and scripts cannot forget it. Writes that bypass the ORM (the
importer's bulk statements, undo) call `reindex_contact_names` / `reindex_company_names`
themselves. Every function rebuilds from what the rows say now, so calling one twice,
or for a record that did not change, is harmless.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from typing import Any

from sqlalchemy import Integer, Table, delete, event, inspect, select, text, tuple_
from sqlalchemy.orm import Session, UOWTransaction, sessionmaker

from store.models import Company, CompanyNameWord, Contact, ContactNameWord, NameTrigram
from store.models.search import WORD_MAX
from store.normalize import name_key

CHUNK = 500  # ids per statement: far below every driver's bind-parameter limit

_TRIGRAMS: Table = NameTrigram.__table__  # type: ignore[assignment]
_CONTACT_WORDS: Table = ContactNameWord.__table__  # type: ignore[assignment]
_COMPANY_WORDS: Table = CompanyNameWord.__table__  # type: ignore[assignment]


@lru_cache(maxsize=65536)  # company names repeat batch after batch in an import
def name_words(name: str | None) -> tuple[str, ...]:
    """The distinct words a name is found by: accent- and case-free, as `name_key`.

    Always from the name itself, never from a stored `name_key` that a writer may have
    left behind when it changed the name."""
    words = (name_key(name) or "").split()
    return tuple(sorted({w[:WORD_MAX] for w in words}))


def trigrams(word: str) -> list[str]:
    """`anna` -> `^an`, `ann`, `nna`, `na$`: the ends count, so a prefix typo still shares some."""
    marked = f"^{word}$"
    return sorted({marked[i : i + 3] for i in range(len(marked) - 2)})


def lead_trigram(word: str) -> str:
    """The trigram every word starting with the same two letters shares (`^an`)."""
    return f"^{word}$"[:3]


def keep_in_step(sessions: sessionmaker[Session]) -> None:
    """Sessions made by `sessions` reindex the names each of their flushes writes."""
    event.listen(sessions, "after_flush", _after_flush)


def _after_flush(session: Session, _ctx: UOWTransaction) -> None:
    # Still the pre-flush view here: `new`, `dirty` and attribute history say what was written.
    contacts: set[int] = set()
    companies: set[int] = set()
    for obj in (*session.new, *session.dirty):
        if isinstance(obj, Contact) and _wrote(session, obj, "name", "merged_into_id"):
            contacts.add(obj.id)
        elif isinstance(obj, Company) and _wrote(session, obj, "name"):
            companies.add(obj.id)
    if contacts:
        reindex_contact_names(session, contacts, with_companies=False)
    if companies:
        reindex_company_names(session, companies)


def _wrote(session: Session, obj: object, *keys: str) -> bool:
    if obj in session.new:
        return True
    attrs = inspect(obj).attrs
    return any(attrs[key].history.has_changes() for key in keys)


def reindex_contact_names(
    session: Session, contact_ids: Iterable[int], *, with_companies: bool = True
) -> None:
    """Bring the name words of these contacts (and, by default, their companies) up to date.

    Merged contacts lose their words, so search never offers them. Works from the rows
    in the database (flush ORM changes first) and writes only what differs, so passing
    contacts that did not change costs one read per few hundred of them.
    """
    company_ids: set[int] = set()
    for chunk in _chunks(contact_ids):
        rows = session.execute(
            select(
                Contact.id,
                Contact.name,
                Contact.company_id,
                Contact.merged_into_id,
            ).where(Contact.id.in_(chunk))
        ).all()
        wanted = {
            (w, cid) for cid, name, _, merged in rows if merged is None for w in name_words(name)
        }
        _sync(session, _CONTACT_WORDS, _CONTACT_WORDS.c.contact_id, chunk, wanted)
        company_ids.update(company for _, _, company, _ in rows if company is not None)
    if with_companies and company_ids:
        reindex_company_names(session, company_ids)


def reindex_company_names(session: Session, company_ids: Iterable[int]) -> None:
    """Bring the name words of these companies up to date."""
    for chunk in _chunks(company_ids):
        rows = session.execute(select(Company.id, Company.name).where(Company.id.in_(chunk)))
        wanted = {(w, cid) for cid, name in rows for w in name_words(name)}
        _sync(session, _COMPANY_WORDS, _COMPANY_WORDS.c.company_id, chunk, wanted)


def _sync(
    session: Session,
    table: Table,
    owner: Any,
    owners: Sequence[int],
    wanted: set[tuple[str, int]],
) -> None:
    """Make the (word, owner) rows of `owners` exactly `wanted`."""
    word = table.c.word
    have = {(w, o) for w, o in session.execute(select(word, owner).where(owner.in_(owners)))}
    stale = sorted(have - wanted)
    if stale:
        session.execute(delete(table).where(tuple_(word, owner).in_(stale)))
    added = sorted(wanted - have)
    if added:
        _bulk_insert(session, table, ("word", owner.key), added)
        _learn_words(session, {w for w, _ in added})


def index_new_contacts(
    session: Session,
    contacts: Iterable[tuple[int, str | None]],
    *,
    known: set[str] | None = None,
) -> None:
    """Index contacts this transaction has just inserted, from (id, name) in hand.

    Writes the rows `reindex_contact_names` would, without reading anything back: a
    contact just inserted is not merged and has no words yet (a word row needs its
    contact to exist). `known` as in `_learn_words`.
    """
    rows = sorted({(w, cid) for cid, name in contacts for w in name_words(name)})
    _add_words(session, _CONTACT_WORDS, "contact_id", rows, known)


def index_new_companies(
    session: Session, companies: Iterable[tuple[int, str | None]], *, known: set[str] | None = None
) -> None:
    """`index_new_contacts` for companies just inserted, from (id, name)."""
    rows = sorted({(w, cid) for cid, name in companies for w in name_words(name)})
    _add_words(session, _COMPANY_WORDS, "company_id", rows, known)


def _add_words(
    session: Session,
    table: Table,
    owner: str,
    rows: list[tuple[str, int]],
    known: set[str] | None,
) -> None:
    if rows:
        _bulk_insert(session, table, ("word", owner), rows)
        _learn_words(session, {w for w, _ in rows}, known)


def reindex_all(session: Session) -> None:
    """Rebuild the whole index (the migration that introduces it, a repair)."""
    contact_ids = session.scalars(select(Contact.id).order_by(Contact.id)).all()
    reindex_contact_names(session, contact_ids, with_companies=False)
    reindex_company_names(session, session.scalars(select(Company.id).order_by(Company.id)).all())


def _learn_words(session: Session, words: set[str], known: set[str] | None = None) -> None:
    """Add the trigrams of words not seen before; each word's `^xx` row says it is known.

    `known`, a caller's memo of words whose trigrams are stored, spares the lookup for
    them and is given the rest. Trigrams are never removed, so the memo stays true as
    long as the transactions that filled it commit; a caller drops it when one does not.
    A bulk import repeats a few thousand words a hundred thousand times.
    """
    if known is not None:
        fresh = words - known
        known.update(fresh)
        words = fresh
    for chunk in _chunks(words):
        leads = {lead_trigram(w) for w in chunk}
        stored = set(
            session.scalars(
                select(NameTrigram.word).where(
                    NameTrigram.trigram.in_(sorted(leads)), NameTrigram.word.in_(chunk)
                )
            )
        )
        rows = [(t, w) for w in chunk if w not in stored for t in trigrams(w)]
        if rows:
            # Two writers may learn the same new word at once: the second one's rows go.
            _bulk_insert(session, _TRIGRAMS, ("trigram", "word"), rows, ignore_duplicates=True)


def _bulk_insert(
    session: Session,
    table: Table,
    columns: tuple[str, str],
    rows: Sequence[tuple[Any, Any]],
    *,
    ignore_duplicates: bool = False,
) -> None:
    """Many rows at once. PostgreSQL gets them as two arrays in one statement (executemany
    through psycopg costs a round of FK and index work per row, ten times slower)."""
    if session.get_bind().dialect.name == "postgresql":
        a, b = columns
        arrays = ", ".join(
            f"CAST(:{c} AS {'integer' if isinstance(table.c[c].type, Integer) else 'text'}[])"
            for c in columns
        )
        values = dict(zip(columns, (list(col) for col in zip(*rows, strict=True)), strict=True))
        session.execute(
            text(
                f"INSERT INTO {table.name} ({a}, {b}) SELECT * FROM unnest({arrays})"
                + (" ON CONFLICT DO NOTHING" if ignore_duplicates else "")
            ),
            values,
        )
        return
    # SQLite: the driver's own executemany on plain tuples, without per-row dicts.
    verb = "INSERT OR IGNORE" if ignore_duplicates else "INSERT"
    session.connection().exec_driver_sql(
        f"{verb} INTO {table.name} ({', '.join(columns)}) VALUES (?, ?)", list(rows)
    )


def _chunks(ids: Iterable[Any]) -> Iterator[Sequence[Any]]:
    ordered = sorted(set(ids))
    for start in range(0, len(ordered), CHUNK):
        yield ordered[start : start + CHUNK]
