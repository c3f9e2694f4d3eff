"""Reply history is cut; the new text stays."""

from __future__ import annotations

import pytest

from parsers.quotes import new_text

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
