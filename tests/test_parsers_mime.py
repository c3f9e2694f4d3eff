"""Decoding raw messages: headers, charsets (declared, legacy, mislabelled), HTML, parts."""

from __future__ import annotations

import base64
from datetime import UTC, datetime

import pytest

from parsers.email import parse_email
from parsers.mime import decode_bytes, decode_header_value, html_to_text, read_message
from parsers.types import ParseError
from parsers.vcard import read_vcards


def eml(headers: str, body: bytes = b"Hello\n") -> bytes:
    return headers.strip().encode("ascii") + b"\n\n" + body


def test_envelope_is_decoded_with_rfc2047_subject_and_names() -> None:
    msg = read_message(
        eml(
            "From: =?utf-8?q?J=C3=BCrgen_M=C3=BCller?= <jm@firma.de>\n"
            'To: "Doe, John" <john@acme.com>, bessie@acme.com\n'
            "Subject: =?ISO-8859-1?Q?Angebot_f=FCr?= =?utf-8?b?IE3DvGxsZXI=?=\n"
            "Date: Mon, 23 Nov 2026 09:12:41 +0100\n"
            "Message-ID: <abc@firma.de>\nIn-Reply-To: <prev@acme.com>\n"
            "References: <first@acme.com> <prev@acme.com>"
        )
    )
    assert msg.sender is not None and msg.sender.name == "Jürgen Müller"
    assert msg.subject == "Angebot für Müller"
    assert [(a.name, a.email) for a in msg.to] == [
        ("John Doe", "john@acme.com"),
        (None, "bessie@acme.com"),
    ]
    assert msg.date == datetime(2026, 11, 23, 8, 12, 41, tzinfo=UTC)
    assert msg.message_id == "<abc@firma.de>"
    assert msg.in_reply_to == "<prev@acme.com>"
    assert msg.references == ("<first@acme.com>", "<prev@acme.com>")


def test_raw_utf8_headers_are_read() -> None:
    raw = "From: Jürgen <j@x.de>\nSubject: Grüße aus Köln\n\nHallo".encode()
    msg = read_message(raw)
    assert msg.subject == "Grüße aus Köln"
    assert msg.sender is not None and msg.sender.name == "Jürgen"


@pytest.mark.parametrize(
    ("text", "charset"),
    [
        ("Grüße, Jürgen", "iso-8859-1"),
        ("Zażółć gęślą jaźń", "iso-8859-2"),
        ("Добрый день", "koi8-r"),
        ("Добрий день, їжак", "windows-1251"),
        ("お見積りのお願い", "shift_jis"),
        ("订单报价", "gb2312"),
        ("ใบแจ้งหนี้", "tis-620"),
        ("Teşekkürler", "windows-1254"),
    ],
)
def test_legacy_charsets_decode(text: str, charset: str) -> None:
    body = base64.encodebytes(text.encode(charset))
    msg = read_message(
        eml(
            f"From: a@b.c\nSubject: x\nContent-Type: text/plain; charset={charset}\n"
            "Content-Transfer-Encoding: base64",
            body,
        )
    )
    assert msg.text == text


def test_a_mislabelled_charset_is_recognised() -> None:
    assert decode_bytes("Grüße aus Köln".encode(), "iso-8859-1") == "Grüße aus Köln"
    defects: list[str] = []
    latin = "Vi bekrefter bestilling på 9 800 kr, før jul.".encode("latin-1")
    assert decode_bytes(latin, "us-ascii", defects) == latin.decode("latin-1")
    assert defects == ["text is not us-ascii"]
    assert decode_bytes(b"plain", "x-no-such-charset", []) == "plain"


def test_encoded_words_with_bad_charset_keep_the_text() -> None:
    assert decode_header_value("=?x-bogus?q?Hello?= world") in ("Hello world",)


def test_html_only_message_becomes_text_through_inscriptis() -> None:
    html = (
        "<html><head><style>p{color:red}</style></head><body><div>Hi&nbsp;Ann,</div>"
        "<div>&nbsp;</div><div>Total: <b>&euro;1,250.00</b></div>"
        "<table><tr><td>Item</td><td>Qty</td></tr></table></body></html>"
    )
    msg = read_message(
        eml("From: a@b.c\nSubject: x\nContent-Type: text/html; charset=utf-8", html.encode())
    )
    assert msg.text.split("\n")[:3] == ["Hi Ann,", "", "Total: €1,250.00"]
    assert "color" not in msg.text
    assert "Item" in msg.text and "Qty" in msg.text


def test_alternative_prefers_plain_text_and_lists_attachments() -> None:
    raw = eml(
        'From: a@b.c\nSubject: x\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="M"',
        b'--M\nContent-Type: multipart/alternative; boundary="A"\n\n'
        b"--A\nContent-Type: text/plain\n\nplain text\n--A\nContent-Type: text/html\n\n"
        b"<p>html text</p>\n--A--\n"
        b'--M\nContent-Type: application/pdf; name="INV-2026-0031.pdf"\n'
        b'Content-Disposition: attachment; filename="INV-2026-0031.pdf"\n'
        b"Content-Transfer-Encoding: base64\n\nJVBERi0xLjQK\n--M--\n",
    )
    msg = read_message(raw)
    assert msg.text == "plain text"
    assert [(a.filename, a.content_type, a.size) for a in msg.attachments] == [
        ("INV-2026-0031.pdf", "application/pdf", 9)
    ]


def test_attached_message_and_vcard_are_read() -> None:
    inner = (
        b"From: Tom <tom@initech.de>\nSubject: Order\nDate: Fri, 20 Nov 2026 15:30:00 +0100\n\nHi"
    )
    card = (
        b"BEGIN:VCARD\nVERSION:4.0\nFN:Tom Becker\nEMAIL:tom@initech.de\n"
        b"TEL:+49 30 1234 5678\nEND:VCARD\n"
    )
    raw = eml(
        'From: a@b.c\nSubject: FW\nContent-Type: multipart/mixed; boundary="M"',
        b"--M\nContent-Type: text/plain\n\nsee attached\n--M\nContent-Type: message/rfc822\n\n"
        + inner
        + b"\n--M\nContent-Type: text/vcard\nContent-Disposition: attachment; "
        b"filename=tom.vcf\n\n" + card + b"\n--M--\n",
    )
    msg = read_message(raw)
    assert msg.text == "see attached"
    (attached,) = msg.attached_messages
    assert attached.sender is not None and attached.sender.email == "tom@initech.de"
    assert attached.date_text == "Fri, 20 Nov 2026 15:30:00 +0100"
    assert attached.text == "Hi"
    (person,) = read_vcards(msg.vcards[0], default_region="DE")
    assert (person.name, person.email, person.phone) == (
        "Tom Becker",
        "tom@initech.de",
        "+49 30 12345678",
    )


def test_vcard_21_quoted_printable_and_structured_name() -> None:
    card = (
        "BEGIN:VCARD\r\nVERSION:2.1\r\nN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:M=C3=BCller;J=C3=BCrgen\r\n"
        "ORG:M\u00fcller GmbH;Einkauf\r\nitem1.EMAIL;type=INTERNET:jm@mueller.de\r\nEND:VCARD\r\n"
    )
    (person,) = read_vcards(card)
    assert (person.name, person.company, person.email) == (
        "Jürgen Müller",
        "Müller GmbH",
        "jm@mueller.de",
    )


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"just some text\nwith lines\n",
        b"\x00\x01\x02binary",
        b"PK\x03\x04zipfile",
        b"Hello: world\n\nbody",
    ],
)
def test_input_without_an_email_header_block_is_refused(raw: bytes) -> None:
    with pytest.raises(ParseError, match="not an email"):
        read_message(raw)


def test_broken_parts_are_tolerated_and_recorded() -> None:
    raw = eml(
        'From: a@b.c\nSubject: x\nDate: yesterday-ish\nContent-Type: multipart/mixed; boundary="M"',
        b"--M\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n"
        b"SGVsbG8gd29ybGQ===!!\n--M\nContent-Type: text/plain\n\ntruncated par",
    )
    msg = read_message(raw)
    assert msg.date is None and "unparsable Date header" in msg.defects
    assert "Hello world" in msg.text
    assert any("Boundary" in d or "Defect" in d for d in msg.defects)


def test_html_to_text_keeps_blank_paragraphs() -> None:
    assert html_to_text("<div>a</div><div>&nbsp;</div><div>b</div>") == "a\n\nb"


@pytest.mark.parametrize("charset", ["base64", "rot13", "zlib", "quopri"])
def test_a_charset_label_naming_a_non_text_codec_is_guessed_not_fatal(charset: str) -> None:
    """Python knows "base64" as a codec but cannot decode text with it: still no crash."""
    raw = (
        f"From: a@b.com\r\nSubject: =?{charset}?Q?hello?=\r\nMessage-ID: <c@x>\r\n"
        f"Content-Type: text/plain; charset={charset}\r\n\r\nhello there\r\n"
    ).encode()
    parsed = parse_email(raw, now=datetime(2026, 12, 4, tzinfo=UTC), tz="UTC")
    assert "hello" in parsed.subject
