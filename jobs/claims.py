"""Who holds an outbox row while it is being sent, and how a dead holder's rows come back.

Both senders (the mailer, jobs/outbox_claim.py, and the campaign sender,
jobs/campaigns/claims.py) claim a batch of due rows in one statement: they become `sending`
with `claimed_by` (host, process id and a random tag) and `claimed_at`. Nothing else sends a
claimed row. A claim is given up ("stale") when it is older than the lease, or at once when
it names a process on this host that no longer exists (a sender killed with SIGKILL is
replaced by the next run without waiting out the lease).

What happens to a stale row depends on its `sent_at`. A sender sets it, while the row
stays `sending`, in the commit made just before the message's final dot (outcomes.py): so
a stale row without it certainly never reached the relay and is sent again, with the
Message-ID fixed at its first claim; a stale row with it (at most one per connection of the
dead sender) may have arrived. That one is not sent again, so that nobody gets a message
twice: it becomes `failed` with the reason below, its campaign recipient too, and
`crm outbox retry ID` sends it once more when the relay's log shows it never arrived.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import Table, bindparam, update
from sqlalchemy.orm import Session

from store.models import CampaignRecipient, OutboxMessage, OutboxStatus, RecipientStatus

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=10)

INTERRUPTED = (
    "interrupted while the relay was taking it: it may have arrived; not sent again so that "
    "nobody gets it twice; `crm outbox retry {id}` sends it once more"
)


def interrupted(row_id: int) -> str:
    """What a row handed over to the relay without an answer says in `last_error`."""
    return INTERRUPTED.format(id=row_id)


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


def claimer_gone(claimed_by: str | None) -> bool:
    """True when the claim names a process on this host that is no longer running.

    A claim from another host, or one that cannot be read, is never judged gone: it waits
    out the lease. A recycled process id makes a dead claimer look alive, which only delays
    the resend until the lease ends.
    """
    if not claimed_by:
        return True
    host, _, rest = claimed_by.partition(":")
    pid_text = rest.split(":", 1)[0]
    if host != socket.gethostname() or not pid_text.isdigit():
        return False
    pid = int(pid_text)
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def is_stale(
    claimed_by: str | None, claimed_at: datetime | None, now: datetime, *, lease: timedelta = LEASE
) -> bool:
    """A claim past its lease, or one whose process is gone, may be taken over."""
    if claimed_at is None or claimed_at < now - lease:
        return True
    return claimer_gone(claimed_by)


def give_up_handed_over(session: Session, rows: Sequence[tuple[int, int | None]]) -> None:
    """Stale rows (outbox id, campaign recipient id) a dead sender had handed to the relay
    fail as uncertain instead of going out again."""
    if not rows:
        return
    for row_id, _ in rows:
        log.warning("outbox row %s: interrupted while the relay was taking it; not resent", row_id)
    out, recipients_table = (
        cast(Table, OutboxMessage.__table__),
        cast(Table, CampaignRecipient.__table__),
    )
    conn = session.connection()  # Core: one executemany, no ORM bulk-by-key rules
    conn.execute(
        update(out)
        .where(out.c.id == bindparam("row_id"), out.c.status == OutboxStatus.SENDING)
        .values(
            status=OutboxStatus.FAILED,
            claimed_by=None,
            attempts=out.c.attempts + 1,
            last_error=bindparam("error"),
        ),
        [{"row_id": i, "error": interrupted(i)} for i, _ in rows],
    )
    recipients = [(i, r) for i, r in rows if r is not None]
    if recipients:
        conn.execute(
            update(recipients_table)
            .where(recipients_table.c.id == bindparam("rid"))
            .values(status=RecipientStatus.FAILED, detail=bindparam("error")),
            [{"rid": r, "error": interrupted(i)} for i, r in recipients],
        )
