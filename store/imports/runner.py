"""Applying converted rows one by one, each in a savepoint: a bad row is reported, not fatal.

Shared by the CSV imports and the ERP sync so both follow exactly the same upsert rules.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from store.imports.mapfile import MapSpec
from store.imports.tally import ImportReport
from store.imports.values import RowError
from store.money import MoneyError
from store.sales.customers import CustomerMatcher
from store.sales.payments import SalesError
from store.sales.upsert import Applied

Converter = Callable[[Mapping[str, object], MapSpec, ZoneInfo], Any]
Applier = Callable[[Session, Any, CustomerMatcher, datetime, ZoneInfo], Applied]

# Rows between flush + expunge, so a 100,000-row import does not hold every object.
BATCH = 1000


@dataclass(frozen=True)
class Kind:
    """One importable record type: its columns, how a row becomes a record, how it is applied."""

    name: str
    key: str
    required: tuple[str, ...]
    optional: tuple[str, ...]
    convert: Converter
    apply: Applier


def apply_rows(
    session: Session,
    kind: Kind,
    rows: Iterable[tuple[int, Mapping[str, object]]],
    *,
    spec: MapSpec,
    now: datetime,
    tz: ZoneInfo,
    report: ImportReport,
    label: str = "line",
) -> list[int]:
    """Apply every row; returns the positions of rejected rows (as given in `rows`)."""
    matcher = CustomerMatcher(session, now=now)
    rejected: list[int] = []
    for count, (line, cells) in enumerate(rows, start=1):
        reason = _apply_one(session, kind, cells, matcher, spec=spec, now=now, tz=tz, report=report)
        if isinstance(reason, str):
            rejected.append(line)
            report.reject(line, reason)
        else:
            report.count(reason.outcome)
            report.warnings.extend(f"{label} {line}: {w}" for w in reason.warnings)
        if count % BATCH == 0:
            session.flush()
            session.expunge_all()
    session.flush()
    return rejected


def _apply_one(
    session: Session,
    kind: Kind,
    cells: Mapping[str, object],
    matcher: CustomerMatcher,
    *,
    spec: MapSpec,
    now: datetime,
    tz: ZoneInfo,
    report: ImportReport,
) -> Applied | str:
    try:
        record = kind.convert(cells, spec, tz)
    except (RowError, MoneyError) as exc:
        return str(exc)
    savepoint = session.begin_nested()
    try:
        applied = kind.apply(session, record, matcher, now, tz)
        savepoint.commit()
        return applied
    except (SalesError, MoneyError) as exc:
        savepoint.rollback()
        matcher.forget()
        return str(exc)
    except IntegrityError as exc:
        savepoint.rollback()
        matcher.forget()
        return f"conflicts with stored data ({type(exc.orig).__name__})"
