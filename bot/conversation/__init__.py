"""The conversation: one grammar and one set of answers for Slack and `crm ask`."""

from bot.conversation.engine import VIEWER_REFUSAL, answer
from bot.conversation.reply import Reply
from bot.conversation.turn import Target

__all__ = ["VIEWER_REFUSAL", "Reply", "Target", "answer"]
