"""Reply history is cut; the new text stays."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from parsers.email import parse_email
from parsers.mime import html_to_text
from parsers.quotes import new_text

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)

NEW = "Sounds good, let's talk Friday."


@pytest.mark.parametrize(
    "attribution",
    [
        "On Mon, 23 Nov 2026 at 09:12, John Doe <john@acme.com> wrote:",
        "Am Mo., 23. Nov. 2026 um 09:12 Uhr schrieb Petra Schmidt <p@m.de>:",
        "Le lun. 23 nov. 2026 à 09:12, Jean Dupont <jean@f.fr> a écrit :",
        "El lun, 23 nov 2026 a las 09:12, Carlos <c@i.es> escribió:",
        "Il giorno lun 23 nov 2026 alle ore 09:12 Giulia <g@f.it> ha scritto:",
        "Em seg., 23 de nov. de 2026 às 09:12, Rafael <r@a.com.br> escreveu:",
        "Op ma 23 nov 2026 om 09:12 schreef Pieter <p@v.nl>:",
        "Den man. 23. nov. 2026 kl. 09.12 skrev Lars Jensen <lars@n.dk>:",
        "man. 23. nov. 2026 kl. 09:12 skrev Ingrid <ingrid@f.no>:",
        "Den mån 23 nov. 2026 kl 09:12 skrev Erik <erik@n.se>:",
        "ma 23.11.2026 klo 9.12 Mikko <m@s.fi> kirjoitti:",
        "E, 23. nov 2026 kell 09:12 Mari <m@b.ee> kirjutas:",
        "pon., 23 lis 2026 o 09:12 Krzysztof <k@p.pl> napisał(a):",
        "po 23. 11. 2026 v 9:12 odesílatel Jan <jan@s.cz> napsal:",
        "po 23. 11. 2026 o 9:12 Peter <p@t.sk> napísal(a):",
        "Kovács Péter <k@d.hu> ezt írta (időpont: 2026. nov. 23., H, 9:12):",
        "pon, 23. stu 2026. u 09:12 Ivana <i@j.hr> je napisala:",
        "Andrei <a@c.ro> a scris la 23.11.2026 09:12:",
        "Mehmet <m@a.com.tr>, 23 Kas 2026 Pzt, 09:12 tarihinde şunu yazdı:",
        "пн, 23 нояб. 2026 г. в 09:12, Иван <ivan@s.ru>:",
        "пн, 23 нояб. 2026 г. в 09:12, Иван Петров <ivan@s.ru> пишет:",
        "пн, 23 лист. 2026 р. о 09:12 Олена <o@d.ua> пише:",
        "2026年11月23日(月) 9:12 田中 太郎 <tanaka@y.co.jp>:",
        "王伟 <wang@h.cn> 于2026年11月23日周一 09:12写道：",
        "เมื่อ จ. 23 พ.ย. 2026 09:12 สมชาย <s@s.co.th> เขียนว่า:",
    ],
)
def test_attributions_in_every_language(attribution: str) -> None:
    text = f"{NEW}\n\n{attribution}\n> Earlier text\n> more\n"
    assert new_text(text) == NEW


def test_wrapped_attribution() -> None:
    text = f"{NEW}\n\nOn Mon, 23 Nov 2026 at 09:12, John Doe <\njohn@acme.com> wrote:\n\n> old\n"
    assert new_text(text) == NEW


def test_outlook_original_message_and_header_block() -> None:
    text = (
        f"{NEW}\n\n-----Original Message-----\nFrom: John\nSent: Monday\nTo: Ann\n"
        "Subject: Hi\n\nold"
    )
    assert new_text(text) == NEW
    text = (
        f"{NEW}\n\n________________________________\nFrom: John <j@a.com>\nSent: Monday\n"
        "To: Ann\n\nold"
    )
    assert new_text(text) == NEW
    text = f"{NEW}\n\nVon: Petra <p@m.de>\nGesendet: Montag\nAn: Ann\nBetreff: Hi\n\nalt"
    assert new_text(text) == NEW


def test_trailing_quotes_are_cut_and_inline_answers_kept() -> None:
    assert new_text(f"{NEW}\n\n> old line\n>> older\n") == NEW
    inline = "> Can you do Friday?\nYes, Friday works.\n> And the price?\nUnchanged."
    assert new_text(inline) == "Yes, Friday works.\nUnchanged."


def test_text_without_history_is_unchanged() -> None:
    text = "Line one\n\nI wrote: this is fine\nOn second thought, no."
    assert new_text(text) == text


def _html_only(html: str, subject: str = "Re: Pricing") -> bytes:
    return (
        "From: Ann Lee <ann@ourco.com>\r\nTo: crm@ourco.com\r\n"
        f"Subject: {subject}\r\nDate: Mon, 23 Nov 2026 09:12:00 +0100\r\n"
        "Message-ID: <html-only@ourco.com>\r\nMIME-Version: 1.0\r\n"
        'Content-Type: text/html; charset="utf-8"\r\n\r\n' + html
    ).encode()


@pytest.mark.parametrize(
    "html",
    [
        # Apple Mail and Thunderbird: the history in <blockquote type="cite">, no attribution
        "<div>Call him back on Friday.</div><div><br></div>"
        '<blockquote type="cite"><div>Hi Ann,</div><div><br></div><div>please call me tomorrow'
        " at 3pm.</div><blockquote><div>Older history</div></blockquote><div>John</div>"
        "</blockquote>",
        # Gmail: attribution in div.gmail_attr, then blockquote.gmail_quote
        '<div dir="ltr">Call him back on Friday.</div><br><div class="gmail_quote">'
        '<div class="gmail_attr">On Mon, 23 Nov 2026 at 09:12, John Doe &lt;john@acme.com&gt; '
        'wrote:<br></div><blockquote class="gmail_quote" '
        'style="margin:0px 0px 0px 0.8ex;border-left:1px solid rgb(204,204,204)">'
        "Hi Ann,<br>please call me tomorrow at 3pm.<br>John</blockquote></div>",
        # `>` lines written into the HTML itself
        "<div>Call him back on Friday.<br><br>&gt; Hi Ann,<br>&gt; please call me "
        "tomorrow at 3pm.<br>&gt; John</div>",
    ],
    ids=["apple-thunderbird", "gmail", "gt-in-html"],
)
def test_html_only_reply_history_is_cut(html: str) -> None:
    parsed = parse_email(_html_only(html), now=NOW, tz="Europe/Berlin")
    assert parsed.body == "Call him back on Friday."
    assert [t.due.isoformat()[:10] for t in parsed.tasks if t.due] == ["2026-11-27"]


def test_html_blockquote_keeps_its_nesting_and_inline_answers() -> None:
    text = html_to_text(
        "<div>Answers below.</div><blockquote><div>Price?</div><blockquote><div>Hello</div>"
        "</blockquote></blockquote><div>1,250 EUR.</div><blockquote><div>Date?</div>"
        "</blockquote><div>Friday.</div>"
    )
    assert text.splitlines() == [
        "Answers below.",
        "> Price?",
        "> > Hello",
        "1,250 EUR.",
        "> Date?",
        "Friday.",
    ]
    assert new_text(text) == "Answers below.\n1,250 EUR.\nFriday."


def test_html_only_apple_forward_in_a_blockquote() -> None:
    html = (
        "<div>FYI, see below.</div><div><br></div><div>Begin forwarded message:</div><br>"
        '<blockquote type="cite"><div><b>From: </b>John Doe &lt;john.doe@acme.com&gt;</div>'
        "<div><b>Subject: </b>Pricing</div><div><b>Date: </b>23 November 2026 at 09:12:41 CET"
        "</div><div><b>To: </b>Ann Lee &lt;ann@ourco.com&gt;</div><br><div>Hi Ann,</div>"
        "<div>please send the price list.</div><div>John</div></blockquote>"
    )
    parsed = parse_email(_html_only(html, "Fwd: Pricing"), now=NOW, tz="Europe/Berlin")
    assert parsed.note == "FYI, see below."
    assert parsed.forwarded is not None and parsed.forwarded.sender is not None
    assert parsed.forwarded.sender.email == "john.doe@acme.com"
    assert parsed.forwarded.body == "Hi Ann,\nplease send the price list.\nJohn"
