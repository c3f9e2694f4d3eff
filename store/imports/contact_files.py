"""Contact files written: every live contact as CSV or vCard 3.0 (`crm export contacts`).

The columns are the ones `store.imports.contact_readers` reads back, so an export
imported again changes nothing.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.imports.contact_readers import KNOWN, OPTIONAL
from store.imports.vcard import escape, format_vcard
from store.models import Company, Contact, ContactEmail, ContactPhone, Tag, contact_tags

EXPORT_CHUNK = 2000


def export_records(session: Session) -> Iterator[dict[str, Any]]:
    """Every live (not merged) contact with its emails, phones, tags and company."""
    last = 0
    while True:
        chunk = session.execute(
            select(Contact, Company.name)
            .outerjoin(Company, Company.id == Contact.company_id)
            .where(Contact.merged_into_id.is_(None), Contact.id > last)
            .order_by(Contact.id)
            .limit(EXPORT_CHUNK)
        ).all()
        if not chunk:
            return
        ids = [c.id for c, _ in chunk]
        emails = _grouped(
            session, ContactEmail.contact_id, ContactEmail.email, ids, ContactEmail.id
        )
        phones = _grouped(
            session, ContactPhone.contact_id, ContactPhone.number, ids, ContactPhone.id
        )
        tags = _grouped(session, contact_tags.c.contact_id, Tag.name, ids, Tag.name)
        for contact, company in chunk:
            yield {
                "contact": contact,
                "company": company,
                "emails": emails.get(contact.id, []),
                "phones": phones.get(contact.id, []),
                "tags": tags.get(contact.id, []),
            }
        last = ids[-1]
        session.expunge_all()


def _grouped(
    session: Session, key: Any, value: Any, ids: list[int], order: Any
) -> dict[int, list[str]]:
    query = select(key, value).where(key.in_(ids)).order_by(order)
    if value.table is Tag.__table__:
        query = query.join(Tag, Tag.id == contact_tags.c.tag_id)
    out: dict[int, list[str]] = {}
    for k, v in session.execute(query):
        out.setdefault(k, []).append(v)
    return out


def write_csv(session: Session, out: io.TextIOBase | Any) -> int:
    custom_keys = sorted(
        {k for (c,) in session.execute(select(Contact.custom)) for k in (c or {})}
        - {*KNOWN, *OPTIONAL}
    )
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*KNOWN, *OPTIONAL, *custom_keys])
    count = 0
    for rec in export_records(session):
        c: Contact = rec["contact"]
        consent = (
            c.consent_at.isoformat()
            if c.marketing_consent and c.consent_at
            else ("yes" if c.marketing_consent else "no")
        )
        custom = c.custom or {}
        writer.writerow(
            [
                c.name or "",
                ";".join(rec["emails"]),
                ";".join(rec["phones"]),
                c.title or "",
                rec["company"] or "",
                ";".join(rec["tags"]),
                consent,
                c.website or "",
                c.address or "",
                *(custom.get(k, "") for k in custom_keys),
            ]
        )
        count += 1
    return count


def write_vcf(session: Session, out: io.TextIOBase | Any) -> int:
    count = 0
    for rec in export_records(session):
        c: Contact = rec["contact"]
        name = c.name or (rec["emails"][0] if rec["emails"] else "")
        words = (c.name or "").split()
        family, given = (words[-1], " ".join(words[:-1])) if words else ("", "")
        props = [("FN", escape(name)), ("N", f"{escape(family)};{escape(given)};;;")]
        props += [("EMAIL;TYPE=INTERNET", escape(e)) for e in rec["emails"]]
        props += [("TEL", escape(p)) for p in rec["phones"]]
        if rec["company"]:
            props.append(("ORG", escape(rec["company"])))
        if c.title:
            props.append(("TITLE", escape(c.title)))
        if c.website:
            props.append(("URL", c.website))
        if c.address:
            props.append(("ADR", ";;" + escape(c.address) + ";;;;"))
        if rec["tags"]:
            props.append(("CATEGORIES", ",".join(escape(t) for t in rec["tags"])))
        out.write(format_vcard(props))
        count += 1
    return count
