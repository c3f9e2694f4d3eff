"""Reading one cell: money, dates and enum values, whether from CSV text or an ERP row.

CSV gives strings shaped by the map file; an ERP query gives Decimals, dates and
datetimes. Both end up as minor units and aware UTC datetimes. A bad cell raises RowError
with a reason a person can act on.
"""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import TypeVar
from zoneinfo import ZoneInfo

from store.imports.mapfile import MapSpec
from store.money import MoneyError, check_currency, to_minor
from store.sales.state import day_start

E = TypeVar("E", bound=enum.StrEnum)


class RowError(ValueError):
    """This row cannot be imported; the message says why."""


def text(value: object) -> str | None:
    if value is None:
        return None
    result = str(value).strip()
    return result or None


def currency(value: object) -> str:
    raw = text(value)
    if raw is None:
        raise RowError("no currency (add a currency column or a [defaults] currency)")
    try:
        return check_currency(raw)
    except MoneyError as exc:
        raise RowError(str(exc)) from None


def money(value: object, code: str, spec: MapSpec, column: str) -> int:
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        raw = str(value)
    else:
        cell = text(value)
        if cell is None:
            raise RowError(f"{column} is empty")
        raw = cell
        if spec.thousands_separator:
            raw = raw.replace(spec.thousands_separator, "")
        if spec.decimal_separator != ".":
            if "." in raw:
                raise RowError(f"{column} {cell!r} does not use the map's decimal separator")
            raw = raw.replace(spec.decimal_separator, ".")
        raw = raw.replace("\u00a0", "").replace(" ", "")
    try:
        return to_minor(raw, code)
    except MoneyError as exc:
        raise RowError(f"{column}: {exc}") from None


def when(value: object, spec: MapSpec, tz: ZoneInfo, column: str) -> datetime | None:
    """An aware UTC datetime; a date alone means the start of that day in the zone."""
    zone = spec.timezone or tz
    if value is None:
        return None
    if isinstance(value, datetime):
        return _aware(value, zone)
    if isinstance(value, date):
        return day_start(value, zone)
    cell = text(value)
    if cell is None:
        return None
    for fmt in spec.date_formats:
        try:
            parsed = datetime.strptime(cell, fmt)
        except ValueError:
            continue
        if not any(d in fmt for d in ("%H", "%I", "%M", "%S", "%z", "%c")):
            return day_start(parsed.date(), zone)
        return _aware(parsed, zone)
    return _iso(cell, zone, column, spec)


def _iso(cell: str, zone: ZoneInfo, column: str, spec: MapSpec) -> datetime:
    try:
        if len(cell) == 10:
            return _day(cell, zone)
        return _aware(datetime.fromisoformat(cell.replace("Z", "+00:00")), zone)
    except ValueError:
        expected = " or ".join(spec.date_formats) if spec.date_formats else "ISO-8601"
        raise RowError(f"{column} {cell!r} is not a date ({expected})") from None


@lru_cache(maxsize=4096)
def _day(cell: str, zone: ZoneInfo) -> datetime:
    """Cached: an export repeats the same dates on thousands of rows."""
    return day_start(date.fromisoformat(cell), zone)


def _aware(value: datetime, zone: ZoneInfo) -> datetime:
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone)
    return value.astimezone(UTC)


def required_when(value: object, spec: MapSpec, tz: ZoneInfo, column: str) -> datetime:
    result = when(value, spec, tz, column)
    if result is None:
        raise RowError(f"{column} is empty")
    return result


def choice(
    value: object, cls: type[E], spec: MapSpec, column: str, synonyms: dict[str, str]
) -> E | None:
    cell = text(value)
    if cell is None:
        return None
    mapped = spec.values.get(column, {}).get(cell, cell).strip().lower()
    mapped = synonyms.get(mapped, mapped)
    try:
        return cls(mapped)
    except ValueError:
        allowed = ", ".join(m.value for m in cls)
        raise RowError(f"{column} {cell!r} is not one of {allowed}") from None
