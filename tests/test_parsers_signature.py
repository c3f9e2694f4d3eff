"""Signature blocks: where they start, who is in them, and phone regions."""

from __future__ import annotations

import pytest

from parsers.signature import extract_signatures, split_signature
from parsers.types import ContactCandidate

BODY = "Hi Ann,\n\nplease send me the price list for 2027.\n"


@pytest.mark.parametrize(
    ("closing", "rest"),
    [
        ("-- ", "John Doe\nAcme Inc"),
        ("Best regards,", "John Doe\nAcme Inc"),
        ("Mit freundlichen Grüßen", "Hans Braun\nBraun GmbH"),
        ("Med vänliga hälsningar", "Anna Svensson\nNordic Parts AB"),
        ("С уважением,", "Иван Петров\nООО Ромашка"),
        ("此致", "王伟\n上海华通有限公司"),
        ("ขอแสดงความนับถือ", "สมชาย ใจดี\nบริษัท ไทยเทรด จำกัด"),
        ("Cordialement,", "Marie Dupont\nDupont SARL"),
    ],
)
def test_split_at_delimiter_or_closing_phrase(closing: str, rest: str) -> None:
    body, sig = split_signature(f"{BODY}\n{closing}\n{rest}\n")
    assert body == BODY.rstrip()
    assert sig is not None and sig.endswith(rest)


def test_trailing_contact_block_without_closing_phrase() -> None:
    text = f"{BODY}\nJohn Doe\nAcme Inc | +1 415 555 0100\njohn@acme.com\n"
    body, sig = split_signature(text)
    assert body == BODY.rstrip()
    assert sig == "John Doe\nAcme Inc | +1 415 555 0100\njohn@acme.com"


def test_no_signature() -> None:
    assert split_signature("Just one line, nothing else") == ("Just one line, nothing else", None)


@pytest.mark.parametrize(
    "footer",
    [
        "Sent from my iPhone",
        "Von meinem iPhone gesendet",
        "Skickat från min iPhone",
        "Get Outlook for iOS",
        "CONFIDENTIALITY NOTICE: This e-mail is intended only for the named recipient. If you "
        "have received this in error, please delete it.",
        "Diese E-Mail enthält vertrauliche Informationen. Wenn Sie nicht der richtige Adressat "
        "sind, informieren Sie bitte sofort den Absender.",
    ],
)
def test_disclaimers_and_mobile_footers_are_skipped(footer: str) -> None:
    text = f"{BODY}\nBest regards,\nJohn Doe\nHead of Purchasing\n+1 415 555 0100\n\n{footer}\n"
    _body, sig = split_signature(text)
    assert sig == "Best regards,\nJohn Doe\nHead of Purchasing\n+1 415 555 0100"
    people = extract_signatures(text, sender_email="john@acme.com")
    assert [(p.name, p.title, p.phone) for p in people] == [
        ("John Doe", "Head of Purchasing", "+14155550100")
    ]


@pytest.mark.parametrize(
    "company",
    [
        "Distribuciones Iberia S.L.",
        "Strojírny Brno a.s.",
        "Vinhos do Douro, Lda.",
        "Nordic Parts AB",
        "Braun GmbH",
        "Suomen Puu Oy",
        "Acme Ltd.",
        "ООО Ромашка",
        "Polmet Sp. z o.o.",
        "Tatra s.r.o.",
    ],
)
def test_a_company_line_is_the_company_not_a_second_person(company: str) -> None:
    text = (
        f"{BODY}\nUn saludo,\nCarlos García\nDiretora de Compras\n{company}\nTel. +34 912 345 678\n"
    )
    people = extract_signatures(text, sender_email="cg@example.es")
    assert [(p.name, p.company, p.phone) for p in people] == [
        ("Carlos García", company, "+34912345678")
    ]


@pytest.mark.parametrize(
    "title",
    [
        "Einkaufsleiterin",
        "Voditeljica nabave",
        "Indkøbschef",
        "Ostopäällikkö",
        "Innkjøpssjef",
        "Ostujuht",
        "Satın Alma Müdürü",
        "Diretora de Compras",
    ],
)
def test_job_titles_in_other_languages(title: str) -> None:
    text = f"{BODY}\nBest regards,\nAnna Berg\n{title}\nNordic Parts AB\n"
    people = extract_signatures(text, sender_email="anna@nordicparts.se")
    assert [(p.name, p.title, p.company) for p in people] == [
        ("Anna Berg", title, "Nordic Parts AB")
    ]


def test_reads_a_full_signature() -> None:
    text = (
        f"{BODY}\nBest regards,\nJohn Doe\nHead of Purchasing\nAcme Inc\n"
        "Tel: (415) 555-0100 | Fax: (415) 555-0199\nhttps://www.acme.com/\n"
        "100 Market St, San Francisco, CA 94105\n"
    )
    assert extract_signatures(text, sender_email="John@Acme.com") == (
        ContactCandidate(
            name="John Doe",
            email="john@acme.com",
            phone="+14155550100",
            title="Head of Purchasing",
            company="Acme Inc",
            website="acme.com",
            address="100 Market St, San Francisco, CA 94105",
            source="signature",
        ),
    )


@pytest.mark.parametrize(
    ("signature", "sender", "default", "phone"),
    [
        ("John Doe\nSales\n+44 20 7946 0958", "john@acme.de", "US", "+442079460958"),  # +cc
        (
            "Hans Braun\nVertrieb\nTel. 030 1234567\nHauptstr. 5, 10115 Berlin, Germany",
            "hans@braun.com",
            "US",
            "+49301234567",
        ),  # address country beats the .com TLD
        (
            "Anna Svensson\nSäljare\n08-123 456 78\nSveavägen 1, 111 57 Stockholm",
            "anna@gmail.com",
            "US",
            "+46812345678",
        ),  # Swedish postcode
        ("Hans Braun\nVertrieb\nTel. 030 1234567", "hans@braun.de", "US", "+49301234567"),  # TLD
        ("Anna Svensson\nSäljare\n08-123 456 78", "anna@parts.se", "US", "+46812345678"),
        ("Tom Smith\nBuyer\n020 7946 0958", "tom@shop.co.uk", "US", "+442079460958"),
        ("Jane Roe\nBuyer\n(415) 555-0100", "jane@gmail.com", "US", "+14155550100"),  # default
        ("Hans Braun\nVertrieb\n030 1234567", "hans@gmail.com", "DE", "+49301234567"),
    ],
)
def test_phone_region(signature: str, sender: str, default: str, phone: str) -> None:
    text = f"{BODY}\n-- \n{signature}\n"
    people = extract_signatures(text, sender_email=sender, default_region=default)
    assert [p.phone for p in people] == [phone]


def test_two_people_side_by_side() -> None:
    text = (
        "Hallo,\n\nanbei die Bestellung.\n\nMit freundlichen Grüßen\n\n"
        "Max Mustermann                 Erika Muster\n"
        "Leiter Einkauf                 Vertrieb Innendienst\n"
        "Tel. 089 123456-10             Tel. 089 123456-20\n\n"
        "Muster GmbH | Hauptstr. 5 | 80331 München | Deutschland\nwww.muster.de\n"
    )
    people = extract_signatures(text, sender_email="max@muster.de")
    assert [(p.name, p.title, p.phone, p.email) for p in people] == [
        ("Max Mustermann", "Leiter Einkauf", "+498912345610", "max@muster.de"),
        ("Erika Muster", "Vertrieb Innendienst", "+498912345620", None),
    ]
    assert {(p.company, p.website, p.source) for p in people} == {
        ("Muster GmbH", "muster.de", "signature")
    }


def test_two_people_one_after_another() -> None:
    text = (
        "Hej,\n\ntack för senast.\n\nMed vänliga hälsningar\n"
        "Anna Svensson\nInköpschef, Nordic Parts AB\n08-123 456 78\nanna@nordicparts.se\n\n"
        "Lars Berg\nSäljare\n070-123 45 67\n"
    )
    people = extract_signatures(text, sender_email="anna@nordicparts.se", default_region="US")
    assert [(p.name, p.title, p.phone, p.email, p.company) for p in people] == [
        ("Anna Svensson", "Inköpschef", "+46812345678", "anna@nordicparts.se", "Nordic Parts AB"),
        ("Lars Berg", "Säljare", "+46701234567", None, "Nordic Parts AB"),
    ]


def test_name_and_title_on_one_line_and_sender_name_fallback() -> None:
    text = f"{BODY}\nCheers,\nJohn Doe | Head of Sales | Acme Ltd\n+44 20 7946 0958\n"
    [person] = extract_signatures(text, sender_email="jd@acme.co.uk")
    assert (person.name, person.title, person.company) == ("John Doe", "Head of Sales", "Acme Ltd")
    text = f"{BODY}\n-- \nHead of Sales\n+44 20 7946 0958\n"
    [person] = extract_signatures(text, sender_email="jd@acme.co.uk", sender_name="John Doe")
    assert (person.name, person.email) == ("John Doe", "jd@acme.co.uk")


def test_nothing_to_read() -> None:
    assert extract_signatures("Thanks!", sender_email="a@b.com") == ()
    assert extract_signatures(f"{BODY}\nBest,\nJo\n", sender_email="a@b.com") == ()


@pytest.mark.parametrize(
    ("text", "sender", "expected"),
    [
        (
            "Добрый день!\n\nВысылаю счёт.\n\nС уважением,\nИван Петров\nМенеджер по продажам\n"
            "ООО «Ромашка»\nТел.: 8 (495) 123-45-67\nwww.romashka.ru",
            "ivan@romashka.ru",
            ("Иван Петров", "Менеджер по продажам", "ООО «Ромашка»", "+74951234567"),
        ),
        (
            "您好，\n\n附件是报价单。\n\n此致\n敬礼\n王伟\n采购经理\n上海华通贸易有限公司\n"
            "电话：021-6123 4567",
            "wang@huatong.cn",
            ("王伟", "采购经理", "上海华通贸易有限公司", "+862161234567"),
        ),
        (
            "เรียนคุณแอน\n\nแนบใบเสนอราคามาให้ครับ\n\nขอแสดงความนับถือ\nสมชาย ใจดี\n"
            "ผู้จัดการฝ่ายขาย\nบริษัท ไทยเทรด จำกัด\nโทร 02-123-4567",
            "somchai@thaitrade.co.th",
            ("สมชาย ใจดี", "ผู้จัดการฝ่ายขาย", "บริษัท ไทยเทรด จำกัด", "+6621234567"),
        ),
        (
            "Bonjour,\n\nCi-joint le devis.\n\nCordialement,\nMarie Dupont\nResponsable Achats\n"
            "Dupont SARL\n01 23 45 67 89\n12 rue de la Paix, 75002 Paris, France",
            "marie@dupont.fr",
            ("Marie Dupont", "Responsable Achats", "Dupont SARL", "+33123456789"),
        ),
    ],
    ids=["ru", "zh", "th", "fr"],
)
def test_signatures_in_other_scripts(
    text: str, sender: str, expected: tuple[str, str, str, str]
) -> None:
    [person] = extract_signatures(text, sender_email=sender)
    assert (person.name, person.title, person.company, person.phone) == expected
    assert person.email == sender


@pytest.mark.parametrize(
    ("line", "title", "company"),
    [
        ("大和商事株式会社 営業部 部長", "営業部 部長", "大和商事株式会社"),
        ("株式会社 大和商事 営業部長", "営業部長", "株式会社 大和商事"),
        ("株式会社大和商事 購買部 課長", "購買部 課長", "株式会社大和商事"),
        ("上海华通贸易有限公司 采购经理", "采购经理", "上海华通贸易有限公司"),
        ("บริษัท ไทยเทรด จำกัด", None, "บริษัท ไทยเทรด จำกัด"),  # a company, no title in it
    ],
)
def test_company_and_position_on_one_cjk_line(line: str, title: str | None, company: str) -> None:
    text = (
        "リー様\n\n見積書をお送りください。\n\nよろしくお願いいたします。\n\n"
        f"田中 太郎\n{line}\nTEL: 03-1234-5678"
    )
    [person] = extract_signatures(text, sender_email="tanaka@yamato-shoji.co.jp")
    assert (person.name, person.title, person.company) == ("田中 太郎", title, company)
    assert person.phone == "+81312345678"
