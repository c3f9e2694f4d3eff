"""`crm ingest`, `crm inbound list|retry`, and `crm serve` killed right after a 250."""

from __future__ import annotations

import json
import mailbox
import os
import signal
import smtplib
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from store.db import Database
from store.models import InboundMessage, InboundStatus, Interaction, OutboxMessage
from tests.cli import run_crm
from tests.intake_mail import forward
from tests.services import free_port, port_open

GARBAGE = b"\x00\x01 this is not an email at all\r\n"


@pytest.fixture
def ann_address(
    crm_env: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> str:
    monkeypatch.setenv("CRM_MAIL_DOMAIN", "crm.ourco.test")
    result = run_crm(capsys, "user", "add", "ann@ourco.com", "--name", "Ann Lee")
    assert result.code == 0, result.err
    return result.last_line


def test_ingest_a_folder_and_an_mbox(
    crm_env: Path, ann_address: str, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = crm_env / "mail"
    folder.mkdir()
    (folder / "1.eml").write_bytes(forward(message_id="<i1@ourco.com>"))
    (folder / "2.eml").write_bytes(GARBAGE)
    result = run_crm(capsys, "ingest", str(folder), "--as", "ann@ourco.com")
    lines = result.out.strip().splitlines()
    assert lines[0].startswith("1.eml: #1 processed: created John Doe <john.doe@acme.com>")
    assert lines[1].startswith("2.eml: #2 failed")
    assert "could not read the message" in lines[1]
    assert result.code == 1
    assert result.err.strip() == "error: 1 message(s) failed; see crm inbound list"

    box = mailbox.mbox(str(crm_env / "mail.mbox"))
    box.add(mailbox.mboxMessage(forward(message_id="<i1@ourco.com>")))
    box.add(
        mailbox.mboxMessage(
            forward(message_id="<m2@ourco.com>", original_from="Mary <mary@globex.com>")
        )
    )
    box.close()
    again = run_crm(capsys, "ingest", str(crm_env / "mail.mbox"), "--as", "ann@ourco.com")
    assert again.code == 0, again.err
    out = again.out.strip().splitlines()
    assert out[0] == "mail.mbox[0]: #1 already received, skipped"
    assert out[1].startswith("mail.mbox[1]: #3 processed: created Mary <mary@globex.com>")

    listed = run_crm(capsys, "inbound", "list", "--json")
    rows = json.loads(listed.out)
    assert [(r["id"], r["status"]) for r in rows] == [
        (3, "processed"),
        (2, "failed"),
        (1, "processed"),
    ]
    assert rows[1]["error"].startswith("could not read the message")
    assert set(rows[0]) >= {"id", "received", "from", "subject", "status", "reasons", "error"}
    plain = run_crm(capsys, "inbound", "list")
    assert "#2" in plain.out and "failed" in plain.out


def test_retry_processes_a_failed_message_again_and_refuses_nonsense(
    crm_env: Path, ann_address: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = crm_env / "bad.eml"
    path.write_bytes(GARBAGE)
    run_crm(capsys, "ingest", str(path), "--as", "ann@ourco.com")
    retry = run_crm(capsys, "inbound", "retry", "1")
    assert retry.code == 1
    assert retry.out.startswith("#1 failed")
    missing = run_crm(capsys, "inbound", "retry", "99")
    assert (missing.code, missing.err.strip()) == (1, "error: no received message #99")
    nobody = run_crm(capsys, "ingest", str(path), "--as", "x@nowhere.example")
    assert nobody.code == 1 and "not a team member" in nobody.err


def _start_serve(env: dict[str, str], cwd: Path, smtp_port: int) -> subprocess.Popen[bytes]:
    crm = [sys.executable, "-c", "from bot.cli.app import main; main()"]
    proc = subprocess.Popen(
        [*crm, "serve"], env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 120  # start-up imports are slow on a loaded machine
    while not port_open("127.0.0.1", smtp_port):
        assert proc.poll() is None and time.monotonic() < deadline, "crm serve did not start"
        time.sleep(0.05)
    return proc


def test_killing_serve_right_after_250_processes_each_message_exactly_once(
    crm_env: Path, ann_address: str
) -> None:
    smtp_port = free_port()
    env = {
        **os.environ,
        "CRM_SMTP_PORT": str(smtp_port),
        "CRM_HTTP_PORT": str(free_port()),
        "CRM_MAIL_DOMAIN": "crm.ourco.test",
        "CRM_SCHEDULER": "false",  # only the intake is under test, not the day's digest
    }
    proc = _start_serve(env, crm_env, smtp_port)
    try:
        with smtplib.SMTP("127.0.0.1", smtp_port, local_hostname="localhost", timeout=10) as c:
            for i in range(3):
                raw = forward(
                    message_id=f"<k{i}@ourco.com>",
                    original_from=f"P{i} <p{i}@firm{i}.example>",
                    signature="",
                )
                assert c.sendmail("ann@ourco.com", [ann_address], raw) == {}
            proc.send_signal(signal.SIGKILL)  # right after the last 250
            proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
    db = Database(os.environ["CRM_DATABASE_URL"])
    with db.read() as session:
        assert session.scalar(select(func.count(InboundMessage.id))) == 3
    proc = _start_serve(env, crm_env, smtp_port)
    try:
        deadline = time.monotonic() + 120
        while True:
            with db.read() as session:
                waiting = session.scalar(
                    select(func.count(InboundMessage.id)).where(
                        InboundMessage.status != InboundStatus.PROCESSED
                    )
                )
            if waiting == 0:
                break
            assert time.monotonic() < deadline, "messages were not processed after the restart"
            time.sleep(0.1)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(20) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
    with db.read() as session:
        assert session.scalar(select(func.count(Interaction.id))) == 3
        kinds = list(session.scalars(select(OutboxMessage.kind)))
        # the scheduler in the same process may queue its own mail (a digest): not ours
        assert [k for k in kinds if k.startswith("intake_")] == ["intake_reply"] * 3
        attempts = list(session.scalars(select(InboundMessage.attempts)))
        assert attempts == [1] * 3
    db.dispose()
