"""Cleaning of the values a contact is made of: emails, phones, tags, names.

Shared by the one-at-a-time upsert and the bulk importer so both store the same forms.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache, lru_cache

import phonenumbers
from phonenumbers import COUNTRY_CODE_TO_REGION_CODE, PhoneMetadata, PhoneNumber

from store.normalize import normalize_email

_LOCAL = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~.\-\u0080-\U0010ffff]+"
_ALNUM = r"A-Za-z0-9\u0080-\U0010ffff"
_LABEL = rf"[{_ALNUM}](?:[{_ALNUM}\-]{{0,61}}[{_ALNUM}])?"
_EMAIL_RE = re.compile(rf"^{_LOCAL}@(?:{_LABEL}\.)+{_LABEL}$")


class ContactError(ValueError):
    """A value cannot belong to a contact (bad email, unknown contact, …)."""


def clean_email(value: str) -> str:
    """The normalised address, or ContactError naming what was given."""
    email = normalize_email(value)
    local = email.rpartition("@")[0]
    if (
        len(email) > 320
        or not _EMAIL_RE.match(email)
        or local.startswith(".")
        or local.endswith(".")
        or ".." in email
    ):
        raise ContactError(f"invalid email {value.strip()!r}")
    return email


def clean_phone(value: str, default_region: str = "US") -> str:
    """E.164 form (`+14155550100`); numbers without `+` are read in `default_region`."""
    return _clean_phone(value.strip(), default_region.upper())


# Regions of the North American Numbering Plan share +1 and ten-digit numbers.
_NANP = frozenset({"US", "CA", "PR", "GU", "VI", "AS", "MP", "BS", "BB", "JM", "TT", "DO"})
_PUNCT = str.maketrans("", "", " ().-/\u00a0")


def _nanp(value: str, region: str) -> str | None:
    """The common North American forms, without the cost of a full parse.

    Gives what phonenumbers gives for them: `(415) 555-0100`, `415.555.0100`,
    `1 415 555 0100` (in a NANP region) and `+1 415 555 0100` (anywhere).
    """
    digits = value.translate(_PUNCT)
    if not digits.isascii():  # other scripts' digits are the full parse's to read
        return None
    if digits.startswith("+1") and len(digits) == 12 and digits[1:].isdigit():
        return digits if digits[2] in "23456789" else None
    if region in _NANP and digits.isdigit():
        if len(digits) == 10 and digits[0] in "23456789":
            return "+1" + digits
        if len(digits) == 11 and digits[0] == "1" and digits[1] in "23456789":
            return "+" + digits
    return None


def _clean_phone(value: str, region: str) -> str:
    fast = _nanp(value, region)
    if fast is None:
        fast = _international(value)
    return fast if fast is not None else _parse_phone(value, region)


def _international(value: str) -> str | None:
    """`+49 30 1234567` and the like: the country code, then the subscriber's digits.

    Gives what a full parse gives, or None to leave the number to it: the digits must
    not start with anything the country's trunk prefix (or carrier code) could be, so
    nothing would be stripped, and their count must be possible for the country.
    """
    digits = value.translate(_PUNCT)
    if not digits.startswith("+") or not (digits.isascii() and digits[1:].isdigit()):
        return None
    for size in (1, 2, 3):  # country codes are prefix-free
        code = int(digits[1 : 1 + size])
        if code in COUNTRY_CODE_TO_REGION_CODE:
            break
    else:
        return None
    national = digits[1 + size :]
    prefix = _trunk_prefix(code)
    if not national or national[0] == "0" or prefix is None or prefix.match(national):
        return None
    number = PhoneNumber(country_code=code, national_number=int(national))
    return digits if phonenumbers.is_possible_number(number) else None


@cache
def _trunk_prefix(code: int) -> re.Pattern[str] | None:
    """What a full parse would strip from the front of a national number, as a pattern
    (one that matches nothing when the country has no trunk prefix); None for the
    calling codes of no single country (+800 …), which the fast path leaves alone."""
    main = COUNTRY_CODE_TO_REGION_CODE[code][0]
    meta = PhoneMetadata.metadata_for_region(main) if main != "001" else None
    if meta is None:
        return None
    return re.compile(meta.national_prefix_for_parsing or r"(?!)")


# Bounded: a file repeats switchboard numbers; each full parse costs ~50 us.
@lru_cache(maxsize=16384)
def _parse_phone(value: str, region: str) -> str:
    text = value
    if text.startswith("00"):
        text = "+" + text[2:]
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        raise ContactError(f"invalid phone {value!r}") from None
    if not phonenumbers.is_possible_number(number):
        raise ContactError(f"invalid phone {value!r}")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def clean_tags(values: Iterable[str]) -> list[str]:
    """Lower-case, trimmed, single-spaced, de-duplicated, in the order given."""
    seen: dict[str, None] = {}
    for value in values:
        tag = " ".join(value.split()).lower()[:100]
        if tag:
            seen.setdefault(tag, None)
    return list(seen)


def clean_text(value: str | None, limit: int = 300) -> str | None:
    if value is None:
        return None
    text = " ".join(value.split())
    return text[:limit] or None
