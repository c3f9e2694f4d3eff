"""`crm outbox list [--json]`, `crm outbox deliver [--now]` and `crm outbox retry ID`."""

from __future__ import annotations

import asyncio
from typing import Any

import typer
from sqlalchemy import select

from bot.cli.common import CliError, context, print_json
from jobs.mailer import Mailer
from store.models import OutboxMessage, OutboxStatus
from store.outbox import NotRetryable, requeue

app = typer.Typer(help="What is queued to send, and sending it.", no_args_is_help=True)


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _row(m: OutboxMessage) -> dict[str, Any]:
    return {
        "id": m.id,
        "kind": m.kind,
        "dedupe_key": m.dedupe_key,
        "to": m.to_addr,
        "subject": m.subject,
        "status": str(m.status),
        "due_at": _iso(m.due_at),
        "sent_at": _iso(m.sent_at),
        "attempts": m.attempts,
        "last_error": m.last_error,
    }


@app.command("list")
def list_outbox(
    as_json: bool = typer.Option(False, "--json", help="one JSON list on stdout"),
    status: OutboxStatus | None = typer.Option(None, "--status", help="only rows in this state"),
    limit: int = typer.Option(200, "--limit", min=1),
) -> None:
    """Queued, sent and failed messages, newest first."""
    ctx = context()
    try:
        with ctx.db.read() as session:
            query = select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit)
            if status is not None:
                query = query.where(OutboxMessage.status == status)
            rows = [_row(m) for m in session.scalars(query)]
    finally:
        ctx.close()
    if as_json:
        print_json(rows)
        return
    if not rows:
        typer.echo("the outbox is empty")
    for r in rows:
        due = (r["due_at"] or "")[:16]
        line = f"{r['id']:>6} {r['status']:<9} {due} {r['kind']:<16} {r['to']}  {r['subject']}"
        if r["last_error"]:
            line += f"  [{r['attempts']} attempt(s): {r['last_error']}]"
        typer.echo(line)


@app.command("deliver")
def deliver(
    now: str | None = typer.Option(None, "--now", help="deliver what is due at this ISO time"),
) -> None:
    """Deliver every message due now through the relay, or into the Maildir without one."""
    ctx = context(now)
    try:
        report = asyncio.run(Mailer(ctx.db, ctx.settings).deliver_due(ctx.now()))
    finally:
        ctx.close()
    typer.echo(f"delivered {report.sent}, retrying {report.retried}, failed {report.failed}")


@app.command("retry")
def retry(
    row_id: int = typer.Argument(..., metavar="ID", help="the failed outbox row"),
    now: str | None = typer.Option(None, "--now", help="due at this ISO time (default now)"),
) -> None:
    """Send one failed message once more: it is due now, its attempts kept. For a message
    interrupted while the relay was taking it, check first that it did not arrive."""
    ctx = context(now)
    try:
        with ctx.db.write() as session:
            row = requeue(session, row_id, now=ctx.now())
            line = f"outbox {row.id} queued again: {row.to_addr}  {row.subject}"
    except NotRetryable as exc:
        raise CliError(str(exc)) from None
    finally:
        ctx.close()
    typer.echo(line)
