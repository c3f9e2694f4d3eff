"""Inline forward detection: separators, header labels per language, nesting, quoting."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from parsers.email import parse_email
from parsers.forwards import parse_inline_addresses, parse_recipients, split_forward
from parsers.types import Address

BODY = "Hello,\n\nplease see the order.\n\nRegards\nJohn"


def forward(separator: str, header: str, note: str = "FYI, follow up Friday.") -> str:
    return f"{note}\n\n{separator}\n{header}\n\n{BODY}\n"


@pytest.mark.parametrize(
    ("separator", "header"),
    [
        (
            "---------- Forwarded message ---------",
            "From: John Doe <john@acme.com>\nDate: Mon, 23 Nov 2026 at 09:12\nSubject: Order\n"
            "To: Ann <ann@ourco.com>",
        ),
        (
            "-----Original Message-----",
            "From: John Doe [mailto:john@acme.com]\nSent: Monday, November 23, 2026 9:12 AM\n"
            "To: Ann Lee\nSubject: Order",
        ),
        (
            "________________________________",
            "From: John Doe <john@acme.com>\nSent: Monday, November 23, 2026 9:12 AM\n"
            "To: Ann Lee <ann@ourco.com>\nSubject: Order",
        ),
        (
            "Begin forwarded message:",
            "\nFrom: John Doe <john@acme.com>\nSubject: Order\n"
            "Date: 23 November 2026 at 09:12:41 CET\nTo: Ann Lee <ann@ourco.com>",
        ),
        (
            "-------- Forwarded Message --------",
            "Subject: \tOrder\nDate: \tMon, 23 Nov 2026 09:12:41 +0000\n"
            "From: \tJohn Doe <john@acme.com>\nTo: \tann@ourco.com",
        ),
        (
            "----- Forwarded Message -----",
            "From: John Doe <john@acme.com>\nTo: Ann Lee <ann@ourco.com>\n"
            "Sent: Monday, November 23, 2026, 09:12:41 AM GMT+1\nSubject: Order",
        ),
        ("", "From: John Doe <john@acme.com>\nSent: Monday\nTo: ann@ourco.com\nSubject: Order"),
    ],
    ids=["gmail", "outlook-old", "outlook-new", "apple", "thunderbird", "yahoo", "bare"],
)
def test_clients_english(separator: str, header: str) -> None:
    split = split_forward(forward(separator, header), subject="Fwd: Order")
    assert split is not None
    fwd = split.forwarded
    assert fwd.sender == Address("John Doe", "john@acme.com")
    assert fwd.subject == "Order"
    assert fwd.body == BODY
    assert split.note == "FYI, follow up Friday."


LANGS = {
    "de": ("---------- Weitergeleitete Nachricht ---------", "Von", "Betreff", "Gesendet", "An"),
    "fr": ("-----Message d'origine-----", "De ", "Objet ", "Envoyé ", "À "),
    "es": ("---------- Mensaje reenviado ---------", "De", "Asunto", "Fecha", "Para"),
    "it": ("Inizio messaggio inoltrato:", "Da", "Oggetto", "Data", "A"),
    "pt-PT": ("----- Mensagem reencaminhada -----", "De", "Assunto", "Enviado", "Para"),
    "pt-BR": ("Início da mensagem encaminhada:", "De", "Assunto", "Data", "Para"),
    "nl": ("-----Oorspronkelijk bericht-----", "Van", "Onderwerp", "Verzonden", "Aan"),
    "da": ("---------- Videresendt besked ----------", "Fra", "Emne", "Dato", "Til"),
    "no": ("-----Opprinnelig melding-----", "Fra", "Emne", "Sendt", "Til"),
    "sv": ("Vidarebefordrat mejl:", "Från", "Ämne", "Datum", "Till"),
    "fi": (
        "---------- Välitetty viesti ----------",
        "Lähettäjä",
        "Aihe",
        "Päivämäärä",
        "Vastaanottaja",
    ),
    "et": ("---------- Edastatud sõnum ---------", "Saatja", "Teema", "Saadetud", "Adressaat"),
    "pl": ("-----Wiadomość oryginalna-----", "Od", "Temat", "Wysłano", "Do"),
    "cs": ("-------- Přeposlaná zpráva --------", "Od", "Předmět", "Datum", "Komu"),
    "sk": ("-------- Preposlaná správa --------", "Od", "Predmet", "Dátum", "Komu"),
    "hu": ("---------- Továbbított üzenet ---------", "Feladó", "Tárgy", "Dátum", "Címzett"),
    "hr": ("---------- Proslijeđena poruka ---------", "Od", "Predmet", "Datum", "Za"),
    "ro": ("---------- Mesaj redirecționat ---------", "De la", "Subiect", "Data", "Către"),
    "tr": ("----- İletilen Mesaj -----", "Kimden", "Konu", "Gönderildi", "Kime"),
    "ru": ("-----Исходное сообщение-----", "От", "Тема", "Отправлено", "Кому"),
    "uk": ("Початок пересланого листа:", "Від", "Тема", "Дата", "Кому"),
    "ja": ("---------- 転送されたメッセージ ----------", "差出人", "件名", "送信日時", "宛先"),
    "zh": ("-----原始邮件-----", "发件人", "主题", "发送时间", "收件人"),
    "th": ("---------- ข้อความที่ส่งต่อ ---------", "จาก", "เรื่อง", "วันที่", "ถึง"),
}


@pytest.mark.parametrize("lang", sorted(LANGS))
def test_header_labels_in_every_language(lang: str) -> None:
    sep, frm, subj, date, to = LANGS[lang]
    colon = "：" if lang == "zh" else ":"
    header = (
        f"{frm}{colon} Jan Kowalski <jan@firma.eu>\n{date}{colon} 23.11.2026 09:12\n"
        f"{to}{colon} ann@ourco.com\n{subj}{colon} Zamówienie 4411"
    )
    split = split_forward(forward(sep, header), subject="Fwd: x")
    assert split is not None, lang
    assert split.forwarded.sender == Address("Jan Kowalski", "jan@firma.eu")
    assert split.forwarded.to == (Address(None, "ann@ourco.com"),)
    assert split.forwarded.subject == "Zamówienie 4411"
    assert split.forwarded.date == "23.11.2026 09:12"
    assert split.forwarded.body == BODY


def test_quoted_forward_is_unquoted() -> None:
    text = (
        "See below.\n\nForwarded message:\n\n> From: John Doe <john@acme.com>\n"
        "> Subject: Order\n> Date: 23 Nov 2026\n>\n> Hello,\n>\n> > older quote\n> John\n"
    )
    split = split_forward(text, subject="Fwd: Order")
    assert split is not None
    assert split.forwarded.body == "Hello,\n\n> older quote\nJohn"
    assert split.note == "See below."


def test_nested_forward_original_external_sender_wins() -> None:
    text = (
        "Have a look.\n\n---------- Forwarded message ---------\n"
        "From: Bob <bob@ourco.com>\nDate: Sun\nSubject: Fwd: Quote\nTo: ann@ourco.com\n\n"
        "Yours now.\n\n---------- Forwarded message ---------\n"
        "From: Lisa Park <lisa@globex.com>\nDate: Fri\nSubject: Quote\nTo: bob@ourco.com\n\n"
        "We need a quote.\n"
    )
    split = split_forward(text, subject="Fwd: Fwd: Quote", own_domain="ourco.com")
    assert split is not None
    assert split.forwarded.sender == Address("Lisa Park", "lisa@globex.com")
    assert split.forwarded.body == "We need a quote."
    assert [f.sender.email for f in split.chain if f.sender] == ["bob@ourco.com", "lisa@globex.com"]


def test_reply_history_inside_a_forward_is_kept_in_the_body() -> None:
    text = (
        "FYI\n\n---------- Forwarded message ---------\nFrom: John <john@acme.com>\n"
        "Date: Mon\nSubject: RE: Quote\nTo: ann@ourco.com\n\nFine by us.\n\n"
        "From: Ann Lee <ann@ourco.com>\nSent: Friday\nTo: John <john@acme.com>\n"
        "Subject: Quote\n\nHere is the quote.\n"
    )
    split = split_forward(text, subject="Fwd: RE: Quote", own_domain="ourco.com")
    assert split is not None
    assert split.forwarded.sender == Address("John", "john@acme.com")
    assert "Here is the quote." in split.forwarded.body


def test_an_outlook_reply_is_not_a_forward() -> None:
    text = (
        "Thanks, done.\n\n-----Original Message-----\nFrom: John <john@acme.com>\n"
        "Sent: Monday\nTo: ann@ourco.com\nSubject: Quote\n\nPlease send it.\n"
    )
    assert split_forward(text, subject="RE: Quote") is None
    assert split_forward(text, subject="FW: Quote") is not None


def test_plain_text_is_not_a_forward() -> None:
    assert split_forward("Hi,\nDate: tomorrow works.\nFrom: me\n", subject="Hi") is None
    assert split_forward("", subject=None) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("John Doe <john@acme.com>", [("John Doe", "john@acme.com")]),
        ("john@acme.com", [(None, "john@acme.com")]),
        ("<john@acme.com>", [(None, "john@acme.com")]),
        ('"Doe, John" <john@acme.com>', [("John Doe", "john@acme.com")]),
        (
            "Doe, John <john@acme.com>; Jane Roe <jane@acme.com>",
            [("John Doe", "john@acme.com"), ("Jane Roe", "jane@acme.com")],
        ),
        ("John Doe [mailto:john@acme.com]", [("John Doe", "john@acme.com")]),
        ("John Doe <john@acme.com<mailto:john@acme.com>>", [("John Doe", "john@acme.com")]),
        ("'john@acme.com' <john@acme.com>", [(None, "john@acme.com")]),
        ("Ann Lee", []),
    ],
)
def test_inline_addresses(value: str, expected: list[tuple[str | None, str]]) -> None:
    assert [(a.name, a.email) for a in parse_inline_addresses(value)] == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Bessie Smith", [("Bessie Smith", "")]),
        (
            "Bessie Smith; John Doe <john@acme.com>",
            [("Bessie Smith", ""), ("John Doe", "john@acme.com")],
        ),
        (
            "John Doe <john@acme.com>; Bessie Smith",
            [("John Doe", "john@acme.com"), ("Bessie Smith", "")],
        ),
        ("Smith, Bessie; van Dijk, Pieter", [("Bessie Smith", ""), ("Pieter van Dijk", "")]),
        (
            "Bessie Smith, John Doe <john@acme.com>",
            [("Bessie Smith", ""), ("John Doe", "john@acme.com")],
        ),
        (
            '"Doe, John" <john@acme.com>, Jim Beam',
            [("John Doe", "john@acme.com"), ("Jim Beam", "")],
        ),
        ("John Doe <john@acme.com> (Sales)", [("John Doe", "john@acme.com")]),  # not a name
        ("undisclosed-recipients:;", []),
        ("Bessie Smith; bessie smith", [("Bessie Smith", "")]),  # once
    ],
)
def test_recipients_keep_name_only_entries(value: str, expected: list[tuple[str, str]]) -> None:
    assert [(a.name, a.email) for a in parse_recipients(value)] == expected


OUTLOOK_NAMES = (
    "FYI\n\n-----Original Message-----\n"
    "From: Tom Becker <tom.becker@ourco.com>\n"
    "Sent: Monday, November 23, 2026 9:12 AM\n"
    "To: Bessie Smith; Mary Major <mary.major@globex.com>\n"
    "Cc: Purchasing Team;\n  Chris Green <chris.green@globex.com>\n"
    "Subject: Revised quote\n\nHi Mary,\n\nhere is the revised quote.\n\nTom\n"
)


def test_name_only_recipients_appear_with_email_null() -> None:
    split = split_forward(OUTLOOK_NAMES, subject="FW: Revised quote")
    assert split is not None
    fwd = split.forwarded.to_json()
    assert fwd["to"] == [
        {"name": "Bessie Smith", "email": None},
        {"name": "Mary Major", "email": "mary.major@globex.com"},
    ]
    assert fwd["cc"] == [
        {"name": "Purchasing Team", "email": None},
        {"name": "Chris Green", "email": "chris.green@globex.com"},
    ]


def test_no_contact_is_filed_for_a_name_without_an_address() -> None:
    from bot.intake.apply import participants  # the intake's choice of whom to file

    raw = (
        "From: Ann Lee <ann.lee@ourco.com>\nTo: crm@ourco.com\nSubject: FW: Revised quote\n"
        "Date: Mon, 23 Nov 2026 10:00:00 +0100\nMessage-ID: <names@ourco.com>\n\n" + OUTLOOK_NAMES
    ).encode()
    parsed = parse_email(raw, now=datetime(2026, 11, 23, 9, 0, tzinfo=UTC), tz="Europe/Berlin")
    assert all(c.email for c in parsed.contacts)
    people = participants(parsed, frozenset({"ourco.com"}), "crm.localhost")
    assert [(a.name, a.email) for a in people] == [
        ("Mary Major", "mary.major@globex.com"),
        ("Chris Green", "chris.green@globex.com"),
    ]
