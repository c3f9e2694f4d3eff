"""Block Kit for a conversation `Reply`: the same text, plus buttons that work.

Buttons: `undo` (value = change id) after a write, `task_done` / `task_snooze` (value =
task id) beside open tasks, `confirm` (value = JSON of the command and the chosen record)
when several customers match.
"""

from __future__ import annotations

import json
from typing import Any

from bot.conversation import Reply

Block = dict[str, Any]
SECTION_LIMIT = 2900


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def text_sections(text: str) -> list[Block]:
    """The reply text in as many sections as Slack's 3,000-character limit needs."""
    chunks: list[str] = []
    current = ""
    for line in escape(text).splitlines() or [""]:
        if current and len(current) + len(line) + 1 > SECTION_LIMIT:
            chunks.append(current)
            current = ""
        current = f"{current}\n{line}" if current else line[:SECTION_LIMIT]
    chunks.append(current or " ")
    return [{"type": "section", "text": {"type": "mrkdwn", "text": c}} for c in chunks[:40]]


def button(label: str, action_id: str, value: str, style: str | None = None) -> Block:
    block: Block = {
        "type": "button",
        "text": {"type": "plain_text", "text": label},
        "action_id": action_id,
        "value": value,
    }
    if style:
        block["style"] = style
    return block


def blocks_for(reply: Reply) -> list[Block]:
    blocks = text_sections(reply.text)
    for task in reply.tasks[:10]:
        if task.get("status") == "open":
            blocks.append(
                {
                    "type": "actions",
                    "block_id": f"task_{task['id']}",
                    "elements": [
                        button(f"Done #{task['id']}", "task_done", str(task["id"]), "primary"),
                        button("Snooze 1 day", "task_snooze", str(task["id"])),
                    ],
                }
            )
    blocks += _choice_blocks(reply)
    if reply.change_id is not None:
        blocks.append(
            {
                "type": "actions",
                "block_id": "undo",
                "elements": [button("Undo", "undo", str(reply.change_id), "danger")],
            }
        )
    return blocks[:50]


def _choice_blocks(reply: Reply) -> list[Block]:
    choices = reply.extra.get("choices") or ()
    command = str(reply.extra.get("confirm_text") or "find")
    blocks: list[Block] = []
    for i, match in enumerate(choices, 1):
        value = json.dumps({"text": command, "kind": match.kind, "id": match.id})
        if len(value) > 2000:
            break
        blocks.append(
            {
                "type": "section",
                "block_id": f"choice_{i}",
                "text": {"type": "mrkdwn", "text": escape(f"{i}. {match.label} ({match.kind})")},
                "accessory": button("Confirm", "confirm", value),
            }
        )
    return blocks
