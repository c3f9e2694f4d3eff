"""Filed messages through the intake: parse outside the write lock, apply many per commit.

`prepare` reads a batch of received messages and parses them with no write transaction
open: parsing is the slow part, and on SQLite the write lock is what every SMTP commit
waits for. `apply_prepared` then applies the whole batch in ONE transaction, each message
inside its own savepoint: a message that fails is rolled back alone and marked failed with
its error (its raw bytes stay, ready for `crm inbound retry`), and the others commit.

For each message, the store changes, its audit Change, its reply in the outbox and the new
status of its inbound row are in the same commit, so after a kill at any moment a message
is either fully applied or still `received` (and is then applied exactly once later).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from email import message_from_bytes
from email.policy import compat32

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.context import AppContext
from bot.intake.handle import (
    CONFIRMED,
    Lookups,
    Outcome,
    error_text,
    fail,
    handle,
    lookups_for,
)
from bot.intake.noise import from_address
from bot.intake.parsing import Parsed, ParseJob, ParsePool, Parser, parse_here
from store.models import InboundMessage, InboundStatus, User
from store.users import find_user

__all__ = [
    "Outcome",
    "ParseJob",
    "ParsePool",
    "apply_prepared",
    "prepare",
    "process_batch",
    "process_inbound",
]

log = logging.getLogger(__name__)

NOTHING = "nothing to do (handled already or not found)"


@dataclass(frozen=True)
class Prepared:
    ids: tuple[int, ...]
    parsed: dict[int, Parsed]  # only the messages that were still waiting when read
    retry: bool


def _statuses(retry: bool) -> list[InboundStatus]:
    statuses = [InboundStatus.RECEIVED]
    if retry:
        statuses += [InboundStatus.FAILED, InboundStatus.HELD, InboundStatus.IGNORED]
    return statuses


def prepare(
    ctx: AppContext, ids: Sequence[int], *, retry: bool = False, parse: Parser = parse_here
) -> Prepared:
    """Read and parse, outside any write transaction; `retry` also takes failed, held and
    ignored messages."""
    jobs: dict[int, ParseJob] = {}
    now = ctx.now()
    with ctx.db.read() as session:
        rows = session.execute(
            select(InboundMessage.id, InboundMessage.raw, InboundMessage.user_id).where(
                InboundMessage.id.in_(ids), InboundMessage.status.in_(_statuses(retry))
            )
        ).all()
        zones: dict[int | None, str] = {}
        for inbound_id, raw, user_id in rows:
            zone = _zone(session, ctx, raw, user_id, zones)
            jobs[inbound_id] = ParseJob(
                raw, now, zone, ctx.settings.default_region, ctx.settings.spacy_model
            )
    keys = list(jobs)
    results = parse([jobs[k] for k in keys]) if keys else []
    return Prepared(tuple(ids), dict(zip(keys, results, strict=True)), retry)


def _zone(
    session: Session, ctx: AppContext, raw: bytes, user_id: int | None, zones: dict[int | None, str]
) -> str:
    """The user's zone fixes "tomorrow"; the sender decides who the user is when no token did."""
    if user_id is not None and user_id in zones:
        return zones[user_id]
    user = session.get(User, user_id) if user_id else None
    if user is None:
        user = find_user(session, from_address(message_from_bytes(raw, policy=compat32)))
    zone = user.timezone if user is not None and user.timezone else ctx.settings.timezone
    if user_id is not None:
        zones[user_id] = zone
    return zone


def apply_prepared(ctx: AppContext, prepared: Prepared) -> list[Outcome]:
    """Apply a parsed batch in one transaction; if that transaction itself cannot commit,
    each message is tried alone so one bad message cannot hold back the rest."""
    outcomes = {i: Outcome(i, None, NOTHING) for i in prepared.ids}
    todo = [i for i in prepared.ids if i in prepared.parsed]
    if not todo:
        return [outcomes[i] for i in prepared.ids]
    try:
        outcomes.update(_apply(ctx, todo, prepared))
    except Exception as exc:
        if len(todo) == 1:
            log.exception("intake of inbound message %s failed", todo[0])
            outcomes[todo[0]] = _record_failure(ctx, todo[0], exc)
        else:
            log.exception("a batch of %d inbound messages failed; applying one by one", len(todo))
            for inbound_id in todo:
                parsed = {inbound_id: prepared.parsed[inbound_id]}
                alone = Prepared((inbound_id,), parsed, prepared.retry)
                outcomes[inbound_id] = apply_prepared(ctx, alone)[0]
    return [outcomes[i] for i in prepared.ids]


def _apply(ctx: AppContext, ids: list[int], prepared: Prepared) -> dict[int, Outcome]:
    lookups = lookups_for(ctx)
    out: dict[int, Outcome] = {}
    unrecorded: list[tuple[int, Exception]] = []
    with ctx.db.write() as session:
        query = (
            select(InboundMessage)
            .where(InboundMessage.id.in_(ids), InboundMessage.status.in_(_statuses(prepared.retry)))
            .order_by(InboundMessage.id)
        )
        if ctx.db.is_postgres:
            query = query.with_for_update(skip_locked=True)
        for row in session.scalars(query).all():
            try:
                out[row.id] = _apply_one(session, ctx, row, prepared, lookups)
            except Exception as exc:  # even recording the failure failed: do it afterwards
                log.exception("intake of inbound message %s failed", row.id)
                unrecorded.append((row.id, exc))
    for inbound_id, error in unrecorded:
        out[inbound_id] = _record_failure(ctx, inbound_id, error)
    return out


def _apply_one(
    session: Session, ctx: AppContext, row: InboundMessage, prepared: Prepared, lookups: Lookups
) -> Outcome:
    if prepared.retry and row.status is InboundStatus.HELD:
        row.reasons = [*row.reasons, CONFIRMED]
    row.attempts = (row.attempts or 0) + 1  # flushed before the savepoint, so it stays
    try:
        with session.begin_nested():
            return handle(session, ctx, row, prepared.parsed[row.id], lookups)
    except Exception as exc:
        with session.begin_nested():
            return fail(session, ctx, row, exc, lookups)


def _record_failure(ctx: AppContext, inbound_id: int, exc: Exception) -> Outcome:
    """The last resort, in a transaction of its own: the message is failed, not lost."""
    with ctx.db.write() as session:
        row = session.get(InboundMessage, inbound_id)
        if row is not None and row.status is InboundStatus.RECEIVED:
            row.status = InboundStatus.FAILED
            row.error = error_text(exc)
            row.processed_at = ctx.now()
    return Outcome(inbound_id, InboundStatus.FAILED, "failed", error=error_text(exc))


def process_batch(
    ctx: AppContext, ids: Sequence[int], *, retry: bool = False, parse: Parser = parse_here
) -> list[Outcome]:
    """Process these messages (several per transaction); one outcome per id, in order."""
    return apply_prepared(ctx, prepare(ctx, ids, retry=retry, parse=parse))


def process_inbound(ctx: AppContext, inbound_id: int, *, retry: bool = False) -> Outcome:
    """Process one filed message; `retry` also takes failed, held and ignored ones."""
    return process_batch(ctx, [inbound_id], retry=retry)[0]
