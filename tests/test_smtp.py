"""The SMTP front as a mail server sees it: real SMTP sessions on a loopback port."""

from __future__ import annotations

import asyncio
import shutil
import smtplib
import ssl
import subprocess
from collections.abc import Iterator
from datetime import datetime
from email.policy import SMTP as SMTP_POLICY
from pathlib import Path

import aiosmtplib
import pytest
from sqlalchemy import select, text

from bot import smtp_codes as codes
from bot.addresses import is_bounce_address
from store.db import Database
from store.models import InboundMessage, InboundStatus, User
from store.users import add_user, forwarding_address
from tests.services import require
from tests.smtp_helpers import DOMAIN, RunningSmtp, make_context, message


@pytest.fixture
def ann(sqlite_db: Database) -> User:
    with sqlite_db.write() as session:
        return add_user(session, email="ann@ourco.com", name="Ann Lee")


@pytest.fixture
def server(sqlite_db: Database, now: datetime, ann: User) -> Iterator[RunningSmtp]:
    running = RunningSmtp(make_context(sqlite_db, now, smtp_max_bytes=60_000))
    yield running
    running.close()


def ann_address(ann: User) -> str:
    return forwarding_address(ann, DOMAIN)


def rows(db: Database) -> list[InboundMessage]:
    with db.read() as session:
        return list(session.scalars(select(InboundMessage).order_by(InboundMessage.id)))


def rcpt_reply(port: int, address: str) -> tuple[int, bytes]:
    with smtplib.SMTP("127.0.0.1", port, local_hostname="localhost", timeout=10) as client:
        client.ehlo()
        client.mail("someone@example.net")
        return client.rcpt(address)


def test_relaying_to_another_domain_is_refused(server: RunningSmtp) -> None:
    code, reply = rcpt_reply(server.port, "victim@example.org")
    assert code == 550
    assert reply.startswith(b"5.7.1")


def test_unknown_tokens_and_mailboxes_are_refused(server: RunningSmtp) -> None:
    for address in (f"crm+nosuchtoken@{DOMAIN}", f"postmaster2@{DOMAIN}", f"crm+@{DOMAIN}"):
        code, reply = rcpt_reply(server.port, address)
        assert (code, reply[:5]) == (550, b"5.1.1"), address


def test_a_forward_is_filed_byte_for_byte_before_250(
    server: RunningSmtp, ann: User, sqlite_db: Database
) -> None:
    raw = message(body="Please call John.").as_bytes(policy=SMTP_POLICY)
    with smtplib.SMTP("127.0.0.1", server.port, local_hostname="localhost", timeout=10) as client:
        refused = client.sendmail("ann@ourco.com", [ann_address(ann).upper()], raw)
    assert refused == {}
    [row] = rows(sqlite_db)
    assert row.status is InboundStatus.RECEIVED
    assert row.user_id == ann.id
    assert row.channel == "smtp"
    assert row.subject == "Fwd: Pricing"
    assert row.raw == raw


def test_the_250_waits_for_a_commit_synced_to_disk(
    server: RunningSmtp, sqlite_db: Database
) -> None:
    """WAL with synchronous=NORMAL can lose the last commits to a power cut; FULL cannot."""
    full, normal = 2, 1
    with server.server.writer.db.write() as session:
        assert session.execute(text("PRAGMA synchronous")).scalar() == full
    with sqlite_db.write() as session:  # the rest of the store keeps its faster setting
        assert session.execute(text("PRAGMA synchronous")).scalar() == normal


def test_the_same_message_id_is_accepted_but_filed_once(
    server: RunningSmtp, ann: User, sqlite_db: Database
) -> None:
    raw = message(message_id="<same-1@ourco.com>").as_bytes()
    with smtplib.SMTP("127.0.0.1", server.port, local_hostname="localhost", timeout=10) as client:
        client.sendmail("ann@ourco.com", [ann_address(ann)], raw)
        client.ehlo()
        code, reply = (
            client.data(raw)
            if client.mail("ann@ourco.com") and client.rcpt(ann_address(ann))
            else (0, b"")
        )
    assert code == 250
    assert b"already" in reply
    assert len(rows(sqlite_db)) == 1


def test_oversize_messages_get_552(server: RunningSmtp, ann: User, sqlite_db: Database) -> None:
    raw = message(body="x" * 70 + "\n" * 1 + ("y" * 76 + "\n") * 1000).as_bytes(policy=SMTP_POLICY)
    with smtplib.SMTP("127.0.0.1", server.port, local_hostname="localhost", timeout=10) as client:
        client.ehlo()
        client.esmtp_features.pop("size", None)  # skip SIZE=, so DATA itself is refused
        with pytest.raises(smtplib.SMTPDataError) as err:
            client.sendmail("ann@ourco.com", [ann_address(ann)], raw)
    assert err.value.smtp_code == 552
    with (
        smtplib.SMTP("127.0.0.1", server.port, local_hostname="localhost", timeout=10) as client,
        pytest.raises(smtplib.SMTPSenderRefused) as sized,
    ):
        client.sendmail("ann@ourco.com", [ann_address(ann)], raw)
    assert sized.value.smtp_code == 552
    assert rows(sqlite_db) == []


def test_broken_mime_is_accepted_and_kept(
    server: RunningSmtp, ann: User, sqlite_db: Database
) -> None:
    raw = (
        b"From: ann@ourco.com\r\nSubject: =?utf-8?B?broken\r\nMessage-ID: <b@x>\r\n"
        b'Content-Type: multipart/mixed; boundary="nope"\r\n\r\n'
        b"--wrong\r\n\xff\xfe garbage without end"
    )
    with smtplib.SMTP("127.0.0.1", server.port, local_hostname="localhost", timeout=10) as client:
        assert client.sendmail("ann@ourco.com", [ann_address(ann)], raw) == {}
    [row] = rows(sqlite_db)
    assert row.raw == raw + b"\r\n"  # the client ends the data with a line break


def test_a_failed_commit_answers_451_and_the_client_can_retry(
    server: RunningSmtp, ann: User, sqlite_db: Database
) -> None:
    with sqlite_db.engine.begin() as conn:
        conn.execute(text("ALTER TABLE inbound_messages RENAME TO inbound_away"))
    raw = message().as_bytes()
    with smtplib.SMTP("127.0.0.1", server.port, local_hostname="localhost", timeout=10) as client:
        with pytest.raises(smtplib.SMTPDataError) as err:
            client.sendmail("ann@ourco.com", [ann_address(ann)], raw)
        assert err.value.smtp_code == 451
        assert b"inbound" not in err.value.smtp_error  # no internals to the peer
        with sqlite_db.engine.begin() as conn:
            conn.execute(text("ALTER TABLE inbound_away RENAME TO inbound_messages"))
        assert client.sendmail("ann@ourco.com", [ann_address(ann)], raw) == {}
    assert len(rows(sqlite_db)) == 1


def test_bounce_addresses_are_accepted_for_the_newsletter(
    server: RunningSmtp, sqlite_db: Database
) -> None:
    bounce = f"bounces+r42-abc@{DOMAIN}"
    assert is_bounce_address(bounce)
    raw = message(sender="MAILER-DAEMON@example.org", to=bounce, subject="Undeliverable").as_bytes()
    with smtplib.SMTP("127.0.0.1", server.port, local_hostname="localhost", timeout=10) as client:
        assert client.sendmail("", [bounce], raw) == {}
    [row] = rows(sqlite_db)
    assert (row.channel, row.rcpt_to, row.user_id) == ("smtp", bounce, None)


def test_aiosmtplib_with_many_concurrent_sessions(
    server: RunningSmtp, ann: User, sqlite_db: Database
) -> None:
    async def send_all() -> None:
        async def one(i: int) -> None:
            msg = message(subject=f"Fwd: note {i}")
            await aiosmtplib.send(
                msg,
                hostname="127.0.0.1",
                port=server.port,
                recipients=[ann_address(ann)],
                sender="ann@ourco.com",
            )

        await asyncio.gather(*(one(i) for i in range(30)))

    asyncio.run(send_all())
    subjects = sorted(r.subject or "" for r in rows(sqlite_db))
    assert subjects == sorted(f"Fwd: note {i}" for i in range(30))


def test_swaks_delivers_and_sees_the_refusals(
    server: RunningSmtp, ann: User, sqlite_db: Database
) -> None:
    swaks = shutil.which("swaks")
    require(swaks is not None, "swaks")
    assert swaks is not None
    base = [swaks, "--server", f"127.0.0.1:{server.port}", "--from", "ann@ourco.com"]
    ok = subprocess.run(
        [*base, "--to", ann_address(ann), "--header", "Subject: via swaks"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert ok.returncode == 0, ok.stdout
    relay = subprocess.run(
        [*base, "--to", "x@example.org"], capture_output=True, text=True, timeout=30
    )
    assert relay.returncode != 0
    assert "550 5.7.1" in relay.stdout
    assert [r.subject for r in rows(sqlite_db)] == ["via swaks"]


def test_the_peer_never_sees_exception_text(server: RunningSmtp) -> None:
    reply = asyncio.run(server.server.handler.handle_exception(RuntimeError("secret dsn")))
    assert reply == codes.S421_ERROR
    assert "secret" not in reply


def test_starttls_and_auth_when_configured(
    sqlite_db: Database, now: datetime, ann: User, tmp_path: Path
) -> None:
    openssl = shutil.which("openssl")
    require(openssl is not None, "openssl")
    assert openssl is not None
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            openssl,
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-subj",
            "/CN=localhost",
            "-days",
            "1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    ctx = make_context(
        sqlite_db,
        now,
        smtp_tls_cert=str(cert),
        smtp_tls_key=str(key),
        smtp_auth_user="relay",
        smtp_auth_password="s3cret",
    )
    running = RunningSmtp(ctx)
    try:
        raw = message().as_bytes(policy=SMTP_POLICY)
        with smtplib.SMTP("127.0.0.1", running.port, local_hostname="localhost", timeout=10) as c:
            c.ehlo()
            assert c.has_extn("starttls")
            assert not c.has_extn("auth")  # never offered in clear text
            c.starttls(context=ssl._create_unverified_context())
            c.ehlo()
            with pytest.raises(smtplib.SMTPAuthenticationError):
                c.login("relay", "wrong")
            with pytest.raises(smtplib.SMTPSenderRefused):
                c.sendmail("ann@ourco.com", [ann_address(ann)], raw)  # AUTH required
            c.login("relay", "s3cret")
            assert c.sendmail("ann@ourco.com", [ann_address(ann)], raw) == {}
    finally:
        running.close()
    assert len(rows(sqlite_db)) == 1
