"""A small vCard 2.1/3.0/4.0 reader: the fields a CRM keeps, as ContactCandidates.

vCards arrive as email attachments (a signature card, a shared contact). We read FN/N,
EMAIL, TEL, ORG, TITLE, URL and ADR; everything else is ignored. Malformed cards give what
could be read, never an exception.
"""

from __future__ import annotations

import quopri
import re

import phonenumbers

from parsers.types import ContactCandidate

_MAX_CARDS = 50


def _unfold(text: str) -> list[str]:
    lines: list[str] = []
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if raw[:1] in (" ", "\t") and lines:
            lines[-1] += raw[1:]
        elif lines and lines[-1].endswith("=") and "QUOTED-PRINTABLE" in lines[-1].upper():
            lines[-1] = lines[-1][:-1] + raw  # vCard 2.1 soft line break
        else:
            lines.append(raw)
    return lines


def _value(params: str, value: str) -> str:
    upper = params.upper()
    if "QUOTED-PRINTABLE" in upper:
        charset = re.search(r"CHARSET=([\w-]+)", params, re.IGNORECASE)
        data = quopri.decodestring(value.encode("latin-1", "replace"))
        try:
            value = data.decode(charset.group(1) if charset else "utf-8")
        except (LookupError, UnicodeDecodeError):
            value = data.decode("latin-1")
    value = value.replace("\\n", "\n").replace("\\N", "\n")
    return re.sub(r"\\([,;\\])", r"\1", value).strip()


def _split(value: str) -> list[str]:
    return [p.replace("\\;", ";") for p in re.split(r"(?<!\\);", value)]


def _phone(value: str, region: str) -> str:
    cleaned = value.removeprefix("tel:").strip()
    try:
        number = phonenumbers.parse(cleaned, region)
    except phonenumbers.NumberParseException:
        return cleaned
    if not phonenumbers.is_possible_number(number):
        return cleaned
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def read_vcards(text: str, *, default_region: str = "US") -> tuple[ContactCandidate, ...]:
    """Every card in `text` (BEGIN:VCARD … END:VCARD) as a ContactCandidate."""
    cards: list[ContactCandidate] = []
    fields: dict[str, str] | None = None
    for line in _unfold(text[:1_000_000]):
        name, sep, raw_value = line.partition(":")
        if not sep:
            continue
        prop, _, params = name.partition(";")
        prop = prop.split(".")[-1].strip().upper()  # "item1.EMAIL" (Apple)
        if prop == "BEGIN" and raw_value.strip().upper() == "VCARD":
            fields = {}
        elif prop == "END" and fields is not None:
            card = _card(fields, default_region)
            if card is not None:
                cards.append(card)
            fields = None
            if len(cards) >= _MAX_CARDS:
                break
        elif fields is not None and prop not in fields:
            fields[prop] = _value(params, raw_value)
    return tuple(cards)


def _card(fields: dict[str, str], region: str) -> ContactCandidate | None:
    name = fields.get("FN") or None
    if not name and fields.get("N"):
        parts = _split(fields["N"])
        given = parts[1] if len(parts) > 1 else ""
        name = " ".join(p for p in (given, parts[0]) if p.strip()) or None
    email = (fields.get("EMAIL") or "").removeprefix("mailto:").strip() or None
    org = _split(fields.get("ORG", ""))[0].strip() or None
    address = None
    if fields.get("ADR"):
        address = ", ".join(p.strip() for p in _split(fields["ADR"]) if p.strip()) or None
    if not (name or email):
        return None
    return ContactCandidate(
        name=name,
        email=email,
        phone=_phone(fields["TEL"], region) if fields.get("TEL") else None,
        title=fields.get("TITLE") or None,
        company=org,
        website=fields.get("URL") or None,
        address=address,
        source="vcard",
    )
