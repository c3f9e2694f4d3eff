"""Phone numbers are stored in E.164; the quick readings of common forms must agree with
the full parse (phonenumbers) on every number they accept, and leave alone what it rejects."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from phonenumbers import COUNTRY_CODE_TO_REGION_CODE

from store.contact_fields import ContactError, _international, _nanp, _parse_phone, clean_phone


@pytest.mark.parametrize(
    ("given_", "region", "stored"),
    [
        ("(415) 555-0100", "US", "+14155550100"),
        ("+49 30 1234567", "US", "+49301234567"),
        ("+44 20 7946 0958", "SE", "+442079460958"),
        ("+39 06 1234 5678", "US", "+390612345678"),  # Italy keeps its leading zero
        ("+7 812 123-45-67", "US", "+78121234567"),  # 8 is Russia's trunk prefix
        ("0049 30 1234567", "US", "+49301234567"),
        ("030 1234567", "DE", "+49301234567"),
        ("+800 1234 5678", "US", "+80012345678"),  # no country's number
        ("+55 11 91234-5678", "US", "+5511912345678"),
    ],
)
def test_numbers_are_stored_in_e164(given_: str, region: str, stored: str) -> None:
    assert clean_phone(given_, region) == stored


@pytest.mark.parametrize("bad", ["+49 1", "+4930123456789012345", "call me", "+999 123"])
def test_impossible_numbers_are_refused(bad: str) -> None:
    with pytest.raises(ContactError, match="invalid phone"):
        clean_phone(bad, "US")


def test_other_scripts_digits_are_read_as_digits() -> None:
    # Arabic-Indic digits: the stored form is ASCII, whichever reading handles them.
    assert clean_phone("+٤٩ ٣٠ ١٢٣٤٥٦٧", "US") == "+49301234567"
    assert clean_phone("(٤١٥) ٥٥٥-٠١٠٠", "US") == "+14155550100"


def _full(value: str, region: str) -> str | None:
    try:
        return _parse_phone.__wrapped__(value, region)
    except ContactError:
        return None


codes = st.sampled_from(sorted(COUNTRY_CODE_TO_REGION_CODE))
subscriber = st.text("0123456789", min_size=0, max_size=16)
separators = st.sampled_from(["", " ", "-", ".", " (", ") "])


@settings(max_examples=3000, deadline=None)
@given(codes, subscriber, separators, st.sampled_from(["US", "DE", "GB", "SE", "IN"]))
def test_quick_readings_agree_with_the_full_parse(
    code: int, digits: str, sep: str, region: str
) -> None:
    value = f"+{code}{sep}{digits[:3]}{sep}{digits[3:]}"
    for quick in (_international(value), _nanp(value, region)):
        if quick is not None:
            assert quick == _full(value, region), value
    domestic = f"{digits[:3]}{sep}{digits[3:]}"
    quick = _nanp(domestic, region)
    if quick is not None:
        assert quick == _full(domestic, region), domestic
