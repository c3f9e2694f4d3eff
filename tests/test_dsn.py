"""Delivery status notifications and abuse reports, read from real-shaped messages."""

from __future__ import annotations

from pathlib import Path

import pytest

from parsers.dsn import AbuseReport, DeliveryReport, classify, parse_report

DATA = Path(__file__).parent / "data" / "dsn"


def report(name: str) -> DeliveryReport | AbuseReport | None:
    return parse_report((DATA / name).read_bytes())


def test_a_postfix_user_unknown_is_a_hard_bounce_with_its_reason() -> None:
    dsn = report("postfix_hard.eml")
    assert isinstance(dsn, DeliveryReport)
    assert dsn.reporting_mta == "mx.example.net"
    worst = dsn.worst
    assert worst is not None
    assert (worst.final_recipient, worst.action, worst.status) == (
        "ghost@acme.com",
        "failed",
        "5.1.1",
    )
    assert worst.severity == "hard"
    assert worst.diagnostic is not None and "User unknown" in worst.diagnostic
    assert dsn.original_message_id == "<c1.r1.TOKEN@crm.localhost>"
    assert any(k == "List-Unsubscribe" for k, _ in dsn.original_headers)


def test_a_full_mailbox_given_up_on_is_a_soft_bounce() -> None:
    dsn = report("exim_soft.eml")
    assert isinstance(dsn, DeliveryReport) and dsn.worst is not None
    assert dsn.worst.severity == "soft"
    assert dsn.worst.final_recipient == "full@acme.com"
    assert dsn.original_message_id == "<c1.r2.TOKEN@crm.localhost>"


def test_a_delay_warning_is_not_a_bounce() -> None:
    dsn = report("delayed.eml")
    assert isinstance(dsn, DeliveryReport) and dsn.worst is not None
    assert dsn.worst.severity == "delayed"


def test_an_arf_abuse_report_names_the_complaint_and_the_original() -> None:
    arf = report("arf_abuse.eml")
    assert isinstance(arf, AbuseReport)
    assert arf.feedback_type == "abuse"
    assert arf.original_rcpt_to == ("angry@acme.com",)
    assert arf.original_mail_from == "bounces+TOKEN@crm.localhost"
    assert arf.original_message_id == "<c1.r3.TOKEN@crm.localhost>"


def test_an_out_of_office_reply_is_not_a_report() -> None:
    assert report("out_of_office.eml") is None


def test_a_plain_text_qmail_bounce_is_read_as_a_guessed_hard_bounce() -> None:
    dsn = report("qmail_plain.eml")
    assert isinstance(dsn, DeliveryReport) and dsn.guessed
    assert dsn.worst is not None and dsn.worst.severity == "hard"


@pytest.mark.parametrize(
    ("action", "status", "severity"),
    [
        ("failed", "5.1.1", "hard"),
        ("failed", "5.2.2", "soft"),
        ("failed", "4.4.7", "soft"),
        ("delayed", "4.4.1", "delayed"),
        ("delivered", "2.0.0", "success"),
        ("failed", "", "hard"),
    ],
)
def test_classification(action: str, status: str, severity: str) -> None:
    assert classify(action, status) == severity


def test_garbage_is_not_a_report() -> None:
    assert parse_report(b"\x00\xffnot mail at all") is None
    assert parse_report(b"Content-Type: multipart/report; report-type=delivery-status\n\n") is None
