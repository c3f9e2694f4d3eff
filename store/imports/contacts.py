"""Bulk contact import with the same dedupe rules as `upsert_contact`, a batch at a time.

Per batch: validate every row, look up the batch's emails, companies, names and tags
with a handful of `IN (...)` queries, decide in memory what each row creates, fills or
leaves alone, then write with bulk INSERT/UPDATE statements. A 100,000-row file is a
hundred such batches, each its own transaction, so a failure loses at most one batch
and memory stays flat.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextlib import closing
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from store.db import Database
from store.imports.bulk import among, bulk_writer, insert_rows, insert_tuples, pair_rows
from store.imports.contact_companies import ImportMemo, resolve_companies
from store.imports.contact_prep import Prepared, gc_paused, prepare, prepare_file
from store.imports.contact_rows import CleanRow, ContactRow
from store.imports.report import ImportReport
from store.models import Base, contact_tags
from store.normalize import name_key
from store.search_index import index_new_contacts, reindex_contact_names

BATCH_SIZE = 1000
_CONTACTS = Base.metadata.tables["contacts"]
_TAGS = Base.metadata.tables["tags"]
_EMAILS = Base.metadata.tables["contact_emails"]
_PHONES = Base.metadata.tables["contact_phones"]
_FILLABLE = ("name", "title", "website", "address")
_NEW_VALUES: dict[str, Any] = dict.fromkeys(_FILLABLE) | {
    "marketing_consent": False,
    "consent_at": None,
    "consent_source": None,
}


@dataclass(slots=True)
class _Rec:
    """A contact's state during a batch: loaded from the store or made by this batch."""

    id: int | None
    values: dict[str, Any]
    emails: list[str]
    phones: list[str]
    tags: set[str]
    dirty: set[str] = field(default_factory=set)
    new_emails: list[str] = field(default_factory=list)
    new_phones: list[str] = field(default_factory=list)
    new_tags: list[str] = field(default_factory=list)


def import_contacts(
    db: Database,
    rows: Iterable[ContactRow],
    *,
    now: datetime,
    default_region: str = "US",
    batch_size: int = BATCH_SIZE,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Import rows in batches, one transaction each; returns the combined report."""
    batches = prepare(rows, now=now, region=default_region, batch_size=batch_size)
    return import_prepared(db, batches, now=now, progress=progress)


def import_contact_file(
    db: Database,
    path: Path,
    *,
    now: datetime,
    default_region: str = "US",
    batch_size: int = BATCH_SIZE,
    progress: Callable[[int], None] | None = None,
    worker: bool | None = None,
) -> ImportReport:
    """Import a CSV or vCard file; a large one is read and cleaned by a second process
    while this one writes (`store.imports.contact_prep`). The file's warnings are in
    the report. ContactFileError when the file as a whole cannot be read."""
    prepared = prepare_file(
        path, now=now, region=default_region, batch_size=batch_size, worker=worker
    )
    with closing(prepared):
        report = import_prepared(db, prepared.batches, now=now, progress=progress)
    for warning in prepared.warnings:
        report.warn(warning)
    return report


def import_prepared(
    db: Database,
    batches: Iterable[Prepared],
    *,
    now: datetime,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Write cleaned batches, one transaction each, in order."""
    report = ImportReport()
    memo = ImportMemo()
    with bulk_writer(db) as conn:
        for batch in batches:
            with gc_paused(), db.write(on=conn) as session:
                report.absorb(write_batch(session, batch, now=now, memo=memo))
            if progress is not None:
                progress(batch.count)
    return report


def write_batch(
    session: Session, prepared: Prepared, *, now: datetime, memo: ImportMemo | None = None
) -> ImportReport:
    """Apply one cleaned batch inside the caller's transaction."""
    report = ImportReport()
    for line, reason in prepared.rejected:
        report.reject(line, reason)
    cleaned = prepared.cleaned
    if not cleaned:
        return report
    memo = memo or ImportMemo()
    made = resolve_companies(session, cleaned, memo)
    batch = _Batch(session, cleaned, made)
    for item in cleaned:
        rec, created = batch.find_or_new(item)
        if created:
            report.created += 1
            continue
        if _apply(rec, item, now, report):
            report.updated += 1
        else:
            report.unchanged += 1
    batch.write(now)
    _index_names(session, batch, memo)
    return report


def _index_names(session: Session, batch: _Batch, memo: ImportMemo) -> None:
    """The search index learns the names this batch wrote (companies: `resolve_companies`).

    New contacts are indexed from the values in hand; a stored contact only when the
    file filled its empty name, the one way an import changes what it is found by."""
    index_new_contacts(
        session,
        [(r.id, r.values["name"]) for r in batch.new if r.id],
        known=memo.words,
    )
    named = [r.id for r in batch.loaded.values() if r.id and "name" in r.dirty]
    if named:
        reindex_contact_names(session, named, with_companies=False)


class _Batch:
    """The batch's view of existing contacts, loaded with a few IN queries."""

    def __init__(self, session: Session, items: list[CleanRow], made: set[int]) -> None:
        self.session = session
        self.by_email: dict[str, _Rec] = {}
        self.by_name: dict[tuple[str, int], _Rec] = {}
        self.new: list[_Rec] = []
        self.loaded: dict[int, _Rec] = {}
        emails = [e for item in items for e in item.emails]
        owner: dict[str, int] = {}
        if emails:
            query = select(_EMAILS.c.email, _EMAILS.c.contact_id)
            for email, cid in session.execute(query.where(among(session, _EMAILS.c.email, emails))):
                owner[email] = cid
        pairs = {
            (cid, key)
            for i in items
            if (cid := i.company_id) is not None and cid not in made and (key := i.key)
        }
        # Joined on both columns, the pairs are found by one probe each of the index on
        # (company_id, name_key). Merged contacts are skipped here, not in SQL, so no
        # planner can prefer the index on merged_into_id (NULL for nearly every row).
        c = _CONTACTS.c
        name_hits: list[tuple[int, str, int]] = []
        if pairs:
            wanted = pair_rows(session, c.company_id, c.name_key, sorted(pairs))
            query = (
                select(c.id, c.name_key, c.company_id, c.merged_into_id)
                .select_from(wanted)
                .join(_CONTACTS, (c.company_id == wanted.c.a) & (c.name_key == wanted.c.b))
                .order_by(c.id.desc())
            )
            rows: Iterable[Any] = session.execute(query)
            name_hits = [
                (cid, key, company_id) for cid, key, company_id, merged in rows if merged is None
            ]
        self._load(set(owner.values()) | {cid for cid, _, _ in name_hits})
        for email, cid in owner.items():
            self.by_email[email] = self.loaded[self._survivor(cid)]
        for cid, key, company_id in name_hits:
            if key and company_id is not None:
                self.by_name[(key, company_id)] = self.loaded[cid]

    def _survivor(self, cid: int) -> int:
        seen: set[int] = set()
        while (nxt := self.loaded[cid].values.get("merged_into_id")) and cid not in seen:
            seen.add(cid)
            if nxt not in self.loaded:
                self._load({nxt})
            cid = nxt
        return cid

    def _load(self, ids: set[int]) -> None:
        ids -= set(self.loaded)
        if not ids:
            return
        cols = (
            _CONTACTS.c.id,
            _CONTACTS.c.name,
            _CONTACTS.c.title,
            _CONTACTS.c.website,
            _CONTACTS.c.address,
            _CONTACTS.c.company_id,
            _CONTACTS.c.marketing_consent,
            _CONTACTS.c.custom,
            _CONTACTS.c.merged_into_id,
        )
        query = select(*cols).where(among(self.session, _CONTACTS.c.id, ids))
        for row in self.session.execute(query).mappings():
            values: dict[str, Any] = dict(row)
            self.loaded[row["id"]] = _Rec(row["id"], values, [], [], set())
        for cid, email in self.session.execute(
            select(_EMAILS.c.contact_id, _EMAILS.c.email)
            .where(among(self.session, _EMAILS.c.contact_id, ids))
            .order_by(_EMAILS.c.id)
        ):
            self.loaded[cid].emails.append(email)
        for cid, number in self.session.execute(
            select(_PHONES.c.contact_id, _PHONES.c.number)
            .where(among(self.session, _PHONES.c.contact_id, ids))
            .order_by(_PHONES.c.id)
        ):
            self.loaded[cid].phones.append(number)
        for cid, tag in self.session.execute(
            select(contact_tags.c.contact_id, _TAGS.c.name)
            .join(_TAGS, _TAGS.c.id == contact_tags.c.tag_id)
            .where(among(self.session, contact_tags.c.contact_id, ids))
        ):
            self.loaded[cid].tags.add(tag)
        new_parents = {
            r.values["merged_into_id"] for r in self.loaded.values() if r.values["merged_into_id"]
        }
        self._load(new_parents)

    def find_or_new(self, item: CleanRow) -> tuple[_Rec, bool]:
        """The record this row is about, or a new one made from the row."""
        for email in item.emails:
            if email in self.by_email:
                return self.by_email[email], False
        key = item.key
        company_id = item.company_id
        if key and company_id is not None and (key, company_id) in self.by_name:
            return self.by_name[(key, company_id)], False
        rec = _new_record(item)
        self.new.append(rec)
        for email in item.emails:
            self.by_email[email] = rec
        if key and company_id is not None:
            self.by_name[(key, company_id)] = rec
        return rec, True

    def write(self, now: datetime) -> None:
        _write(self.session, self.new, list(self.loaded.values()), now)


def _new_record(item: CleanRow) -> _Rec:
    """`_apply` for a record the row itself makes: every value is taken, none conflicts.
    The row's lists become the record's (the row is done with once applied)."""
    values: dict[str, Any] = {
        **_NEW_VALUES,
        **item.values,
        "name_key": item.key,
        "company_id": item.company_id,
    }
    if item.custom:  # otherwise the column's default, one `{}` for the whole batch
        values["custom"] = dict(item.custom)
    if item.consent_at is not None:
        values.update(marketing_consent=True, consent_at=item.consent_at, consent_source="import")
    return _Rec(
        None,
        values,
        list(item.emails),
        list(item.phones),
        set(item.tags),
        new_emails=item.emails,
        new_phones=item.phones,
        new_tags=item.tags,
    )


def _apply(rec: _Rec, item: CleanRow, now: datetime, report: ImportReport) -> bool:
    """Fill what is empty; note conflicts as warnings. True when something changed."""
    changed = False
    for key, new in [*item.values.items(), ("company_id", item.company_id)]:
        old = rec.values.get(key)
        if new is None or new == old:
            continue
        if old in (None, ""):
            rec.values[key] = new
            rec.dirty.add(key)
            changed = True
        elif key == "name" and name_key(new) == name_key(old):
            continue
        elif key != "company_id":
            report.warn(f"line {item.line}: kept {key} {old!r}, the file says {new!r}")
    for email in item.emails:
        if email not in rec.emails:
            rec.emails.append(email)
            rec.new_emails.append(email)
            changed = True
    if item.phones and not rec.phones:
        rec.phones.extend(item.phones)
        rec.new_phones.extend(item.phones)
        changed = True
    elif not set(item.phones) <= set(rec.phones):
        report.warn(
            f"line {item.line}: kept phone {rec.phones[0]!r}, the file says {item.phones[0]!r}"
        )
    for tag in item.tags:
        if tag not in rec.tags:
            rec.tags.add(tag)
            rec.new_tags.append(tag)
            changed = True
    if item.consent_at is not None and not rec.values["marketing_consent"]:
        rec.values.update(marketing_consent=True, consent_at=item.consent_at)
        rec.values["consent_source"] = "import"
        rec.dirty.update(("marketing_consent", "consent_at", "consent_source"))
        changed = True
    custom = dict(rec.values.get("custom") or {})
    for key, value in item.custom.items():
        if custom.get(key) in (None, ""):
            custom[key] = value
        elif custom[key] != value:
            report.warn(f"line {item.line}: kept {key} {custom[key]!r}, the file says {value!r}")
    if custom != (rec.values.get("custom") or {}):
        rec.values["custom"] = custom
        rec.dirty.add("custom")
        changed = True
    return changed


def _write(session: Session, new: list[_Rec], loaded: list[_Rec], now: datetime) -> None:
    if new:
        rows = []
        for rec in new:
            values = rec.values  # the record is done with once written
            values["created_at"] = values["updated_at"] = now
            if "name" in rec.dirty and values["name_key"] is None:
                values["name_key"] = name_key(values["name"])
            rows.append(values)
        ids = insert_rows(session, _CONTACTS, rows)
        for rec, cid in zip(new, ids, strict=True):
            rec.id = cid
    updates = []
    for rec in loaded:
        if rec.dirty or rec.new_emails or rec.new_phones or rec.new_tags:
            values = {k: rec.values[k] for k in rec.dirty if k != "id"}
            if "name" in values:
                values["name_key"] = name_key(values["name"])
            updates.append({"id": rec.id, "updated_at": now, **values})
    _update_contacts(session, updates)
    recs = new + loaded
    emails = [
        (r.id, e, len(r.emails) == len(r.new_emails) and i == 0)
        for r in recs
        for i, e in enumerate(r.new_emails)
    ]
    insert_tuples(session, _EMAILS, ("contact_id", "email", "is_primary"), emails)
    phones = [(r.id, p) for r in recs for p in r.new_phones]
    insert_tuples(session, _PHONES, ("contact_id", "number"), phones)
    _write_tags(session, recs)


def _update_contacts(session: Session, updates: list[dict[str, Any]]) -> None:
    """One executemany per set of columns changed: a file that fills one field for every
    stored person is one statement per batch, not one per person."""
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for values in updates:
        groups.setdefault(tuple(sorted(k for k in values if k != "id")), []).append(values)
    for columns, rows in groups.items():
        statement = (
            update(_CONTACTS)
            .where(_CONTACTS.c.id == bindparam("row_id"))
            .values({c: bindparam(f"new_{c}") for c in columns})
        )
        params = [{"row_id": r["id"], **{f"new_{c}": r[c] for c in columns}} for r in rows]
        session.connection().execute(statement, params)


def _write_tags(session: Session, recs: list[_Rec]) -> None:
    names = {t for r in recs for t in r.new_tags}
    if not names:
        return
    ids = {
        n: i
        for n, i in session.execute(
            select(_TAGS.c.name, _TAGS.c.id).where(among(session, _TAGS.c.name, names))
        )
    }
    missing = sorted(names - set(ids))
    if missing:
        made = insert_rows(session, _TAGS, [{"name": n} for n in missing])
        ids.update(zip(missing, made, strict=True))
    links = [(r.id, ids[t]) for r in recs for t in r.new_tags]
    insert_tuples(session, contact_tags, ("contact_id", "tag_id"), links, with_ids=False)
