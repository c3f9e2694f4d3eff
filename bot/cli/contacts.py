"""`crm import contacts FILE` and `crm export contacts --format csv|vcf`."""

from __future__ import annotations

import enum
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

import typer
from sqlalchemy.orm import Session

from bot.cli.common import CliError, context
from store.imports.contact_files import write_csv, write_vcf
from store.imports.contact_prep import ReaderFailed
from store.imports.contact_readers import ContactFileError
from store.imports.contacts import BATCH_SIZE, import_contact_file
from store.imports.report import ImportReport


class ExportFormat(enum.StrEnum):
    CSV = "csv"
    VCF = "vcf"


def import_contacts_command(
    file: Path = typer.Argument(..., help="CSV (name,email,phone,title,company,tags,…) or .vcf"),
    now: str | None = typer.Option(None, "--now", help="ISO-8601 time to record (default: now)"),
    batch_size: int = typer.Option(BATCH_SIZE, "--batch-size", min=1, help="rows per transaction"),
) -> None:
    """Import contacts; the same person is updated, never duplicated. Safe to repeat."""
    if not file.is_file():
        raise CliError(f"no such file: {file}")
    ctx = context(now)
    try:
        with _progress(file) as advance:
            report = import_contact_file(
                ctx.db,
                file,
                now=ctx.now(),
                default_region=ctx.settings.default_region,
                batch_size=batch_size,
                progress=advance,
            )
    except (ContactFileError, ReaderFailed, OSError) as exc:
        raise CliError(f"{file}: {exc}") from None
    finally:
        ctx.close()
    print_report(report)


def print_report(report: ImportReport) -> None:
    """The summary line, then one line per rejected row, then warnings."""
    typer.echo(report.summary())
    for line in report.details():
        typer.echo(line)


@contextmanager
def _progress(file: Path) -> Iterator[Callable[[int], None] | None]:
    """A progress bar on a terminal only; redirected output stays clean for scripts."""
    if not sys.stdout.isatty():
        yield None
        return
    with typer.progressbar(length=_estimate_rows(file), label="importing", file=sys.stderr) as bar:
        yield bar.update


def _estimate_rows(file: Path) -> int:
    with file.open("rb") as fh:
        data = fh.read()
    if file.suffix.lower() in (".vcf", ".vcard"):
        return max(data.upper().count(b"BEGIN:VCARD"), 1)
    return max(data.count(b"\n"), 1)


def export_contacts_command(
    fmt: ExportFormat = typer.Option(ExportFormat.CSV, "--format", help="csv or vcf"),
    output: Path | None = typer.Option(None, "--output", "-o", help="file (default: stdout)"),
) -> None:
    """Export every contact (merged records left out) as CSV or vCard 3.0."""
    ctx = context()
    try:
        with ctx.db.read() as session:
            if output is None:
                count = _write(session, fmt, sys.stdout)
            else:
                newline = "" if fmt is ExportFormat.VCF else None
                try:
                    with output.open("w", encoding="utf-8", newline=newline) as fh:
                        count = _write(session, fmt, fh)
                except OSError as exc:
                    raise CliError(f"cannot write {output}: {exc.strerror}") from None
                typer.echo(f"exported {count} contacts to {output}")
    finally:
        ctx.close()


def _write(session: Session, fmt: ExportFormat, out: TextIO) -> int:
    return write_csv(session, out) if fmt is ExportFormat.CSV else write_vcf(session, out)
