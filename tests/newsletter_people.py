"""People and settings the newsletter tests share."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from store.models import Company, Contact, ContactEmail, Lifecycle, Tag, User, contact_tags
from store.settings import Settings, load_settings


def news_settings(tmp_path: Path, db_url: str = "sqlite:///unused.db", **extra: Any) -> Settings:
    values: dict[str, Any] = {
        "database_url": db_url,
        "maildir": str(tmp_path / "maildir"),
        "mail_domain": "crm.localhost",
        "public_url": "https://crm.example.com",
        "relay_url": None,
        "campaign_rate": 0,
        "campaign_hourly_limit": 0,
        "campaign_error_limit": 3,
    }
    values.update(extra)
    return load_settings(**values)


def tag(session: Session, name: str) -> Tag:
    found = session.scalar(select(Tag).where(Tag.name == name))
    if found is None:
        found = Tag(name=name)
        session.add(found)
        session.flush()
    return found


def company(session: Session, name: str, domain: str, **kw: Any) -> Company:
    row = Company(name=name, domain=domain, **kw)
    session.add(row)
    session.flush()
    return row


def person(
    session: Session,
    email: str,
    name: str | None = None,
    *,
    tags: tuple[str, ...] = ("newsletter",),
    consent: bool = True,
    org: Company | None = None,
    owner: User | None = None,
    lifecycle: Lifecycle = Lifecycle.LEAD,
    now: datetime | None = None,
    **kw: Any,
) -> Contact:
    labels = [tag(session, t) for t in tags]
    contact = Contact(
        name=name,
        marketing_consent=consent,
        consent_source="import" if consent else None,
        consent_at=now if consent else None,
        company=org,
        owner=owner,
        lifecycle=lifecycle,
        **kw,
    )
    contact.emails.append(ContactEmail(email=email, is_primary=True))
    contact.tags = labels
    session.add(contact)
    session.flush()
    return contact


def many_people(session: Session, count: int, *, tag_name: str = "newsletter") -> None:
    """`count` consenting contacts `p{i}@example.org`, inserted in bulk."""
    label = tag(session, tag_name)
    start = int(session.scalar(select(Contact.id).order_by(Contact.id.desc()).limit(1)) or 0)
    session.execute(
        insert(Contact),
        [{"name": f"Person {i}", "marketing_consent": True} for i in range(count)],
    )
    ids = list(session.scalars(select(Contact.id).where(Contact.id > start).order_by(Contact.id)))
    session.execute(
        insert(ContactEmail),
        [
            {"contact_id": cid, "email": f"p{i}@example.org", "is_primary": True}
            for i, cid in enumerate(ids)
        ],
    )
    session.execute(insert(contact_tags), [{"contact_id": cid, "tag_id": label.id} for cid in ids])
