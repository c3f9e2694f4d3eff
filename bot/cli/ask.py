"""`crm ask --as EMAIL "TEXT"`: the Slack conversation, answered on stdout."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import typer

from bot.cli.common import CliError, context, print_json
from store.users import find_user


def ask(
    text: str = typer.Argument(..., help="What you would type after /crm in Slack"),
    as_email: str = typer.Option(..., "--as", help="The team member asking"),
    as_json: bool = typer.Option(False, "--json", help="Print the reply and its records as JSON"),
    now: str | None = typer.Option(None, "--now", help="ISO-8601 time to answer at"),
    tz: str | None = typer.Option(None, "--tz", help="IANA zone; default: the member's own"),
) -> None:
    """Ask the CRM as a team member would in Slack."""
    zone = None
    if tz is not None:
        try:
            zone = ZoneInfo(tz)
        except (ZoneInfoNotFoundError, ValueError):
            raise typer.BadParameter(f"unknown time zone {tz!r}", param_hint="--tz") from None
    from bot.conversation import answer  # the grammar loads only for `ask`

    ctx = context(now)
    try:
        with ctx.db.read() as session:
            user = find_user(session, as_email)
        if user is None or not user.active:
            raise CliError(f"{as_email} is not a team member (add them with `crm user add`)")
        reply = answer(ctx.db, ctx.settings, user, text, now=ctx.now(), tz=zone, source="cli")
    finally:
        ctx.close()
    if as_json:
        print_json(reply.to_json())
    else:
        typer.echo(reply.text)
