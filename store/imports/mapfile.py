"""The `--map FILE.toml` that reads other systems' exports: column names and formats.

delimiter = ";"                 # optional; sniffed from the header otherwise
encoding = "cp1252"             # optional; UTF-8 (with or without BOM) otherwise
[columns]                       # our column = their header
number = "Rechnungsnummer"
due_at = "Fällig am"
[formats]
date = ["%d.%m.%Y", "%d.%m.%y"] # strptime formats tried in order, ISO-8601 as fallback
decimal_separator = ","
thousands_separator = "."
timezone = "Europe/Berlin"      # for dates without a zone; the team's zone otherwise
[values.status]                 # their value = ours
Bezahlt = "paid"
[defaults]                      # used when the column is missing or the cell empty
currency = "EUR"
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


class MapError(ValueError):
    """The map file cannot be used; the message names the key."""


@dataclass(frozen=True)
class MapSpec:
    columns: dict[str, str] = field(default_factory=dict)
    date_formats: tuple[str, ...] = ()
    decimal_separator: str = "."
    thousands_separator: str = ""
    timezone: ZoneInfo | None = None
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    defaults: dict[str, str] = field(default_factory=dict)
    delimiter: str | None = None
    encoding: str | None = None

    def header_for(self, name: str) -> str:
        return self.columns.get(name, name)


_TOP = {"delimiter", "encoding", "columns", "formats", "values", "defaults"}
_FORMATS = {"date", "datetime", "decimal_separator", "thousands_separator", "timezone"}


def load_map(path: Path) -> MapSpec:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise MapError(f"cannot read map file {path}: {exc.strerror}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise MapError(f"map file {path} is not valid TOML: {exc}") from None
    return spec_from_dict(data)


def spec_from_dict(data: dict[str, Any]) -> MapSpec:
    unknown = set(data) - _TOP
    if unknown:
        raise MapError(f"unknown key(s) in map file: {', '.join(sorted(unknown))}")
    formats = _table(data, "formats")
    unknown = set(formats) - _FORMATS
    if unknown:
        raise MapError(f"unknown key(s) in [formats]: {', '.join(sorted(unknown))}")
    decimal = _text(formats.get("decimal_separator", "."), "formats.decimal_separator")
    thousands = _text(formats.get("thousands_separator", ""), "formats.thousands_separator")
    if len(decimal) != 1 or decimal == thousands:
        raise MapError("formats.decimal_separator must be one character, unlike the thousands one")
    delimiter = data.get("delimiter")
    if delimiter is not None and (not isinstance(delimiter, str) or len(delimiter) != 1):
        raise MapError("delimiter must be one character")
    return MapSpec(
        columns={k: _text(v, f"columns.{k}") for k, v in _table(data, "columns").items()},
        date_formats=_formats(formats),
        decimal_separator=decimal,
        thousands_separator=thousands,
        timezone=_zone(formats.get("timezone")),
        values={
            k: {
                str(a): _text(b, f"values.{k}")
                for a, b in _table(_table(data, "values"), k).items()
            }
            for k in _table(data, "values")
        },
        defaults={k: _text(v, f"defaults.{k}") for k, v in _table(data, "defaults").items()},
        delimiter=delimiter,
        encoding=_encoding(data.get("encoding")),
    )


def _table(data: dict[str, Any], key: str) -> dict[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise MapError(f"[{key}] must be a table")
    return value


def _text(value: object, key: str) -> str:
    if not isinstance(value, str):
        raise MapError(f"{key} must be a string")
    return value


def _formats(formats: dict[str, Any]) -> tuple[str, ...]:
    result: list[str] = []
    for key in ("datetime", "date"):
        value = formats.get(key, [])
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
            raise MapError(f"formats.{key} must be a strptime format or a list of them")
        for item in items:
            if "%" not in item:
                raise MapError(f"formats.{key}: {item!r} is not a strptime format")
        result.extend(items)
    return tuple(result)


def _zone(value: object) -> ZoneInfo | None:
    if value is None:
        return None
    try:
        return ZoneInfo(_text(value, "formats.timezone"))
    except (ZoneInfoNotFoundError, ValueError):
        raise MapError(f"formats.timezone: unknown time zone {value!r}") from None


def _encoding(value: object) -> str | None:
    if value is None:
        return None
    import codecs

    try:
        return codecs.lookup(_text(value, "encoding")).name
    except LookupError:
        raise MapError(f"encoding: unknown encoding {value!r}") from None
