"""`parse_email`: raw bytes -> everything the intake needs to know about one message.

The steps, each in its own module: decode the MIME tree (`mime`), find the forwarded
original inline or attached (`forwards`), cut reply history (`quotes`), then read the
forwarder's note for commands and tasks, the people in signatures and vCards, and the
order/invoice references and amounts in the note and the forwarded body.

Tasks come only from what the forwarder wrote (the note, or the new text of a direct
message) minus its signature: dates in the customer's text, in quoted history or in
footers are not the forwarder's follow-ups.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from parsers import peers
from parsers.forwards import split_forward
from parsers.mime import DecodedMessage, read_message
from parsers.ner_contacts import add_entities, entity_text
from parsers.peers import Pipeline
from parsers.quotes import new_text
from parsers.types import (
    Address,
    ContactCandidate,
    Forwarded,
    ParsedEmail,
    TaskCandidate,
)
from parsers.vcard import read_vcards

__all__ = ["parse_email"]


def parse_email(
    raw: bytes,
    *,
    now: datetime,
    tz: str | ZoneInfo,
    default_region: str = "US",
    nlp: Pipeline | None = None,
) -> ParsedEmail:
    """Understand one email. Raises `ParseError` only when `raw` is not an email at all.

    `nlp` is the entity pipeline built once by the caller's composition root; when it holds
    a statistical model (`CRM_SPACY_MODEL`), its PERSON and ORG entities add to the
    contacts. References and amounts always come from the rules of the message's language.
    """
    zone = ZoneInfo(tz) if isinstance(tz, str) else tz
    msg = read_message(raw)
    own_domain = _domain(msg.sender.email) if msg.sender else None
    note, forwarded, body = _split(msg, own_domain)
    if forwarded is not None:
        forwarded = _with_sender_address(forwarded, default_region)
    own_text = note if forwarded is not None else body
    own_clean = _drop_sign_off(peers.split_signature(own_text or "")[0], msg.sender)
    language = peers.detect_language(
        forwarded.body if forwarded is not None and forwarded.body.strip() else body
    ) or peers.detect_language(msg.subject or "")
    own_language = peers.detect_language(own_clean) or language
    commands, free_text = peers.parse_note_commands(own_clean)
    tasks = (
        *peers.commands_to_tasks(commands, now=now, tz=zone, language=own_language),
        *_tasks(free_text, now=now, tz=zone, languages=(own_language, language)),
    )
    entity_texts = [t for t in (own_clean, forwarded.body if forwarded else "") if t.strip()]
    # References and amounts are rules of the message's language, whatever model is given.
    pipeline = peers.pipeline(language)
    contacts = _contacts(msg, forwarded, body, default_region)
    if nlp is not None and nlp.model_name and nlp.statistical:  # no spaCy load otherwise
        contacts = _with_entities(contacts, nlp, forwarded.body if forwarded else body, msg)
    return ParsedEmail(
        message_id=msg.message_id,
        sender=msg.sender,
        subject=msg.subject,
        date=msg.date,
        language=language,
        note=(own_clean or None) if forwarded is not None else None,
        forwarded=forwarded,
        contacts=contacts,
        tasks=tuple(_unique(tasks, key=lambda t: (t.title.lower(), t.due))),
        references=tuple(_unique(r for t in entity_texts for r in pipeline.references(t))),
        amounts=tuple(_unique(a for t in entity_texts for a in pipeline.amounts(t))),
        to=msg.to,
        cc=msg.cc,
        in_reply_to=msg.in_reply_to,
        thread_references=msg.references,
        body=body,
        attachments=msg.attachments,
        commands=commands,
        headers=msg.headers,
        defects=msg.defects,
    )


def _split(msg: DecodedMessage, own_domain: str | None) -> tuple[str | None, Forwarded | None, str]:
    """(note, forwarded original, new text of the top message)."""
    split = split_forward(msg.text, subject=msg.subject, own_domain=own_domain)
    if split is not None:
        return split.note, split.forwarded, split.note or ""
    body = new_text(msg.text)
    for inner in msg.attached_messages:
        if inner.sender is None:
            continue
        internal = bool(own_domain) and inner.sender.email.lower().endswith(f"@{own_domain}")
        nested = split_forward(inner.text, subject=inner.subject, own_domain=own_domain)
        if internal and nested is not None:
            return body or None, nested.forwarded, body
        return body or None, _as_forwarded(inner), body
    return None, None, body


def _tasks(
    text: str, *, now: datetime, tz: ZoneInfo, languages: tuple[str | None, ...]
) -> tuple[TaskCandidate, ...]:
    """Tasks in the note's own language, else in the message's: a one-line note is too
    short to tell Swedish from Danish, and the customer usually wrote in the same one."""
    for lang in dict.fromkeys(languages):
        found = peers.extract_tasks(text, now=now, tz=tz, language=lang)
        if found:
            return found
    return ()


def _drop_sign_off(text: str, sender: Address | None) -> str:
    """Drop a last line that is only the writer's name ("Ann", "Ann Lee", "- Ann")."""
    lines = text.rstrip().split("\n")
    if len(lines) < 3 or sender is None or not sender.name or lines[-2].strip():
        return text
    last = lines[-1].strip(" -–—~,.").lower()
    names = {sender.name.lower(), sender.name.split()[0].lower()}
    return "\n".join(lines[:-2]).rstrip() if last in names else text


def _with_sender_address(forwarded: Forwarded, region: str) -> Forwarded:
    """Outlook shows only a name ("From: John Doe") for some senders: take the address
    from the original's signature when it has one."""
    sender = forwarded.sender
    if sender is None or sender.email or not sender.name:
        return forwarded
    people = peers.extract_signatures(
        forwarded.body, sender_email=None, sender_name=sender.name, default_region=region
    )
    for person in people:
        if person.email and (not person.name or _name_key(person.name) == _name_key(sender.name)):
            return replace(forwarded, sender=Address(sender.name, person.email))
    return forwarded


def _as_forwarded(inner: DecodedMessage) -> Forwarded:
    return Forwarded(
        sender=inner.sender,
        to=inner.to,
        cc=inner.cc,
        subject=inner.subject,
        date=inner.date_text,
        body=inner.text,
        message_id=inner.message_id,
    )


def _contacts(
    msg: DecodedMessage, forwarded: Forwarded | None, body: str, region: str
) -> tuple[ContactCandidate, ...]:
    """The forwarded original's sender first (enriched by its signature), then the rest."""
    own = msg.sender.email.lower() if msg.sender else ""
    own_name = _name_key(msg.sender.name) if msg.sender and msg.sender.name else None
    people: list[ContactCandidate] = []
    if forwarded is not None:
        sender = forwarded.sender
        signatures = peers.extract_signatures(
            forwarded.body,
            sender_email=sender.email if sender else None,
            sender_name=sender.name if sender else None,
            default_region=region,
        )
        people.extend(_merge_sender(sender, signatures))
    else:
        people.extend(
            peers.extract_signatures(
                body,
                sender_email=msg.sender.email if msg.sender else None,
                sender_name=msg.sender.name if msg.sender else None,
                default_region=region,
            )
        )
    for card in msg.vcards:
        people.extend(read_vcards(card, default_region=region))
    kept: dict[str, ContactCandidate] = {}
    for person in people:
        email = (person.email or "").lower()
        if (email and email == own) or (
            not email and own_name and person.name and _name_key(person.name) == own_name
        ):
            continue  # the forwarder is not their own customer
        key = email or f"name:{(person.name or '').lower()}"
        if key in kept:
            kept[key] = _fill(kept[key], person)
        elif email or person.name:
            kept[key] = person
    return tuple(kept.values())


def _with_entities(
    contacts: tuple[ContactCandidate, ...], nlp: Pipeline, text: str, msg: DecodedMessage
) -> tuple[ContactCandidate, ...]:
    """The statistical model's PERSON/ORG added to the rule-based contacts."""
    found = nlp.people_and_orgs(entity_text(text, peers.split_signature(text)[1]))
    if not found:
        return contacts
    own = [msg.sender.name] if msg.sender and msg.sender.name else []
    return tuple(add_entities(list(contacts), found, skip=own))


def _merge_sender(
    sender: Address | None, signatures: tuple[ContactCandidate, ...]
) -> list[ContactCandidate]:
    if sender is None or not sender.email:
        return list(signatures)
    head = ContactCandidate(name=sender.name, email=sender.email, source="header")
    rest: list[ContactCandidate] = []
    matched = False
    for sig in signatures:
        if not matched and _same_person(sender, sig):
            head = _fill(head, sig)
            matched = True
        else:
            rest.append(sig)
    return [head, *rest]


def _same_person(sender: Address, sig: ContactCandidate) -> bool:
    if sig.email:
        return sig.email.lower() == sender.email.lower()
    if sender.name and sig.name:
        return _name_key(sender.name) == _name_key(sig.name)
    return True  # an unnamed signature under the sender's message is the sender's


def _name_key(name: str) -> str:
    return " ".join(sorted(name.lower().replace(",", " ").split()))


def _fill(base: ContactCandidate, extra: ContactCandidate) -> ContactCandidate:
    """`base` with its empty fields filled from `extra` (header name/email are kept)."""
    return ContactCandidate(
        name=base.name or extra.name,
        email=base.email or extra.email,
        phone=base.phone or extra.phone,
        title=base.title or extra.title,
        company=base.company or extra.company,
        website=base.website or extra.website,
        address=base.address or extra.address,
        source=base.source,
    )


def _unique(items: Iterable[Any], key: Any = None) -> list[Any]:
    seen: set[Any] = set()
    out: list[Any] = []
    for item in items:
        k = key(item) if key else item
        if k not in seen:
            seen.add(k)
            out.append(item)
    return out


def _domain(address: str) -> str | None:
    return address.rpartition("@")[2].lower() or None if "@" in address else None

