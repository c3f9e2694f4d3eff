"""`parse_email` as a whole: line endings, replies versus forwards, attached forwards."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from parsers.email import parse_email
from parsers.types import Address

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
FIXTURES = sorted((Path(__file__).parent / "data" / "forwards").glob("*.eml"))


@pytest.mark.parametrize("eml", FIXTURES[::4], ids=[p.stem for p in FIXTURES[::4]])
def test_crlf_and_mbox_from_line_change_nothing(eml: Path) -> None:
    raw = eml.read_bytes()
    plain = parse_email(raw, now=NOW, tz="Europe/Berlin").to_json()
    assert parse_email(raw.replace(b"\n", b"\r\n"), now=NOW, tz="Europe/Berlin").to_json() == plain
    mbox = b"From MAILER-DAEMON Mon Nov 23 09:00:00 2026\n" + raw
    assert parse_email(mbox, now=NOW, tz="Europe/Berlin").to_json() == plain


def test_an_outlook_reply_gives_its_new_text_and_no_forward() -> None:
    raw = (
        b"From: Ann Lee <ann.lee@ourco.com>\nTo: crm@ourco.com\nSubject: RE: Quote\n"
        b"Message-ID: <r1@ourco.com>\n\nThanks John, I will send it Friday.\n\n"
        b"From: John Doe <john@acme.com>\nSent: Monday, November 23, 2026 9:12 AM\n"
        b"To: Ann Lee <ann.lee@ourco.com>\nSubject: Quote\n\nCan you send the quote?\n"
    )
    parsed = parse_email(raw, now=NOW, tz="Europe/Berlin")
    assert parsed.forwarded is None and parsed.note is None
    assert parsed.body == "Thanks John, I will send it Friday."


def test_an_attached_forward_from_a_colleague_yields_the_external_original() -> None:
    inner = (
        b"From: Bob Stone <bob@ourco.com>\nTo: ann.lee@ourco.com\nSubject: Fwd: Order\n"
        b"Date: Sun, 22 Nov 2026 18:00:00 +0100\n\nYours.\n\n"
        b"---------- Forwarded message ---------\nFrom: Lisa Park <lisa@globex.com>\n"
        b"Date: Fri, 20 Nov 2026 at 16:05\nSubject: Order\nTo: bob@ourco.com\n\nWe order 200.\n"
    )
    raw = (
        b"From: Ann Lee <ann.lee@ourco.com>\nTo: crm@ourco.com\nSubject: FW: Order\n"
        b'Content-Type: multipart/mixed; boundary="M"\n\n--M\nContent-Type: text/plain\n\n'
        b"See attached.\n--M\nContent-Type: message/rfc822\n\n" + inner + b"\n--M--\n"
    )
    parsed = parse_email(raw, now=NOW, tz="Europe/Berlin")
    assert parsed.forwarded is not None
    assert parsed.forwarded.sender == Address("Lisa Park", "lisa@globex.com")
    assert parsed.forwarded.body == "We order 200."
    assert parsed.note == "See attached."
    assert parsed.contacts[0].email == "lisa@globex.com"
    assert [a.content_type for a in parsed.attachments] == ["message/rfc822"]


def test_dates_in_the_customer_text_and_signature_are_not_tasks() -> None:
    raw = (
        b"From: Ann Lee <ann.lee@ourco.com>\nTo: crm@ourco.com\nSubject: Fwd: Fair\n\n"
        b"FYI\n\n---------- Forwarded message ---------\nFrom: John <john@acme.com>\n"
        b"Date: Mon\nSubject: Fair\nTo: ann.lee@ourco.com\n\nCall me tomorrow, we meet "
        b"next Friday.\n\nJohn\nVisit us at the fair, 1-4 December!\n"
    )
    parsed = parse_email(raw, now=NOW, tz="Europe/Berlin")
    assert parsed.tasks == ()
    assert parsed.note == "FYI"


def test_a_name_only_outlook_sender_gets_the_address_from_the_signature() -> None:
    raw = (
        b"From: Ann Lee <ann.lee@ourco.com>\nTo: crm@ourco.com\nSubject: FW: Delivery\n\n"
        b"FYI\n\n-----Original Message-----\nFrom: John Doe\nSent: Monday, November 23, 2026\n"
        b"To: Ann Lee\nSubject: Delivery\n\nPlease confirm the delivery date.\n\n"
        b"Best regards,\nJohn Doe\nHead of Purchasing\nAcme Inc\njohn.doe@acme.com\n"
        b"+1 415 555 0100\n"
    )
    parsed = parse_email(raw, now=NOW, tz="Europe/Berlin")
    assert parsed.forwarded is not None
    assert parsed.forwarded.sender == Address("John Doe", "john.doe@acme.com")
    assert parsed.contacts[0].email == "john.doe@acme.com"
    assert parsed.contacts[0].phone == "+14155550100"
