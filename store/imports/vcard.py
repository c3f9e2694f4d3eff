"""vCard 2.1/3.0/4.0 reading and 3.0 writing, enough for address books people export.

Handles folded lines, property groups (`item1.EMAIL`), escaped `\\,` `\\;` `\\n`,
`ENCODING=QUOTED-PRINTABLE` with its soft line breaks and `CHARSET=` parameters.
"""

from __future__ import annotations

import quopri
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

_PROP = re.compile(r"^(?:[A-Za-z0-9-]+\.)?([A-Za-z0-9-]+)((?:;[^:]*)?):(.*)$", re.S)


class VCardError(ValueError):
    pass


@dataclass(frozen=True)
class Property:
    name: str
    params: dict[str, str]
    value: str


@dataclass
class VCard:
    line: int
    props: list[Property] = field(default_factory=list)

    def all(self, name: str) -> list[Property]:
        return [p for p in self.props if p.name == name]

    def first(self, name: str) -> str | None:
        for p in self.props:
            if p.name == name and p.value.strip():
                return p.value
        return None


def _unfold(text: str) -> Iterator[tuple[int, str]]:
    """Logical lines with the file line number they start on."""
    current: str | None = None
    start = 0
    qp_continues = False
    for number, raw in enumerate(text.splitlines(), start=1):
        if current is not None and raw[:1] in (" ", "\t") and not qp_continues:
            current += raw[1:]
            continue
        if current is not None and qp_continues:
            current = current[:-1] + raw
            qp_continues = current.endswith("=")
            continue
        if current is not None:
            yield start, current
        current, start = raw, number
        qp_continues = "QUOTED-PRINTABLE" in raw.upper().split(":", 1)[0] and raw.endswith("=")
    if current is not None:
        yield start, current


def _params(raw: str) -> dict[str, str]:
    params: dict[str, str] = {}
    for part in raw.split(";")[1:]:
        if not part:
            continue
        key, sep, value = part.partition("=")
        if sep:
            params[key.upper()] = value.strip('"')
        else:  # vCard 2.1 bare type: TEL;WORK;VOICE
            params["TYPE"] = ",".join(filter(None, [params.get("TYPE"), key]))
    return params


def _decode(value: str, params: dict[str, str]) -> str:
    if params.get("ENCODING", "").upper() in ("QUOTED-PRINTABLE", "Q"):
        charset = params.get("CHARSET", "utf-8")
        data = quopri.decodestring(value.encode("latin-1", "replace"))
        try:
            return data.decode(charset)
        except (LookupError, UnicodeDecodeError):
            return data.decode("utf-8", "replace")
    return value


def parse_vcards(text: str) -> Iterator[VCard]:
    """Each card in the text; a card with a broken line raises VCardError naming it."""
    card: VCard | None = None
    for number, line in _unfold(text):
        if not line.strip():
            continue
        upper = line.strip().upper()
        if upper == "BEGIN:VCARD":
            card = VCard(line=number)
            continue
        if upper == "END:VCARD":
            if card is not None:
                yield card
            card = None
            continue
        if card is None:
            continue
        match = _PROP.match(line)
        if match is None:
            raise VCardError(f"line {number}: not a vCard property: {line[:60]!r}")
        params = _params(match.group(2))
        card.props.append(Property(match.group(1).upper(), params, _decode(match.group(3), params)))
    if card is not None:
        raise VCardError(f"line {card.line}: card without END:VCARD")


def split_value(value: str, sep: str = ";") -> list[str]:
    """Split on unescaped `sep`, then unescape each component."""
    parts = re.split(r"(?<!\\)" + re.escape(sep), value)
    return [unescape(p) for p in parts]


def unescape(value: str) -> str:
    return re.sub(r"\\([\\,;nN])", lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)


def escape(value: str) -> str:
    return (
        value.replace("\\", "\\\\")
        .replace(",", "\\,")
        .replace(";", "\\;")
        .replace("\r\n", "\n")
        .replace("\n", "\\n")
    )


def fold(line: str) -> str:
    """Fold at 75 octets without splitting a UTF-8 character."""
    out: list[str] = []
    chunk = ""
    size = 0
    limit = 75
    for ch in line:
        width = len(ch.encode("utf-8"))
        if size + width > limit:
            out.append(chunk)
            chunk, size, limit = "", 0, 74
        chunk += ch
        size += width
    out.append(chunk)
    return "\r\n ".join(out)


def format_vcard(props: list[tuple[str, str]]) -> str:
    """A vCard 3.0 from (name-with-params, already escaped value) pairs."""
    lines = ["BEGIN:VCARD", "VERSION:3.0"]
    lines += [fold(f"{name}:{value}") for name, value in props]
    lines.append("END:VCARD")
    return "\r\n".join(lines) + "\r\n"
