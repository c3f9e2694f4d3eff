"""`crm init`, `crm serve` and `crm user …`."""

from __future__ import annotations

import asyncio
import logging

import typer

from bot.cli.common import CliError, context
from bot.serve import serve
from store import migrate
from store.models import Role
from store.users import UserError, add_user, forwarding_address

user_app = typer.Typer(help="Team members.", no_args_is_help=True)


def init() -> None:
    """Create or upgrade the database; safe to repeat."""
    ctx = context()
    migrate.upgrade(ctx.db)
    typer.echo(f"database ready at {ctx.db.engine.url.render_as_string(hide_password=True)}")
    ctx.close()


def serve_command(
    log_level: str = typer.Option("INFO", "--log-level", help="DEBUG, INFO, WARNING…"),
) -> None:
    """Run every configured channel, the scheduler and the mailer until SIGTERM/SIGINT."""
    logging.basicConfig(
        level=log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    ctx = context()
    try:
        asyncio.run(serve(ctx))
    finally:
        ctx.close()


@user_app.command("add")
def user_add(
    email: str,
    name: str = typer.Option(..., "--name", help="Full name"),
    role: Role = typer.Option(Role.MEMBER, "--role"),
    slack_id: str | None = typer.Option(None, "--slack-id"),
    tz: str = typer.Option("UTC", "--tz", help="IANA time zone, e.g. Europe/Berlin"),
) -> None:
    """Add a team member; the last line printed is their personal forwarding address."""
    ctx = context()
    try:
        with ctx.db.write() as session:
            user = add_user(
                session, email=email, name=name, role=role, slack_id=slack_id, timezone=tz
            )
            address = forwarding_address(user, ctx.settings.mail_domain)
    except UserError as exc:
        raise CliError(str(exc)) from None
    finally:
        ctx.close()
    typer.echo(f"added {user.name} <{user.email}> as {user.role}")
    typer.echo("forward customer emails to:")
    typer.echo(address)
