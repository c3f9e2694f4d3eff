"""`crm import …` and `crm export …`: one typer group each, one subcommand per kind.

Each kind lives in its own module (contacts in bot/cli/contacts.py) and is registered
here with one line, so orders, invoices and payments can join without touching others.
"""

from __future__ import annotations

import typer

from bot.cli import contacts, sales

import_app = typer.Typer(help="Import records from files.", no_args_is_help=True)
export_app = typer.Typer(help="Export records to files.", no_args_is_help=True)

import_app.command("contacts")(contacts.import_contacts_command)
export_app.command("contacts")(contacts.export_contacts_command)

import_app.command("orders")(sales.import_orders)
import_app.command("invoices")(sales.import_invoices)
import_app.command("payments")(sales.import_payments)
export_app.command("orders")(sales.export_orders)
export_app.command("invoices")(sales.export_invoices)
export_app.command("aging")(sales.export_aging)
