"""Phone numbers to E.164, with the region for numbers written without a country code.

A number written "030 1234567" means nothing without a country. We choose, in order:
1. the number's own "+49 …" / "0049 …" prefix (phonenumbers reads it whatever the region);
2. the country of the postal address in the signature ("Germany", "Sverige", "D-80331",
   "SE-114 35", "London SW1A 1AA", "Austin, TX 78701" …);
3. the country TLD of the sender's email (.de -> DE, .se -> SE, .co.uk -> GB; generic
   TLDs such as .com or .io say nothing);
4. the team's default region.
"""

from __future__ import annotations

import re

import phonenumbers

__all__ = ["address_region", "find_phones", "region_for", "tld_region"]

_COUNTRIES: dict[str, str] = {
    "germany": "DE", "deutschland": "DE", "sweden": "SE", "sverige": "SE",
    "united kingdom": "GB", "england": "GB", "scotland": "GB", "great britain": "GB",
    "usa": "US", "u.s.a.": "US", "united states": "US", "france": "FR", "switzerland": "CH",
    "schweiz": "CH", "suisse": "CH", "austria": "AT", "österreich": "AT", "netherlands": "NL",
    "nederland": "NL", "the netherlands": "NL", "denmark": "DK", "danmark": "DK",
    "norway": "NO", "norge": "NO", "finland": "FI", "suomi": "FI", "estonia": "EE",
    "eesti": "EE", "poland": "PL", "polska": "PL", "czech republic": "CZ", "czechia": "CZ",
    "česká republika": "CZ", "slovakia": "SK", "slovensko": "SK", "hungary": "HU",
    "magyarország": "HU", "croatia": "HR", "hrvatska": "HR", "romania": "RO", "românia": "RO",
    "turkey": "TR", "türkiye": "TR", "russia": "RU", "россия": "RU", "ukraine": "UA",
    "україна": "UA", "japan": "JP", "日本": "JP", "china": "CN", "中国": "CN",
    "thailand": "TH", "ประเทศไทย": "TH", "spain": "ES", "españa": "ES", "italy": "IT",
    "italia": "IT", "portugal": "PT", "brazil": "BR", "brasil": "BR", "belgium": "BE",
    "belgië": "BE", "belgique": "BE", "ireland": "IE", "canada": "CA", "australia": "AU",
}
_COUNTRY_RE = re.compile(
    r"(?<![^\W\d_])(?:" + "|".join(sorted(map(re.escape, _COUNTRIES), key=len, reverse=True))
    + r")(?![^\W\d_])",
    re.IGNORECASE,
)
_POSTAL_PREFIX = {"D": "DE", "DE": "DE", "S": "SE", "SE": "SE", "CH": "CH", "A": "AT",
                  "AT": "AT", "DK": "DK", "N": "NO", "NO": "NO", "FI": "FI", "PL": "PL",
                  "CZ": "CZ", "NL": "NL", "F": "FR", "FR": "FR", "I": "IT", "IT": "IT",
                  "B": "BE", "BE": "BE", "EE": "EE", "HU": "HU", "RO": "RO", "HR": "HR"}
_PREFIXED_POSTCODE = re.compile(r"\b(?P<p>[A-Z]{1,2})-\s?\d{3,5}")
_UK_POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s\d[A-Z]{2}\b")
_US_ZIP = re.compile(r",\s*[A-Z]{2}\s+\d{5}(?:-\d{4})?\b")
_SE_POSTCODE = re.compile(r"(?<!\d)\d{3}\s\d{2}\s+[A-ZÅÄÖ][a-zåäö]+")
_GENERIC_TLDS = {"io", "co", "me", "tv", "ai", "ly", "fm", "to", "ws", "cc", "gg", "la", "eu",
                 "app", "com", "net", "org", "info", "biz", "dev", "xyz", "email"}


def address_region(text: str | None) -> str | None:
    """The country a postal address is in, when it says so."""
    if not text:
        return None
    named = _COUNTRY_RE.findall(text)
    if named:
        return _COUNTRIES[named[-1].lower()]
    prefixed = _PREFIXED_POSTCODE.search(text)
    if prefixed and prefixed.group("p") in _POSTAL_PREFIX:
        return _POSTAL_PREFIX[prefixed.group("p")]
    if _UK_POSTCODE.search(text):
        return "GB"
    if _US_ZIP.search(text):
        return "US"
    if _SE_POSTCODE.search(text):
        return "SE"
    return None


def tld_region(domain: str | None) -> str | None:
    """The country of a domain's TLD: acme.de -> DE, acme.co.uk -> GB, acme.com -> None."""
    if not domain:
        return None
    tld = domain.lower().rstrip(".").rsplit(".", 1)[-1]
    if tld == "uk":
        return "GB"
    if len(tld) != 2 or tld in _GENERIC_TLDS:
        return None
    region = tld.upper()
    return region if region in phonenumbers.SUPPORTED_REGIONS else None


def region_for(*, address: str | None, domain: str | None, default: str) -> str:
    return address_region(address) or tld_region(domain) or default


_CANDIDATE = re.compile(r"(?<![\w+])(?:\+|00)?\(?\d[\d\s().\-/]{5,22}\d(?![\w])")


def find_phones(text: str, region: str) -> tuple[str, ...]:
    """Every phone number in `text` as E.164, in order, each once.

    Valid numbers first; when there is none, numbers that are merely possible (test
    numbers, new ranges) rather than nothing.
    """
    valid: list[str] = []
    possible: list[str] = []
    for m in _CANDIDATE.finditer(text):
        raw = m.group(0)
        if raw.startswith("00"):
            raw = "+" + raw[2:]
        try:
            number = phonenumbers.parse(raw, region)
        except phonenumbers.NumberParseException:
            continue
        if not phonenumbers.is_possible_number(number):
            continue
        e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
        bucket = valid if phonenumbers.is_valid_number(number) else possible
        if e164 not in bucket:
            bucket.append(e164)
    return tuple(valid or possible)
