"""The App Home tab: my open tasks and the overdue invoices of the accounts I own."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.conversation.engine import zone_for
from bot.conversation.sales import overdue_views
from bot.conversation.tasks import task_line
from bot.conversation.turn import Turn
from bot.slack.blocks import Block, button, escape
from bot.slack.users import REFUSAL
from parsers.types import ParsedCommand
from store.models import User
from store.tasks import open_tasks

if TYPE_CHECKING:
    from bot.slack.app import SlackDeps


def _section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": escape(text)[:2900]}}


def _header(text: str) -> Block:
    return {"type": "header", "text": {"type": "plain_text", "text": text}}


def home_view(deps: SlackDeps, user: User | None) -> dict[str, Any]:
    if user is None:
        return {"type": "home", "blocks": [_section(REFUSAL)]}
    now = deps.now()
    zone = zone_for(user, deps.settings, None)
    blocks: list[Block] = []
    with deps.db.read() as session:
        turn = Turn(session, deps.settings, user, ParsedCommand("home", ""), now, zone, "slack")
        tasks = list(open_tasks(session, user.id))[:40]
        blocks.append(_header(f"My open tasks ({len(tasks)})"))
        if not tasks:
            blocks.append(_section("Nothing open. Add one with `/crm remind me to …`"))
        for task in tasks:
            block = _section(task_line(task, turn))
            block["accessory"] = button("Done", "task_done", str(task.id), "primary")
            blocks.append(block)
        overdue = overdue_views(turn, owner_id=user.id)[:40]
        blocks.append({"type": "divider"})
        blocks.append(_header(f"Overdue invoices of my accounts ({len(overdue)})"))
        if not overdue:
            blocks.append(_section("None of your accounts has an overdue invoice."))
        for view in overdue:
            customer = view.invoice.company.name if view.invoice.company else "unknown"
            blocks.append(_section(f"{customer}: {view.line(zone)}"))
    return {"type": "home", "blocks": blocks[:100]}
