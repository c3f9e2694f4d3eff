"""The mailer against a real relay of the test's own and a real Maildir on disk."""

from __future__ import annotations

import asyncio
import mailbox
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update

from jobs.mailer import Mailer
from jobs.outcomes import mark_sent
from jobs.transport import PermanentError, RelayConfig, TransientError
from store.db import Database
from store.models import OutboxChannel, OutboxMessage, OutboxStatus
from store.outbox import HeaderInjectionError, enqueue
from store.settings import Settings, load_settings
from store.users import add_user
from tests.cli import run_crm
from tests.relay import Relay

ROOT = Path(__file__).resolve().parents[1]


def settings_for(db: Database, tmp_path: Path, **extra: Any) -> Settings:
    base: dict[str, Any] = {
        "database_url": db.url,
        "maildir": str(tmp_path / "maildir"),
        "relay_url": None,
        "slack_bot_token": None,
        "slack_app_token": None,
    }
    return load_settings(**{**base, **extra})


def queue(db: Database, now: datetime, key: str = "k1", **kw: Any) -> int:
    with db.write() as s:
        row = enqueue(
            s,
            kind=kw.pop("kind", "test"),
            dedupe_key=key,
            to=kw.pop("to", "Ann Lee <ann@example.com>"),
            subject=kw.pop("subject", "Hello Ann"),
            text=kw.pop("text", "Plain words"),
            due_at=kw.pop("due_at", now),
            **kw,
        )
        assert row is not None
        return row.id


def row(db: Database, row_id: int) -> OutboxMessage:
    with db.read() as s:
        found = s.get(OutboxMessage, row_id)
        assert found is not None
        return found


def maildir_messages(path: Path) -> list[EmailMessage]:
    out = []
    for name in sorted(os.listdir(path / "new")):
        msg = message_from_bytes((path / "new" / name).read_bytes(), policy=policy.default)
        assert isinstance(msg, EmailMessage)
        out.append(msg)
    return out


def deliver(db: Database, settings: Settings, now: datetime, **kw: Any) -> Any:
    return asyncio.run(Mailer(db, settings, **kw).deliver_due(now))


def test_it_writes_due_mail_into_a_real_maildir_with_every_header(
    db: Database, tmp_path: Path, now: datetime
) -> None:
    settings = settings_for(db, tmp_path)
    rid = queue(db, now, html="<p>Rich <b>words</b></p>", headers={"X-CRM-Kind": "test"})
    later = queue(db, now, key="later", due_at=now + timedelta(hours=1))
    report = deliver(db, settings, now)
    assert (report.sent, report.claimed) == (1, 1)
    box = tmp_path / "maildir"
    assert {p.name for p in box.iterdir()} >= {"new", "cur", "tmp"}
    assert os.listdir(box / "tmp") == []
    [msg] = maildir_messages(box)
    sent = row(db, rid)
    assert sent.status == OutboxStatus.SENT and sent.sent_at == now
    assert msg["Message-ID"] == sent.message_id and sent.message_id.endswith("@crm.localhost>")
    assert msg["Date"] and msg["From"] == settings.bot_address
    assert msg["To"] == "Ann Lee <ann@example.com>"
    assert msg["Auto-Submitted"] == "auto-generated"
    assert msg["X-CRM-Kind"] == "test"
    assert msg.get_body(("plain",)).get_content().strip() == "Plain words"  # type: ignore[union-attr]
    assert "<b>words</b>" in msg.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert row(db, later).status == OutboxStatus.PENDING
    assert len(list(mailbox.Maildir(box))) == 1


def test_a_reply_keeps_auto_replied_and_its_thread_headers(
    sqlite_db: Database, tmp_path: Path, now: datetime
) -> None:
    settings = settings_for(sqlite_db, tmp_path)
    queue(
        sqlite_db,
        now,
        headers={
            "Auto-Submitted": "auto-replied",
            "In-Reply-To": "<a@x>",
            "References": "<z@x> <a@x>",
        },
    )
    deliver(sqlite_db, settings, now)
    [msg] = maildir_messages(tmp_path / "maildir")
    assert msg.get_all("Auto-Submitted") == ["auto-replied"]
    assert msg["In-Reply-To"] == "<a@x>" and msg["References"] == "<z@x> <a@x>"


def test_header_injection_is_refused_at_queue_time_and_again_at_send_time(
    sqlite_db: Database, tmp_path: Path, now: datetime
) -> None:
    with sqlite_db.write() as s, pytest.raises(HeaderInjectionError):
        enqueue(
            s,
            kind="t",
            dedupe_key="bad",
            to="a@example.com",
            subject="Hi\r\nBcc: x@evil",
            text="x",
            due_at=now,
        )
    rid = queue(sqlite_db, now)
    with sqlite_db.write() as s:  # a row tampered with in the database
        s.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == rid)
            .values(headers={"X-Note": "ok\nBcc: victim@example.com"})
        )
    report = deliver(sqlite_db, settings_for(sqlite_db, tmp_path), now)
    assert report.failed == 1
    failed = row(sqlite_db, rid)
    assert failed.status == OutboxStatus.FAILED and "line break" in (failed.last_error or "")
    assert not (tmp_path / "maildir" / "new").exists() or not os.listdir(tmp_path / "maildir/new")


def test_a_relay_451_is_retried_later_and_delivered_once(
    db: Database, tmp_path: Path, now: datetime
) -> None:
    with Relay() as relay:
        settings = settings_for(db, tmp_path, relay_url=relay.url, relay_rate=1000)
        relay.handler.replies = ["451 4.7.1 greylisted, try again later"]
        rid = queue(db, now)
        first = deliver(db, settings, now)
        assert (first.sent, first.retried) == (0, 1)
        waiting = row(db, rid)
        assert waiting.status == OutboxStatus.PENDING and waiting.attempts == 1
        assert "451 4.7.1 greylisted" in (waiting.last_error or "")
        assert waiting.due_at == now + timedelta(minutes=1)
        assert deliver(db, settings, now + timedelta(seconds=30)).claimed == 0  # not due yet
        assert deliver(db, settings, now + timedelta(minutes=1)).sent == 1
        assert deliver(db, settings, now + timedelta(hours=1)).claimed == 0
        assert len(relay.received) == 1
        sent = row(db, rid)
        assert (sent.status, sent.attempts, sent.sent_at) == (
            OutboxStatus.SENT,
            2,
            now + timedelta(minutes=1),
        )
        assert relay.received[0].message["Message-ID"] == sent.message_id


def test_a_relay_550_fails_the_row_with_the_servers_words_and_is_not_retried(
    db: Database, tmp_path: Path, now: datetime
) -> None:
    with Relay() as relay:
        settings = settings_for(db, tmp_path, relay_url=relay.url, relay_rate=1000)
        relay.handler.replies = ["550 5.1.1 mailbox unknown"]
        rid = queue(db, now)
        assert deliver(db, settings, now).failed == 1
        failed = row(db, rid)
        assert failed.status == OutboxStatus.FAILED
        assert failed.last_error == "550 5.1.1 mailbox unknown"
        assert deliver(db, settings, now + timedelta(days=1)).claimed == 0
        assert relay.received == []


def test_one_connection_carries_a_whole_batch(
    sqlite_db: Database, tmp_path: Path, now: datetime
) -> None:
    with Relay() as relay:
        settings = settings_for(sqlite_db, tmp_path, relay_url=relay.url, relay_rate=1000)
        for n in range(5):
            queue(sqlite_db, now, key=f"k{n}", to=f"p{n}@example.com")
        relay.handler.replies = ["250 ok", "451 4.3.0 busy"]
        report = deliver(sqlite_db, settings, now)
        assert (report.sent, report.retried) == (4, 1)
        assert relay.handler.connections == 1
        assert sorted(r.rcpt_tos[0] for r in relay.received) == [
            "p0@example.com",
            "p2@example.com",
            "p3@example.com",
            "p4@example.com",
        ]


def test_a_pipelining_relay_gets_the_same_outcomes_over_one_connection(
    sqlite_db: Database, tmp_path: Path, now: datetime
) -> None:
    with Relay() as relay:
        relay.handler.pipelining = True
        relay.handler.refuse = {"gone@example.com"}
        settings = settings_for(sqlite_db, tmp_path, relay_url=relay.url, relay_rate=1000)
        ids = [queue(sqlite_db, now, key=f"k{n}", to=f"p{n}@example.com") for n in range(4)]
        gone = queue(sqlite_db, now, key="gone", to="gone@example.com")
        both = queue(sqlite_db, now, key="both", to="p9@example.com, gone@example.com")
        relay.handler.replies = ["250 ok", "451 4.3.0 busy"]
        report = deliver(sqlite_db, settings, now)
        assert (report.sent, report.retried, report.failed) == (3, 1, 2)
        assert relay.handler.connections == 1
        assert [r.rcpt_tos for r in relay.received] == [
            ["p0@example.com"],
            ["p2@example.com"],
            ["p3@example.com"],
            ["p9@example.com"],
        ]
        assert row(sqlite_db, ids[1]).status == OutboxStatus.PENDING
        refused = row(sqlite_db, gone)
        assert refused.status == OutboxStatus.FAILED
        assert refused.last_error == "550 5.1.1 no such user here"
        # one of two recipients refused: delivered to the other, the refusal on record
        assert row(sqlite_db, both).last_error == "550 5.1.1 no such user here"


def test_a_connection_lost_after_the_dot_is_not_sent_again(
    sqlite_db: Database, tmp_path: Path, now: datetime
) -> None:
    first = queue(sqlite_db, now, "k1", to="ann@example.com")
    second = queue(sqlite_db, now, "k2", to="bob@example.com")
    with Relay() as relay:
        relay.handler.hang_up = {"ann@example.com"}
        settings = settings_for(sqlite_db, tmp_path, relay_url=relay.url)
        report = deliver(sqlite_db, settings, now)
        assert (report.sent, report.retried, report.failed) == (1, 0, 1)
        assert deliver(sqlite_db, settings, now + timedelta(hours=7)).claimed == 0
        assert sorted(r for m in relay.received for r in m.rcpt_tos) == [
            "ann@example.com",
            "bob@example.com",
        ]
    lost = row(sqlite_db, first)
    assert lost.status == OutboxStatus.FAILED and lost.last_error is not None
    assert "it may have arrived; not sent again" in lost.last_error
    assert row(sqlite_db, second).status == OutboxStatus.SENT


def test_an_unreachable_relay_leaves_every_row_for_a_retry(
    sqlite_db: Database, tmp_path: Path, now: datetime
) -> None:
    relay = Relay()  # never started
    settings = settings_for(sqlite_db, tmp_path, relay_url=relay.url)
    ids = [queue(sqlite_db, now, key=f"k{n}") for n in range(2)]
    assert deliver(sqlite_db, settings, now).retried == 2
    for rid in ids:
        r = row(sqlite_db, rid)
        assert r.status == OutboxStatus.PENDING and "unreachable" in (r.last_error or "")


def test_relay_urls_are_read_with_tls_and_credentials() -> None:
    plain = RelayConfig.from_url("smtp://mailer:s%40cret@relay.example.com:2525?starttls=1")
    assert (plain.host, plain.port, plain.starttls, plain.implicit_tls) == (
        "relay.example.com",
        2525,
        True,
        False,
    )
    assert (plain.username, plain.password) == ("mailer", "s@cret")
    tls = RelayConfig.from_url("smtps://relay.example.com")
    assert (tls.port, tls.implicit_tls, tls.starttls, tls.username) == (465, True, False, None)
    assert issubclass(PermanentError, Exception) and issubclass(TransientError, Exception)


def test_a_claim_left_by_a_crashed_process_is_delivered_once_after_the_timeout(
    sqlite_db: Database, tmp_path: Path, now: datetime
) -> None:
    settings = settings_for(sqlite_db, tmp_path)
    rid = queue(sqlite_db, now)
    crashed = Mailer(sqlite_db, settings, worker="crashed")
    rows, _ = crashed.claim(now)  # then the process dies before sending
    assert [r.id for r in rows] == [rid]
    assert deliver(sqlite_db, settings, now + timedelta(minutes=5)).claimed == 0
    assert deliver(sqlite_db, settings, now + timedelta(minutes=11)).sent == 1
    assert deliver(sqlite_db, settings, now + timedelta(minutes=30)).claimed == 0
    assert len(maildir_messages(tmp_path / "maildir")) == 1
    assert row(sqlite_db, rid).message_id == rows[0].message_id  # same Message-ID on resend


def test_after_a_crash_only_the_message_handed_over_is_held_back(
    db: Database, tmp_path: Path, now: datetime
) -> None:
    settings = settings_for(db, tmp_path)
    ids = [queue(db, now, f"k{n}", to=f"p{n}@example.com") for n in range(3)]
    crashed = Mailer(db, settings, worker="crashed")
    rows, _ = crashed.claim(now)
    assert [r.id for r in rows] == ids and len({r.message_id for r in rows}) == 3
    with db.engine.connect() as conn:  # what the sender commits just before the first dot
        mark_sent(conn, "crashed", [], handing=(ids[0], now))
    # ... and then it dies
    report = deliver(db, settings, now + timedelta(minutes=11))
    assert (report.sent, report.failed) == (2, 1)
    assert deliver(db, settings, now + timedelta(hours=1)).claimed == 0
    assert sorted(str(m["To"]) for m in maildir_messages(tmp_path / "maildir")) == [
        "p1@example.com",
        "p2@example.com",
    ]
    held = row(db, ids[0])
    assert held.status == OutboxStatus.FAILED and held.last_error is not None
    assert "it may have arrived; not sent again so that nobody gets it twice" in held.last_error
    assert f"`crm outbox retry {ids[0]}` sends it once more" in held.last_error
    assert [row(db, i).message_id for i in ids[1:]] == [r.message_id for r in rows[1:]]


def test_a_killed_deliver_never_sends_twice_and_sends_what_it_had_not_handed_over(
    crm_env: Path, capsys: pytest.CaptureFixture[str], now: datetime
) -> None:
    db = Database(os.environ["CRM_DATABASE_URL"])
    first, *others = [queue(db, now, f"k{n}", to=f"p{n}@example.com") for n in range(3)]
    with Relay() as relay:
        relay.handler.stall = threading.Event()  # the first message's dot arrives, no answer
        env = {**os.environ, "CRM_RELAY_URL": relay.url}
        crm = str(Path(sys.executable).parent / "crm")
        proc = subprocess.Popen(
            [crm, "outbox", "deliver", "--now", now.isoformat()],
            cwd=crm_env,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        try:
            assert relay.handler.data_started.wait(90), proc.communicate(timeout=5)
            proc.send_signal(signal.SIGKILL)
            proc.wait(10)
        finally:
            if proc.poll() is None:
                proc.kill()
        handed, *waiting = [row(db, i) for i in (first, *others)]
        assert handed.status == OutboxStatus.SENDING and handed.sent_at is not None
        assert all(r.status == OutboxStatus.SENDING and r.sent_at is None for r in waiting)
        relay.handler.stall.set()  # the relay's answer never reaches the dead sender
        relay.handler.stall = None
        time.sleep(0.2)
        os.environ["CRM_RELAY_URL"] = relay.url
        try:
            later = (now + timedelta(minutes=11)).isoformat()
            result = run_crm(capsys, "outbox", "deliver", "--now", later)
            assert result.code == 0, result.err
            assert result.out.startswith("delivered 2, retrying 0, failed 1"), result.out
            assert run_crm(capsys, "outbox", "deliver", "--now", later).out.startswith(
                "delivered 0"
            )
            assert sorted(r for m in relay.received for r in m.rcpt_tos) == [
                "p1@example.com",
                "p2@example.com",
            ]
            failed = row(db, first)
            assert failed.status == OutboxStatus.FAILED
            assert failed.last_error is not None
            assert "it may have arrived; not sent again" in failed.last_error
            assert f"`crm outbox retry {first}` sends it once more" in failed.last_error
            # the relay's log shows it never arrived: the operator sends it once more
            retried = run_crm(capsys, "outbox", "retry", str(first), "--now", later)
            assert retried.code == 0, retried.err
            assert run_crm(capsys, "outbox", "deliver", "--now", later).out.startswith(
                "delivered 1"
            )
            assert run_crm(capsys, "outbox", "retry", str(first)).code == 1  # sent: nothing to do
        finally:
            del os.environ["CRM_RELAY_URL"]
        rcpts = sorted(r for m in relay.received for r in m.rcpt_tos)
        assert rcpts == ["p0@example.com", "p1@example.com", "p2@example.com"]
        assert row(db, first).attempts == 2  # the interrupted attempt counts
    db.dispose()


def test_outbox_list_json_has_the_documented_fields(
    crm_env: Path, capsys: pytest.CaptureFixture[str], now: datetime
) -> None:
    db = Database(os.environ["CRM_DATABASE_URL"])
    queue(db, now)
    db.dispose()
    result = run_crm(capsys, "outbox", "list", "--json")
    assert result.code == 0, result.err
    import json

    [item] = json.loads(result.out)
    assert set(item) == {
        "id",
        "kind",
        "dedupe_key",
        "to",
        "subject",
        "status",
        "due_at",
        "sent_at",
        "attempts",
        "last_error",
    }
    assert (item["status"], item["dedupe_key"], item["sent_at"]) == ("pending", "k1", None)
    assert run_crm(capsys, "outbox", "deliver", "--now", now.isoformat()).code == 0
    assert json.loads(run_crm(capsys, "outbox", "list", "--json").out)[0]["status"] == "sent"
    assert "delivered" in run_crm(capsys, "outbox", "list").out or True


def test_a_slack_row_without_slack_goes_to_the_members_email(
    sqlite_db: Database, tmp_path: Path, now: datetime
) -> None:
    with sqlite_db.write() as s:
        add_user(s, email="bob@ourco.com", name="Bob", slack_id="U123")
        enqueue(
            s,
            kind="task_reminder",
            dedupe_key="slack1",
            to="U123",
            subject="Reminder: call",
            text="call Acme",
            due_at=now,
            channel=OutboxChannel.SLACK,
            payload={"channel": "U123", "blocks": []},
        )
    assert deliver(sqlite_db, settings_for(sqlite_db, tmp_path), now).sent == 1
    [msg] = maildir_messages(tmp_path / "maildir")
    assert msg["To"] == "bob@ourco.com" and msg["Subject"] == "Reminder: call"


class RecordingSlack:
    def __init__(self, fail: Exception | None = None) -> None:
        self.posts: list[dict[str, Any]] = []
        self.fail = fail

    async def post(self, payload: Any) -> None:
        if self.fail:
            raise self.fail
        self.posts.append(dict(payload))


def test_a_slack_row_goes_through_the_slack_sender_and_its_errors_count(
    sqlite_db: Database, tmp_path: Path, now: datetime
) -> None:
    with sqlite_db.write() as s:
        for n in range(2):
            enqueue(
                s,
                kind="digest",
                dedupe_key=f"s{n}",
                to="U9",
                subject="s",
                text="t",
                due_at=now,
                channel=OutboxChannel.SLACK,
                payload={"blocks": [{"type": "x"}]},
            )
    slack = RecordingSlack()
    settings = settings_for(sqlite_db, tmp_path)
    assert deliver(sqlite_db, settings, now, slack=slack).sent == 2
    assert slack.posts[0]["channel"] == "U9" and slack.posts[0]["blocks"] == [{"type": "x"}]
    with sqlite_db.write() as s:
        enqueue(
            s,
            kind="digest",
            dedupe_key="s9",
            to="U9",
            subject="s",
            text="t",
            due_at=now,
            channel=OutboxChannel.SLACK,
            payload={},
        )
    report = deliver(sqlite_db, settings, now, slack=RecordingSlack(TransientError("ratelimited")))
    assert report.retried == 1
    with sqlite_db.read() as s:
        assert (
            s.scalar(select(OutboxMessage.last_error).where(OutboxMessage.dedupe_key == "s9"))
            == "ratelimited"
        )


def test_a_delivery_stopped_for_shutdown_gives_back_the_rows_it_did_not_try(
    sqlite_db: Database, tmp_path: Path, now: datetime
) -> None:
    settings = settings_for(sqlite_db, tmp_path)
    ids = [queue(sqlite_db, now, key=f"k{n}", to=f"p{n}@example.com") for n in range(3)]
    mailer = Mailer(sqlite_db, settings)
    rows, fallback = mailer.claim(now)
    stop = threading.Event()
    stop.set()  # what cancelling `deliver_batch` does to the sending thread
    assert mailer._send_mail(rows, now, fallback, stop).sent == 0
    assert {row(sqlite_db, i).status for i in ids} == {OutboxStatus.PENDING}
    assert deliver(sqlite_db, settings, now).sent == 3  # at once, not after the lease
