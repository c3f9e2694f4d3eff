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
from collections.abc import Iterator
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
    r"(?P<rest>\d[A-Z0-9]*+(?:[-/][A-Z0-9]++)*+)(?![\w-])"
)

_KEYWORDS: dict[str, tuple[str, ...]] = {
    "po": ("purchase order", "p.o.", "bon de commande", "orden de compra", "inköpsorder"),
    "order": (
        "sales order", "order", "ordernummer", "ordrenummer", "ordre", "bestellnummer",
        "bestellung", "auftragsnummer", "auftrag", "commande", "pedido", "ordine", "bestilling",
        "bestillingen", "tilauksen", "tilausta", "megrendelés", "megrendelést", "narudžbu",
        "rendelést", "encomendas", "objednávkou",
        "encomenda", "bestelling", "beställning", "beställningsnummer", "tilausnumero", "tilaus",
        "tellimus", "zamówienie", "zamówienia", "objednávka", "objednávky", "objednávku",
        "rendelés", "narudžba", "narudžbe", "comanda", "comandă", "sipariş", "заказ", "заказа",
        "заказу", "заказе", "замовлення",
    ),
    "invoice": (
        "invoice", "rechnungsnummer", "rechnung", "facture", "factura", "fattura", "fatura",
        "factuur", "fakturanummer", "fakturanr", "faktura", "faktury", "fakturu", "fakturę",
        "laskun", "lasku", "arve", "faktúra", "faktúru", "faktúry", "számlát", "számla",
        "račun", "factură", "счёт-фактура", "счёт", "счет",
        "счёта", "счета", "рахунок", "рахунку",
    ),
    "quote": (
        "quotation", "quote", "angebotsnummer", "angebot", "devis", "presupuesto",
        "cotización", "preventivo", "offerta", "orçamento", "cotação", "offerte", "tilbud",
        "offerten", "offert", "tarjous", "tarjouksen", "árajánlatot", "ponuku",
        "pakkumine", "oferta", "ofertă", "nabídka", "nabídky",
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


def _reversed_alternation(words: list[str]) -> str:
    ordered = sorted(words, key=len, reverse=True)
    return "|".join(re.escape(w[::-1]).replace(r"\ ", r"\s+") for w in ordered)


_KW_ALT, _KW_KINDS = _alternation(_KEYWORDS)
_CJK_ALT, _CJK_KINDS = _alternation(_CJK_KEYWORDS)
_MARKS = [
    "number", "numéro", "número", "numero", "nummer", "nr.", "nr", "nro.", "nro", "no.", "no",
    "n.º", "n.°", "n°.", "n°", "n.", "n",
    "nº.", "nº", "№", "#", "num.", "num", "núm.", "núm", "č.", "br.", "sz.", "номер",
]
_MARKER = (
    r"(?:\s*(?P<mark>number|numéro|número|numero|nummer|nro?\.?|no\.?|n\.?[°º]\.?|n\.?|№|#|num\.?|"
    r"núm\.?|č\.|br\.|sz\.|номер|号码|号|番号|เลขที่))?"
)
_NUMBER = (
    r"[:：]?\s*(?P<hash>#)?\s*(?P<num>(?=[A-Za-z]*\d)[A-Za-z0-9]++(?:[-/][A-Za-z0-9]++)*+)"
)
# Keyword + number, for scripts with spaces between words. Running a 150-word alternation
# at every position of an email is slow, so we find the number tokens and match the text
# just before each one, reversed, against the reversed keywords (one anchored match).
_TOKEN = re.compile(r"(?<![\w-])(?=[A-Za-z]*\d)[A-Za-z0-9]++(?:[-/][A-Za-z0-9]++)*+(?![\w-])")
_KEYWORD_BEFORE = re.compile(
    rf"\s*(?P<hash>#)?\s*[:：]?\s*(?:(?P<mark>{_reversed_alternation(_MARKS)})\s*)?"
    rf"(?P<kw>{_reversed_alternation(list(_KW_KINDS))})(?![^\W\d_])",
    re.IGNORECASE,
)
_DIGIT_RUN = re.compile(r"\d[A-Za-z0-9/-]*")
_TOKEN_SHAPE = re.compile(r"[A-Za-z]*\d[A-Za-z0-9]*(?:[-/][A-Za-z0-9]+)*")
_WINDOW = 48
# Prefilter: the word right before a number must end a keyword or be a marker ("No.").
_LAST_WORD = re.compile(r"[\s#:：№.°º]*([^\W\d_]+)")
_LAST_WORDS = {
    re.split(r"[^\w]+", w.strip(".#№°º"))[-1] for w in [*_KW_KINDS, *_MARKS] if w.strip(".#№°º")
} | {"n", "o"}
# The same forms as one forward regex, for spaCy spans (see parsers.entities).
_KEYWORD_REF = re.compile(
    rf"(?<![^\W\d_])(?P<kw>{_KW_ALT})(?![^\W\d_]){_MARKER}{_NUMBER}(?![\w-])",
    re.IGNORECASE,
)
_CJK_REF = re.compile(rf"(?P<kw>{_CJK_ALT}){_MARKER}{_NUMBER}(?![\w-])", re.IGNORECASE)
_DATE_LIKE = re.compile(r"\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}")
# "2026-11" reads as a month, but "2026-44" cannot be one, and after "Nr."/"№" it is a number.
_MONTH_LIKE = re.compile(r"\d{4}-(?:0[1-9]|1[0-2])")
_UNIT = re.compile(
    r"\s*(?:more\s+|additional\s+|extra\s+)?(?:units?|pcs|pieces?|items?|boxes|pallets?|kg|"
    r"stück|stk|st\.?|stycken|шт|штук|件|个|ชิ้น|kpl|szt|ks|db|adet)(?![^\W\d_])",
    re.IGNORECASE,
)
# Hungarian puts the number first: "a 2026/415 számú megrendelést" (the order numbered …).
_HU_NUMBERED = re.compile(
    r"(?<![\w-])(?P<num>\d[A-Za-z0-9]*(?:[-/][A-Za-z0-9]+)*)\s+számú\s+"
    r"(?P<kw>megrendelés|rendelés|számla|számlá|árajánlat)[^\W\d_]*",
    re.IGNORECASE,
)
_HU_KINDS = {"megrendelés": "order", "rendelés": "order", "számla": "invoice",
             "számlá": "invoice", "árajánlat": "quote"}

REFERENCE_REGEXES = (_CODE, _KEYWORD_REF, _CJK_REF)


def _keep(text: str, number: str, end: int, marked: bool) -> bool:
    if _DATE_LIKE.fullmatch(number) or _UNIT.match(text, end):
        return False
    if _MONTH_LIKE.fullmatch(number) and not marked:
        return False
    return not (number.isdigit() and len(number) < 3 and not marked)


def _tokens(text: str) -> Iterator[tuple[int, int, str]]:
    """Number-like tokens ("4711", "4411-B", "B12", "2024/118"), found from their digits.

    A regex that starts with a digit lets `re` skip ahead fast; letters glued in front
    ("B12") are added back here. Same tokens as `_TOKEN`, several times faster.
    """
    for m in _DIGIT_RUN.finditer(text):
        start, end = m.span()
        while start > 0 and text[start - 1].isascii() and text[start - 1].isalpha():
            start -= 1
        if start > 0 and (text[start - 1].isalnum() or text[start - 1] in "_-"):
            continue
        if end < len(text) and (text[end].isalnum() or text[end] in "_"):
            continue
        token = text[start:end]
        if _TOKEN_SHAPE.fullmatch(token):
            yield start, end, token


_BETWEEN = " \t:：#№.°º"
MAX_TEXT = 100_000  # characters read per text: a longer one is a data dump, not a letter


def _keyword_refs(text: str) -> list[tuple[int, int, str, str]]:
    found = []
    for start, end, token in _tokens(text):
        before = start - 1
        while before > start - 8 and before >= 0 and text[before] in _BETWEEN:
            before -= 1
        if before < 0 or not text[before].isalpha():  # cheap: no word right before it
            continue
        window = text[max(0, start - _WINDOW) : start][::-1]
        last = _LAST_WORD.match(window)
        if last is None or last.group(1)[::-1].lower() not in _LAST_WORDS:
            continue
        kw = _KEYWORD_BEFORE.match(window)
        if kw is None:
            continue
        kw_start = start - kw.end()
        if kw_start > 0 and text[kw_start - 1].isalpha():
            continue
        if not _keep(text, token, end, bool(kw.group("mark") or kw.group("hash"))):
            continue
        word = re.sub(r"\s+", " ", kw.group("kw")[::-1].lower())
        found.append((start, end, _KW_KINDS[word], token))
    return found


def find_references(text: str) -> tuple[Reference, ...]:
    """Every reference in order of appearance, each (kind, number) once."""
    text = text[:MAX_TEXT]
    found: list[tuple[int, int, str, str]] = []
    for m in _CODE.finditer(text):
        code = m.group("glued") or m.group("hy")
        rest = m.group("rest")
        number = rest if m.group("sep") == " " else m.group(0)
        if m.group("sep") == " " and _UNIT.match(text, m.end()):
            continue
        found.append((m.start(), m.end(), _CODE_KINDS[code], number))
    found.extend(_keyword_refs(text))
    if "számú" in text:
        for m in _HU_NUMBERED.finditer(text):
            kind = _HU_KINDS[m.group("kw").lower()]
            if _keep(text, m.group("num"), m.end("num"), True):
                found.append((m.start(), m.end(), kind, m.group("num")))
    if not text.isascii():
        for m in _CJK_REF.finditer(text):
            number = m.group("num")
            if _keep(text, number, m.end(), bool(m.group("mark") or m.group("hash"))):
                found.append((m.start("num"), m.end(), _CJK_KINDS[m.group("kw").lower()], number))
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
# Possessive groups and the look-behind below keep this linear on "1 000 000 000 …".
_NUM = (
    r"\d{1,3}(?:[ \u00a0\u202f'’.,]\d{3})++(?:[.,]\d{1,2})?(?![\d])"
    r"|\d++(?:[.,]\d{1,2})?(?![\d])"
)
# One forward regex for spaCy spans (see parsers.entities) ...
_AMOUNT = re.compile(
    rf"(?<![^\W\d_])(?P<pre>{_CUR})\s?(?P<n1>{_NUM})"
    rf"|(?<![\d.,])(?<!\d[ \u00a0\u202f'’])(?P<n2>{_NUM})\s?(?P<suf>{_CUR})",
    re.IGNORECASE,
)
# ... and, for speed, numbers first, then dictionary look-ups of the word just before or
# just after each one (at most one space between; a currency word must not be glued to
# other letters).
_NUMBER_RUN = re.compile(r"\d[\d \u00a0\u202f'’.,]*")  # starts with a digit: re skips ahead fast
_NUMBER_AT = re.compile(_NUM)


def _numbers(text: str) -> Iterator[tuple[int, int, str]]:
    """The numbers _AMOUNT would read, each at the start of a run of digits and separators."""
    for run in _NUMBER_RUN.finditer(text):
        start = run.start()
        if start > 0 and text[start - 1] in ".,":
            continue
        m = _NUMBER_AT.match(text, start)
        if m is not None:
            yield start, m.end(), m.group(0)
_EXACT = {t for t in _CUR_TOKENS if t in _CASE_SENSITIVE}
_FOLDED = {t.lower() for t in _CUR_TOKENS if t not in _CASE_SENSITIVE}
_LONGEST = max(map(len, _CUR_TOKENS))


def _is_token(candidate: str) -> bool:
    return candidate in _EXACT or candidate.lower() in _FOLDED


def _spaced_letter(ch: str) -> bool:
    """A letter of a script that puts spaces between words (not Thai, Chinese, Japanese)."""
    return ch.isalpha() and not ("\u0e00" <= ch <= "\u0e7f" or ch >= "\u2e80")


def _run_before(text: str, start: int) -> tuple[str, int]:
    """The non-space, non-digit characters just before `start` (one space allowed)."""
    end = start - 1 if start > 0 and text[start - 1].isspace() else start
    i = end
    while i > 0 and end - i < _LONGEST and not (text[i - 1].isspace() or text[i - 1].isdigit()):
        i -= 1
    return text[i:end], end


def _currency_before(text: str, start: int) -> str | None:
    run, end = _run_before(text, start)
    for cand in dict.fromkeys((run, run[-3:], run[-2:], run[-1:])):
        if cand and _is_token(cand):
            before = end - len(cand) - 1
            if before < 0 or not text[before].isalpha():
                return cand
    return None


def _currency_after(text: str, end: int) -> str | None:
    start = end + 1 if end < len(text) and text[end].isspace() else end
    i = start
    while i < len(text) and i - start < _LONGEST and not (text[i].isspace() or text[i].isdigit()):
        i += 1
    run = text[start:i]
    for cand in dict.fromkeys((run, run.rstrip(".,;:!?)"), run[:3], run[:2], run[:1])):
        if cand and _is_token(cand):
            after = start + len(cand)
            if not (_spaced_letter(cand[-1]) and after < len(text) and text[after].isalpha()):
                return cand
    return None


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
    text = text[:MAX_TEXT]
    out: list[Amount] = []
    seen: set[tuple[str, str | None]] = set()
    for start, end, number in _numbers(text):
        token = _currency_before(text, start) or _currency_after(text, end)
        if token is None:
            continue
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
