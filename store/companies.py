"""Companies: found or made from a work email's domain, or by their name.

A company is keyed by its normalised web domain. Free-mail domains (gmail.com…) never
make a company: a person writing from one is not evidence of an organisation.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from store.models import Company
from store.normalize import company_domain_for, company_name_from_domain, normalize_domain


def company_for_email(session: Session, email: str, *, name: str | None = None) -> Company | None:
    """The company behind a work address, created on first sight; None for free mail.

    A given `name` replaces only the placeholder made from the domain ("Acme" from
    acme.com), never a name someone chose.
    """
    domain = company_domain_for(email)
    if domain is None:
        return None
    return company_for_domain(session, domain, name=name)


def company_for_domain(session: Session, domain: str, *, name: str | None = None) -> Company:
    domain = normalize_domain(domain)
    company = session.scalar(select(Company).where(Company.domain == domain))
    name = (name or "").strip() or None
    if company is None:
        company = Company(name=name or company_name_from_domain(domain), domain=domain)
        session.add(company)
        session.flush()
    elif name and company.name == company_name_from_domain(domain) and company.name != name:
        company.name = name
    return company


def company_by_name(session: Session, name: str, *, create: bool = False) -> Company | None:
    """A company whose name matches case-insensitively (e.g. a contact at a free-mail address)."""
    name = name.strip()
    if not name:
        return None
    company = session.scalar(
        select(Company)
        .where(func.lower(Company.name) == name.lower())
        .order_by(Company.id)
        .limit(1)
    )
    if company is None and create:
        company = Company(name=name)
        session.add(company)
        session.flush()
    return company


def find_companies(session: Session, text: str, limit: int = 10) -> list[Company]:
    """Companies by name, domain or website, typo tolerant, best first."""
    from store.search import search

    ids = [m.id for m in search(session, text, limit=limit, kinds=("company",))]
    if not ids:
        return []
    by_id = {c.id: c for c in session.scalars(select(Company).where(Company.id.in_(ids)))}
    return [by_id[i] for i in ids if i in by_id]
