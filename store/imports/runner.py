"""Applying converted rows in chunks: a bad row is reported with its line, never fatal.

Shared by the CSV imports and the ERP sync so both follow exactly the same upsert rules.
A chunk is applied in one savepoint with its lookups batched; should the database still
refuse something at flush time, the chunk is rolled back and redone row by row, each row
in a savepoint of its own, so only the offending row is rejected.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import islice
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session

from store.imports.mapfile import MapSpec
from store.imports.report import ImportReport
from store.imports.values import RowError
from store.money import MoneyError
from store.sales.customers import CustomerMatcher
from store.sales.payments import SalesError
from store.sales.upsert import Applied, Batch

Converter = Callable[[Mapping[str, object], MapSpec, ZoneInfo], Any]
Applier = Callable[[Batch, Any], Applied]
Prefetcher = Callable[[Batch, Sequence[Any]], None]

# Rows per chunk: one savepoint, batched lookups, then the session is emptied.
BATCH = 1000


@dataclass(frozen=True)
class Kind:
    """One importable record type: its columns, how a row becomes a record, how it is applied."""

    name: str
    required: tuple[str, ...]
    optional: tuple[str, ...]
    convert: Converter
    apply: Applier
    prefetch: Prefetcher


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
    for chunk in _chunks(iter(rows)):
        records: list[tuple[int, Any]] = []
        for line, cells in chunk:
            try:
                records.append((line, kind.convert(cells, spec, tz)))
            except (RowError, MoneyError) as exc:
                rejected.append(line)
                report.reject(line, str(exc))
        results = _fast(session, kind, records, matcher, now, tz)
        if results is None:
            results = _slow(session, kind, records, matcher, now, tz)
        for line, result in results:
            if isinstance(result, str):
                rejected.append(line)
                report.reject(line, result)
            else:
                _count(report, result.outcome)
                report.warnings.extend(f"{label} {line}: {w}" for w in result.warnings)
        session.expunge_all()
    report.rejected.sort(key=lambda r: r.line)
    return sorted(rejected)


def _count(report: ImportReport, outcome: str) -> None:
    setattr(report, outcome, getattr(report, outcome) + 1)


def _chunks(
    rows: Iterator[tuple[int, Mapping[str, object]]],
) -> Iterator[list[tuple[int, Mapping[str, object]]]]:
    while chunk := list(islice(rows, BATCH)):
        yield chunk


Result = list[tuple[int, Applied | str]]


def _fast(
    session: Session,
    kind: Kind,
    records: list[tuple[int, Any]],
    matcher: CustomerMatcher,
    now: datetime,
    tz: ZoneInfo,
) -> Result | None:
    batch = Batch(session, matcher, now, tz)
    savepoint = session.begin_nested()
    try:
        kind.prefetch(batch, [r for _, r in records])
        results: Result = []
        for line, record in records:
            try:
                results.append((line, kind.apply(batch, record)))
            except (SalesError, MoneyError) as exc:
                results.append((line, str(exc)))
        batch.finish()
        savepoint.commit()
        return results
    except (IntegrityError, DataError):
        savepoint.rollback()
        matcher.forget()
        return None


def _slow(
    session: Session,
    kind: Kind,
    records: list[tuple[int, Any]],
    matcher: CustomerMatcher,
    now: datetime,
    tz: ZoneInfo,
) -> Result:
    results: Result = []
    for line, record in records:
        batch = Batch(session, matcher, now, tz)
        savepoint = session.begin_nested()
        try:
            applied = kind.apply(batch, record)
            batch.finish()
            savepoint.commit()
            results.append((line, applied))
        except (SalesError, MoneyError) as exc:
            savepoint.rollback()
            matcher.forget()
            results.append((line, str(exc)))
        except (IntegrityError, DataError) as exc:
            savepoint.rollback()
            matcher.forget()
            results.append((line, f"conflicts with stored data ({type(exc.orig).__name__})"))
    return results
