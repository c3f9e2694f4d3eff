"""Cleaning of the values a contact is made of: emails, phones, tags, names.

Shared by the one-at-a-time upsert and the bulk importer so both store the same forms.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

import phonenumbers

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
    return fast if fast is not None else _parse_phone(value, region)


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
