"""Contact files read: CSV and vCard in, as `ContactRow`s.

Readers number each row by its line in the file (the CSV header is line 1; a vCard is
numbered by its BEGIN line) and never stop at a bad row: the row carries its error and
the importer reports it while the good rows go in. Nothing here touches the database,
so the process that reads a large file while another writes it
(`store.imports.contact_prep`) starts in a tenth of a second.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from charset_normalizer import from_bytes

from store.imports.contact_rows import ContactRow
from store.imports.vcard import parse_vcards, split_value, unescape

KNOWN = ("name", "email", "phone", "title", "company", "tags", "marketing_consent")
OPTIONAL = ("website", "address")
ALIASES = {
    "full_name": "name",
    "e-mail": "email",
    "email_address": "email",
    "mobile": "phone",
    "telephone": "phone",
    "phone_number": "phone",
    "job_title": "title",
    "organization": "company",
    "organisation": "company",
    "company_name": "company",
    "url": "website",
    "consent": "marketing_consent",
}


class ContactFileError(ValueError):
    """The file as a whole cannot be read (unknown format, no header, undecodable)."""


@dataclass(frozen=True)
class ContactFile:
    rows: Iterator[ContactRow]
    warnings: tuple[str, ...]


def read_text(path: Path) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        best = from_bytes(data).best()
        if best is None:
            raise ContactFileError(f"{path}: cannot tell the text encoding") from None
        return str(best)


def read_contact_file(path: Path) -> ContactFile:
    """By extension: .vcf/.vcard is vCard, anything else CSV."""
    text = read_text(path)
    if path.suffix.lower() in (".vcf", ".vcard") or text.lstrip().upper().startswith("BEGIN:VCARD"):
        return ContactFile(vcard_rows(text), ())
    return csv_rows(text)


def _header_key(value: str) -> str:
    key = "_".join(value.strip().lower().replace("-", "_").split())
    key = key.replace("e_mail", "email")
    return ALIASES.get(key, key)


def _split(cell: str) -> tuple[str, ...]:
    if "," not in cell and ";" not in cell:
        return (cell.strip(),) if cell.strip() else ()
    return tuple(p.strip() for p in cell.replace(",", ";").split(";") if p.strip())


def _split_on(cell: str, sep: str) -> tuple[str, ...]:
    if sep not in cell:
        return (cell,) if cell else ()  # cells arrive stripped
    return tuple(p.strip() for p in cell.split(sep) if p.strip())


def csv_rows(text: str) -> ContactFile:
    sample = text[:8192]
    try:
        dialect: Any = csv.Sniffer().sniff(sample.splitlines()[0] if sample else "", ",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    header = next(reader, None)
    if not header or not any(h.strip() for h in header):
        raise ContactFileError("the file is empty: a header row is needed (name,email,…)")
    keys = [_header_key(h) for h in header]
    if "email" not in keys and "name" not in keys and "first_name" not in keys:
        raise ContactFileError(
            "the header needs at least a name or an email column; found: " + ", ".join(header)
        )
    custom = [h for h, k in zip(header, keys, strict=True) if k not in (*KNOWN, *OPTIONAL)]
    custom = [h for h in custom if _header_key(h) not in ("first_name", "last_name")]
    warnings = (f"extra columns kept as custom fields: {', '.join(custom)}",) if custom else ()
    return ContactFile(_csv_iter(reader, header, keys), warnings)


def _csv_iter(reader: Any, header: Sequence[str], keys: Sequence[str]) -> Iterator[ContactRow]:
    # Which cell feeds which field is settled once from the header, not per cell.
    known = {*KNOWN, *OPTIONAL, "first_name", "last_name"}
    wanted = [(i, key) for i, key in enumerate(keys) if key in known]
    extras = [(i, head.strip()) for i, (head, key) in enumerate(zip(header, keys, strict=True))]
    extras = [(i, head) for i, head in extras if keys[i] not in known]
    width = len(keys)
    last = 1
    for cells in _cells(reader):
        line, last = last + 1, reader.line_num
        if len(cells) != width:
            if not any(c.strip() for c in cells):
                continue
            if len(cells) > width and any(c.strip() for c in cells[width:]):
                yield ContactRow(line, error=f"{len(cells)} fields where the header has {width}")
                continue
            cells = [*cells[:width], *[""] * (width - len(cells))]
        elif not any(cells) or not "".join(cells).strip():
            continue
        values = {key: cells[i].strip() for i, key in wanted}
        extra = {head: cell for i, head in extras if (cell := cells[i].strip())}
        yield _csv_row(line, values, extra)


def _cells(reader: Any) -> Iterator[list[str]]:
    """The reader's rows; a line the csv module cannot get past (a cell over its size
    limit) ends the file with an error naming the line, since nothing after it can be
    trusted to start where it seems to."""
    while True:
        try:
            yield next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise ContactFileError(f"line {reader.line_num}: {exc}") from None


def _csv_row(line: int, values: dict[str, str], extra: dict[str, str]) -> ContactRow:
    name = values.get("name") or " ".join(
        filter(None, [values.get("first_name"), values.get("last_name")])
    )
    email = values.get("email", "")
    phone = values.get("phone", "")
    tags = values.get("tags", "")
    return ContactRow(
        line=line,
        name=name or None,
        emails=_split(email) if email else (),
        phones=_split_on(phone, ";"),
        title=values.get("title") or None,
        company=values.get("company") or None,
        tags=_split_on(tags, ";"),
        marketing_consent=values.get("marketing_consent") or None,
        website=values.get("website") or None,
        address=values.get("address") or None,
        custom=extra,
    )


def vcard_rows(text: str) -> Iterator[ContactRow]:
    from store.imports.vcard import VCardError

    try:
        for card in parse_vcards(text):
            yield _card_row(card)
    except VCardError as exc:
        line = int(str(exc).split(":", 1)[0].removeprefix("line "))
        yield ContactRow(line, error=str(exc).split(": ", 1)[1])


def _card_row(card: Any) -> ContactRow:
    name = card.first("FN")
    if not name and (n := card.first("N")):
        family, given, *rest = [*split_value(n), "", ""]
        name = " ".join(filter(None, [given, rest[0] if rest else "", family]))
    emails = sorted(
        card.all("EMAIL"),
        key=lambda p: "PREF" not in p.params.get("TYPE", "").upper() and "PREF" not in p.params,
    )
    adr = card.first("ADR")
    address = ", ".join(p for p in split_value(adr) if p.strip()) if adr else None
    org = card.first("ORG")
    tags = [t for p in card.all("CATEGORIES") for t in split_value(p.value, ",")]
    return ContactRow(
        line=card.line,
        name=unescape(name) if name else None,
        emails=tuple(p.value.strip() for p in emails if p.value.strip()),
        phones=tuple(
            p.value.strip().removeprefix("tel:") for p in card.all("TEL") if p.value.strip()
        ),
        title=unescape(card.first("TITLE") or "") or None,
        company=split_value(org)[0] if org else None,
        tags=tuple(tags),
        website=card.first("URL"),
        address=address,
    )
