"""The mail channels `crm serve` runs: the intake worker, the SMTP front, the IMAP poller."""

from __future__ import annotations

from typing import Any

from bot.context import AppContext
from bot.intake.worker import IntakeWorker


def intake_components(ctx: AppContext) -> list[Any]:
    """Worker first so it is ready when the first message is filed; stopped last."""
    from bot.smtp import SmtpServer

    worker = IntakeWorker(ctx)
    components: list[Any] = [worker, SmtpServer(ctx, on_filed=worker.wake)]
    if ctx.settings.imap_url:
        from bot.imap import ImapPoller

        components.append(ImapPoller(ctx, on_filed=worker.wake))
    return components
