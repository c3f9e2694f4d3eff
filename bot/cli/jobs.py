"""`crm jobs run NAME [--now]` and `crm digest preview --as EMAIL [--html] [--now]`."""

from __future__ import annotations

import typer

from bot.cli.common import CliError, context
from jobs import digest
from jobs.mailer import worker_id
from jobs.sweeps import JOBS, run_job
from store.users import find_user

app = typer.Typer(help="Scheduled jobs, one sweep at a time.", no_args_is_help=True)
digest_app = typer.Typer(help="The daily digest.", no_args_is_help=True)


@app.command("run")
def run(
    name: str = typer.Argument(..., help=" | ".join(JOBS)),
    now: str | None = typer.Option(None, "--now", help="run as if it were this ISO-8601 time"),
) -> None:
    """Run one sweep of a job as the scheduler would; prints what it queued."""
    if name not in JOBS:
        raise typer.BadParameter(f"unknown job {name!r}; one of: {', '.join(JOBS)}")
    ctx = context(now)
    try:
        result = run_job(ctx.db, ctx.settings, name, ctx.now(), worker=f"cli:{worker_id()}")
    finally:
        ctx.close()
    extra = ", ".join(f"{k} {v}" for k, v in sorted(result.details.items()) if v)
    typer.echo(f"{name}: queued {result.queued} message(s)" + (f" ({extra})" if extra else ""))


@digest_app.command("preview")
def preview(
    as_email: str = typer.Option(..., "--as", help="the team member whose digest to show"),
    html: bool = typer.Option(False, "--html", help="print the HTML part instead of the text"),
    now: str | None = typer.Option(None, "--now", help="as if it were this ISO-8601 time"),
) -> None:
    """Today's digest for one user, printed instead of sent."""
    ctx = context(now)
    try:
        with ctx.db.read() as session:
            user = find_user(session, as_email)
            if user is None:
                raise CliError(f"{as_email} is not a team member")
            rendered = digest.preview(session, ctx.settings, user, ctx.now())
    finally:
        ctx.close()
    if html:
        typer.echo(rendered.html)
    else:
        typer.echo(f"Subject: {rendered.subject}\n")
        typer.echo(rendered.text)
