"""Importing an orders, invoices or payments CSV file in one transaction."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from store.db import Database
from store.imports import csvfile
from store.imports.bulk import bulk_writer
from store.imports.invoices import INVOICES
from store.imports.mapfile import MapSpec
from store.imports.orders import ORDERS
from store.imports.payments import PAYMENTS
from store.imports.report import ImportReport
from store.imports.runner import Kind, apply_rows

SALES_KINDS: dict[str, Kind] = {k.name: k for k in (ORDERS, INVOICES, PAYMENTS)}


def import_sales_file(
    db: Database,
    kind: str,
    path: Path,
    *,
    spec: MapSpec | None = None,
    now: datetime,
    tz: ZoneInfo,
) -> ImportReport:
    """Read the whole file first (bad files fail before anything is written), then apply."""
    spec = spec or MapSpec()
    what = SALES_KINDS[kind]
    shape, rows = csvfile.rows(path, spec, what.required, what.optional)
    report = ImportReport()
    for header in shape.ignored:
        report.warn(f"column {header!r} ignored")
    with bulk_writer(db) as conn, db.write(on=conn) as session:
        apply_rows(
            session,
            what,
            ((r.line, r.cells) for r in rows),
            spec=spec,
            now=now,
            tz=tz,
            report=report,
        )
    return report
