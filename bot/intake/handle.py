"""What the intake does with one filed message, inside a transaction it is given.

The caller (process.py) owns the transaction and a savepoint per message: here the
message is gated, its sender checked, a reply command (undo, confirm) carried out, or the
parsed email applied, with the reply queued in the same transaction. `Lookups` carries
what does not change while a batch of messages is applied, so it is read once per batch.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import datetime
from email import message_from_bytes, policy
from email.message import Message
from email.policy import compat32

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.addresses import is_bounce_address, personal_address
from bot.context import AppContext
from bot.intake.apply import Applied, apply_email, conversation_addresses
from bot.intake.noise import (
    CONVERSATION_RULES,
    ENVELOPE_RULES,
    GateInput,
    from_address,
    header,
    judge,
)
from bot.intake.replies import applied_reply, failure_reply, held_reply, ignored_reply, undo_reply
from bot.intake.reply import Rendered, queue_reply, replies_sent, reply_subject
from bot.intake.sender import hold_reasons
from parsers.types import ParsedEmail, ParseError
from store.audit import track_changes
from store.models import Change, InboundMessage, InboundStatus, OutboxMessage, User, UserAlias
from store.normalize import email_domain, is_free_mail
from store.undo import UndoError, undo_change
from store.users import addresses_of, find_user

log = logging.getLogger(__name__)

CONFIRMED = "confirmed by the user"
INGEST = "ingest"
UNDO_WORDS = frozenset({"undo", "revert", "rückgängig", "annuler", "ångra", "отменить", "撤销"})
CONFIRM_WORDS = frozenset({"confirm", "confirmed", "yes", "ok", "bestätigen", "confirmer"})
_MSGID = re.compile(r"<[^<>\s]+>")


@dataclass(frozen=True)
class Outcome:
    inbound_id: int
    status: InboundStatus | None  # None: nothing was done (handled already, or elsewhere)
    summary: str
    reasons: tuple[str, ...] = ()
    error: str | None = None


@dataclass
class Lookups:
    """What stays put while one batch is applied, read once instead of once per message.

    The reply counts start from the outbox and grow with each reply queued here; a reply
    rolled back with its message's savepoint still counts, which errs on the quiet side.
    """

    mail_domain: str
    per_hour: int
    _domains: frozenset[str] | None = None
    _replies: dict[str, int] = field(default_factory=dict)
    _users: dict[int, User] = field(default_factory=dict)

    def user(self, session: Session, user_id: int | None) -> User | None:
        """The session only holds rows weakly; held here, a user is loaded once per batch."""
        if not user_id:
            return None
        if user_id not in self._users:
            found = session.get(User, user_id)
            if found is None:
                return None
            self._users[user_id] = found
        return self._users[user_id]

    def team_domains(self, session: Session) -> frozenset[str]:
        if self._domains is None:
            self._domains = team_domains(session, self.mail_domain)
        return self._domains

    def may_reply(self, session: Session, to: str, now: datetime) -> bool:
        if to not in self._replies:
            self._replies[to] = replies_sent(session, to, now=now)
        return self._replies[to] < self.per_hour

    def replied(self, to: str) -> None:
        self._replies[to] = self._replies.get(to, 0) + 1


def lookups_for(ctx: AppContext) -> Lookups:
    return Lookups(ctx.settings.mail_domain, ctx.settings.replies_per_sender_per_hour)


def team_domains(session: Session, mail_domain: str) -> frozenset[str]:
    """The team's own domains: those of its members' addresses, free mail excluded."""
    emails = list(session.scalars(select(User.email))) + list(
        session.scalars(select(UserAlias.email))
    )
    domains = {email_domain(e) for e in emails}
    return frozenset(d for d in domains if d and not is_free_mail(d) and d != mail_domain)


def error_text(exc: BaseException) -> str:
    if isinstance(exc, ParseError):
        return f"could not read the message: {exc}"
    return f"{type(exc).__name__}: {exc}"[:2000]


def _message(raw: bytes) -> Message:
    return message_from_bytes(raw, policy=compat32)


def _finish(
    row: InboundMessage, status: InboundStatus, summary: str, reasons: list[str], ctx: AppContext
) -> Outcome:
    row.status = status
    row.reasons = reasons
    row.error = None
    row.processed_at = ctx.now()
    return Outcome(row.id, status, summary, tuple(reasons))


def handle(
    session: Session,
    ctx: AppContext,
    row: InboundMessage,
    ahead: ParsedEmail | Exception,
    lookups: Lookups,
) -> Outcome:
    """Decide and apply one message; raises when applying fails (the caller records it)."""
    now, settings = ctx.now(), ctx.settings
    msg = _message(row.raw)
    # `crm ingest --as` is the user acting in person: nothing to confirm, answered on stdout.
    confirmed = CONFIRMED in (row.reasons or []) or row.channel == INGEST
    reasons = [CONFIRMED] if confirmed else []
    if row.rcpt_to and is_bounce_address(row.rcpt_to):
        return Outcome(row.id, None, "bounce address: left for the newsletter code")
    envelope = judge(GateInput(msg, row.mail_from), ENVELOPE_RULES)
    if envelope.noise:
        return _finish(row, InboundStatus.IGNORED, "ignored", list(envelope.reasons), ctx)
    user = lookups.user(session, row.user_id)
    if user is None:
        user = find_user(session, from_address(msg))
        if user is None or not user.active:
            why = f"{from_address(msg) or 'the sender'} is not a team member"
            return _finish(row, InboundStatus.IGNORED, "ignored", [why], ctx)
        row.user_id = user.id
    command = _command(session, ctx, row, msg, user, lookups)
    if command is not None:
        return command
    held = [] if confirmed else hold_reasons(msg, user)
    if held:
        notice = held_reply(row, held)
        _tell(session, ctx, lookups, row, msg, user, "intake_held", notice, to=user.email)
        return _finish(row, InboundStatus.HELD, "held for confirmation", held, ctx)
    if isinstance(ahead, Exception):
        raise ahead
    parsed = ahead
    domains = lookups.team_domains(session)
    fwd_sender = (
        parsed.forwarded.sender.email if parsed.forwarded and parsed.forwarded.sender else None
    )
    gate = GateInput(msg, row.mail_from, tuple(conversation_addresses(parsed)), fwd_sender, domains)
    verdict = judge(gate, CONVERSATION_RULES)
    if verdict.noise:
        if not verdict.silent:
            reply = ignored_reply(verdict.reasons)
            _tell(session, ctx, lookups, row, msg, user, "intake_ignored", reply)
        return _finish(row, InboundStatus.IGNORED, "ignored", reasons + list(verdict.reasons), ctx)
    with track_changes(
        session,
        user_id=user.id,
        source="email",
        now=now,
        summary=f"email: {row.subject or ''}"[:500],
    ) as change:
        applied = apply_email(
            session,
            parsed=parsed,
            user=user,
            now=now,
            team_domains=domains,
            mail_domain=settings.mail_domain,
            fallback_source_id=f"inbound:{row.id}",
        )
    row.change_id = change.id
    notes = (
        [f"the message had MIME problems: {', '.join(parsed.defects)}"] if parsed.defects else []
    )
    body = applied_reply(applied, notes)
    queued = _tell(session, ctx, lookups, row, msg, user, "intake_reply", body)
    if queued is not None:
        change.reply_message_id = queued.message_id
    summary = _applied_summary(applied)
    return _finish(row, InboundStatus.PROCESSED, summary, reasons, ctx)


def _applied_summary(applied: Applied) -> str:
    parts = [("created " if c.created else "updated ") + c.label for c in applied.contacts]
    parts.append("interaction logged" if applied.interaction_new else "interaction already filed")
    parts += [f"task: {t.title}" for t in applied.tasks]
    return "; ".join(parts)


def _reply_target(msg: Message, user: User) -> str:
    sender = from_address(msg)
    return sender if sender in addresses_of(user) else user.email


def _tell(
    session: Session,
    ctx: AppContext,
    lookups: Lookups,
    row: InboundMessage,
    msg: Message,
    user: User,
    kind: str,
    body: Rendered,
    *,
    to: str | None = None,
    dedupe_key: str | None = None,
) -> OutboxMessage | None:
    """Queue a reply unless RFC 3834 or the hourly limit says not to."""
    if row.channel == INGEST:
        return None
    if judge(GateInput(msg, row.mail_from), ENVELOPE_RULES).silent:
        return None
    target = to or _reply_target(msg, user)
    now = ctx.now()
    if not lookups.may_reply(session, target, now):
        log.warning("reply limit reached for a sender; inbound %s gets no reply", row.id)
        return None
    message_id = _ids(header(msg, "Message-ID"))
    references = tuple(_ids(header(msg, "References")))
    queued = queue_reply(
        session,
        kind=kind,
        dedupe_key=dedupe_key or f"reply:inbound:{row.id}",
        to=target,
        subject=reply_subject(header(msg, "Subject") or row.subject),
        body=body,
        now=now,
        mail_domain=ctx.settings.mail_domain,
        in_reply_to=message_id[0] if message_id else None,
        references=references,
        payload={"inbound_id": row.id},
        reply_to=personal_address(user.forward_token, ctx.settings.mail_domain),
    )
    if queued is not None:
        lookups.replied(target)
    return queued


def _ids(value: str) -> list[str]:
    return _MSGID.findall(value or "")


def _first_words(raw: bytes) -> set[str]:
    """Words of the first line the user wrote above any quoted text."""
    try:
        parsed = message_from_bytes(raw, policy=policy.default)
        body = parsed.get_body(preferencelist=("plain",))  # type: ignore[attr-defined]
        text = body.get_content() if body is not None else ""
    except Exception:
        return set()
    for line in str(text).splitlines():
        line = line.strip()
        if not line:
            continue
        if line.startswith(">"):
            return set()
        cleaned = re.sub(r"[`*_.,!:;\"'()\[\]]", " ", line.lower())
        return set(cleaned.split()[:3])
    return set()


def _command(
    session: Session,
    ctx: AppContext,
    row: InboundMessage,
    msg: Message,
    user: User,
    lookups: Lookups,
) -> Outcome | None:
    """A reply to one of our own messages: `undo` an intake, or `confirm` a held message."""
    refs = _ids(header(msg, "In-Reply-To")) or _ids(header(msg, "References"))[-1:]
    if not refs:
        return None
    words = _first_words(row.raw)
    change = session.scalar(select(Change).where(Change.reply_message_id.in_(refs)))
    if change is not None and words & UNDO_WORDS:
        return _undo(session, ctx, lookups, row, msg, user, change)
    notice = session.scalar(
        select(OutboxMessage).where(
            OutboxMessage.message_id.in_(refs), OutboxMessage.kind == "intake_held"
        )
    )
    if notice is not None and words & CONFIRM_WORDS and not hold_reasons(msg, user):
        target_id = int((notice.payload or {}).get("inbound_id", 0))
        target = session.get(InboundMessage, target_id)
        if target is None or target.status is not InboundStatus.HELD or target.user_id != user.id:
            return _finish(row, InboundStatus.IGNORED, "nothing to confirm", ["nothing held"], ctx)
        target.status = InboundStatus.RECEIVED
        target.reasons = [*(target.reasons or []), CONFIRMED]
        why = [f"confirmed held message #{target.id}"]
        return _finish(row, InboundStatus.PROCESSED, why[0], why, ctx)
    return None


def _undo(
    session: Session,
    ctx: AppContext,
    lookups: Lookups,
    row: InboundMessage,
    msg: Message,
    user: User,
    change: Change,
) -> Outcome:
    if change.user_id != user.id or hold_reasons(msg, user):
        why = ["undo asked by someone other than the author of the change"]
        return _finish(row, InboundStatus.IGNORED, "ignored", why, ctx)
    try:
        undo_change(session, change.id, now=ctx.now())
        text = undo_reply(change.summary, None)
        reasons = [f"undid change #{change.id}"]
    except UndoError as exc:
        text = undo_reply(change.summary, str(exc))
        reasons = [f"could not undo change #{change.id}: {exc}"]
    _tell(session, ctx, lookups, row, msg, user, "intake_undo", text)
    return _finish(row, InboundStatus.PROCESSED, reasons[0], reasons, ctx)


def fail(
    session: Session, ctx: AppContext, row: InboundMessage, exc: Exception, lookups: Lookups
) -> Outcome:
    """Record why applying failed (the raw bytes stay) and tell the forwarder."""
    if not isinstance(exc, ParseError):
        log.exception("intake of inbound message %s failed", row.id)
    session.refresh(row)
    error = error_text(exc)
    row.status = InboundStatus.FAILED
    row.error = error
    row.processed_at = ctx.now()
    user = lookups.user(session, row.user_id)
    if user is not None:
        msg = _message(row.raw)
        _tell(
            session,
            ctx,
            lookups,
            row,
            msg,
            user,
            "intake_failed",
            failure_reply(row, exc, ours=not isinstance(exc, ParseError)),
            dedupe_key=f"failed:inbound:{row.id}:{row.attempts}",
        )
    return Outcome(row.id, InboundStatus.FAILED, "failed", error=error)
