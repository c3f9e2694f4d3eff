"""The mail channels `crm serve` runs: the intake worker, the SMTP front, the IMAP poller."""

from __future__ import annotations

import os
from typing import Any

from bot.context import AppContext
from bot.intake.worker import IntakeWorker


def parse_processes_default() -> int:
    """One parser process per core beyond the first (which writes and serves), at most two."""
    return max(0, min(2, (os.cpu_count() or 1) - 1))


def intake_components(ctx: AppContext) -> list[Any]:
    """Worker first so it is ready when the first message is filed; stopped last."""
    from bot.smtp import SmtpServer

    worker = IntakeWorker(ctx, parse_processes=parse_processes_default())
    components: list[Any] = [worker, SmtpServer(ctx, on_filed=worker.wake)]
    if ctx.settings.imap_url:
        from bot.imap import ImapPoller

        components.append(ImapPoller(ctx, on_filed=worker.wake))
    return components
