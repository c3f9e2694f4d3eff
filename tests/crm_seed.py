"""A small, named customer book for conversation and Slack tests.

Alice (admin, Berlin) owns Acme; Bob is a member; Vera is a viewer. Acme has Jane Doe and
John Roe, a shipped order, an overdue invoice and a credit limit; Acme Labs makes "acme"
ambiguous for `log` but the exact name still wins for `find`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from store.db import Database
from store.interactions import log_interaction
from store.models import (
    Company,
    Contact,
    ContactEmail,
    InteractionKind,
    Invoice,
    Order,
    OrderStatus,
    Role,
    Task,
    User,
)
from store.users import add_user

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Book:
    alice: User
    bob: User
    vera: User
    acme_id: int
    jane_id: int
    task_id: int


def seed(db: Database, now: datetime = NOW) -> Book:
    with db.write() as s:
        alice = add_user(
            s,
            email="alice@ourco.com",
            name="Alice Admin",
            role=Role.ADMIN,
            slack_id="UALICE",
            timezone="Europe/Berlin",
        )
        bob = add_user(s, email="bob@ourco.com", name="Bob Member", timezone="America/New_York")
        vera = add_user(
            s, email="vera@ourco.com", name="Vera Viewer", role=Role.VIEWER, slack_id="UVERA"
        )
        acme = Company(
            name="Acme Inc",
            domain="acme.com",
            owner_id=alice.id,
            credit_limit_minor=1_000_000,
            currency="EUR",
        )
        labs = Company(name="Globex Labs", domain="globex.com")
        s.add_all([acme, labs])
        s.flush()
        jane = Contact(
            name="Jane Doe",
            name_key="jane doe",
            title="Head of Purchasing",
            company_id=acme.id,
            owner_id=alice.id,
        )
        jane.emails.append(ContactEmail(email="jane@acme.com", is_primary=True))
        john = Contact(name="John Roe", name_key="john roe", company_id=acme.id)
        john.emails.append(ContactEmail(email="john@acme.com", is_primary=True))
        jana = Contact(name="Jane Dow", name_key="jane dow", company_id=labs.id)
        jana.emails.append(ContactEmail(email="jane@globex.com", is_primary=True))
        s.add_all([jane, john, jana])
        s.flush()
        order = Order(
            number="SO-1042",
            company_id=acme.id,
            contact_id=jane.id,
            status=OrderStatus.SHIPPED,
            ordered_at=now - timedelta(days=20),
            shipped_at=now - timedelta(days=6),
            total_minor=125_000,
            currency="EUR",
        )
        s.add(order)
        s.flush()
        s.add(
            Invoice(
                number="INV-2026-0031",
                order_id=order.id,
                company_id=acme.id,
                contact_id=jane.id,
                issued_at=now - timedelta(days=40),
                due_at=now - timedelta(days=10),
                amount_minor=125_000,
                currency="EUR",
            )
        )
        log_interaction(
            s,
            kind=InteractionKind.EMAIL,
            occurred_at=now - timedelta(days=3),
            user_id=alice.id,
            contact_id=jane.id,
            company_id=acme.id,
            subject="Pricing for 2027",
            source_id="<pricing@acme.com>",
        )
        task = Task(
            title="Send revised quote",
            assignee_id=alice.id,
            contact_id=jane.id,
            company_id=acme.id,
            due_at=now + timedelta(days=2),
        )
        s.add(task)
        s.flush()
        return Book(alice, bob, vera, acme.id, jane.id, task.id)
