"""Which company and billing contact an order or invoice belongs to.

Matched by the billing email (a known contact), then by the email's domain, then by the
company name; when nothing matches the company is created, but never from a free-mail
domain. Results are cached for the length of one import, since exports repeat customers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from store.models import Company, Contact, ContactEmail, Lifecycle
from store.normalize import company_domain_for, company_name_from_domain, normalize_email


@dataclass(frozen=True)
class Customer:
    company_id: int | None
    contact_id: int | None


class CustomerMatcher:
    """Resolves (name, email) to a Customer, creating what is missing; one per import."""

    def __init__(self, session: Session, *, now: datetime) -> None:
        self.session = session
        self.now = now
        self._cache: dict[tuple[str, str], Customer] = {}
        self.companies_created = 0
        self.contacts_created = 0

    def forget(self) -> None:
        """Drop the cache (after a rolled-back row, whose created rows are gone)."""
        self._cache.clear()

    def match(self, name: str | None, email: str | None) -> Customer:
        name = (name or "").strip()
        address = normalize_email(email) if email and "@" in email else ""
        key = (name.casefold(), address)
        if key not in self._cache:
            self._cache[key] = self._resolve(name, address)
        return self._cache[key]

    def _resolve(self, name: str, address: str) -> Customer:
        contact = self._contact(address) if address else None
        company_id = contact.company_id if contact is not None else None
        domain = company_domain_for(address) if address else None
        if company_id is None:
            company = self._company(name, domain)
            company_id = company.id if company is not None else None
        if address and contact is None:
            contact = self._new_contact(address, company_id)
        elif contact is not None and contact.company_id is None and company_id is not None:
            contact.company_id = company_id
        return Customer(company_id, contact.id if contact is not None else None)

    def _contact(self, address: str) -> Contact | None:
        contact = self.session.scalar(
            select(Contact).join(ContactEmail).where(ContactEmail.email == address)
        )
        seen = set()
        while contact is not None and contact.merged_into_id and contact.id not in seen:
            seen.add(contact.id)
            contact = self.session.get(Contact, contact.merged_into_id)
        return contact

    def _company(self, name: str, domain: str | None) -> Company | None:
        company = None
        if domain:
            company = self.session.scalar(select(Company).where(Company.domain == domain))
        if company is None and name:
            company = self.session.scalar(
                select(Company)
                .where(func.lower(Company.name) == name.lower())
                .order_by(Company.id)
                .limit(1)
            )
            if company is not None and company.domain is None and domain:
                company.domain = domain
        if company is None and (name or domain):
            company = Company(
                name=name or company_name_from_domain(domain or ""),
                domain=domain,
                lifecycle=Lifecycle.CUSTOMER,
                custom={},
            )
            self.session.add(company)
            self.session.flush()
            self.companies_created += 1
        elif company is not None and company.lifecycle in (Lifecycle.LEAD, Lifecycle.PROSPECT):
            company.lifecycle = Lifecycle.CUSTOMER
        return company

    def _new_contact(self, address: str, company_id: int | None) -> Contact:
        contact = Contact(company_id=company_id, lifecycle=Lifecycle.CUSTOMER, custom={})
        contact.emails.append(ContactEmail(email=address, is_primary=True))
        self.session.add(contact)
        self.session.flush()
        self.contacts_created += 1
        return contact
