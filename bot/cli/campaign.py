"""`crm campaign …`: newsletters from the command line."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import typer
from sqlalchemy import select

from bot.cli.common import CliError, context, parse_now, print_json
from bot.context import AppContext
from jobs.campaigns import runner, service
from jobs.campaigns.delivery import deliver_due
from jobs.campaigns.render import TemplateError
from jobs.campaigns.runner import send_to_end
from jobs.campaigns.segments import SegmentError, audience
from jobs.campaigns.transport import close_all, transport_for, transports_for
from store.models import Campaign
from store.users import find_user

app = typer.Typer(help="Newsletters: create, preview, test, send, follow.", no_args_is_help=True)

NOW = typer.Option(None, "--now", help="Pretend it is this ISO-8601 time")
ERRORS = (service.CampaignError, TemplateError, SegmentError)


def _body(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise CliError(f"cannot read {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise CliError(f"{path} is not UTF-8 text") from None


def _running_clock(ctx: AppContext) -> Callable[[], datetime]:
    """The command's `now` (fixed by --now or not) advancing with the wall clock."""
    start, began = ctx.now(), time.monotonic()
    return lambda: start + timedelta(seconds=time.monotonic() - began)


@app.command("create")
def create(
    name: str = typer.Option(..., "--name", help="A unique name"),
    subject: str = typer.Option(..., "--subject", help="Subject line; may use {{ first_name }}"),
    body: Path = typer.Option(..., "--body", help="Markdown file with {{ name }} fields"),
    segment: str = typer.Option("", "--segment", help='e.g. "tag:newsletter lifecycle:customer"'),
    track_clicks: bool = typer.Option(False, "--track-clicks", help="Count clicks via redirect"),
    owner: str | None = typer.Option(None, "--as", help="Team member who owns it"),
    now: str | None = NOW,
) -> None:
    """Create a draft campaign."""
    text = _body(body)
    ctx = context(now)
    try:
        with ctx.db.write() as session:
            user = find_user(session, owner) if owner else None
            if owner and user is None:
                raise CliError(f"no team member with the address {owner}")
            campaign = service.create_campaign(
                session,
                name=name,
                subject=subject,
                body_md=text,
                segment=segment,
                created_by_id=user.id if user else None,
                track_clicks=track_clicks,
                now=ctx.now(),
            )
            size = len(audience(session, campaign.segment, now=ctx.now(), zone=ctx.settings.zone))
    except ERRORS as exc:
        raise CliError(str(exc)) from None
    finally:
        ctx.close()
    people = "person" if size == 1 else "people"
    typer.echo(f"created campaign {name!r} (draft); the segment selects {size} {people} today")


@app.command("update")
def update(
    name: str,
    subject: str | None = typer.Option(None, "--subject"),
    body: Path | None = typer.Option(None, "--body"),
    segment: str | None = typer.Option(None, "--segment"),
    track_clicks: bool | None = typer.Option(None, "--track-clicks/--no-track-clicks"),
) -> None:
    """Change a draft or scheduled campaign."""
    text = _body(body) if body else None
    ctx = context()
    try:
        with ctx.db.write() as session:
            campaign = service.get_campaign(session, name)
            service.update_campaign(
                session,
                campaign,
                subject=subject,
                body_md=text,
                segment=segment,
                track_clicks=track_clicks,
            )
    except ERRORS as exc:
        raise CliError(str(exc)) from None
    finally:
        ctx.close()
    typer.echo(f"updated campaign {name!r}")


@app.command("preview")
def preview(
    name: str,
    contact: str | None = typer.Option(None, "--contact", help="Render for this contact"),
    as_html: bool = typer.Option(False, "--html", help="Print the HTML part"),
    now: str | None = NOW,
) -> None:
    """Show the message one person would get, and the audience size."""
    ctx = context(now)
    try:
        with ctx.db.read() as session:
            campaign = service.get_campaign(session, name)
            shown = service.preview(
                session, campaign, ctx.settings, contact_email=contact, now=ctx.now()
            )
    except ERRORS as exc:
        raise CliError(str(exc)) from None
    finally:
        ctx.close()
    typer.echo(f"To: {shown.to}\nSubject: {shown.subject}\nAudience today: {shown.audience_size}")
    typer.echo("")
    typer.echo(shown.html if as_html else shown.text)


@app.command("test")
def test(
    name: str,
    to: str = typer.Option(..., "--to", help="Your own address"),
    now: str | None = NOW,
) -> None:
    """Send one copy, subject marked [TEST], to yourself; it counts nowhere."""
    ctx = context(now)
    try:
        with ctx.db.write() as session:
            campaign = service.get_campaign(session, name)
            row = service.test_send(session, campaign, ctx.settings, to=to, now=ctx.now())
            subject = row.subject
        transport = transport_for(ctx.settings.relay_url, ctx.settings.maildir)
        try:
            report = deliver_due(
                ctx.db,
                ctx.settings,
                transport,
                clock=_running_clock(ctx),
                kinds=(service.TEST_KIND,),
            )
        finally:
            transport.close()
    except ERRORS as exc:
        raise CliError(str(exc)) from None
    finally:
        ctx.close()
    if not report.sent:
        raise CliError(f"the test message to {to} was not delivered; see `crm outbox list`")
    typer.echo(f"sent {subject!r} to {to}")


@app.command("send")
def send(
    name: str,
    at: str | None = typer.Option(None, "--at", help="Schedule for this ISO-8601 time"),
    background: bool = typer.Option(
        False, "--background", help="Only start it; `crm serve` does the sending"
    ),
    now: str | None = NOW,
) -> None:
    """Send now (in the foreground, resumable) or schedule with --at."""
    ctx = context(now)
    try:
        if at is not None:
            when = parse_now(at)
            with ctx.db.write() as session:
                campaign = service.get_campaign(session, name)
                service.schedule(session, campaign, when, now=ctx.now())
            typer.echo(f"campaign {name!r} scheduled for {when.isoformat()}")
            return
        with ctx.db.write() as session:
            campaign = service.get_campaign(session, name)
            size = service.start(session, campaign, ctx.settings, now=ctx.now())
        typer.echo(f"campaign {name!r} sending to {size} recipients")
        if background:
            return
        transports = transports_for(
            ctx.settings.relay_url, ctx.settings.maildir, ctx.settings.campaign_connections
        )
        try:
            report = send_to_end(ctx.db, ctx.settings, transports, clock=_running_clock(ctx))
        finally:
            close_all(transports)
        with ctx.db.read() as session:
            stats = service.stats(session, service.get_campaign(session, name))
    except ERRORS as exc:
        raise CliError(str(exc)) from None
    finally:
        ctx.close()
    typer.echo(
        f"campaign {name!r} {stats.status}: {stats.sent} sent, {stats.failed} failed, "
        f"{stats.skipped} skipped, {stats.queued + stats.pending} waiting"
    )
    if report.waiting:
        typer.echo(f"stopped: {report.waiting}; `crm serve` or `crm campaign send` continues")
    if stats.status == "paused":
        raise CliError(f"campaign {name!r} paused after repeated delivery errors")


@app.command("status")
def status(name: str, as_json: bool = typer.Option(False, "--json")) -> None:
    """Counts: audience, sent, delivered, bounced, unsubscribed, complained, clicks."""
    ctx = context()
    try:
        with ctx.db.read() as session:
            stats = service.stats(session, service.get_campaign(session, name))
    except ERRORS as exc:
        raise CliError(str(exc)) from None
    finally:
        ctx.close()
    if as_json:
        print_json(stats.as_dict())
        return
    for key, value in stats.as_dict().items():
        if value is not None:
            typer.echo(f"{key:>13}: {value}")


@app.command("pause")
def pause(name: str) -> None:
    """Stop sending; what is queued waits until resume."""
    _flip(name, service.pause, "paused")


@app.command("resume")
def resume(name: str) -> None:
    """Let a paused campaign continue (with `crm serve`, or `crm campaign send NAME`)."""
    _flip(name, lambda s, c: service.resume(s, c), "resumed")


def _flip(name: str, action: Callable[..., Campaign], word: str) -> None:
    ctx = context()
    try:
        with ctx.db.write() as session:
            action(session, service.get_campaign(session, name))
    except ERRORS as exc:
        raise CliError(str(exc)) from None
    finally:
        ctx.close()
    typer.echo(f"campaign {name!r} {word}")


@app.command("run")
def run_sweep(
    budget: float = typer.Option(50.0, "--budget", help="Seconds to work at most"),
    now: str | None = NOW,
) -> None:
    """One sweep as the scheduler runs it: start due campaigns, queue, deliver."""
    ctx = context(now)
    try:
        report = runner.run(ctx.db, ctx.settings, ctx.now(), budget=budget)
    finally:
        ctx.close()
    typer.echo(
        f"started {len(report.started)}, queued {report.queued}, skipped {report.skipped}, "
        f"sent {report.delivery.sent}, failed {report.delivery.failed}, "
        f"deferred {report.delivery.deferred}, finished {len(report.finished)}"
    )


@app.command("list")
def list_campaigns(as_json: bool = typer.Option(False, "--json")) -> None:
    """Every campaign with its status."""
    ctx = context()
    try:
        with ctx.db.read() as session:
            rows = [
                service.stats(session, c)
                for c in session.scalars(select(Campaign).order_by(Campaign.id))
            ]
    finally:
        ctx.close()
    if as_json:
        print_json([r.as_dict() for r in rows])
        return
    for r in rows:
        typer.echo(f"{r.name}\t{r.status}\t{r.sent}/{r.audience} sent")
