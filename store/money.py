"""Money as integer minor units plus an ISO 4217 code; decimal strings at the edges."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

# Currencies whose minor unit is not 1/100.
_EXPONENTS = {
    "JPY": 0,
    "KRW": 0,
    "ISK": 0,
    "CLP": 0,
    "VND": 0,
    "XAF": 0,
    "XOF": 0,
    "HUF": 2,
    "BHD": 3,
    "KWD": 3,
    "OMR": 3,
    "JOD": 3,
    "TND": 3,
    "IQD": 3,
    "LYD": 3,
}


class MoneyError(ValueError):
    """An amount or currency that cannot be read."""


def exponent(currency: str) -> int:
    return _EXPONENTS.get(currency.upper(), 2)


def check_currency(code: str) -> str:
    code = (code or "").strip().upper()
    if len(code) != 3 or not code.isalpha():
        raise MoneyError(f"currency must be a three-letter ISO code, got {code!r}")
    return code


def to_minor(amount: str | Decimal | int, currency: str) -> int:
    """'1250.00' EUR -> 125000. Refuses floats and amounts finer than the currency allows."""
    if isinstance(amount, float):
        raise MoneyError("amounts must not be floats")
    try:
        value = Decimal(str(amount).strip().replace(" ", "").replace("\u00a0", ""))
    except InvalidOperation:
        raise MoneyError(f"not an amount: {amount!r}") from None
    if not value.is_finite():
        raise MoneyError(f"not an amount: {amount!r}")
    scaled = value.scaleb(exponent(currency))
    if scaled != scaled.to_integral_value():
        raise MoneyError(f"{amount} has more decimals than {currency.upper()} allows")
    return int(scaled.to_integral_value(rounding=ROUND_HALF_EVEN))


def to_decimal_str(minor: int, currency: str) -> str:
    """125000 EUR -> '1250.00' (the JSON form)."""
    exp = exponent(currency)
    return str(Decimal(minor).scaleb(-exp).quantize(Decimal(1).scaleb(-exp)))


def format_money(minor: int, currency: str) -> str:
    """125000 EUR -> 'EUR 1,250.00' for people to read."""
    exp = exponent(currency)
    value = Decimal(minor).scaleb(-exp)
    return f"{currency.upper()} {value:,.{exp}f}"
