"""Contacts: upsert with dedupe, extra addresses, and merging two records of one person.

Dedupe asks two questions in order: does a contact already own this (normalised) email?
Otherwise, is there a contact with the same name at the same company? New data only
fills empty fields; a value that contradicts what is stored is returned as a suggestion
for a person to judge, never written over what someone may have corrected by hand.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from store.companies import company_by_name, company_for_domain
from store.contact_fields import ContactError, clean_email, clean_phone, clean_tags, clean_text
from store.models import (
    CampaignRecipient,
    Company,
    Contact,
    ContactEmail,
    ContactPhone,
    Interaction,
    Invoice,
    Order,
    Tag,
    Task,
)
from store.normalize import company_domain_for, name_key

__all__ = [
    "ContactError",
    "UpsertResult",
    "add_email",
    "contact_by_email",
    "get_contact",
    "merge_contacts",
    "tags_named",
    "upsert_contact",
]

_FILLABLE = ("name", "title", "website", "address", "owner_id")


@dataclass(frozen=True)
class UpsertResult:
    """What an upsert did: `changed` holds filled fields, `suggestions` conflicting values."""

    contact: Contact
    created: bool
    changed: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    suggestions: dict[str, str] = field(default_factory=dict)


def upsert_contact(
    session: Session,
    *,
    email: str | None = None,
    name: str | None = None,
    phone: str | None = None,
    title: str | None = None,
    company_name: str | None = None,
    website: str | None = None,
    address: str | None = None,
    owner_id: int | None = None,
    tags: Iterable[str] = (),
    now: datetime,
    default_region: str = "US",
    marketing_consent: bool | None = None,
    consent_source: str | None = None,
    custom: Mapping[str, Any] | None = None,
) -> UpsertResult:
    """Find the person (email first, then name + company) or create them.

    An unusable phone number is not stored; it comes back in `suggestions["phone"]`.
    A malformed email raises ContactError: it is the identity, not a detail.
    """
    clean = clean_email(email) if email else None
    suggestions: dict[str, str] = {}
    number: str | None = None
    if phone and phone.strip():
        try:
            number = clean_phone(phone, default_region)
        except ContactError:
            suggestions["phone"] = phone.strip()
    company = _company_for(session, clean, clean_text(company_name))
    values: dict[str, Any] = {
        "name": clean_text(name),
        "title": clean_text(title),
        "website": clean_text(website, 500),
        "address": address.strip() if address and address.strip() else None,
        "owner_id": owner_id,
    }
    contact = _find(session, clean, values["name"], company)
    if contact is None:
        contact = _create(session, values, clean, number, company, now)
        _add_tags(session, contact, tags)
        _set_consent(contact, marketing_consent, consent_source, now, {})
        contact.custom = dict(custom or {})
        session.flush()
        return UpsertResult(contact, True, {}, suggestions)
    changed: dict[str, tuple[Any, Any]] = {}
    _fill(contact, values, changed, suggestions)
    _fill_company(contact, company, changed, suggestions)
    if clean and clean not in {e.email for e in contact.emails}:
        add_email(session, contact, clean)
        changed["email"] = (None, clean)
    _fill_phone(contact, number, changed, suggestions)
    added = _add_tags(session, contact, tags)
    if added:
        changed["tags"] = ((), tuple(added))
    _set_consent(contact, marketing_consent, consent_source, now, changed)
    _fill_custom(contact, custom or {}, changed, suggestions)
    if changed:
        contact.updated_at = now
    session.flush()
    return UpsertResult(contact, False, changed, suggestions)


def _company_for(session: Session, email: str | None, company_name: str | None) -> Company | None:
    """By the work email's domain; else by name (a person at a free-mail address)."""
    domain = company_domain_for(email) if email else None
    if domain is not None:
        return company_for_domain(session, domain, name=company_name)
    if company_name:
        return company_by_name(session, company_name, create=True)
    return None


def _find(
    session: Session, email: str | None, name: str | None, company: Company | None
) -> Contact | None:
    if email:
        found = contact_by_email(session, email)
        if found is not None:
            return found
    key = name_key(name)
    if key and company is not None and company.id is not None:
        return session.scalar(
            select(Contact)
            .where(
                Contact.name_key == key,
                Contact.company_id == company.id,
                Contact.merged_into_id.is_(None),
            )
            .order_by(Contact.id)
            .limit(1)
        )
    return None


def _create(
    session: Session,
    values: dict[str, Any],
    email: str | None,
    number: str | None,
    company: Company | None,
    now: datetime,
) -> Contact:
    contact = Contact(
        **values,
        name_key=name_key(values["name"]),
        company=company,
        created_at=now,
        updated_at=now,
    )
    if email:
        contact.emails.append(ContactEmail(email=email, is_primary=True))
    if number:
        contact.phones.append(ContactPhone(number=number))
    session.add(contact)
    return contact


def _fill(
    contact: Contact,
    values: dict[str, Any],
    changed: dict[str, tuple[Any, Any]],
    suggestions: dict[str, str],
) -> None:
    for key in _FILLABLE:
        new, old = values[key], getattr(contact, key)
        if new is None or new == old:
            continue
        if old is None or old == "":
            setattr(contact, key, new)
            changed[key] = (old, new)
            if key == "name":
                contact.name_key = name_key(new)
        elif key == "name" and name_key(new) == name_key(old):
            continue
        elif key != "owner_id":
            suggestions[key] = str(new)


def _fill_company(
    contact: Contact,
    company: Company | None,
    changed: dict[str, tuple[Any, Any]],
    suggestions: dict[str, str],
) -> None:
    if company is None or contact.company_id == company.id:
        return
    if contact.company_id is None:
        changed["company"] = (None, company.name)
        contact.company = company
    else:
        suggestions["company"] = company.name


def _fill_phone(
    contact: Contact,
    number: str | None,
    changed: dict[str, tuple[Any, Any]],
    suggestions: dict[str, str],
) -> None:
    if number is None or number in {p.number for p in contact.phones}:
        return
    if contact.phones:
        suggestions.setdefault("phone", number)
        return
    contact.phones.append(ContactPhone(number=number))
    changed["phone"] = (None, number)


def _fill_custom(
    contact: Contact,
    custom: Mapping[str, Any],
    changed: dict[str, tuple[Any, Any]],
    suggestions: dict[str, str],
) -> None:
    merged = dict(contact.custom or {})
    for key, value in custom.items():
        if value in (None, ""):
            continue
        if merged.get(key) in (None, ""):
            changed[f"custom.{key}"] = (merged.get(key), value)
            merged[key] = value
        elif merged[key] != value:
            suggestions[f"custom.{key}"] = str(value)
    if merged != (contact.custom or {}):
        contact.custom = merged


def _set_consent(
    contact: Contact,
    consent: bool | None,
    source: str | None,
    now: datetime,
    changed: dict[str, tuple[Any, Any]],
) -> None:
    """Consent is only ever recorded here, never withdrawn (that is an unsubscribe)."""
    if consent and not contact.marketing_consent:
        contact.marketing_consent = True
        contact.consent_at = now
        contact.consent_source = source
        changed["marketing_consent"] = (False, True)


def tags_named(session: Session, names: Iterable[str]) -> list[Tag]:
    """The tags with these names, created on demand."""
    wanted = clean_tags(names)
    if not wanted:
        return []
    found = {t.name: t for t in session.scalars(select(Tag).where(Tag.name.in_(wanted)))}
    for tag_name in wanted:
        if tag_name not in found:
            found[tag_name] = Tag(name=tag_name)
            session.add(found[tag_name])
    return [found[n] for n in wanted]


def _add_tags(session: Session, contact: Contact, names: Iterable[str]) -> list[str]:
    have = {t.name for t in contact.tags}
    added = [t for t in tags_named(session, names) if t.name not in have]
    contact.tags.extend(added)
    return [t.name for t in added]


def add_email(session: Session, contact: Contact, email: str) -> ContactEmail:
    """Attach another address to a person; refuses one that belongs to someone else."""
    clean = clean_email(email)
    existing = session.scalar(select(ContactEmail).where(ContactEmail.email == clean))
    if existing is not None:
        if existing.contact_id == contact.id:
            return existing
        raise ContactError(f"{clean} already belongs to contact #{existing.contact_id}")
    row = ContactEmail(email=clean, is_primary=not contact.emails)
    contact.emails.append(row)
    session.flush()
    return row


def get_contact(session: Session, contact_id: int) -> Contact | None:
    """The contact, or the one it was merged into."""
    contact = session.get(Contact, contact_id)
    return _survivor(session, contact)


def contact_by_email(session: Session, email: str) -> Contact | None:
    try:
        clean = clean_email(email)
    except ContactError:
        return None
    contact = session.scalar(
        select(Contact).join(ContactEmail).where(ContactEmail.email == clean).limit(1)
    )
    return _survivor(session, contact)


def _survivor(session: Session, contact: Contact | None) -> Contact | None:
    seen: set[int] = set()
    while contact is not None and contact.merged_into_id is not None and contact.id not in seen:
        seen.add(contact.id)
        contact = session.get(Contact, contact.merged_into_id)
    return contact


# Rows that point at a contact and move to the survivor of a merge.
_OWNED = (Interaction, Task, Order, Invoice, CampaignRecipient)


def merge_contacts(session: Session, keep_id: int, drop_id: int, *, now: datetime) -> Contact:
    """Fold `drop` into `keep`: history moves, empty fields fill, nothing is deleted.

    The dropped record stays with `merged_into_id` set, so old links still resolve and
    search leaves it out.
    """
    if keep_id == drop_id:
        raise ContactError("cannot merge a contact with itself")
    keep, drop = session.get(Contact, keep_id), session.get(Contact, drop_id)
    if keep is None or drop is None:
        raise ContactError(f"no contact #{keep_id if keep is None else drop_id}")
    if keep.merged_into_id is not None or drop.merged_into_id is not None:
        raise ContactError("one of these contacts was already merged into another")
    for model in _OWNED:
        column = model.__table__.c.contact_id
        for row in session.scalars(select(model).where(column == drop.id)):
            setattr(row, "contact_id", keep.id)  # noqa: B010 (the same column on each model)
    for email in list(drop.emails):
        email.is_primary = email.is_primary and not keep.emails
        email.contact = keep
    have = {p.number for p in keep.phones}
    for phone in list(drop.phones):
        if phone.number in have:
            continue
        phone.contact = keep
    for tag in drop.tags:
        if tag not in keep.tags:
            keep.tags.append(tag)
    _merge_fields(keep, drop)
    for other in session.scalars(select(Contact).where(Contact.merged_into_id == drop.id)):
        other.merged_into_id = keep.id
    drop.merged_into_id = keep.id
    keep.updated_at = drop.updated_at = now
    session.flush()
    return keep


def _merge_fields(keep: Contact, drop: Contact) -> None:
    for key in (*_FILLABLE, "company_id", "timezone"):
        if getattr(keep, key) in (None, "") and getattr(drop, key) not in (None, ""):
            setattr(keep, key, getattr(drop, key))
    if keep.name_key is None:
        keep.name_key = name_key(keep.name)
    keep.custom = {**(drop.custom or {}), **(keep.custom or {})}
    keep.do_not_contact = keep.do_not_contact or drop.do_not_contact
    if drop.marketing_consent and not keep.marketing_consent:
        keep.marketing_consent = True
        keep.consent_at, keep.consent_source = drop.consent_at, drop.consent_source
    if drop.last_contacted_at and (
        keep.last_contacted_at is None or drop.last_contacted_at > keep.last_contacted_at
    ):
        keep.last_contacted_at = drop.last_contacted_at


def count_contacts(session: Session) -> int:
    return (
        session.scalar(
            select(func.count()).select_from(Contact).where(Contact.merged_into_id.is_(None))
        )
        or 0
    )
