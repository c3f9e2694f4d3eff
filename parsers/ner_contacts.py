"""A statistical model's PERSON and ORG entities, added to the rule-based contacts.

The rules read a signature line by line and know names by their shape and companies by
their legal form ("GmbH", "Inc"); a trained model also knows "Tom Becker from Initech"
or "Vandelay Industries". What it finds only adds: the first contact (the original
sender) gets a missing name or company, and a person the rules did not see becomes a
candidate of its own (source "ner", no email: it is never filed as a contact by itself,
see `parsers.types.Address`). Entities come from the signature block when there is one
(that is where people sign with their company), else from the last lines of the message.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from parsers.entities import Entity
from parsers.types import ContactCandidate

__all__ = ["add_entities", "entity_text"]

_TAIL_LINES = 3  # lines read when no signature block was found
_MAX_NAME = 80


def entity_text(body: str, signature: str | None) -> str:
    """The part of a message whose entities name its writer: the signature block, else its
    last few lines (a greeting or the request above them names others, not the writer)."""
    if signature:
        return signature
    return "\n".join([ln for ln in body[-2000:].splitlines() if ln.strip()][-_TAIL_LINES:])


def _key(name: str) -> str:
    return " ".join(sorted(name.casefold().replace(",", " ").split()))


def _names(entities: tuple[Entity, ...], label: str) -> list[str]:
    out: list[str] = []
    for e in entities:
        text = " ".join(e.text.split()).strip(" ,.;:")
        if e.label == label and 1 < len(text) <= _MAX_NAME and text not in out and any(
            c.isalpha() for c in text
        ):
            out.append(text)
    return out


def add_entities(
    contacts: list[ContactCandidate], entities: tuple[Entity, ...], *, skip: Iterable[str] = ()
) -> list[ContactCandidate]:
    """`contacts` with PERSON/ORG filled in and added; names in `skip` (the forwarder's
    own) are never taken."""
    skipped = {_key(name) for name in skip}
    people = [p for p in _names(entities, "PERSON") if _key(p) not in skipped]
    orgs = _names(entities, "ORG")
    out = list(contacts)
    known = {_key(c.name) for c in out if c.name}
    if out:
        first = out[0]
        if first.name is None:
            new = next((p for p in people if _key(p) not in known), None)
            if new is not None:
                first = replace(first, name=new)
                known.add(_key(new))
        if first.company is None and orgs:
            first = replace(first, company=orgs[0])
        out[0] = first
    for person in people:
        if _key(person) not in known:
            known.add(_key(person))
            company = orgs[0] if len(orgs) == 1 else None
            out.append(ContactCandidate(name=person, company=company, source="ner"))
    return out
