"""The noise gate: mail that must never become a contact, as small named rules.

Each rule is a unit with a `name` and a `check()` returning a reason or None (Mailman's
rules). `silent` rules also forbid any reply (RFC 3834: never answer automatic, bulk,
list or null-return-path mail), which is what keeps two robots from talking forever.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from email.message import Message
from email.utils import getaddresses, parseaddr
from typing import Protocol

from store.normalize import email_domain, normalize_email


@dataclass(frozen=True)
class GateInput:
    """What the rules look at: the outer message's headers and who the original was between."""

    message: Message
    mail_from: str | None  # the envelope sender; "" is the null return path
    participants: tuple[str, ...] = ()  # addresses of the original conversation
    original_sender: str | None = None
    team_domains: frozenset[str] = field(default_factory=frozenset)


class Rule(Protocol):
    name: str
    silent: bool

    def check(self, msg: GateInput) -> str | None: ...


def header(msg: Message, name: str) -> str:
    try:
        value = msg.get(name)
    except Exception:
        return ""
    return " ".join(str(value).split()) if value is not None else ""


def from_address(msg: Message) -> str:
    return normalize_email(parseaddr(header(msg, "From"))[1])


_AUTO_SUBJECT = re.compile(
    r"^\s*(auto(matic)?[ -]?(reply|response|antwort)|out of (the )?office|abwesenheitsnotiz|"
    r"abwesend|automatische antwort|r[ée]ponse automatique|absence|autosvar|frånvaro|"
    r"автоответ|自动回复|vacation)",
    re.IGNORECASE,
)
_NOREPLY = re.compile(r"^(no[-_.]?reply|do[-_.]?not[-_.]?reply|donotreply|notifications?)(\+|$)")
_DAEMON = re.compile(r"^(mailer-daemon|postmaster|mail-daemon)$", re.IGNORECASE)


class AutoSubmitted:
    name = "auto-submitted"
    silent = True

    def check(self, msg: GateInput) -> str | None:
        value = header(msg.message, "Auto-Submitted").lower()
        if value and value != "no":
            return f"automatic message (Auto-Submitted: {value})"
        return None


class AutoReply:
    name = "auto-reply"
    silent = True

    def check(self, msg: GateInput) -> str | None:
        for name in ("X-Autoreply", "X-Autorespond"):
            if header(msg.message, name):
                return f"auto-reply ({name} header)"
        subject = header(msg.message, "Subject")
        if _AUTO_SUBJECT.search(subject):
            return f"auto-reply (subject {subject[:60]!r})"
        return None


class Bounce:
    name = "bounce"
    silent = True

    def check(self, msg: GateInput) -> str | None:
        if msg.mail_from is not None and msg.mail_from.strip("<> ") == "":
            return "bounce or notification (null return path)"
        ctype = header(msg.message, "Content-Type").lower()
        if ctype.startswith("multipart/report"):
            return "delivery report (multipart/report)"
        local = from_address(msg.message).partition("@")[0]
        if _DAEMON.match(local):
            return f"bounce (from {local})"
        return None


class ListOrBulk:
    name = "list-or-bulk"
    silent = True

    def check(self, msg: GateInput) -> str | None:
        for name in ("List-Id", "List-Unsubscribe", "List-Post"):
            if header(msg.message, name):
                return f"mailing list mail ({name} header)"
        precedence = header(msg.message, "Precedence").lower()
        if precedence in ("bulk", "list", "junk"):
            return f"bulk mail (Precedence: {precedence})"
        return None


class NoReplySender:
    """A notification robot, in the outer From (silent) or as the original's sender."""

    name = "no-reply-sender"
    silent = False

    def check(self, msg: GateInput) -> str | None:
        for address in (from_address(msg.message), msg.original_sender or ""):
            local = normalize_email(address).partition("@")[0]
            if local and _NOREPLY.match(local):
                return f"sent by a no-reply address ({address})"
        return None


class InternalThread:
    name = "internal-thread"
    silent = False

    def check(self, msg: GateInput) -> str | None:
        domains = {email_domain(a) for a in msg.participants if a}
        domains.discard("")
        if domains and msg.team_domains and domains <= msg.team_domains:
            return "internal thread (everyone in it is at the team's own domains)"
        return None


# Rules on the outer message (run before anything is parsed) and on the conversation.
ENVELOPE_RULES: tuple[Rule, ...] = (AutoSubmitted(), AutoReply(), Bounce(), ListOrBulk())
CONVERSATION_RULES: tuple[Rule, ...] = (NoReplySender(), InternalThread())


@dataclass(frozen=True)
class Verdict:
    reasons: tuple[str, ...] = ()
    silent: bool = False  # never reply

    @property
    def noise(self) -> bool:
        return bool(self.reasons)


def judge(msg: GateInput, rules: Sequence[Rule]) -> Verdict:
    reasons: list[str] = []
    silent = False
    for rule in rules:
        reason = rule.check(msg)
        if reason:
            reasons.append(reason)
            silent = silent or rule.silent
    if reasons and not silent and _NOREPLY.match(from_address(msg.message).partition("@")[0]):
        silent = True
    return Verdict(tuple(reasons), silent)


def addresses(msg: Message, *names: str) -> list[str]:
    values: list[str] = []
    for name in names:
        try:
            values.extend(str(v) for v in msg.get_all(name, []))
        except Exception:
            continue
    return [normalize_email(a) for _, a in getaddresses(values) if "@" in a]
