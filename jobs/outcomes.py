"""Recording delivered messages as sent: the one write made for every message, kept cheap.

Both senders (the mailer and the campaign sender) commit, before each message's final dot,
the outcome of the message before it together with a mark on this one: its `sent_at` is
set while it stays `sending` ("handed over"). So among a dead sender's `sending` rows
exactly the marked ones (at most one per connection) may have reached the relay; see
claims.py for what recovery does with each kind. This runs once per message. On SQLite it
goes straight to the driver, about a third of the cost through the Core. On PostgreSQL the
commit does not wait for the WAL flush (`synchronous_commit` off for this transaction): it
survives our process dying, which is what the rule needs; a database crash in the next
fraction of a second loses the mark and the record together, as if the sender had died
before them.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import cast

from sqlalchemy import Connection, Dialect, Table, bindparam, text, update

from store.models import Campaign, CampaignRecipient, OutboxMessage, OutboxStatus, RecipientStatus

_OUTBOX = cast(Table, OutboxMessage.__table__)
_RECIPIENTS = cast(Table, CampaignRecipient.__table__)
_MARK_SENT = (
    update(_OUTBOX)
    .where(
        _OUTBOX.c.id == bindparam("row_id"),
        _OUTBOX.c.status == OutboxStatus.SENDING,
        _OUTBOX.c.claimed_by == bindparam("worker"),
    )
    .values(
        status=OutboxStatus.SENT,
        sent_at=bindparam("now"),
        attempts=_OUTBOX.c.attempts + 1,
        last_error=None,
    )
)
_HANDED_OVER = (
    update(_OUTBOX)
    .where(
        _OUTBOX.c.id == bindparam("row_id"),
        _OUTBOX.c.status == OutboxStatus.SENDING,
        _OUTBOX.c.claimed_by == bindparam("worker"),
    )
    .values(sent_at=bindparam("now"))
)
_RECIPIENT_SENT = (
    update(_RECIPIENTS)
    .where(_RECIPIENTS.c.id == bindparam("rid"))
    .values(status=RecipientStatus.SENT, sent_at=bindparam("now"))
)
_SQLITE_SENT = (
    f"UPDATE {_OUTBOX.name} SET status = ?, sent_at = ?, attempts = attempts + 1, "
    "last_error = NULL WHERE id = ? AND status = ? AND claimed_by = ?"
)
_SQLITE_HANDED_OVER = (
    f"UPDATE {_OUTBOX.name} SET sent_at = ? WHERE id = ? AND status = ? AND claimed_by = ?"
)
_SQLITE_RECIPIENT_SENT = f"UPDATE {_RECIPIENTS.name} SET status = ?, sent_at = ? WHERE id = ?"


def mark_sent(
    store: Connection,
    worker: str,
    sent: list[tuple[int, datetime]],
    *,
    recipients: Iterable[tuple[int, datetime]] = (),
    reset_campaigns: set[int] | None = None,
    handing: tuple[int, datetime] | None = None,
) -> None:
    """Outbox rows (id, sent at) this worker holds become `sent`, their campaign recipients
    too, and `handing` (id, now: the message about to be handed to the relay) gets its
    `sent_at`, all in one transaction; `reset_campaigns` get their error count back to zero."""
    recipients = list(recipients)
    if not sent and handing is None:
        return
    if store.dialect.name == "sqlite" and not reset_campaigns:
        _mark_sent_sqlite(store, worker, sent, recipients, handing)
        return
    with store.begin():
        if store.dialect.name == "postgresql":
            store.execute(text("SET LOCAL synchronous_commit TO OFF"))
        if sent:
            store.execute(
                _MARK_SENT, [{"row_id": i, "worker": worker, "now": at} for i, at in sent]
            )
        if handing is not None:
            store.execute(_HANDED_OVER, {"row_id": handing[0], "worker": worker, "now": handing[1]})
        if recipients:
            store.execute(_RECIPIENT_SENT, [{"rid": i, "now": at} for i, at in recipients])
        if reset_campaigns:
            store.execute(
                update(Campaign)
                .where(Campaign.id.in_(reset_campaigns))
                .values(consecutive_errors=0)
            )


@functools.cache
def _stamper(dialect: Dialect) -> Callable[[datetime], object]:
    """How the driver is given a time (looked up once, not for every message)."""
    process = _OUTBOX.c.sent_at.type.bind_processor(dialect)
    return cast(Callable[[datetime], object], process or (lambda v: v))


def _mark_sent_sqlite(
    store: Connection,
    worker: str,
    sent: list[tuple[int, datetime]],
    recipients: list[tuple[int, datetime]],
    handing: tuple[int, datetime] | None,
) -> None:
    stamp = _stamper(store.dialect)
    raw = store.connection.dbapi_connection
    assert raw is not None
    cursor = raw.cursor()
    try:
        cursor.execute("BEGIN IMMEDIATE")
        try:
            sending, done = OutboxStatus.SENDING.value, OutboxStatus.SENT.value
            if sent:
                cursor.executemany(
                    _SQLITE_SENT, [(done, stamp(at), i, sending, worker) for i, at in sent]
                )
            if recipients:
                cursor.executemany(
                    _SQLITE_RECIPIENT_SENT,
                    [(RecipientStatus.SENT.value, stamp(at), i) for i, at in recipients],
                )
            if handing is not None:
                cursor.execute(
                    _SQLITE_HANDED_OVER, (stamp(handing[1]), handing[0], sending, worker)
                )
        except BaseException:
            cursor.execute("ROLLBACK")
            raise
        cursor.execute("COMMIT")
    finally:
        cursor.close()
