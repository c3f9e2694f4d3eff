"""Reading a CSV export row by row with the map file applied, keeping each row's line number.

The header is line 1; a row's line is where it starts, so quoted cells spanning lines
still point a person at the right place.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from store.imports.mapfile import MapSpec


class ImportFileError(ValueError):
    """The file as a whole cannot be imported (unreadable, no header, missing columns)."""


@dataclass(frozen=True)
class CsvRow:
    line: int
    cells: dict[str, str | None]


@dataclass(frozen=True)
class CsvLayout:
    """Which of our columns sit at which index, and the headers nobody asked for."""

    index: dict[str, int]
    ignored: tuple[str, ...]


def read_text(path: Path, spec: MapSpec) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ImportFileError(f"cannot read {path}: {exc.strerror}") from None
    encoding = spec.encoding or "utf-8-sig"
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            f"{path} is not {encoding} (byte {exc.start}); set `encoding` in the map file"
        ) from None


def layout(
    header: Sequence[str], spec: MapSpec, required: Sequence[str], optional: Sequence[str]
) -> CsvLayout:
    position = {h.strip().casefold(): i for i, h in enumerate(header)}
    index: dict[str, int] = {}
    for name in (*required, *optional):
        wanted = spec.header_for(name).strip().casefold()
        if wanted in position:
            index[name] = position[wanted]
    missing = [spec.header_for(n) for n in required if n not in index and n not in spec.defaults]
    if missing:
        raise ImportFileError(f"missing column(s): {', '.join(missing)}")
    used = set(index.values())
    ignored = tuple(h for i, h in enumerate(header) if i not in used and h.strip())
    return CsvLayout(index, ignored)


def rows(
    path: Path,
    spec: MapSpec,
    required: Sequence[str],
    optional: Sequence[str],
) -> tuple[CsvLayout, Iterator[CsvRow]]:
    text = read_text(path, spec)
    delimiter = spec.delimiter or _sniff(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise ImportFileError(f"{path} is empty") from None
    except csv.Error as exc:
        raise ImportFileError(f"{path}: {exc}") from None
    shape = layout(header, spec, required, optional)
    return shape, _iterate(reader, shape, spec)


def _iterate(reader: Iterator[list[str]], shape: CsvLayout, spec: MapSpec) -> Iterator[CsvRow]:
    line_end = 1
    while True:
        start = line_end + 1
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise ImportFileError(f"line {start}: {exc}") from None
        line_end = reader.line_num  # type: ignore[attr-defined]
        if not any(cell.strip() for cell in record):
            continue
        cells: dict[str, str | None] = {}
        for name, i in shape.index.items():
            value = record[i].strip() if i < len(record) else ""
            cells[name] = value or None
        for name, default in spec.defaults.items():
            if not cells.get(name):
                cells[name] = default
        yield CsvRow(start, cells)


def _sniff(text: str) -> str:
    first = text.split("\n", 1)[0]
    counts = {d: first.count(d) for d in (",", ";", "\t", "|")}
    best = max(counts, key=counts.__getitem__)
    return best if counts[best] else ","
