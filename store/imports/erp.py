"""Pulling orders, invoices and payments from an ERP database through read-only queries.

The mapping file (`CRM_ERP_MAPPING`) names one SQL query per kind. Each returns the same
columns as the CSV import (aliases do the renaming) plus `updated_at`, and takes a `:since`
parameter: the largest `updated_at` seen last time. Write the condition as
`updated_at >= :since` — rows at the boundary come again and are simply unchanged.

    [orders]
    query = '''SELECT o.no AS number, c.name AS customer, c.email AS customer_email,
                      o.state AS status, o.created AS ordered_at, o.shipped AS shipped_at,
                      o.total AS total, o.cur AS currency, o.modified AS updated_at
               FROM sales_order o JOIN customer c ON c.id = o.customer_id
               WHERE o.modified >= :since'''
    [invoices]
    query = "..."
    [payments]
    query = "..."
    [formats]   # optional, as in an import map file, for columns that come back as text
    [values.status]
    [defaults]
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Engine, text
from sqlalchemy.orm import Session

from store.imports.mapfile import MapError, MapSpec, spec_from_dict
from store.imports.report import ImportReport
from store.imports.runner import apply_rows
from store.imports.sales import SALES_KINDS

KINDS = ("orders", "invoices", "payments")
EPOCH = datetime(1970, 1, 1)


class ErpError(RuntimeError):
    """The ERP cannot be read as configured; the message says what to fix."""


@dataclass(frozen=True)
class ErpMapping:
    queries: dict[str, str]
    spec: MapSpec = field(default_factory=MapSpec)


def load_erp_mapping(path: Path) -> ErpMapping:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ErpError(f"cannot read ERP mapping {path}: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ErpError(f"ERP mapping {path} is not valid TOML: {exc}") from None
    queries: dict[str, str] = {}
    for kind in KINDS:
        section = data.pop(kind, None)
        if section is None:
            continue
        query = section.get("query") if isinstance(section, dict) else None
        if not isinstance(query, str) or ":since" not in query:
            raise ErpError(f"[{kind}] query must be SQL text using the :since parameter")
        queries[kind] = query
    if not queries:
        raise ErpError(f"ERP mapping {path} has none of [orders], [invoices], [payments]")
    try:
        spec = spec_from_dict(data)
    except MapError as exc:
        raise ErpError(f"ERP mapping {path}: {exc}") from None
    return ErpMapping(queries, spec)


@dataclass(frozen=True)
class SyncOutcome:
    reports: dict[str, ImportReport]
    watermarks: dict[str, str]


def encode_mark(value: object) -> str:
    return value.isoformat() if isinstance(value, datetime) else str(value)


def decode_mark(value: str | None) -> datetime:
    return datetime.fromisoformat(value) if value else EPOCH


def pull(
    session: Session,
    erp: Engine,
    mapping: ErpMapping,
    *,
    watermarks: Mapping[str, str],
    now: datetime,
    tz: ZoneInfo,
) -> SyncOutcome:
    """Apply every change since the watermarks; returns the reports and the new watermarks.

    A rejected row holds its kind's watermark at its own `updated_at`, so it is read again
    next time (and succeeds once, say, its invoice has arrived) instead of being skipped.
    """
    reports: dict[str, ImportReport] = {}
    marks = dict(watermarks)
    with erp.connect() as conn, conn.begin():
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("SET TRANSACTION READ ONLY")
        for kind in KINDS:
            if kind not in mapping.queries:
                continue
            report = ImportReport()
            since = decode_mark(marks.get(kind))
            seen: list[object] = []
            rows = _fetch(conn, kind, mapping.queries[kind], since, seen)
            rejected = apply_rows(
                session,
                SALES_KINDS[kind],
                rows,
                spec=mapping.spec,
                now=now,
                tz=tz,
                report=report,
                label=f"{kind} row",
            )
            reports[kind] = report
            stamps = [s for s in seen if s is not None]
            held = [seen[i - 1] for i in rejected if seen[i - 1] is not None]
            if held:
                marks[kind] = encode_mark(min(held))  # type: ignore[type-var]
            elif stamps:
                marks[kind] = encode_mark(max(stamps))  # type: ignore[type-var]
    return SyncOutcome(reports, marks)


def _fetch(
    conn: Connection, kind: str, query: str, since: datetime, seen: list[object]
) -> Iterator[tuple[int, dict[str, Any]]]:
    try:
        result = conn.execution_options(stream_results=True).execute(text(query), {"since": since})
    except Exception as exc:
        raise ErpError(f"ERP {kind} query failed: {exc}") from exc
    if "updated_at" not in list(result.keys()):
        raise ErpError(f"ERP {kind} query must return an updated_at column")
    for position, row in enumerate(result.mappings(), start=1):
        cells = {str(k).lower(): v for k, v in row.items()}
        seen.append(cells.get("updated_at"))
        yield position, cells
