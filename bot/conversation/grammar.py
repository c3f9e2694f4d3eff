"""The one seam between the conversation and the chat grammar (`parsers.command`).

Everything downstream reads only `ParsedCommand`; the argument names it relies on:
find {query, email}; log {kind, who, company, summary}; note {target, text};
task {title} + due; done {task_id}; snooze {task_id, when, error?} + due;
order/invoice {number}; orders/invoices/overdue {query}; paid {number, amount, currency};
promise {number, company} + due; stale {days}.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from parsers.command import parse_command
from parsers.types import ParsedCommand


def parse(text: str, *, now: datetime, tz: ZoneInfo) -> ParsedCommand:
    """Understand one chat line as an intent with arguments, in the asker's zone."""
    return parse_command(text, now=now, tz=tz)
