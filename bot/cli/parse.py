"""`crm parse FILE --json`: what the product understands from one email, without a database."""

from __future__ import annotations

import sys
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import typer

from bot.cli.common import CliError, parse_now, print_json
from bot.context import system_clock
from parsers import peers
from parsers.email import parse_email
from parsers.types import ParseError
from store.settings import load_settings

MAX_BYTES = 50 * 1024 * 1024


def parse_command(
    file: str = typer.Argument(..., help="An .eml file, or - for standard input"),
    as_json: bool = typer.Option(False, "--json", help="Print the parse contract as JSON"),
    now: str | None = typer.Option(None, "--now", help="ISO-8601 time 'tomorrow' counts from"),
    tz: str | None = typer.Option(None, "--tz", help="IANA zone (default: CRM_TIMEZONE)"),
) -> None:
    """Parse one email (forward, note, signature, tasks, references) and print the result."""
    settings = load_settings()
    zone = _zone(tz or settings.timezone)
    moment = parse_now(now) if now else system_clock()
    raw = _read(file)
    nlp = peers.pipeline(None, settings.spacy_model) if settings.spacy_model else None
    try:
        parsed = parse_email(
            raw, now=moment, tz=zone, default_region=settings.default_region, nlp=nlp
        )
    except ParseError as exc:
        raise CliError(f"{file}: {exc}") from None
    if as_json:
        print_json(parsed.to_json())
        return
    fwd = parsed.forwarded
    sender = fwd.sender if fwd else parsed.sender
    typer.echo(f"subject:   {parsed.subject or ''}")
    typer.echo(f"from:      {_who(sender)}{'  (forwarded)' if fwd else ''}")
    typer.echo(f"language:  {parsed.language or '?'}")
    for contact in parsed.contacts:
        typer.echo(f"contact:   {contact.name or ''} <{contact.email or ''}> {contact.phone or ''}")
    for task in parsed.tasks:
        typer.echo(f"task:      {task.title} (due {task.due.isoformat() if task.due else '-'})")
    for ref in parsed.references:
        typer.echo(f"reference: {ref.kind} {ref.number}")
    for amount in parsed.amounts:
        typer.echo(f"amount:    {amount.value} {amount.currency or ''}")


def _who(address: object) -> str:
    name = getattr(address, "name", None)
    email = getattr(address, "email", "")
    return f"{name} <{email}>" if name else str(email or "-")


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise typer.BadParameter(f"unknown time zone {name!r}", param_hint="--tz") from None


def _read(file: str) -> bytes:
    if file == "-":
        data = sys.stdin.buffer.read(MAX_BYTES + 1)
    else:
        path = Path(file)
        if not path.is_file():
            raise CliError(f"{file}: no such file")
        try:
            with path.open("rb") as handle:
                data = handle.read(MAX_BYTES + 1)
        except OSError as exc:
            raise CliError(f"{file}: {exc.strerror or exc}") from None
    if len(data) > MAX_BYTES:
        raise CliError(f"{file}: larger than {MAX_BYTES // (1024 * 1024)} MB, not parsed")
    return data
