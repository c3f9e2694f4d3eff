"""`help`: what one can say, the same text everywhere."""

from __future__ import annotations

from bot.conversation.reply import Reply
from bot.conversation.turn import Turn

HELP = """Things you can ask me:
  find acme | who is jane@acme.com | acme   the customer card
  log call with Jane: wants 50 more units   log an interaction (call, meeting, email, note)
  note acme: prefers email                   a note on a customer
  remind me to call Bob at Acme tomorrow at 10 | task send the quote friday
  tasks | done 12 | snooze 12 to Monday      your open tasks
  order SO-1042 | orders acme | invoice INV-2026-0031 | overdue
  paid INV-2026-0031 500 | promise INV-2026-0031 friday
  subscribe jane@acme.com | unsubscribe jane@acme.com   newsletter consent
  campaigns | campaign status|test|send|pause NAME   newsletters (admins)
  stale 30 | stats | digest | undo | help"""


def help_reply(turn: Turn) -> Reply:
    return Reply(HELP)
