"""The ERP sync job: pull what changed in the ERP since the last run, apply it, checkpoint.

The checkpoint (one watermark per kind) is written in the same transaction as the changes,
so a crash re-reads rather than skips; applying is idempotent, so re-reading is harmless.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from store.db import Database, make_engine
from store.imports.erp import ErpError, load_erp_mapping, pull
from store.imports.report import ImportReport
from store.models import JobState
from store.settings import Settings

STATE = "erp_sync"


@dataclass(frozen=True)
class ErpSyncResult:
    reports: dict[str, ImportReport]
    watermarks: dict[str, str]

    def lines(self) -> list[str]:
        out: list[str] = []
        for kind, report in self.reports.items():
            out.append(f"{kind}: {report.summary()}")
            out.extend(f"  {reason_line}" for reason_line in _details(report))
        return out


def _details(report: ImportReport) -> list[str]:
    rows = [f"row {r.line}: {r.reason}" for r in report.rejected]
    return rows + [f"warning: {w}" for w in report.warnings]


def configured(settings: Settings) -> bool:
    return bool(settings.erp_database_url and settings.erp_mapping)


def run(db: Database, settings: Settings, *, now: datetime) -> ErpSyncResult:
    """One sync; raises ErpError when the ERP is not configured or cannot be read."""
    if not settings.erp_database_url or not settings.erp_mapping:
        raise ErpError("set CRM_ERP_DATABASE_URL and CRM_ERP_MAPPING to sync from an ERP")
    mapping = load_erp_mapping(Path(settings.erp_mapping))
    erp = make_engine(settings.erp_database_url)
    try:
        with db.write() as session:
            state = session.get(JobState, STATE)
            marks = dict((state.value or {}).get("watermarks", {})) if state else {}
            outcome = pull(session, erp, mapping, watermarks=marks, now=now, tz=settings.zone)
            state = session.get(JobState, STATE)  # the pull expunges in batches
            if state is None:
                state = JobState(name=STATE, value={}, updated_at=now)
                session.add(state)
            state.value = {"watermarks": outcome.watermarks, "last_run": now.isoformat()}
            state.updated_at = now
    finally:
        erp.dispose()
    return ErpSyncResult(outcome.reports, outcome.watermarks)
