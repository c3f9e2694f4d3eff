"""The audit trail that makes an intake (or any command) undoable.

`track_changes` listens to the session's flushes while its block runs and writes one
`AuditEvent` per inserted, updated or deleted row (and per tag link added or removed),
with JSON-safe column images. `store.undo.undo_change` replays those events backwards.

Not captured: ORM bulk statements (`session.execute(insert(...))`) and what the database
does on its own (ON DELETE CASCADE / SET NULL). Audited work goes through the ORM.
"""

from __future__ import annotations

import base64
import enum
import functools
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Column, Table, event, insert, inspect, select
from sqlalchemy.orm import Mapper, Session, UOWTransaction

from store.models import AuditAction, Base, Change

# Rows whose history is not "undoable work": the audit trail itself, mail that may
# already have left, raw inbound bytes and job bookkeeping.
NOT_AUDITED = frozenset(
    {"changes", "audit_events", "outbox", "inbound_messages", "seen_events", "job_state"}
)
# Bookkeeping columns: restored by undo, but a difference is never a conflict.
IGNORED_COLUMNS = frozenset({"updated_at"})
_ACTIVE = "crm_audit_change_id"
_AUDIT_TABLE = Base.metadata.tables["audit_events"]


@contextmanager
def track_changes(
    session: Session,
    *,
    user_id: int | None,
    source: str,
    now: datetime,
    summary: str | None = None,
) -> Iterator[Change]:
    """Record every row flushed inside the block as events of one new `Change`."""
    if session.info.get(_ACTIVE) is not None:
        raise RuntimeError("track_changes blocks cannot be nested on one session")
    session.flush()  # earlier pending work is not part of this change
    change = Change(user_id=user_id, source=source, summary=summary, created_at=now)
    session.add(change)
    session.flush()
    session.info[_ACTIVE] = change.id

    snapshots: dict[tuple[str, int], dict[str, Any]] = {}

    def before_flush(sess: Session, _ctx: UOWTransaction, _instances: object) -> None:
        snapshots.clear()
        snapshots.update(_snapshots(sess))

    def after_flush(sess: Session, _ctx: UOWTransaction) -> None:
        rows = _events_of_flush(sess, change.id, snapshots)
        if rows:
            sess.connection().execute(insert(_AUDIT_TABLE), rows)

    event.listen(session, "before_flush", before_flush)
    event.listen(session, "after_flush", after_flush)
    try:
        yield change
        session.flush()
    finally:
        event.remove(session, "before_flush", before_flush)
        event.remove(session, "after_flush", after_flush)
        session.info.pop(_ACTIVE, None)
    session.expire(change, ["events"])


# --- capture -------------------------------------------------------------------------


def _snapshots(session: Session) -> dict[tuple[str, int], dict[str, Any]]:
    """The stored images of rows about to be updated or deleted, read before the flush.

    The ORM's own history lacks the old value of an attribute that was expired when it
    was set, so the row as stored is the reliable "before".
    """
    out: dict[tuple[str, int], dict[str, Any]] = {}
    # A dirty row whose columns did not change (only a collection, through a backref) gets
    # no UPDATE event, so its image is not needed.
    changed = [o for o in session.dirty if session.is_modified(o, include_collections=False)]
    for obj in changed + list(session.deleted):
        state = inspect(obj)
        if not _audited(obj) or state.identity is None:
            continue
        table = state.mapper.local_table
        assert isinstance(table, Table)
        pk = _pk(obj)
        if pk is not None and (table.name, pk) not in out:
            current = current_image(session, table, pk)
            if current is not None:
                out[(table.name, pk)] = current
    return out


def _events_of_flush(
    session: Session, change_id: int, snapshots: dict[tuple[str, int], dict[str, Any]]
) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    order = _table_order(len(Base.metadata.tables))

    def rank(obj: object) -> tuple[int, int]:
        mapper = inspect(obj).mapper
        return order.get(mapper.local_table.name, 0), _pk(obj) or 0

    # Bookkeeping rows (some keyed by strings) are filtered before anything reads their keys.
    new = [obj for obj in session.new if _audited(obj)]
    deleted = [obj for obj in session.deleted if _audited(obj)]
    for obj in sorted(new, key=rank):
        if _audited(obj):
            out.append(_row(change_id, AuditAction.CREATE, obj, None, _image(obj)))
            out.extend(_link_events(change_id, obj))
    for obj in session.dirty:
        if _audited(obj) and session.is_modified(obj, include_collections=False):
            before, after = _diff(obj, snapshots.get(_key(obj), {}))
            if before or after:
                out.append(_row(change_id, AuditAction.UPDATE, obj, before, after))
        if _audited(obj):
            out.extend(_link_events(change_id, obj))
    for obj in sorted(deleted, key=rank, reverse=True):
        if _audited(obj):
            out.extend(_link_events(change_id, obj, deleted=True))
            before = snapshots.get(_key(obj)) or _image(obj, committed=True)
            out.append(_row(change_id, AuditAction.DELETE, obj, before, None))
    return out


@functools.cache
def _table_order(_tables: int) -> dict[str, int]:
    """Parents before children; computed again only if a table was mapped since."""
    return {t.name: i for i, t in enumerate(Base.metadata.sorted_tables)}


def _audited(obj: object) -> bool:
    return inspect(obj).mapper.local_table.name not in NOT_AUDITED


def _key(obj: object) -> tuple[str, int]:
    return inspect(obj).mapper.local_table.name, _pk(obj) or 0


def _pk(obj: object) -> int | None:
    identity = inspect(obj).identity
    if identity:
        return int(identity[0])
    mapper = inspect(obj).mapper
    value = getattr(obj, mapper.primary_key[0].key, None)
    return int(value) if value is not None else None


def _row(
    change_id: int,
    action: AuditAction,
    obj: object,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> dict[str, Any]:
    return {
        "change_id": change_id,
        "action": action.value,
        "entity": inspect(obj).mapper.local_table.name,
        "entity_id": _pk(obj),
        "before": before,
        "after": after,
    }


def _columns(obj: object) -> Iterator[tuple[str, Column[Any]]]:
    mapper: Mapper[Any] = inspect(obj).mapper
    for prop in mapper.column_attrs:
        col = prop.columns[0]
        if isinstance(col, Column) and col.table is mapper.local_table:
            yield prop.key, col


def _image(obj: object, *, committed: bool = False) -> dict[str, Any]:
    state = inspect(obj)
    image: dict[str, Any] = {}
    for key, col in _columns(obj):
        if committed:
            hist = state.attrs[key].history
            values = list(hist.unchanged or ()) + list(hist.deleted or ())
            value = values[0] if values else state.dict.get(key)
        else:
            value = state.dict.get(key)
        image[col.name] = to_json(value)
    return image


def _diff(obj: object, stored: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    state = inspect(obj)
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for key, col in _columns(obj):
        hist = state.attrs[key].history
        if not hist.has_changes():
            continue
        if col.name in stored:
            old = stored[col.name]
        else:
            old = to_json(hist.deleted[0]) if hist.deleted else None
        new = to_json(state.dict.get(key))
        if old != new and not same_time(old, new):
            before[col.name] = old
            after[col.name] = new
    if before:  # restored on undo too, but never a reason to refuse one
        for name in IGNORED_COLUMNS & stored.keys():
            before.setdefault(name, stored[name])
    return before, after


def _link_events(change_id: int, obj: object, *, deleted: bool = False) -> list[dict[str, Any]]:
    """Rows of many-to-many link tables (contact_tags) added or removed with `obj`."""
    state = inspect(obj)
    out: list[dict[str, Any]] = []
    for rel in state.mapper.relationships:
        if rel.secondary is None or not isinstance(rel.secondary, Table):
            continue
        hist = state.attrs[rel.key].history
        removed = list(hist.deleted or ())
        if deleted:
            removed += list(hist.unchanged or ())
        for target, action in [(t, AuditAction.CREATE) for t in hist.added or ()] + [
            (t, AuditAction.DELETE) for t in removed
        ]:
            link = _link_image(rel.secondary, obj, target)
            if link is None:
                continue
            before, after = (None, link) if action is AuditAction.CREATE else (link, None)
            out.append(
                {
                    "change_id": change_id,
                    "action": action.value,
                    "entity": rel.secondary.name,
                    "entity_id": _pk(obj),
                    "before": before,
                    "after": after,
                }
            )
    return out


def _link_image(table: Table, parent: object, child: object) -> dict[str, Any] | None:
    image: dict[str, Any] = {}
    for col in table.columns:
        for fk in col.foreign_keys:
            target = fk.column.table.name
            if target == inspect(parent).mapper.local_table.name:
                image[col.name] = _pk(parent)
            elif target == inspect(child).mapper.local_table.name:
                image[col.name] = _pk(child)
    return image if len(image) == len(table.columns) else None


def to_json(value: Any) -> Any:
    """A JSON-safe form of a column value; `from_json` reverses it for the column's type."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    return value


def current_image(session: Session, table: Table, entity_id: int) -> dict[str, Any] | None:
    """The row as stored now, in the JSON form events keep (None when it is gone)."""
    row = session.execute(select(table).where(pk_column(table) == entity_id)).mappings().first()
    return None if row is None else {k: to_json(v) for k, v in row.items()}


def same_time(a: Any, b: Any) -> bool:
    """Two stored instants written differently ("+00:00" or not) are still the same."""
    if not (isinstance(a, str) and isinstance(b, str)):
        return False
    try:
        return datetime.fromisoformat(a) == datetime.fromisoformat(b)
    except ValueError:
        return False


def pk_column(table: Table) -> Column[Any]:
    """Audited tables have a one-column primary key."""
    return next(iter(table.primary_key.columns))
