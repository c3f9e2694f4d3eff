"""The newsletter and the ERP sync run as scheduled jobs, like the other sweeps."""

from __future__ import annotations

import mailbox
from pathlib import Path

import pytest

from jobs.sweeps import JOBS
from tests.cli import run_crm


def test_every_documented_job_can_be_run_by_name() -> None:
    assert {"reminders", "dunning", "digest", "newsletter", "erp-sync"} <= set(JOBS)


def test_a_scheduled_campaign_goes_out_on_the_first_tick_after_its_time(
    crm_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        run_crm(capsys, "user", "add", "ann@ourco.com", "--name", "Ann", "--role", "admin").code
        == 0
    )
    (crm_env / "c.csv").write_text(
        "name,email,phone,title,company,tags,marketing_consent\n"
        "Jane Doe,jane@acme.com,,CTO,Acme,newsletter,yes\n"
        "Bob Roe,bob@beta.com,,,Beta,newsletter,no\n"
    )
    assert run_crm(capsys, "import", "contacts", str(crm_env / "c.csv")).code == 0
    (crm_env / "b.md").write_text("# News\n\nHello {{ first_name }}!\n")
    created = run_crm(
        capsys,
        "campaign",
        "create",
        "--name",
        "nov",
        "--subject",
        "November",
        "--body",
        str(crm_env / "b.md"),
        "--segment",
        "tag:newsletter",
        "--as",
        "ann@ourco.com",
        "--now",
        "2026-11-23T09:00:00Z",
    )
    assert created.code == 0, created.err
    assert (
        run_crm(
            capsys,
            "campaign",
            "send",
            "nov",
            "--at",
            "2026-11-23T10:00:00Z",
            "--now",
            "2026-11-23T09:00:00Z",
        ).code
        == 0
    )

    early = run_crm(capsys, "jobs", "run", "newsletter", "--now", "2026-11-23T09:30:00Z")
    assert early.code == 0 and "queued 0" in early.out
    due = run_crm(capsys, "jobs", "run", "newsletter", "--now", "2026-11-23T10:00:30Z")
    assert due.code == 0 and "queued 1" in due.out
    again = run_crm(capsys, "jobs", "run", "newsletter", "--now", "2026-11-23T10:05:00Z")
    assert "queued 0" in again.out

    box = mailbox.Maildir(str(crm_env / "maildir"), create=False)
    recipients = [m["To"] for m in box]
    assert recipients == ["Jane Doe <jane@acme.com>"]  # Bob gave no consent


def test_erp_sync_without_an_erp_does_nothing(
    crm_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    result = run_crm(capsys, "jobs", "run", "erp-sync", "--now", "2026-11-23T09:00:00Z")
    assert result.code == 0
    assert "configured" not in result.err
