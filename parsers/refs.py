"""Order, invoice, quote and PO references, and money amounts, found with precompiled regexes.

These run on every email, so they are plain regular expressions over the raw text (no
tokenising): tokenisers differ per language (jieba, pythainlp, whitespace) while these
forms do not. `parsers.entities` wraps them in the spaCy pipeline and the intake calls
them through it.

References come in two shapes:
- codes: an upper-case prefix glued to a number, `SO-1042`, `INV-2026-0031`, `Q-552`,
  `PO4411`; the number is kept as written, prefix included. `PO 4411-B` (prefix, space,
  number) gives the number alone: "4411-B".
- keyword + number: `order #88213`, `Invoice No. 7781`, `Rechnung Nr. 123`, `заказ № 5521`,
  `订单号 12345`, `ใบแจ้งหนี้ 5567` … in the languages of the product; the number alone.
A number that is a date, has fewer than three digits without a `#`/`No.` marker, or is
followed by a unit ("order 50 units") is not a reference. Phone numbers never follow a
keyword directly, and part numbers ("Art.-Nr. 4711") have no keyword, so neither matches.

Amounts need a currency: a symbol or ISO code before or after a number in any common
local format (`€1,250.00`, `1.250,00 €`, `USD 3 400`, `CHF 1'250.50`, `R$ 1.234,56`,
`1 200 руб.`); "50 units" is a quantity, not an amount. "kr" is SEK/DKK/NOK by the
language of the message (None when unknown); "¥" is CNY in Chinese text, else JPY.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from parsers.types import Amount, Reference

__all__ = [
    "AMOUNT_REGEX", "REFERENCE_REGEXES", "find_amounts", "find_references", "normalise_number",
]

_CODE_KINDS = {
    "SO": "order", "ORD": "order", "AB": "order", "PO": "po", "INV": "invoice", "RE": "invoice",
    "RG": "invoice", "Q": "quote", "QT": "quote", "QUO": "quote", "RFQ": "quote", "AN": "quote",
}
_CODE = re.compile(
    r"(?<![\w-])(?:(?P<glued>SO|ORD|PO|INV|QT|QUO|RFQ)(?P<sep>[-_ ]?)(?=\d)"
    r"|(?P<hy>Q|AB|RE|RG|AN)-(?=\d))"
    r"(?P<rest>\d[A-Z0-9]*(?:[-/][A-Z0-9]+)*)(?![\w-])"
)

_KEYWORDS: dict[str, tuple[str, ...]] = {
    "po": ("purchase order", "p.o.", "bon de commande", "orden de compra", "inköpsorder"),
    "order": (
        "sales order", "order", "ordernummer", "ordrenummer", "ordre", "bestellnummer",
        "bestellung", "auftragsnummer", "auftrag", "commande", "pedido", "ordine",
        "encomenda", "bestelling", "beställning", "beställningsnummer", "tilausnumero", "tilaus",
        "tellimus", "zamówienie", "zamówienia", "objednávka", "objednávky", "objednávku",
        "rendelés", "narudžba", "narudžbe", "comanda", "comandă", "sipariş", "заказ", "заказа",
        "заказу", "заказе", "замовлення",
    ),
    "invoice": (
        "invoice", "rechnungsnummer", "rechnung", "facture", "factura", "fattura", "fatura",
        "factuur", "fakturanummer", "fakturanr", "faktura", "faktury", "fakturu", "fakturę",
        "laskun", "lasku", "arve", "számla", "račun", "factură", "счёт-фактура", "счёт", "счет",
        "счёта", "счета", "рахунок", "рахунку",
    ),
    "quote": (
        "quotation", "quote", "angebotsnummer", "angebot", "devis", "presupuesto",
        "cotización", "preventivo", "offerta", "orçamento", "cotação", "offerte", "tilbud",
        "offerten", "offert", "tarjous", "pakkumine", "oferta", "ofertă", "nabídka", "nabídky",
        "ponuka", "árajánlat", "ponuda", "teklif", "предложение", "кп", "пропозиція",
    ),
}
# Scripts without spaces between words: no word boundary around the keyword.
_CJK_KEYWORDS: dict[str, tuple[str, ...]] = {
    "po": ("采购订单", "採購單", "発注書", "発注番号", "ใบสั่งซื้อ"),
    "order": ("订单号", "订单", "訂單", "注文番号", "注文", "คำสั่งซื้อ"),
    "invoice": ("发票号", "发票", "發票", "請求書番号", "請求書", "ใบแจ้งหนี้", "ใบกำกับภาษี"),
    "quote": ("报价单号", "报价单", "報價單", "見積書", "見積", "ใบเสนอราคา"),
}


def _alternation(table: dict[str, tuple[str, ...]]) -> tuple[str, dict[str, str]]:
    kinds = {w.lower(): kind for kind, words in table.items() for w in words}
    words = sorted(kinds, key=len, reverse=True)
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in words), kinds


_KW_ALT, _KW_KINDS = _alternation(_KEYWORDS)
_CJK_ALT, _CJK_KINDS = _alternation(_CJK_KEYWORDS)
_MARKER = (
    r"(?:\s*(?P<mark>number|numéro|número|numero|nummer|nr\.?|no\.?|n[°º]\.?|№|#|num\.?|"
    r"núm\.?|č\.|br\.|sz\.|номер|号码|号|番号|เลขที่))?"
)
_NUMBER = r"[:：]?\s*(?P<hash>#)?\s*(?P<num>[A-Za-z0-9]*\d[A-Za-z0-9]*(?:[-/][A-Za-z0-9]+)*)"
_KEYWORD_REF = re.compile(
    rf"(?<![^\W\d_])(?P<kw>{_KW_ALT})(?![^\W\d_]){_MARKER}{_NUMBER}(?![\w-])",
    re.IGNORECASE,
)
_CJK_REF = re.compile(rf"(?P<kw>{_CJK_ALT}){_MARKER}{_NUMBER}(?![\w-])", re.IGNORECASE)
_DATE_LIKE = re.compile(r"\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}|\d{4}-\d{2}")
_UNIT = re.compile(
    r"\s*(?:more\s+|additional\s+|extra\s+)?(?:units?|pcs|pieces?|items?|boxes|pallets?|kg|"
    r"stück|stk|st\.?|stycken|шт|штук|件|个|ชิ้น|kpl|szt|ks|db|adet)(?![^\W\d_])",
    re.IGNORECASE,
)


REFERENCE_REGEXES = (_CODE, _KEYWORD_REF, _CJK_REF)


def find_references(text: str) -> tuple[Reference, ...]:
    """Every reference in order of appearance, each (kind, number) once."""
    found: list[tuple[int, int, str, str]] = []
    for m in _CODE.finditer(text):
        code = m.group("glued") or m.group("hy")
        rest = m.group("rest")
        number = rest if m.group("sep") == " " else m.group(0)
        if m.group("sep") == " " and _UNIT.match(text, m.end()):
            continue
        found.append((m.start(), m.end(), _CODE_KINDS[code], number))
    for regex, kinds in ((_KEYWORD_REF, _KW_KINDS), (_CJK_REF, _CJK_KINDS)):
        for m in regex.finditer(text):
            number = m.group("num")
            marked = bool(m.group("mark") or m.group("hash"))
            if _DATE_LIKE.fullmatch(number) or _UNIT.match(text, m.end()):
                continue
            if number.isdigit() and len(number) < 3 and not marked:
                continue
            kw = re.sub(r"\s+", " ", m.group("kw").lower())
            found.append((m.start("num"), m.end(), kinds[kw], number))
    found.sort()
    out: list[Reference] = []
    seen: set[tuple[str, str]] = set()
    last_end = -1
    for start, end, kind, number in found:
        if start < last_end:
            continue
        last_end = end
        if (kind, number) not in seen:
            seen.add((kind, number))
            out.append(Reference(kind=kind, number=number))
    return tuple(out)


# ---- amounts --------------------------------------------------------------------------

_ISO = [
    "USD", "EUR", "GBP", "JPY", "CNY", "RMB", "CHF", "SEK", "NOK", "DKK", "PLN", "CZK", "HUF",
    "RON", "TRY", "RUB", "UAH", "THB", "BRL", "INR", "CAD", "AUD", "HKD", "SGD", "KRW", "MXN",
    "ZAR", "NZD", "ISK", "BGN", "HRK",
]
_SYMBOLS = {
    "R$": "BRL", "US$": "USD", "C$": "CAD", "A$": "AUD", "HK$": "HKD", "S$": "SGD", "$": "USD",
    "€": "EUR", "£": "GBP", "₽": "RUB", "₹": "INR", "₺": "TRY", "₴": "UAH", "฿": "THB",
    "₩": "KRW", "Fr.": "CHF", "zł": "PLN", "Kč": "CZK", "Ft": "HUF", "lei": "RON", "TL": "TRY",
    "руб.": "RUB", "руб": "RUB", "рублей": "RUB", "рубля": "RUB", "рубль": "RUB", "р.": "RUB",
    "грн.": "UAH", "грн": "UAH", "元": "CNY", "块": "CNY", "人民币": "CNY", "円": "JPY",
    "บาท": "THB", "euro": "EUR", "euros": "EUR", "dollars": "USD", "dollar": "USD",
    "yuan": "CNY", "rmb": "CNY",
}
_KRONA = {"sv": "SEK", "da": "DKK", "no": "NOK", "nb": "NOK", "is": "ISK"}
_ZERO_DECIMALS = {"JPY", "KRW", "ISK", "CLP", "VND"}


_CASE_SENSITIVE = {*_ISO, "Ft", "TL", "Fr.", "Kč"}


def _currency_alt(tokens: list[str]) -> str:
    parts = []
    for tok in sorted(tokens, key=len, reverse=True):
        esc = re.escape(tok)
        if tok in _CASE_SENSITIVE:
            esc = f"(?-i:{esc})"
        parts.append(esc + r"(?![^\W\d_])" if tok[-1].isalpha() else esc)
    return "|".join(parts)


_CUR_TOKENS = [*_ISO, *_SYMBOLS, "kr.", "kr", "¥", "￥", ":-"]
_CUR = _currency_alt(_CUR_TOKENS)
_NUM = (
    r"\d{1,3}(?:[ \u00a0\u202f'’.,]\d{3})+(?:[.,]\d{1,2})?(?![\d])"
    r"|\d+(?:[.,]\d{1,2})?(?![\d])"
)
_AMOUNT = re.compile(
    rf"(?<![^\W\d_])(?P<pre>{_CUR})\s?(?P<n1>{_NUM})"
    rf"|(?<![\d.,])(?P<n2>{_NUM})\s?(?P<suf>{_CUR})",
    re.IGNORECASE,
)


AMOUNT_REGEX = _AMOUNT


def normalise_number(raw: str) -> Decimal | None:
    """'1.250,00' / '1,250.00' / "1'250.50" / '3 400' -> Decimal; None if unreadable."""
    s = re.sub(r"[ \u00a0\u202f'’]", "", raw)
    last = max(s.rfind("."), s.rfind(","))
    if last >= 0 and len(s) - last - 1 in (1, 2):
        whole, frac = s[:last], s[last + 1 :]
        s = re.sub(r"[.,]", "", whole) + "." + frac
    else:
        s = re.sub(r"[.,]", "", s)
    try:
        return Decimal(s)
    except InvalidOperation:
        return None


def _currency(token: str, language: str | None) -> str | None:
    tok = token.lower()
    if tok in ("kr", "kr.", ":-"):
        return _KRONA.get(language or "", "SEK" if tok == ":-" else None)
    if tok in ("¥", "￥"):
        return "CNY" if language == "zh" else "JPY"
    if tok.upper() in _ISO:
        return "CNY" if tok.upper() == "RMB" else tok.upper()
    return _SYMBOLS.get(token) or _SYMBOLS.get(tok)


def find_amounts(text: str, language: str | None = None) -> tuple[Amount, ...]:
    """Every money amount in order of appearance, each (value, currency) once."""
    out: list[Amount] = []
    seen: set[tuple[str, str | None]] = set()
    for m in _AMOUNT.finditer(text):
        number, token = (m.group("n1"), m.group("pre")) if m.group("pre") else (
            m.group("n2"), m.group("suf"))
        value = normalise_number(number)
        if value is None:
            continue
        currency = _currency(token, language)
        places = 0 if currency in _ZERO_DECIMALS and value == value.to_integral_value() else 2
        text_value = f"{value:.{places}f}"
        if (text_value, currency) not in seen:
            seen.add((text_value, currency))
            out.append(Amount(value=text_value, currency=currency))
    return tuple(out)
