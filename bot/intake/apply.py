"""Turning a parsed email into store changes: contacts, company, interaction, tasks, links.

Runs inside the caller's transaction and `track_changes` block, so everything here is one
undoable change. It only calls store services; the decisions about whether to run at all
(noise, sender, held) were made before.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any

from sqlalchemy.orm import Session

from parsers.types import Address, ContactCandidate, ParsedEmail
from store.contacts import upsert_contact
from store.interactions import log_interaction
from store.models import Contact, Invoice, Order, User
from store.normalize import email_domain, normalize_email
from store.sales import find_invoice, find_order
from store.tasks import create_task
from store.users import find_user


@dataclass(frozen=True)
class ContactOutcome:
    contact_id: int
    label: str
    created: bool
    changed: dict[str, tuple[Any, Any]]
    suggestions: dict[str, str]


@dataclass(frozen=True)
class TaskOutcome:
    task_id: int
    title: str
    due: datetime | None
    assignee: str


@dataclass(frozen=True)
class Applied:
    contacts: tuple[ContactOutcome, ...]
    interaction_id: int | None
    interaction_new: bool
    tasks: tuple[TaskOutcome, ...]
    links: tuple[str, ...]
    source_id: str


def is_external(address: str, team_domains: frozenset[str], mail_domain: str) -> bool:
    domain = email_domain(address)
    return bool(domain) and domain not in team_domains and domain != mail_domain.lower()


def participants(
    parsed: ParsedEmail, team_domains: frozenset[str], mail_domain: str
) -> list[Address]:
    """Who the original conversation was with, outside the team: the people to file."""
    candidates: list[Address] = []
    fwd = parsed.forwarded
    if fwd is not None and fwd.sender is not None:
        candidates.append(fwd.sender)
        if not is_external(fwd.sender.email, team_domains, mail_domain):
            candidates.extend([*fwd.to, *fwd.cc])
    else:
        if parsed.sender is not None:
            candidates.append(parsed.sender)
        candidates.extend([*parsed.to, *parsed.cc])
    seen: set[str] = set()
    out: list[Address] = []
    for addr in candidates:
        email = normalize_email(addr.email)
        if email in seen or not is_external(email, team_domains, mail_domain):
            continue
        seen.add(email)
        out.append(addr)
    return out


def conversation_addresses(parsed: ParsedEmail) -> list[str]:
    fwd = parsed.forwarded
    if fwd is not None and fwd.sender is not None:
        people = [fwd.sender, *fwd.to, *fwd.cc]
    else:
        people = [*(p for p in [parsed.sender] if p), *parsed.to, *parsed.cc]
    return [normalize_email(a.email) for a in people]


def source_id_for(parsed: ParsedEmail, fallback: str) -> str:
    """The ORIGINAL message's identity, so one email forwarded twice is one interaction."""
    fwd = parsed.forwarded
    if fwd is None:
        return parsed.message_id or fallback
    if fwd.message_id:
        return fwd.message_id
    sender = normalize_email(fwd.sender.email) if fwd.sender else ""
    body = " ".join(fwd.body.split())[:2000]
    subject = " ".join((fwd.subject or "").split()).lower()
    digest = hashlib.sha256(f"{sender}\n{fwd.date or ''}\n{subject}\n{body}".encode()).hexdigest()
    return f"fwd:{digest[:40]}"


def occurred_at(parsed: ParsedEmail, now: datetime) -> datetime:
    fwd = parsed.forwarded
    if fwd is not None and fwd.date:
        try:
            when = parsedate_to_datetime(fwd.date)
            if when.tzinfo is not None:
                return when
        except (TypeError, ValueError, IndexError):
            pass
    if parsed.date is not None and parsed.date.tzinfo is not None:
        return parsed.date
    return now


def _details(parsed: ParsedEmail, email: str) -> ContactCandidate | None:
    """The richest candidate the parser found for this address (signature beats header)."""
    best: ContactCandidate | None = None
    for cand in parsed.contacts:
        if cand.email and normalize_email(cand.email) == email:
            filled = sum(1 for v in (cand.phone, cand.title, cand.company, cand.website) if v)
            if best is None or filled > sum(
                1 for v in (best.phone, best.title, best.company, best.website) if v
            ):
                best = cand
    return best


def _commands(parsed: ParsedEmail, key: str) -> list[str]:
    return [c.value.strip() for c in parsed.commands if c.key.lower() == key and c.value.strip()]


def _file_contact(
    session: Session, parsed: ParsedEmail, addr: Address, user: User, tags: list[str], now: datetime
) -> ContactOutcome:
    email = normalize_email(addr.email)
    cand = _details(parsed, email)
    result = upsert_contact(
        session,
        email=email,
        name=addr.name or (cand.name if cand else None),
        phone=cand.phone if cand else None,
        title=cand.title if cand else None,
        company_name=cand.company if cand else None,
        website=cand.website if cand else None,
        address=cand.address if cand else None,
        owner_id=user.id,
        tags=tags,
        now=now,
    )
    contact = result.contact
    label = f"{contact.name} <{email}>" if contact.name else email
    return ContactOutcome(
        contact.id, label, result.created, dict(result.changed), dict(result.suggestions)
    )


def _references(session: Session, parsed: ParsedEmail) -> tuple[Order | None, Invoice | None]:
    numbers = [(r.kind, r.number) for r in parsed.references]
    numbers += [("order", n) for n in _commands(parsed, "order")]
    order: Order | None = None
    invoice: Invoice | None = None
    for kind, number in numbers:
        if kind == "invoice" and invoice is None:
            invoice = find_invoice(session, number)
        elif kind in ("order", "quote", "po") and order is None:
            order = find_order(session, number)
    return order, invoice


def apply_email(
    session: Session,
    *,
    parsed: ParsedEmail,
    user: User,
    now: datetime,
    team_domains: frozenset[str],
    mail_domain: str,
    fallback_source_id: str,
) -> Applied:
    tags = _commands(parsed, "tag")
    people = participants(parsed, team_domains, mail_domain)
    contacts = [_file_contact(session, parsed, addr, user, tags, now) for addr in people]
    order, invoice = _references(session, parsed)
    primary = contacts[0] if contacts else None
    company_id = None
    if primary is not None:
        contact = session.get(Contact, primary.contact_id)
        company_id = contact.company_id if contact is not None else None
    source_id = source_id_for(parsed, fallback_source_id)
    fwd = parsed.forwarded
    subject = (fwd.subject if fwd and fwd.subject else parsed.subject) or None
    summary = (fwd.body if fwd else parsed.body).strip()[:2000] or None
    outgoing = (
        fwd is None
        and parsed.sender is not None
        and not is_external(parsed.sender.email, team_domains, mail_domain)
    )
    interaction, created = log_interaction(
        session,
        kind="email",
        occurred_at=occurred_at(parsed, now),
        user_id=user.id,
        contact_id=primary.contact_id if primary else None,
        company_id=company_id,
        subject=subject[:500] if subject else None,
        summary=summary,
        source_id=source_id,
        order_id=order.id if order else None,
        invoice_id=invoice.id if invoice else None,
        direction="out" if outgoing else "in",
    )
    owners = _commands(parsed, "owner")
    assignee = (find_user(session, owners[0]) if owners else None) or user
    tasks: list[TaskOutcome] = []
    for cand in parsed.tasks:
        task = create_task(
            session,
            title=cand.title[:500],
            due_at=cand.due,
            assignee_id=assignee.id,
            created_by_id=user.id,
            contact_id=primary.contact_id if primary else None,
            company_id=company_id,
            order_id=order.id if order else None,
            now=now,
        )
        tasks.append(TaskOutcome(task.id, task.title, cand.due, assignee.name))
    links = []
    if order is not None:
        links.append(f"order {order.number}")
    if invoice is not None:
        links.append(f"invoice {invoice.number}")
    return Applied(tuple(contacts), interaction.id, created, tuple(tasks), tuple(links), source_id)
