"""The mailer: claims due outbox rows, delivers them, and records what happened.

Claiming. Rows are taken with `SELECT … FOR UPDATE SKIP LOCKED` (PostgreSQL: several
processes deliver side by side, each row goes to one of them) inside a write transaction
(SQLite: `BEGIN IMMEDIATE` serialises claimers, so the select-then-update is a conditional
update no one can interleave with). A claimed row is `sending` with `claimed_by` (kept
after sending: it names the process that delivered) and
`claimed_at`; its Message-ID is fixed at claim time so a resend carries the same one.

Crash recovery (nobody gets a message twice). Each outcome is committed while the relay
answers the next message's MAIL command, before that message's body and final dot, and the
same commit marks the next message handed over: its `sent_at` is set while it stays
`sending` (the first message of a connection gets the mark in a commit of its own). A claim
is stale after `claim_timeout`, or at once when it names a process on this host that no
longer runs. A stale row without `sent_at` never reached the relay and is sent again, with
the Message-ID fixed at its first claim. A stale row with it (at most one per connection)
may have arrived: it is not sent again but `failed`, saying so, and `crm outbox retry ID`
sends it once more. A connection lost after the dot, before the relay answered, leaves the
same doubt and the same outcome.

Failures. A 4xx or a network error moves `due_at` forward with exponential backoff and
counts an attempt; a 5xx (or a permanent Slack error) marks the row `failed` with the
server's words. After `max_attempts` transient failures a row fails too.

Slack rows are posted through a `SlackSender`; with no Slack configured they go out as an
email to the team member whose Slack id the row names.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import getaddresses

from sqlalchemy import Connection, and_, select, update
from sqlalchemy.orm import Session

from jobs.campaigns.mime import split_address
from jobs.claims import interrupted
from jobs.claims import worker_id as worker_id  # the id claims carry
from jobs.compose import compose_bytes
from jobs.outbox_claim import Claimed
from jobs.outbox_claim import claim as claim_rows
from jobs.outcomes import mark_sent
from jobs.transport import (
    DeliveryError,
    EmailTransport,
    PermanentError,
    SlackSender,
    TransientError,
    UncertainError,
    email_transport,
)
from store.db import IMMEDIATE, Database
from store.models import OutboxChannel, OutboxMessage, OutboxStatus, User
from store.outbox import HeaderInjectionError
from store.settings import Settings

log = logging.getLogger(__name__)

BACKOFF_BASE = timedelta(minutes=1)
BACKOFF_CAP = timedelta(hours=6)


def backoff(attempts: int) -> timedelta:
    """1, 2, 4, 8 … minutes after the n-th failed attempt, at most six hours."""
    delay: timedelta = BACKOFF_BASE * (2 ** max(attempts - 1, 0))
    return min(delay, BACKOFF_CAP)


@dataclass(frozen=True)
class DeliveryReport:
    claimed: int = 0
    sent: int = 0
    retried: int = 0
    failed: int = 0

    def __add__(self, other: DeliveryReport) -> DeliveryReport:
        return DeliveryReport(
            self.claimed + other.claimed,
            self.sent + other.sent,
            self.retried + other.retried,
            self.failed + other.failed,
        )


@dataclass(frozen=True)
class _Outcome:
    row_id: int
    error: DeliveryError | None = None


class Mailer:
    """Delivers due outbox rows; safe to run in every process at once."""

    def __init__(
        self,
        db: Database,
        settings: Settings,
        *,
        slack: SlackSender | None = None,
        transport_factory: Callable[[], EmailTransport] | None = None,
        worker: str | None = None,
        batch: int = 200,
        claim_timeout: timedelta = timedelta(minutes=10),
        max_attempts: int = 8,
    ) -> None:
        self.db = db
        self.settings = settings
        self.slack = slack
        self.transport_factory = transport_factory or (
            lambda: email_transport(settings.relay_url, settings.maildir, rate=settings.relay_rate)
        )
        self.worker = worker or worker_id()
        self.batch = batch
        self.claim_timeout = claim_timeout
        self.max_attempts = max_attempts
        self.interrupted = 0  # rows a dead sender had handed over, failed by our claims

    # -- claiming -------------------------------------------------------------------------

    def claim(self, now: datetime) -> tuple[list[Claimed], dict[int, str]]:
        """Take up to `batch` due rows (and stale claims) for this worker (outbox_claim.py).

        Also returns, for Slack rows that must go out as email, the address to use.
        """
        with self.db.write() as session:
            rows, handed = claim_rows(
                session,
                worker=self.worker,
                now=now,
                limit=self.batch,
                lease=self.claim_timeout,
                domain=self.settings.mail_domain,
            )
            self.interrupted += handed
            return rows, self._slack_fallbacks(session, rows) if rows else {}

    def _slack_fallbacks(self, session: Session, rows: list[Claimed]) -> dict[int, str]:
        """Without Slack, a Slack row is mailed to the member whose Slack id it names."""
        if self.slack is not None:
            return {}
        slack_rows = [r for r in rows if r.channel == OutboxChannel.SLACK]
        ids = {r.to_addr for r in slack_rows if "@" not in r.to_addr}
        emails: dict[str, str] = {}
        if ids:
            for slack_id, email in session.execute(
                select(User.slack_id, User.email).where(User.slack_id.in_(ids))
            ):
                emails[str(slack_id)] = email
        found = {r.id: r.to_addr if "@" in r.to_addr else emails.get(r.to_addr) for r in slack_rows}
        return {k: v for k, v in found.items() if v}

    # -- delivering -----------------------------------------------------------------------

    async def deliver_due(self, now: datetime) -> DeliveryReport:
        """Deliver every row due at `now`, batch after batch."""
        total = DeliveryReport()
        while True:
            before = self.interrupted
            report = await self.deliver_batch(now)
            total += report
            if report.claimed + self.interrupted - before < self.batch:
                return total

    async def deliver_batch(self, now: datetime) -> DeliveryReport:
        """Claim one batch and deliver it: Slack rows on the event loop, email over one relay
        connection in one worker thread (see `_send_mail`)."""
        before = self.interrupted
        rows, fallback = await asyncio.to_thread(self.claim, now)
        report = DeliveryReport(claimed=len(rows), failed=self.interrupted - before)
        if not rows:
            return report
        slack_rows = [r for r in rows if r.channel == OutboxChannel.SLACK and self.slack]
        mail_rows = [r for r in rows if r not in slack_rows]
        posted = [await self._post_slack(row) for row in slack_rows]
        if posted:
            report += await asyncio.to_thread(self.record, posted, now)
        if mail_rows:
            stop = threading.Event()
            try:
                report += await asyncio.to_thread(self._send_mail, mail_rows, now, fallback, stop)
            except asyncio.CancelledError:
                stop.set()  # shutting down: the thread ends after the message in hand
                raise
        return report

    def _send_mail(
        self,
        rows: list[Claimed],
        now: datetime,
        fallback: dict[int, str],
        stop: threading.Event | None = None,
    ) -> DeliveryReport:
        """Send over one connection; each outcome is committed, with the mark on the next
        message, while the relay works on that message's MAIL command, so at most one
        message is ever handed over and unrecorded, and the store knows which."""
        transport = self.transport_factory()
        try:
            transport.open()
        except DeliveryError as exc:
            return self.record([_Outcome(row.id, exc) for row in rows], now)
        writer = self.db.engine.execution_options(**{IMMEDIATE: True})
        with writer.connect() as store:
            return self._send_rows(transport, store, rows, now, fallback, stop)

    def _send_rows(
        self,
        transport: EmailTransport,
        store: Connection,
        rows: list[Claimed],
        now: datetime,
        fallback: dict[int, str],
        stop: threading.Event | None,
    ) -> DeliveryReport:
        outcomes = _Pending(self, store, now)
        try:
            for n, row in enumerate(rows):
                if stop is not None and stop.is_set():
                    self._release(rows[n:])
                    break
                ready = self._prepare(row, now, fallback)
                if isinstance(ready, _Outcome):
                    outcomes.items.append(ready)
                    continue
                data, recipients = ready
                outcomes.handing = row.id
                try:
                    transport.send(data, self.settings.bot_address, recipients, outcomes.flush)
                except DeliveryError as exc:
                    outcomes.items.append(_Outcome(row.id, exc))
                else:
                    outcomes.items.append(_Outcome(row.id))
                outcomes.handing = None
        finally:
            transport.close()
            outcomes.flush()
        return outcomes.report

    def _release(self, rows: list[Claimed]) -> None:
        """Rows claimed but not attempted go back to the queue, due as they were."""
        with self.db.write() as session:
            session.execute(
                update(OutboxMessage)
                .where(
                    OutboxMessage.id.in_([r.id for r in rows]),
                    OutboxMessage.status == OutboxStatus.SENDING,
                    OutboxMessage.claimed_by == self.worker,
                )
                .values(status=OutboxStatus.PENDING, claimed_by=None, claimed_at=None)
                .execution_options(synchronize_session=False)
            )

    async def _post_slack(self, row: Claimed) -> _Outcome:
        assert self.slack is not None
        payload = dict(row.payload or {})
        payload.setdefault("channel", row.to_addr)
        payload.setdefault("text", row.body_text or row.subject)
        try:
            await self.slack.post(payload)
        except DeliveryError as exc:
            return _Outcome(row.id, exc)
        return _Outcome(row.id)

    def _prepare(
        self, row: Claimed, now: datetime, fallback: dict[int, str]
    ) -> tuple[bytes, list[str]] | _Outcome:
        """The message and its envelope recipients, or the reason it cannot be sent."""
        to = fallback.get(row.id) if row.channel == OutboxChannel.SLACK else row.to_addr
        if not to:
            return _Outcome(
                row.id, PermanentError(f"no email address for Slack user {row.to_addr}")
            )
        try:
            msg = compose_bytes(row, sender=self.settings.bot_address, now=now, to=to)
        except (HeaderInjectionError, ValueError) as exc:
            return _Outcome(row.id, PermanentError(f"refused to compose: {exc}"))
        recipients = [addr for _, addr in _addresses(to) if addr]
        if not recipients:
            return _Outcome(row.id, PermanentError(f"no recipient address in {to!r}"))
        return msg, recipients

    # -- recording ------------------------------------------------------------------------

    def record(self, outcomes: list[_Outcome], now: datetime) -> DeliveryReport:
        """Commit what happened to each row this worker still holds."""
        sent = retried = failed = 0
        with self.db.write() as session:
            mine = and_(
                OutboxMessage.status == OutboxStatus.SENDING,
                OutboxMessage.claimed_by == self.worker,
            )
            ok = [o.row_id for o in outcomes if o.error is None]
            if ok:
                session.execute(
                    update(OutboxMessage)
                    .where(OutboxMessage.id.in_(ok), mine)
                    .values(
                        status=OutboxStatus.SENT,
                        sent_at=now,
                        attempts=OutboxMessage.attempts + 1,
                        last_error=None,
                    )
                    .execution_options(synchronize_session=False)
                )
                sent = len(ok)
            for o in outcomes:
                if o.error is None:
                    continue
                row = session.scalar(
                    select(OutboxMessage).where(OutboxMessage.id == o.row_id, mine)
                )
                if row is None:
                    continue
                row.attempts += 1
                row.last_error = str(o.error)[:2000]
                row.claimed_by, row.sent_at = None, None
                if isinstance(o.error, UncertainError):
                    row.status, row.sent_at = OutboxStatus.FAILED, now
                    row.last_error = f"{interrupted(row.id)} ({o.error})"[:2000]
                    failed += 1
                    log.warning("outbox %s: %s", row.id, row.last_error)
                elif isinstance(o.error, TransientError) and row.attempts < self.max_attempts:
                    row.status = OutboxStatus.PENDING
                    row.due_at = now + backoff(row.attempts)
                    retried += 1
                    log.info("outbox %s: retry at %s (%s)", row.id, row.due_at, o.error)
                else:
                    row.status = OutboxStatus.FAILED
                    failed += 1
                    log.warning("outbox %s failed: %s", row.id, o.error)
        return DeliveryReport(sent=sent, retried=retried, failed=failed)


def _addresses(to: str) -> list[tuple[str, str]]:
    """The To header's addresses; one plain address (the usual case) without the slow
    general parser."""
    if "," not in to:
        return [split_address(to)]
    return getaddresses([to])


class _Pending:
    """Outcomes not yet committed (at most the one accepted message since the last flush),
    and the row about to be handed over, marked by the next flush."""

    def __init__(self, mailer: Mailer, store: Connection, now: datetime) -> None:
        self.mailer = mailer
        self.store = store
        self.now = now
        self.items: list[_Outcome] = []
        self.handing: int | None = None
        self.report = DeliveryReport()

    def flush(self) -> None:
        """Commit what is pending; as the transport's `ready`, also mark the message in hand."""
        handing, self.handing = self.handing, None
        batch, self.items = self.items, []
        failed = [o for o in batch if o.error is not None]
        if failed:
            self.report += self.mailer.record(failed, self.now)
        ok = [o.row_id for o in batch if o.error is None]
        if ok or handing is not None:
            mark_sent(
                self.store,
                self.mailer.worker,
                [(i, self.now) for i in ok],
                handing=None if handing is None else (handing, self.now),
            )
            self.report += DeliveryReport(sent=len(ok))
