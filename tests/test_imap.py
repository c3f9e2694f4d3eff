"""The IMAP poller against a real Dovecot: checkpoint, flags after commit, IDLE, reconnect."""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Iterator
from datetime import datetime
from email.policy import SMTP as SMTP_POLICY
from pathlib import Path

import pytest
from imapclient import IMAPClient
from sqlalchemy import select

from bot.imap import ImapPoller
from store.db import Database
from store.models import InboundMessage, JobState
from tests.dovecot import Dovecot, new_dovecot
from tests.services import require
from tests.smtp_helpers import LoopThread, make_context, message


@pytest.fixture(scope="module")
def dovecot() -> Iterator[Dovecot]:
    require(shutil.which("dovecot") is not None, "dovecot (apt-get install dovecot-imapd)")
    # Dovecot's auth process runs as its own user: the folder must be reachable for it,
    # which pytest's private tmp folders are not.
    directory = Path(tempfile.mkdtemp(prefix="crm-dovecot-"))
    directory.chmod(0o755)
    server = new_dovecot(directory)
    server.start()
    yield server
    server.stop()
    shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture
def mailbox(dovecot: Dovecot) -> Iterator[IMAPClient]:
    client = IMAPClient("127.0.0.1", port=dovecot.port, ssl=False, timeout=10)
    client.login(dovecot.user, dovecot.password)
    for folder in ("INBOX", "Processed"):
        if folder != "INBOX" and not client.folder_exists(folder):
            client.create_folder(folder)
        client.select_folder(folder)
        uids = client.search(["ALL"])
        if uids:
            client.delete_messages(uids)
            client.expunge()
    client.select_folder("INBOX")
    yield client
    client.logout()


def append(client: IMAPClient, subject: str) -> None:
    raw = message(subject=subject).as_bytes(policy=SMTP_POLICY)
    client.append("INBOX", raw)


def filed(db: Database) -> list[InboundMessage]:
    with db.read() as session:
        return list(session.scalars(select(InboundMessage).order_by(InboundMessage.id)))


def test_new_mail_is_filed_once_and_flagged_seen_after_the_commit(
    dovecot: Dovecot, mailbox: IMAPClient, sqlite_db: Database, now: datetime
) -> None:
    ctx = make_context(sqlite_db, now, imap_url=dovecot.url)
    poller = ImapPoller(ctx)
    append(mailbox, "Fwd: one")
    append(mailbox, "Fwd: two")
    client = poller.connect()
    assert poller.poll_once(client) == 2
    assert poller.poll_once(client) == 0  # the checkpoint holds
    append(mailbox, "Fwd: three")
    assert poller.poll_once(client) == 1
    client.logout()
    rows = filed(sqlite_db)
    assert [(r.channel, r.subject) for r in rows] == [
        ("imap", "Fwd: one"),
        ("imap", "Fwd: two"),
        ("imap", "Fwd: three"),
    ]
    mailbox.noop()
    flags = mailbox.get_flags(mailbox.search(["ALL"]))
    assert all(b"\\Seen" in f for f in flags.values())
    assert len(flags) == 3  # never deleted by default
    with sqlite_db.read() as session:
        [state] = session.scalars(select(JobState))
    assert state.value["last_uid"] == max(flags)


def test_a_lost_checkpoint_does_not_file_twice(
    dovecot: Dovecot, mailbox: IMAPClient, sqlite_db: Database, now: datetime
) -> None:
    ctx = make_context(sqlite_db, now, imap_url=dovecot.url)
    append(mailbox, "Fwd: once")
    poller = ImapPoller(ctx)
    client = poller.connect()
    poller.poll_once(client)
    with sqlite_db.write() as session:
        for state in session.scalars(select(JobState)):
            session.delete(state)
    assert poller.poll_once(client) == 0  # same Message-ID: not filed again
    client.logout()
    assert len(filed(sqlite_db)) == 1


def test_processed_mail_is_moved_when_configured(
    dovecot: Dovecot, mailbox: IMAPClient, sqlite_db: Database, now: datetime
) -> None:
    ctx = make_context(sqlite_db, now, imap_url=dovecot.url, imap_move_to="Processed")
    append(mailbox, "Fwd: move me")
    poller = ImapPoller(ctx)
    client = poller.connect()
    assert poller.poll_once(client) == 1
    client.logout()
    mailbox.noop()
    assert mailbox.search(["ALL"]) == []
    mailbox.select_folder("Processed")
    assert len(mailbox.search(["ALL"])) == 1


def test_the_running_poller_uses_idle_and_survives_a_server_restart(
    dovecot: Dovecot, mailbox: IMAPClient, sqlite_db: Database, now: datetime
) -> None:
    ctx = make_context(sqlite_db, now, imap_url=dovecot.url)
    woken: list[int] = []
    poller = ImapPoller(ctx, on_filed=lambda: woken.append(1), idle_seconds=5)
    loop = LoopThread()
    loop.run(poller.start())
    try:
        assert poller.connected.wait(10)
        append(mailbox, "Fwd: pushed")
        wait_for(lambda: len(filed(sqlite_db)) == 1)
        assert woken
        dovecot.stop()
        dovecot.start()
        fresh = IMAPClient("127.0.0.1", port=dovecot.port, ssl=False, timeout=10)
        fresh.login(dovecot.user, dovecot.password)
        append(fresh, "Fwd: after restart")
        fresh.logout()
        wait_for(lambda: len(filed(sqlite_db)) == 2, timeout=20)
    finally:
        started = time.monotonic()
        loop.run(poller.stop())
        assert time.monotonic() - started < 5  # stops promptly, even in IDLE
        loop.close()


def wait_for(check: object, timeout: float = 10) -> None:
    assert callable(check)
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.05)
