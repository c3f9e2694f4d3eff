"""Turning the name someone typed into the contact or company they mean."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.conversation.turn import Refusal, Target
from store.contacts import contact_by_email, get_contact
from store.models import Company, Contact
from store.normalize import name_key
from store.search import Match, search


@dataclass(frozen=True)
class Resolved:
    """Exactly one of: a contact, a company, or several matches to choose from."""

    contact: Contact | None = None
    company: Company | None = None
    choices: tuple[Match, ...] = ()

    @property
    def company_id(self) -> int | None:
        if self.company is not None:
            return self.company.id
        return self.contact.company_id if self.contact is not None else None


def _clear_winner(matches: list[Match]) -> Match | None:
    """One match, or a best one that clearly beats the next (an exact name over a typo)."""
    if len(matches) == 1:
        return matches[0]
    first, second = matches[0], matches[1]
    return first if first.score >= 90 and first.score - second.score >= 5 else None


def resolve(
    session: Session, query: str, *, pinned: Target | None = None, company_hint: str = ""
) -> Resolved:
    """Find what `query` names; a Refusal says so when nothing matches.

    `company_hint` ("Jane at Acme") keeps the contacts of a matching company when there are.
    """
    if pinned is not None:
        return _pinned(session, pinned)
    query = query.strip()
    if not query:
        raise Refusal("Whom is it about? Name a contact or a company, e.g. `find acme`.")
    if "@" in query:
        contact = contact_by_email(session, query)
        if contact is not None:
            return Resolved(contact=_survivor(session, contact))
    exact = None if company_hint else _exact(session, query)
    if exact is not None:
        return _pinned(session, exact)
    matches = search(session, query, limit=10)
    if company_hint:
        hint = company_hint.casefold()
        at_company = [m for m in matches if m.kind == "contact" and hint in m.label.casefold()]
        matches = at_company or matches
    if not matches:
        raise Refusal(f"I found no contact or company matching {query!r}.")
    winner = _clear_winner(matches)
    if winner is None:
        return Resolved(choices=tuple(matches[:5]))
    return _pinned(session, Target(winner.kind, winner.id))


def _exact(session: Session, query: str) -> Target | None:
    """The one contact or company whose name is exactly `query`, found by index.

    Names are mostly typed or pasted whole ("find Acme Inc", "find Jane Doe"); answering
    those from the name indexes skips the fuzzy search. Anything else (a typo, a part of a
    name, two records with that name) goes through `search`.
    """
    key = name_key(query)
    contacts = (
        session.scalars(
            select(Contact.id)
            .where(Contact.name_key == key, Contact.merged_into_id.is_(None))
            .limit(2)
        ).all()
        if key
        else []
    )
    companies = session.scalars(select(Company.id).where(Company.name == query).limit(2)).all()
    if len(contacts) + len(companies) != 1:
        return None
    return Target("contact", contacts[0]) if contacts else Target("company", companies[0])


def _pinned(session: Session, target: Target) -> Resolved:
    if target.kind == "company":
        company = session.get(Company, target.id)
        if company is None:
            raise Refusal("That company no longer exists.")
        return Resolved(company=company)
    contact = get_contact(session, target.id)
    if contact is None:
        raise Refusal("That contact no longer exists.")
    return Resolved(contact=_survivor(session, contact))


def _survivor(session: Session, contact: Contact) -> Contact:
    """A merged contact stands for the one it was merged into."""
    seen = {contact.id}
    while contact.merged_into_id is not None and contact.merged_into_id not in seen:
        survivor = session.get(Contact, contact.merged_into_id)
        if survivor is None:
            break
        seen.add(survivor.id)
        contact = survivor
    return contact


def choice_lines(choices: tuple[Match, ...]) -> list[str]:
    return [f"{i}. {m.label} ({m.kind})" for i, m in enumerate(choices, 1)]
