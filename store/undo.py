"""Undoing one recorded change: its audit events replayed backwards, exactly.

`undo_change` refuses when a row was touched by a later change still in force, because
reverting it then would silently throw away someone else's work. The events come from
`store.audit.track_changes`; what that cannot capture (bulk statements, cascades) cannot
be undone here either.
"""

from __future__ import annotations

import base64
import enum
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Column, Table, and_, delete, insert, select, update
from sqlalchemy.orm import Session
from sqlalchemy.types import TypeDecorator

from store.audit import IGNORED_COLUMNS, current_image, pk_column, same_time
from store.models import AuditAction, AuditEvent, Base, Change
from store.search_index import reindex_company_names, reindex_contact_names


class UndoError(Exception):
    """A change cannot be undone (unknown, already undone, or overtaken by later work)."""


def last_change(session: Session, user_id: int | None) -> Change | None:
    """The user's most recent change that has not been undone."""
    return session.scalar(
        select(Change)
        .where(Change.user_id == user_id, Change.undone_at.is_(None))
        .order_by(Change.id.desc())
        .limit(1)
    )


def undo_change(session: Session, change_id: int, *, now: datetime) -> Change:
    """Revert one change exactly; mark it undone. Raises UndoError when it cannot."""
    session.flush()
    change = session.get(Change, change_id)
    if change is None:
        raise UndoError(f"no change #{change_id}")
    if change.undone_at is not None:
        raise UndoError(f"change #{change_id} was already undone")
    events = list(change.events)
    _check_not_overtaken(session, change, events)
    for ev in sorted(events, key=_undo_order):
        _revert(session, ev)
    change.undone_at = now
    session.flush()
    session.expire_all()  # rows changed behind the ORM's back are read afresh
    _reindex_names(session, events)
    return change


def _reindex_names(session: Session, events: list[AuditEvent]) -> None:
    """Undo writes rows directly, so the search index is told what names came back."""
    contacts = {ev.entity_id for ev in events if ev.entity == "contacts"}
    companies = {ev.entity_id for ev in events if ev.entity == "companies"}
    reindex_contact_names(session, contacts, with_companies=False)
    reindex_company_names(session, companies)


def from_json(col: Column[Any], value: Any) -> Any:
    if value is None:
        return None
    coltype = col.type.impl_instance if isinstance(col.type, TypeDecorator) else col.type
    try:
        pytype = coltype.python_type
    except NotImplementedError:
        return value
    if pytype is datetime:
        return datetime.fromisoformat(value)
    if pytype is date:
        return date.fromisoformat(value)
    if pytype is Decimal:
        return Decimal(value)
    if pytype is bytes:
        return base64.b64decode(value)
    if isinstance(pytype, type) and issubclass(pytype, enum.Enum):
        return pytype(value)
    return value


# --- undo ----------------------------------------------------------------------------


def _undo_order(ev: AuditEvent) -> tuple[int, int]:
    """Unlink, re-insert deleted rows, restore updates, delete created rows, relink."""
    is_link = ev.entity not in _mapped_tables()
    if is_link:
        phase = 0 if ev.action is AuditAction.CREATE else 4
    else:
        phase = {AuditAction.DELETE: 1, AuditAction.UPDATE: 2, AuditAction.CREATE: 3}[ev.action]
    return phase, -ev.id


def _mapped_tables() -> dict[str, Table]:
    return {
        m.local_table.name: m.local_table  # type: ignore[misc]
        for m in Base.registry.mappers
        if isinstance(m.local_table, Table)
    }


def _table(name: str) -> Table:
    table = Base.metadata.tables.get(name)
    if table is None:
        raise UndoError(f"unknown table {name!r} in the audit trail")
    return table


def _check_not_overtaken(session: Session, change: Change, events: list[AuditEvent]) -> None:
    rows = {(ev.entity, ev.entity_id) for ev in events if ev.entity in _mapped_tables()}
    for entity, entity_id in sorted(rows):
        later = session.scalar(
            select(AuditEvent.change_id)
            .join(Change, Change.id == AuditEvent.change_id)
            .where(
                AuditEvent.entity == entity,
                AuditEvent.entity_id == entity_id,
                AuditEvent.change_id > change.id,
                Change.undone_at.is_(None),
            )
            .limit(1)
        )
        if later is not None:
            raise UndoError(
                f"cannot undo change #{change.id}: {entity} #{entity_id} was changed "
                f"later by change #{later}; undo that one first"
            )
    for ev in events:
        if ev.entity in _mapped_tables():
            _check_current_state(session, change, ev)


def _check_current_state(session: Session, change: Change, ev: AuditEvent) -> None:
    table = _table(ev.entity)
    current = current_image(session, table, ev.entity_id)
    what = f"{ev.entity} #{ev.entity_id}"
    if ev.action is AuditAction.DELETE:
        if current is not None:
            raise UndoError(f"cannot undo change #{change.id}: {what} exists again")
        return
    if current is None:
        raise UndoError(f"cannot undo change #{change.id}: {what} was deleted since")
    if ev.action is AuditAction.UPDATE:
        expected = ev.after or {}
        for name, value in expected.items():
            if name in IGNORED_COLUMNS:
                continue
            if name in current and current[name] != value and not same_time(current[name], value):
                raise UndoError(
                    f"cannot undo change #{change.id}: {what} was edited since ({name})"
                )


def _values(table: Table, image: dict[str, Any]) -> dict[str, Any]:
    return {c.name: from_json(c, image[c.name]) for c in table.columns if c.name in image}


def _revert(session: Session, ev: AuditEvent) -> None:
    table = _table(ev.entity)
    if ev.entity not in _mapped_tables():
        _revert_link(session, table, ev)
        return
    pk = pk_column(table)
    if ev.action is AuditAction.CREATE:
        session.execute(delete(table).where(pk == ev.entity_id))
    elif ev.action is AuditAction.UPDATE:
        values = _values(table, ev.before or {})
        if values:
            session.execute(update(table).where(pk == ev.entity_id).values(**values))
    else:
        session.execute(insert(table).values(**_values(table, ev.before or {})))


def _revert_link(session: Session, table: Table, ev: AuditEvent) -> None:
    image = ev.after if ev.action is AuditAction.CREATE else ev.before
    values = _values(table, image or {})
    match = and_(*(table.c[k] == v for k, v in values.items()))
    exists = session.execute(select(table).where(match)).first() is not None
    if ev.action is AuditAction.CREATE and exists:
        session.execute(delete(table).where(match))
    elif ev.action is AuditAction.DELETE and not exists:
        session.execute(insert(table).values(**values))
