"""Named people and accounts for the scheduled-job tests, written straight into the store."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.db import Database
from store.models import (
    Company,
    Contact,
    ContactEmail,
    Interaction,
    InteractionKind,
    Invoice,
    OutboxMessage,
    Payment,
    Task,
)
from store.settings import Settings, load_settings
from store.users import add_user


def settings_for(db: Database, tmp_path: Path, **extra: Any) -> Settings:
    base: dict[str, Any] = {
        "database_url": db.url,
        "maildir": str(tmp_path / "maildir"),
        "relay_url": None,
        "slack_bot_token": None,
        "slack_app_token": None,
        "timezone": "UTC",
    }
    return load_settings(**{**base, **extra})


def user(s: Session, email: str, name: str, **kw: Any) -> int:
    u = add_user(
        s,
        email=email,
        name=name,
        slack_id=kw.pop("slack_id", None),
        timezone=kw.pop("timezone", "UTC"),
    )
    for k, v in kw.items():
        setattr(u, k, v)
    s.flush()
    return u.id


def company(s: Session, name: str, **kw: Any) -> int:
    c = Company(name=name, **kw)
    s.add(c)
    s.flush()
    return c.id


def contact(s: Session, name: str, email: str, company_id: int | None = None, **kw: Any) -> int:
    c = Contact(name=name, company_id=company_id, **kw)
    c.emails.append(ContactEmail(email=email, is_primary=True))
    s.add(c)
    s.flush()
    return c.id


def invoice(s: Session, number: str, company_id: int, due: datetime, amount: int, **kw: Any) -> int:
    inv = Invoice(
        number=number,
        company_id=company_id,
        due_at=due,
        amount_minor=amount,
        currency=kw.pop("currency", "EUR"),
        **kw,
    )
    s.add(inv)
    s.flush()
    return inv.id


def pay(s: Session, invoice_id: int, amount: int, at: datetime, ref: str) -> None:
    inv = s.get(Invoice, invoice_id)
    assert inv is not None
    s.add(
        Payment(
            invoice_id=invoice_id,
            amount_minor=amount,
            currency=inv.currency,
            received_at=at,
            reference=ref,
        )
    )
    inv.paid_minor += amount


def task(s: Session, title: str, assignee_id: int, **kw: Any) -> int:
    t = Task(title=title, assignee_id=assignee_id, **kw)
    s.add(t)
    s.flush()
    return t.id


def talk(
    s: Session,
    company_id: int,
    at: datetime,
    kind: InteractionKind = InteractionKind.CALL,
    **kw: Any,
) -> None:
    s.add(Interaction(kind=kind, occurred_at=at, company_id=company_id, **kw))
    s.flush()


def outbox(db: Database, kind_prefix: str = "") -> list[OutboxMessage]:
    with db.read() as s:
        return list(
            s.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.kind.startswith(kind_prefix))
                .order_by(OutboxMessage.id)
            )
        )


def day(d: date | str) -> date:
    return d if isinstance(d, date) else date.fromisoformat(d)
