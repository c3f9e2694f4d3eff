"""Contacts as a user sees them: one person stays one record, two people stay two."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from store.contacts import (
    ContactError,
    add_email,
    contact_by_email,
    get_contact,
    merge_contacts,
    upsert_contact,
)
from store.db import Database
from store.interactions import log_interaction
from store.models import Company, Contact, Interaction, InteractionKind, Order, Task
from store.search import search
from store.tasks import create_task
from store.users import add_user


def test_same_person_with_differently_cased_emails_is_one_contact(
    db: Database, now: datetime
) -> None:
    with db.write() as s:
        first = upsert_contact(s, email="Jane.Doe@Acme.com", name="Jane Doe", now=now)
        second = upsert_contact(s, email="jane.doe@acme.com", title="CFO", now=now)
        assert first.created and not second.created
        assert second.contact.id == first.contact.id
        assert second.changed == {"title": (None, "CFO")}
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(Contact)) == 1
        contact = contact_by_email(s, "JANE.DOE@acme.COM")
        assert contact is not None and contact.primary_email == "jane.doe@acme.com"
        assert contact.company is not None and contact.company.domain == "acme.com"


def test_two_people_at_one_company_stay_two(db: Database, now: datetime) -> None:
    with db.write() as s:
        jane = upsert_contact(s, email="jane@acme.com", name="Jane Doe", now=now).contact
        john = upsert_contact(s, email="john@acme.com", name="John Roe", now=now).contact
        assert jane.id != john.id
        assert jane.company_id == john.company_id
        assert s.scalar(select(func.count()).select_from(Company)) == 1


def test_same_name_at_same_company_without_email_is_the_same_person(
    db: Database, now: datetime
) -> None:
    with db.write() as s:
        jane = upsert_contact(s, email="jane@acme.com", name="Jane Doe", now=now).contact
        again = upsert_contact(
            s, name="Doe, Jane", company_name="Acme", phone="(415) 555-0100", now=now
        )
        assert again.contact.id == jane.id
        assert again.changed["phone"] == (None, "+14155550100")


def test_signature_fills_empty_fields_and_conflicts_become_suggestions(
    db: Database, now: datetime
) -> None:
    with db.write() as s:
        upsert_contact(s, email="jane@acme.com", name="Jane Doe", title="CFO", now=now)
        result = upsert_contact(
            s,
            email="jane@acme.com",
            name="Jane Doe",
            title="Chief Executive",
            phone="+44 20 7946 0958",
            now=now,
        )
        assert result.contact.title == "CFO"
        assert result.suggestions == {"title": "Chief Executive"}
        assert result.contact.primary_phone == "+442079460958"
        other_phone = upsert_contact(s, email="jane@acme.com", phone="+1 212 555 0199", now=now)
        assert other_phone.suggestions == {"phone": "+12125550199"}
        assert [p.number for p in other_phone.contact.phones] == ["+442079460958"]


def test_free_mail_never_makes_a_company(db: Database, now: datetime) -> None:
    with db.write() as s:
        result = upsert_contact(s, email="bob@gmail.com", name="Bob", now=now)
        assert result.contact.company_id is None
        named = upsert_contact(s, email="eve@gmail.com", company_name="Globex", now=now)
        assert named.contact.company is not None and named.contact.company.name == "Globex"
        assert named.contact.company.domain is None


def test_tags_are_created_on_demand_and_added_once(db: Database, now: datetime) -> None:
    with db.write() as s:
        c = upsert_contact(s, email="a@acme.com", tags=["VIP", "trade show"], now=now).contact
        again = upsert_contact(s, email="a@acme.com", tags=["vip", "Partner"], now=now)
        assert sorted(t.name for t in c.tags) == ["partner", "trade show", "vip"]
        assert again.changed["tags"] == ((), ("partner",))


def test_several_emails_per_contact(db: Database, now: datetime) -> None:
    with db.write() as s:
        jane = upsert_contact(s, email="jane@acme.com", name="Jane Doe", now=now).contact
        add_email(s, jane, "Jane.Doe@Gmail.com")
        assert contact_by_email(s, "jane.doe@gmail.com") is jane
        other = upsert_contact(s, email="x@acme.com", now=now).contact
        with pytest.raises(ContactError, match="already belongs"):
            add_email(s, other, "jane@acme.com")
        with pytest.raises(ContactError, match="invalid email"):
            upsert_contact(s, email="jane@", now=now)


def test_merge_keeps_every_interaction_and_task(db: Database, now: datetime) -> None:
    with db.write() as s:
        user = add_user(s, email="ann@ourco.com", name="Ann")
        keep = upsert_contact(s, email="jane@acme.com", name="Jane Doe", now=now).contact
        drop = upsert_contact(
            s,
            email="jdoe@gmail.com",
            name="J. Doe",
            phone="+1 415 555 0100",
            tags=["vip"],
            now=now,
        ).contact
        for i, contact in enumerate([keep, drop, drop]):
            log_interaction(
                s,
                kind=InteractionKind.EMAIL,
                occurred_at=now - timedelta(days=i),
                contact_id=contact.id,
                source_id=f"<m{i}@x>",
            )
        create_task(s, title="Call back", assignee_id=user.id, contact_id=drop.id, now=now)
        s.add(Order(number="SO-1", contact_id=drop.id, currency="EUR"))
        s.flush()
        keep_id, drop_id = keep.id, drop.id
    with db.write() as s:
        survivor = merge_contacts(s, keep_id, drop_id, now=now)
        assert survivor.id == keep_id
    with db.read() as s:
        keep = s.get(Contact, keep_id)
        assert keep is not None
        assert {e.email for e in keep.emails} == {"jane@acme.com", "jdoe@gmail.com"}
        assert keep.primary_email == "jane@acme.com"
        assert keep.primary_phone == "+14155550100"
        assert [t.name for t in keep.tags] == ["vip"]
        assert s.scalar(select(func.count()).where(Interaction.contact_id == keep_id)) == 3
        assert s.scalar(select(func.count()).where(Task.contact_id == keep_id)) == 1
        assert s.scalar(select(Order.contact_id)) == keep_id
        dropped = s.get(Contact, drop_id)
        assert dropped is not None and dropped.merged_into_id == keep_id
        assert get_contact(s, drop_id) is keep
        assert contact_by_email(s, "jdoe@gmail.com") is keep
        assert all(m.id != drop_id for m in search(s, "doe"))


def test_merge_refuses_nonsense(db: Database, now: datetime) -> None:
    with db.write() as s:
        a = upsert_contact(s, email="a@acme.com", now=now).contact
        with pytest.raises(ContactError):
            merge_contacts(s, a.id, a.id, now=now)
        with pytest.raises(ContactError, match="no contact"):
            merge_contacts(s, a.id, 9999, now=now)
