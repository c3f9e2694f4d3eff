"""The `crm` entry point: every command group is registered here."""

from __future__ import annotations

import logging
import os
import sys

import typer

from bot.cli import ask, campaign, core, inbound, jobs, outbox, parse, sales, transfer
from bot.cli.common import CliError
from store.settings import SettingsError

app = typer.Typer(
    help="CRM Assistant: the CRM your team talks to by email and Slack.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.command("init")(core.init)
app.command("serve")(core.serve_command)
app.add_typer(core.user_app, name="user")
app.add_typer(transfer.import_app, name="import")
app.add_typer(transfer.export_app, name="export")
app.command("parse")(parse.parse_command)
app.add_typer(sales.sync_app, name="sync")
app.add_typer(sales.credit_app, name="credit")
app.add_typer(jobs.app, name="jobs")
app.add_typer(jobs.digest_app, name="digest")
app.add_typer(outbox.app, name="outbox")
app.add_typer(inbound.app, name="inbound")
app.command("ingest")(inbound.ingest)
app.command("ask")(ask.ask)
app.add_typer(campaign.app, name="campaign")


def main(argv: list[str] | None = None) -> None:
    """Run `crm`; exit 0 on success, 2 on a usage error, 1 with one line on stderr otherwise.

    Typer's standalone mode already turns usage errors into exit 2; what escapes it is ours.
    """
    try:
        app(args=argv, prog_name="crm")
    except (CliError, SettingsError) as exc:
        typer.echo(f"error: {exc}", err=True)
        sys.exit(1)
    except Exception as exc:
        if os.environ.get("CRM_DEBUG"):
            raise
        logging.getLogger("crm").debug("unhandled", exc_info=True)
        typer.echo(f"error: {type(exc).__name__}: {exc}", err=True)
        sys.exit(1)
