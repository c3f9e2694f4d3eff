"""Who sent it: the personal token names the user, but the mail must also come from them.

A message sent to someone's personal address from an address that is not theirs, or whose
Authentication-Results say the forwarder's domain failed DKIM or SPF, is held until the
user confirms it; nothing is applied silently on a stranger's word.
"""

from __future__ import annotations

import re
from email.message import Message

from bot.intake.noise import from_address
from store.models import User
from store.normalize import email_domain
from store.users import addresses_of

_RESULT = re.compile(r"\b(dkim|spf|dmarc)\s*=\s*([a-z]+)([^;]*)", re.IGNORECASE)
_PROP = re.compile(r"\b(header\.d|header\.i|header\.from|smtp\.mailfrom|smtp\.helo)\s*=\s*(\S+)")


def authentication_failures(msg: Message, domain: str) -> list[str]:
    """Failed DKIM/SPF/DMARC results that concern `domain` (results naming no domain count)."""
    failures: list[str] = []
    try:
        values = [str(v) for v in msg.get_all("Authentication-Results", [])]
    except Exception:
        return failures
    for value in values:
        for method, result, props in _RESULT.findall(" ".join(value.split())):
            if result.lower() not in ("fail", "permerror"):
                continue
            named = [v.strip('"<>').rpartition("@")[2].lower() for _, v in _PROP.findall(props)]
            if not named or any(n == domain or n.endswith("." + domain) for n in named):
                failures.append(f"{method.lower()}={result.lower()} for {domain}")
    return failures


def hold_reasons(msg: Message, user: User) -> list[str]:
    """Why this message must wait for the user's confirmation; empty when it need not."""
    sender = from_address(msg)
    if not sender:
        return ["the message has no From address"]
    if sender not in addresses_of(user):
        return [f"sent from {sender}, which is not one of {user.email}'s addresses"]
    return authentication_failures(msg, email_domain(sender))
