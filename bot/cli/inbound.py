"""`crm inbound list|retry` and `crm ingest`: received mail, seen and handled by hand."""

from __future__ import annotations

import mailbox
from collections.abc import Iterator
from email.parser import BytesHeaderParser
from email.policy import compat32
from email.utils import parseaddr
from pathlib import Path
from typing import Any

import typer
from sqlalchemy import select

from bot.cli.common import CliError, context, print_json
from bot.intake.process import process_inbound
from bot.intake.receive import Incoming, file_one
from store.models import InboundMessage, InboundStatus
from store.users import find_user

app = typer.Typer(help="Received mail: list it, process a message again.", no_args_is_help=True)


def _sender(row: InboundMessage) -> str:
    try:
        headers = BytesHeaderParser(policy=compat32).parsebytes(row.raw, headersonly=True)
        address = parseaddr(str(headers.get("From", "")))[1]
    except Exception:
        address = ""
    return address or row.mail_from or ""


def _as_json(row: InboundMessage) -> dict[str, Any]:
    return {
        "id": row.id,
        "received": row.received_at.isoformat(),
        "channel": row.channel,
        "from": _sender(row),
        "to": row.rcpt_to,
        "subject": row.subject,
        "status": str(row.status),
        "reasons": list(row.reasons or []),
        "error": row.error,
        "attempts": row.attempts,
    }


@app.command("list")
def list_command(
    as_json: bool = typer.Option(False, "--json", help="One JSON document on stdout."),
    status: InboundStatus | None = typer.Option(None, "--status", help="Only this status."),
    limit: int = typer.Option(50, "--limit", min=1, help="Most recent N messages."),
) -> None:
    """Received messages, newest first, with their status and reasons or error."""
    ctx = context()
    try:
        with ctx.db.read() as session:
            query = select(InboundMessage).order_by(InboundMessage.id.desc()).limit(limit)
            if status is not None:
                query = query.where(InboundMessage.status == status)
            rows = [_as_json(r) for r in session.scalars(query)]
    finally:
        ctx.close()
    if as_json:
        print_json(rows)
        return
    if not rows:
        typer.echo("no received messages")
    for r in rows:
        detail = r["error"] or "; ".join(r["reasons"])
        line = (
            f"#{r['id']}  {r['received'][:19]}  {r['status']:<9}  {r['from']}  {r['subject'] or ''}"
        )
        typer.echo(line + (f"  ({detail})" if detail else ""))


@app.command("retry")
def retry_command(
    inbound_id: int = typer.Argument(..., metavar="ID"),
    now: str | None = typer.Option(None, "--now", help="ISO time to process at."),
) -> None:
    """Process one message again: a failed one, or a held one you confirm as yours."""
    ctx = context(now)
    try:
        with ctx.db.read() as session:
            row = session.get(InboundMessage, inbound_id)
            if row is None:
                raise CliError(f"no received message #{inbound_id}")
            if row.status is InboundStatus.PROCESSED:
                raise CliError(f"message #{inbound_id} was processed already")
        outcome = process_inbound(ctx, inbound_id, retry=True)
    finally:
        ctx.close()
    if outcome.status is None:
        raise CliError(f"message #{inbound_id}: {outcome.summary}")
    typer.echo(
        _outcome_line(
            inbound_id, str(outcome.status), outcome.summary, outcome.reasons, outcome.error
        )
    )
    if outcome.status is InboundStatus.FAILED:
        raise typer.Exit(1)


def _outcome_line(
    inbound_id: int, status: str, summary: str, reasons: tuple[str, ...], error: str | None
) -> str:
    detail = error or "; ".join(r for r in reasons if r)
    text = f"#{inbound_id} {status}: {summary}"
    return text + (f" ({detail})" if detail and detail != summary else "")


def messages_at(path: Path) -> Iterator[tuple[str, bytes]]:
    """Each message in a file, a folder of .eml files or an mbox, with a label for it."""
    if path.is_dir():
        for item in sorted(path.iterdir()):
            if item.is_file() and not item.name.startswith("."):
                yield from messages_at(item)
        return
    data = path.read_bytes()
    if data.startswith(b"From "):
        box = mailbox.mbox(str(path), create=False)
        try:
            for index, message in enumerate(box):
                yield f"{path.name}[{index}]", message.as_bytes()
        finally:
            box.close()
        return
    yield path.name, data


def ingest(
    path: Path = typer.Argument(..., exists=True, help="An .eml file, a folder or an mbox."),
    as_email: str = typer.Option(..., "--as", help="The team member it comes from."),
    now: str | None = typer.Option(None, "--now", help="ISO time to process at."),
) -> None:
    """Feed mail through the same intake as SMTP; one line per message with its outcome."""
    ctx = context(now)
    failed = 0
    try:
        with ctx.db.read() as session:
            user = find_user(session, as_email)
            if user is None:
                raise CliError(f"{as_email} is not a team member (crm user add)")
            user_id = user.id
        for label, raw in messages_at(path):
            item = Incoming(
                channel="ingest",
                raw=raw,
                received_at=ctx.now(),
                user_id=user_id,
                rcpt_to=f"ingest:{user_id}",
            )
            filed = file_one(ctx.db, item)
            if filed.duplicate:
                typer.echo(f"{label}: #{filed.inbound_id} already received, skipped")
                continue
            outcome = process_inbound(ctx, filed.inbound_id)
            failed += outcome.status is InboundStatus.FAILED
            line = _outcome_line(
                filed.inbound_id,
                str(outcome.status),
                outcome.summary,
                outcome.reasons,
                outcome.error,
            )
            typer.echo(f"{label}: {line}")
    finally:
        ctx.close()
    if failed:
        raise CliError(f"{failed} message(s) failed; see crm inbound list")
