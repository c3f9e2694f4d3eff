"""What every `crm` subcommand shares: the context, `--now`, and clean failures."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from typing import Any

import typer

from bot.context import AppContext


class CliError(Exception):
    """A failure to report as one line on stderr with exit status 1."""


def context(now: str | None = None) -> AppContext:
    """Build the composition root for one command; `now` fixes the clock."""
    ctx = AppContext.from_env()
    if now is not None:
        fixed = parse_now(now)
        ctx.clock = lambda: fixed
    return ctx


def parse_now(value: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise typer.BadParameter(f"not an ISO-8601 time: {value!r}") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


def print_json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write("\n")
