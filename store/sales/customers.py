"""Which company and billing contact an order or invoice belongs to.

Matched by the billing email (a known contact), then by the email's domain, then by the
company name; when nothing matches the company is created, but never from a free-mail
domain. Results are cached for the length of one import, since exports repeat customers.
"""

from __future__ import annotations

from collections.abc import Iterable
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
        self._raw: dict[tuple[str | None, str | None], Customer] = {}  # as written in the file
        self.companies_created = 0
        self.contacts_created = 0

    def forget(self) -> None:
        """Drop the cache (after a rolled-back row, whose created rows are gone)."""
        self._cache.clear()
        self._raw.clear()

    def match(self, name: str | None, email: str | None) -> Customer:
        raw = (name, email)
        if raw in self._raw:
            return self._raw[raw]
        name, address = _clean(name, email)
        key = (name.casefold(), address)
        if key not in self._cache:
            self._cache[key] = self._resolve(name, address)
        self._raw[raw] = found = self._cache[key]
        return found

    def prime(self, customers: Iterable[tuple[str | None, str | None]]) -> None:
        """Resolve many (name, email) pairs at once, with the result `match` would give
        for each in turn: three lookups and two flushes for a whole import chunk instead
        of up to two lookups and two flushes per new customer."""
        todo: dict[tuple[str, str], tuple[str, str]] = {}
        for raw_name, raw_email in customers:
            name, address = _clean(raw_name, raw_email)
            key = (name.casefold(), address)
            if key not in self._cache:
                todo.setdefault(key, (name, address))
        if not todo:
            return
        primer = _Primer(self, list(todo.values()))
        for key, customer in zip(todo, primer.resolve(), strict=True):
            self._cache[key] = customer

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
            company = _new_customer(name, domain)
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


def _clean(name: str | None, email: str | None) -> tuple[str, str]:
    return (name or "").strip(), normalize_email(email) if email and "@" in email else ""


class _Primer:
    """`CustomerMatcher._resolve` for many customers: the same rules, applied in order to
    companies and contacts looked up in bulk and kept in memory, new ones included."""

    def __init__(self, matcher: CustomerMatcher, wanted: list[tuple[str, str]]) -> None:
        self.matcher = matcher
        self.session = session = matcher.session
        self.wanted = wanted
        self.given: dict[int, Company] = {}
        addresses = {a for _, a in wanted if a}
        self.contacts: dict[str, Contact] = {}
        if addresses:
            query = select(ContactEmail.email, Contact).join(
                Contact, Contact.id == ContactEmail.contact_id
            )
            for address, contact in session.execute(query.where(ContactEmail.email.in_(addresses))):
                self.contacts[address] = contact
        domains = {d for _, a in wanted if a and (d := company_domain_for(a))}
        self.by_domain: dict[str, Company] = {}
        if domains:
            for company in session.scalars(select(Company).where(Company.domain.in_(domains))):
                if company.domain is not None:
                    self.by_domain[company.domain] = company
        names = {n.lower() for n, _ in wanted if n}
        self.by_name: dict[str, Company] = {}
        if names:
            found = session.scalars(
                select(Company).where(func.lower(Company.name).in_(names)).order_by(Company.id)
            )
            for company in found:
                self.by_name.setdefault(company.name.lower(), company)

    def resolve(self) -> list[Customer]:
        picks = [self._one(name, address) for name, address in self.wanted]
        self.session.flush()  # one flush: new companies, then the contacts that use them
        out = []
        for company, contact in picks:
            company_id = company if isinstance(company, int) else getattr(company, "id", None)
            out.append(Customer(company_id, contact.id if contact is not None else None))
        return out

    def _one(self, name: str, address: str) -> tuple[Company | int | None, Contact | None]:
        """(the company, or the id of the one the contact already has; the contact)."""
        contact = self._contact(address) if address else None
        if contact is not None and contact.company_id is not None:
            return contact.company_id, contact
        if contact is not None and id(contact) in self.given:  # given a company just now
            return self.given[id(contact)], contact
        company = self._company(name, company_domain_for(address) if address else None)
        if address and contact is None:
            contact = Contact(company=company, lifecycle=Lifecycle.CUSTOMER, custom={})
            contact.emails.append(ContactEmail(email=address, is_primary=True))
            self.session.add(contact)
            self.contacts[address] = contact
            self.matcher.contacts_created += 1
        elif contact is not None and company is not None:
            contact.company = company
        if contact is not None and company is not None:
            self.given[id(contact)] = company
        return company, contact

    def _contact(self, address: str) -> Contact | None:
        contact = self.contacts.get(address)
        seen = set()
        while contact is not None and contact.merged_into_id and contact.id not in seen:
            seen.add(contact.id)
            contact = self.session.get(Contact, contact.merged_into_id)
        return contact

    def _company(self, name: str, domain: str | None) -> Company | None:
        company = self.by_domain.get(domain) if domain else None
        if company is None and name:
            company = self.by_name.get(name.lower())
            if company is not None and company.domain is None and domain:
                company.domain = domain
                self.by_domain[domain] = company
        if company is None and (name or domain):
            company = _new_customer(name, domain)
            self.session.add(company)
            if domain:
                self.by_domain[domain] = company
            self.by_name.setdefault(company.name.lower(), company)
            self.matcher.companies_created += 1
        elif company is not None and company.lifecycle in (Lifecycle.LEAD, Lifecycle.PROSPECT):
            company.lifecycle = Lifecycle.CUSTOMER
        return company


def _new_customer(name: str | None, domain: str | None) -> Company:
    """A company first seen on an order or invoice: it buys, so it is a customer."""
    return Company(
        name=name or company_name_from_domain(domain or ""),
        domain=domain,
        lifecycle=Lifecycle.CUSTOMER,
        custom={},
    )
