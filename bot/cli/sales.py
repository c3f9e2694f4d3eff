"""`crm import orders|invoices|payments`, `crm export …`, `crm sync erp`, `crm credit`."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path

import typer

from bot.cli.common import CliError, context
from jobs import erp_sync
from store.imports.csvfile import ImportFileError
from store.imports.erp import ErpError
from store.imports.mapfile import MapError, MapSpec, load_map
from store.imports.sales import import_sales_file
from store.money import MoneyError, check_currency, format_money, to_minor
from store.sales.credit import credit_status, find_company, set_credit_limit
from store.sales.export import (
    Table,
    aging_table,
    invoices_table,
    orders_table,
    write_csv,
    write_xlsx,
)

sync_app = typer.Typer(help="Pull changes from other systems.", no_args_is_help=True)

FILE = typer.Argument(..., help="CSV file with a header row", show_default=False)
MAP = typer.Option(None, "--map", help="TOML file mapping columns and formats")
NOW = typer.Option(None, "--now", help="ISO-8601 time to act at (default: now)")


def _import(kind: str, file: Path, map_file: Path | None, now: str | None) -> None:
    ctx = context(now)
    try:
        spec = load_map(map_file) if map_file else MapSpec()
        report = import_sales_file(
            ctx.db, kind, file, spec=spec, now=ctx.now(), tz=ctx.settings.zone
        )
    except (MapError, ImportFileError) as exc:
        raise CliError(str(exc)) from None
    finally:
        ctx.close()
    typer.echo(report.summary())
    for line in report.details():
        typer.echo(line)


def import_orders(file: Path = FILE, map_file: Path | None = MAP, now: str | None = NOW) -> None:
    """number,customer,customer_email,status,ordered_at,shipped_at,total,currency"""
    _import("orders", file, map_file, now)


def import_invoices(file: Path = FILE, map_file: Path | None = MAP, now: str | None = NOW) -> None:
    """number,order_number,customer,customer_email,issued_at,due_at,amount,currency[,status]"""
    _import("invoices", file, map_file, now)


def import_payments(file: Path = FILE, map_file: Path | None = MAP, now: str | None = NOW) -> None:
    """invoice_number,amount,currency,received_at,reference"""
    _import("payments", file, map_file, now)


class Format(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"


FORMAT = typer.Option(Format.CSV, "--format", help="csv or xlsx")
OUTPUT = typer.Option(None, "--output", "-o", help="file to write (CSV: stdout if absent)")


def _export(name: str, fmt: Format, output: Path | None, now: str | None) -> None:
    if fmt is Format.XLSX and output is None:
        raise typer.BadParameter("XLSX needs --output FILE", param_hint="--output")
    ctx = context(now)
    try:
        with ctx.db.read() as session:
            tz, moment = ctx.settings.zone, ctx.now()
            table: Table
            if name == "orders":
                table = orders_table(session, tz=tz)
            elif name == "invoices":
                table = invoices_table(session, now=moment, tz=tz)
            else:
                table = aging_table(session, now=moment, tz=tz)
            count = _write(table, fmt, output, name)
    except OSError as exc:
        raise CliError(f"cannot write {output}: {exc.strerror}") from None
    finally:
        ctx.close()
    if output is not None:
        typer.echo(f"wrote {count} rows to {output}")


def _write(table: Table, fmt: Format, output: Path | None, name: str) -> int:
    if fmt is Format.XLSX:
        assert output is not None
        return write_xlsx(table, output, title=name)
    if output is None:
        return write_csv(table, sys.stdout)
    with output.open("w", encoding="utf-8", newline="") as out:
        return write_csv(table, out)


def export_orders(
    fmt: Format = FORMAT, output: Path | None = OUTPUT, now: str | None = NOW
) -> None:
    """Every order with its customer, status, dates and total."""
    _export("orders", fmt, output, now)


def export_invoices(
    fmt: Format = FORMAT, output: Path | None = OUTPUT, now: str | None = NOW
) -> None:
    """Every invoice with paid, remaining, state and days overdue as of --now."""
    _export("invoices", fmt, output, now)


def export_aging(fmt: Format = FORMAT, output: Path | None = OUTPUT, now: str | None = NOW) -> None:
    """Receivables per customer and currency: current, 1-30, 31-60, 61-90, over 90 days."""
    _export("aging", fmt, output, now)


@sync_app.command("erp")
def sync_erp(now: str | None = NOW) -> None:
    """Pull orders, invoices and payments changed in the ERP since the last sync."""
    ctx = context(now)
    try:
        result = erp_sync.run(ctx.db, ctx.settings, now=ctx.now())
    except ErpError as exc:
        raise CliError(str(exc)) from None
    finally:
        ctx.close()
    for line in result.lines():
        typer.echo(line)


credit_app = typer.Typer(help="Customers' credit limits and credit used.", no_args_is_help=True)
COMPANY = typer.Argument(..., help="company id, domain or exact name", show_default=False)


@credit_app.command("show")
def credit_show(company: str = COMPANY, now: str | None = NOW) -> None:
    """Limit, credit used (unpaid invoices) and whether the customer is on hold."""
    ctx = context(now)
    try:
        with ctx.db.read() as session:
            found = find_company(session, company)
            if found is None:
                raise CliError(f"no company {company!r}")
            status = credit_status(session, found.id, now=ctx.now(), tz=ctx.settings.zone)
            name = found.name
    finally:
        ctx.close()
    cur = status.currency or ""
    limit = format_money(status.limit_minor, cur) if status.limit_minor is not None else "none"
    used = format_money(status.used_minor, cur) if cur else "nothing"
    typer.echo(f"{name}: limit {limit}, used {used}" + (" — ON HOLD" if status.on_hold else ""))
    for other, amount in sorted(status.other_currencies.items()):
        typer.echo(f"  also unpaid: {format_money(amount, other)}")


@credit_app.command("set")
def credit_set(
    company: str = COMPANY,
    amount: str = typer.Argument(..., help="the limit, e.g. 50000.00 (or 'none')"),
    currency: str | None = typer.Argument(None, help="ISO currency, e.g. EUR"),
    now: str | None = NOW,
) -> None:
    """Set a company's credit limit (`none` removes it)."""
    ctx = context(now)
    try:
        with ctx.db.write() as session:
            found = find_company(session, company)
            if found is None:
                raise CliError(f"no company {company!r}")
            if amount.lower() == "none":
                set_credit_limit(session, found.id, limit_minor=None, currency=None, now=ctx.now())
                message = f"{found.name}: no credit limit"
            else:
                code = check_currency(currency or found.currency or "")
                minor = to_minor(amount, code)
                set_credit_limit(session, found.id, limit_minor=minor, currency=code, now=ctx.now())
                message = f"{found.name}: credit limit {format_money(minor, code)}"
    except (MoneyError, ValueError) as exc:
        raise CliError(str(exc)) from None
    finally:
        ctx.close()
    typer.echo(message)
