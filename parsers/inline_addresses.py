"""Addresses as mail clients print them inside a forward header (not RFC 5322 headers).

"John Doe <john@acme.com>", "Doe, John [mailto:john@acme.com]", "'john@acme.com'
<john@acme.com>", and Outlook's lists of names without addresses ("To: Bessie Smith;
John Doe <john@acme.com>"). Every loop here is linear in the (capped) value length.
"""

from __future__ import annotations

import re

from parsers.types import Address

__all__ = ["name_only", "parse_inline_addresses", "parse_recipients", "tidy"]

_EMAIL = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~.\-]{1,64}@[A-Za-z0-9\-]{1,63}(?:\.[A-Za-z0-9\-]{1,63})+"
)
_MAILTO = re.compile(r"<mailto:[^<>\s]{1,320}>|\bmailto:", re.IGNORECASE)
_SEPARATORS = " \t,;\"'<>[]()*"


def parse_inline_addresses(value: str) -> tuple[Address, ...]:
    """The entries of `parse_recipients` that have an address, names None when absent.

    Handles `Name <a@b>`, `"Doe, John" <a@b>`, `Doe, John <a@b>`, `Name [mailto:a@b]`,
    `a@b`, `Name <a@b<mailto:a@b>>` and lists separated by `,` or `;`.
    """
    return tuple(a for a in parse_recipients(value) if a.email)


def parse_recipients(value: str) -> tuple[Address, ...]:
    """A To/Cc list as a forward header prints it: every address and, in order
    among them, the entries Outlook prints by name alone ("To: Bessie Smith;
    John Doe <john@acme.com>") as `Address(name, "")`: the email is unknown, not absent."""
    text = _MAILTO.sub("", value[:5000])
    found: list[Address] = []
    seen: set[str] = set()

    def add(name: str | None, addr: str) -> None:
        key = addr.lower() if addr else f"name:{(name or '').lower()}"
        if (addr or name) and key not in seen:
            seen.add(key)
            found.append(Address(name, addr))

    cursor = 0
    for match in _EMAIL.finditer(text):
        raw = _raw_entries(text[cursor : match.start()])
        # raw[0] is the rest of the previous entry ("> (Sales)"), raw[-1] this address's name
        for piece in raw[0 if cursor == 0 else 1 : -1]:
            add(_entry_name(piece), "")
        addr = match.group(0).strip(".'")
        add(_clean_name(raw[-1], addr), addr)
        cursor = match.end()
    for piece in _raw_entries(text[cursor:])[1 if cursor else 0 :]:
        add(_entry_name(piece), "")
    return tuple(found)


def _raw_entries(segment: str) -> list[str]:
    """`segment` split into list entries at `;` and `,`, but never inside quotes nor in
    Outlook's "Doe, John" / "van Dijk, Pieter" (two parts, one of them a single word)."""
    out: list[str] = []
    for piece in _split_unquoted(segment, ";"):
        parts = _split_unquoted(piece, ",")
        named = [len(p.strip(_SEPARATORS).split()) for p in parts if p.strip(_SEPARATORS)]
        last_first = len(named) == 2 and max(named) <= 2 and min(named) == 1
        out.extend([piece] if last_first else parts)
    return out


def _split_unquoted(text: str, sep: str) -> list[str]:
    parts: list[str] = []
    quoted = False
    start = 0
    for i, ch in enumerate(text):
        if ch == '"':
            quoted = not quoted
        elif ch == sep and not quoted:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return parts


def _entry_name(piece: str) -> str | None:
    """A name-only entry, or None for leftovers ("undisclosed-recipients:", "(Sales)")."""
    name = _clean_name(piece, "")
    if not name or len(name) > 100 or name.endswith(":") or not any(c.isalpha() for c in name):
        return None
    return None if piece.strip().startswith("(") else name


def _clean_name(raw: str, addr: str) -> str | None:
    name = raw.strip(_SEPARATORS)
    name = re.sub(r"^[,;\s]+", "", name).strip(_SEPARATORS)
    name = " ".join(name.split())
    if not name or "@" in name:
        return None
    if name.count(",") == 1:  # Outlook's "Doe, John"
        last, first = (p.strip() for p in name.split(","))
        if last and first and len(last.split()) <= 2 and len(first.split()) <= 2:
            name = f"{first} {last}"
    return name or None


def name_only(value: str) -> Address | None:
    name = tidy(value).strip(_SEPARATORS)
    return Address(name, "") if name else None


def tidy(value: str) -> str:
    """One line, single spaces, without the `*` bold marks of plain-text clients."""
    return " ".join(value.replace("*", " ").split())
