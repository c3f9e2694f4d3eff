"""References and amounts in every form the product reads, and what must NOT be one."""

from __future__ import annotations

import pytest

from parsers.entities import get_pipeline
from parsers.types import Amount, Reference

REFERENCES = [
    ("Please ship SO-1042 today", "order", "SO-1042"),
    ("about your order #88213", "order", "88213"),
    ("our PO 4411-B is attached", "po", "4411-B"),
    ("INV-2026-0031 is still open", "invoice", "INV-2026-0031"),
    ("Invoice No. 7781 attached", "invoice", "7781"),
    ("see Q-552 for prices", "quote", "Q-552"),
    ("purchase order 99120 approved", "po", "99120"),
    ("Bestellung 4711 ist unterwegs", "order", "4711"),
    ("Ihr Auftrag 20331 wurde bestätigt", "order", "20331"),
    ("Rechnung Nr. 123 anbei", "invoice", "123"),
    ("Angebot 2026-118 gültig", "quote", "2026-118"),
    ("по заказу № 5521", "order", "5521"),
    ("счёт 778 оплачен", "invoice", "778"),
    ("Se faktura 2211 nedan", "invoice", "2211"),
    ("fakturanummer: 5544", "invoice", "5544"),
    ("objednávka č. 2024/118", "order", "2024/118"),
    ("zamówienie nr 123", "order", "123"),
    ("commande n° 4521", "order", "4521"),
    ("订单号 12345 已发货", "order", "12345"),
    ("订单号：12345", "order", "12345"),
    ("发票 8890 已开具", "invoice", "8890"),
    ("ใบแจ้งหนี้ 5567 ครบกำหนดแล้ว", "invoice", "5567"),
    ("ใบสั่งซื้อ 7788", "po", "7788"),
    ("ใบเสนอราคา 3321", "quote", "3321"),
    ("confermiamo l'ordine n. 2026/118 per", "order", "2026/118"),
    ("enligt offert nr 2026-44 för", "quote", "2026-44"),
    ("Надсилаємо рахунок № 2026-55 на суму", "invoice", "2026-55"),
    ("šaljemo narudžbu br. 2026-301 u iznosu", "order", "2026-301"),
    ("Vi accepterer tilbud nr. 2026-77 på", "quote", "2026-77"),
    ("a 2026/415 számú megrendelést", "order", "2026/415"),
    ("Vahvistamme tilauksen nro 6612, yhteensä", "order", "6612"),
    ("Vi bekrefter bestilling nr. 3390 på", "order", "3390"),
    ("Saadan arve nr 2026-88 summas", "invoice", "2026-88"),
    ("el pedido n.º 7781 por", "order", "7781"),
    ("выставить счёт N 2026-117 на", "invoice", "2026-117"),
    ("posielame faktúru č. 2026-145 na", "invoice", "2026-145"),
    ("a encomenda n.º 5120 no valor", "order", "5120"),
    ("Rechnung Nr. 2026-11 anbei", "invoice", "2026-11"),
]


@pytest.mark.parametrize(("text", "kind", "number"), REFERENCES, ids=[r[0] for r in REFERENCES])
def test_reads_the_reference(text: str, kind: str, number: str) -> None:
    assert get_pipeline("en").references(text) == (Reference(kind, number),)


@pytest.mark.parametrize(
    "text",
    [
        "call me on +1 415 555 0100 or 0171 2345678",  # phone numbers
        "we met on 2026-11-23 and again on 12.03.2026",  # dates
        "the order of 12/03/2026",
        "the order of 2026-11",  # a month
        "order in 2026-11-23",
        "part no. 4711-A, Art.-Nr. 12345, SKU 8812",  # part numbers
        "please order 50 units",  # quantities
        "order 500 more pcs of the blue ones",
        "Q3 results and Q4-plans",  # quarters, not quotes
        "in order to help",
        "Re: our call",
    ],
)
def test_no_reference_in(text: str) -> None:
    assert get_pipeline("en").references(text) == ()


def test_references_are_deduplicated_in_order_of_appearance() -> None:
    text = "INV-7781 for order SO-1042; see again SO-1042 and invoice INV-7781, quote Q-9"
    assert get_pipeline("en").references(text) == (
        Reference("invoice", "INV-7781"),
        Reference("order", "SO-1042"),
        Reference("quote", "Q-9"),
    )


AMOUNTS = [
    ("total €1,250.00 net", None, "1250.00", "EUR"),
    ("Summe 1.250,00 € netto", "de", "1250.00", "EUR"),
    ("USD 3 400 due", None, "3400.00", "USD"),
    ("totalt 12.500,00 kr", "sv", "12500.00", "SEK"),
    ("i alt 12.500,00 kr", "da", "12500.00", "DKK"),
    ("¥36,000 per unit", "ja", "36000", "JPY"),
    ("单价 ¥36,000", "zh", "36000.00", "CNY"),
    ("итого 1 200 руб.", "ru", "1200.00", "RUB"),
    ("CHF 1'250.50 inkl. MwSt.", "de", "1250.50", "CHF"),
    ("valor R$ 1.234,56", "pt", "1234.56", "BRL"),
    ("£99.90 each", "en", "99.90", "GBP"),
    ("EUR 1.250", "de", "1250.00", "EUR"),
    ("5000 Ft", "hu", "5000.00", "HUF"),
    ("100 元", "zh", "100.00", "CNY"),
    ("ราคา 5,000 บาท", "th", "5000.00", "THB"),
    ("1 500 zł", "pl", "1500.00", "PLN"),
    ("12.500,00 kr with no language", None, "12500.00", None),
]


@pytest.mark.parametrize(
    ("text", "lang", "value", "currency"), AMOUNTS, ids=[a[0] for a in AMOUNTS]
)
def test_reads_the_amount(text: str, lang: str | None, value: str, currency: str | None) -> None:
    assert get_pipeline(lang).amounts(text) == (Amount(value, currency),)


@pytest.mark.parametrize(
    "text",
    [
        "we need 50 units",
        "call +1 415 555 0100",
        "on 20.11.2026",
        "try 500 times",
        "5 ft long",
        "order SO-1042",
    ],
)
def test_no_amount_in(text: str) -> None:
    assert get_pipeline("en").amounts(text) == ()


def test_amounts_deduplicated_in_order() -> None:
    assert get_pipeline("en").amounts("€10 then $5, again €10.00") == (
        Amount("10.00", "EUR"),
        Amount("5.00", "USD"),
    )


def test_one_pipeline_per_language_and_model() -> None:
    assert get_pipeline("de") is get_pipeline("de")
    assert get_pipeline("de") is not get_pipeline("sv")


@pytest.mark.parametrize("lang", ["en", "de", "ru", "zh", "th", "ja", None])
def test_spacy_doc_marks_contacts_references_and_money(lang: str | None) -> None:
    text = "Order SO-1042: €1,250.00, mail jane@acme.com, call +1 415 555 0100, www.acme.com"
    labels = {(e.label, e.text) for e in get_pipeline(lang).entities(text)}
    assert {
        ("REFERENCE", "SO-1042"),
        ("MONEY", "€1,250.00"),
        ("EMAIL", "jane@acme.com"),
        ("PHONE", "+1 415 555 0100"),
    } <= labels


def test_no_people_without_a_statistical_model() -> None:
    pipeline = get_pipeline("en", "no_such_model_installed")
    assert not pipeline.statistical
    assert pipeline.people_and_orgs("John Doe works at Acme Inc.") == ()
