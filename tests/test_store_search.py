"""Search finds people and companies the way a hurried person types them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from store import migrate
from store.audit import track_changes
from store.companies import company_for_email, find_companies
from store.contacts import merge_contacts, upsert_contact
from store.db import Database
from store.imports.contact_rows import ContactRow
from store.imports.contacts import import_contacts
from store.models import Contact
from store.search import search
from store.undo import undo_change


def seed(db: Database, now: datetime) -> dict[str, int]:
    with db.write() as s:
        jane = upsert_contact(
            s, email="jane.doe@acme.com", name="Jane Doe", company_name="Acme Inc", now=now
        ).contact
        john = upsert_contact(s, email="john@globex.io", name="John Smith", now=now).contact
        mia = upsert_contact(s, email="mia.wong@gmail.com", name="Mia Wong", now=now).contact
        return {"jane": jane.id, "john": john.id, "mia": mia.id}


def test_search_finds_acme_with_a_typo(db: Database, now: datetime) -> None:
    ids = seed(db, now)
    with db.read() as s:
        matches = search(s, "acmee")
        assert matches and matches[0].label.startswith("Acme Inc")
        assert matches[0].kind == "company"
        assert any(m.kind == "contact" and m.id == ids["jane"] for m in matches)
        assert [c.domain for c in find_companies(s, "acmee")] == ["acme.com"]


def test_search_by_name_email_and_domain(db: Database, now: datetime) -> None:
    ids = seed(db, now)
    with db.read() as s:
        assert search(s, "Jon Smith")[0].id == ids["john"]
        assert search(s, "wong")[0].id == ids["mia"]
        exact = search(s, "Jane.Doe@ACME.com")[0]
        assert (exact.kind, exact.id, exact.score) == ("contact", ids["jane"], 100.0)
        assert search(s, "globex.io")[0].kind == "company"
        assert any(m.id == ids["john"] for m in search(s, "globex.io", kinds=("contact",)))
        assert search(s, "zzzzqqq") == []
        assert search(s, "   ") == []


def test_company_from_email_never_free_mail(db: Database, now: datetime) -> None:
    with db.write() as s:
        assert company_for_email(s, "x@gmail.com") is None
        acme = company_for_email(s, "a@Acme-Tools.co.uk")
        assert acme is not None and acme.name == "Acme Tools"
        renamed = company_for_email(s, "b@acme-tools.co.uk", name="Acme Tools Ltd")
        assert renamed is acme and acme.name == "Acme Tools Ltd"
        kept = company_for_email(s, "c@acme-tools.co.uk", name="Something Else")
        assert kept is acme and acme.name == "Acme Tools Ltd"


def test_a_typo_in_a_first_letter_still_finds_the_person(db: Database, now: datetime) -> None:
    ids = seed(db, now)
    with db.read() as s:
        assert search(s, "Jnae Doe")[0].id == ids["jane"]
        assert search(s, "Smtih")[0].id == ids["john"]
        assert search(s, "Mia Wnog")[0].id == ids["mia"]


def test_one_person_among_many_namesakes(db: Database, now: datetime) -> None:
    """Far more Annas than one query ranks: the one whose every word matches comes first."""
    rows = [
        ContactRow(line=i + 2, name=f"Anna Person{i}", emails=(f"anna{i}@gmail.com",))
        for i in range(400)
    ]
    import_contacts(db, [*rows, ContactRow(line=402, name="Anna Lindqvist")], now=now)
    with db.read() as s:
        (wanted,) = s.scalars(select(Contact.id).where(Contact.name == "Anna Lindqvist"))
        best = search(s, "Ana Lindqvst")[0]
        assert (best.kind, best.id) == ("contact", wanted)
        assert search(s, "lindq")[0].id == wanted


def test_merged_contacts_leave_the_search_and_come_back_on_undo(
    db: Database, now: datetime
) -> None:
    ids = seed(db, now)
    with db.write() as s:
        twin = upsert_contact(s, email="jdoe@acme.com", name="Janet Doe", now=now).contact.id
    with db.write() as s, track_changes(s, user_id=None, source="cli", now=now) as change:
        merge_contacts(s, ids["jane"], twin, now=now)
    with db.read() as s:
        assert [m.id for m in search(s, "Janet Doe", kinds=("contact",))] == [ids["jane"]]
    with db.write() as s:
        undo_change(s, change.id, now=now)
    with db.read() as s:
        assert search(s, "Janet Doe", kinds=("contact",))[0].id == twin


def test_renamed_company_is_found_by_its_new_name(db: Database, now: datetime) -> None:
    with db.write() as s:
        company = company_for_email(s, "a@initech.io")
        assert company is not None and company.name == "Initech"
        company_for_email(s, "b@initech.io", name="Initrode Software")
    with db.read() as s:
        assert search(s, "initrode")[0].label == "Initrode Software (initech.io)"
        assert search(s, "softwre", kinds=("company",))[0].label.startswith("Initrode")


def test_a_name_changed_directly_is_found_by_its_new_words(db: Database, now: datetime) -> None:
    """A writer that sets `name` and not `name_key` still leaves the index right."""
    with db.write() as s:
        contact = upsert_contact(s, email="ann@acme.com", name="Ann Lee", now=now).contact
        contact_id = contact.id
    with db.write() as s:
        found = s.get(Contact, contact_id)
        assert found is not None
        found.name = "Anna Berg"
    with db.read() as s:
        assert [m.id for m in search(s, "berg", kinds=("contact",))] == [contact_id]
        assert search(s, "lee", kinds=("contact",)) == []


def test_the_migration_indexes_names_already_stored(sqlite_db: Database, now: datetime) -> None:
    migrate.downgrade(sqlite_db, "0002_orders_aging_index")
    with sqlite_db.engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO contacts (id, name, name_key, lifecycle, do_not_contact,"
            " marketing_consent, custom, created_at, updated_at)"
            " VALUES (7, 'Greta Thunberg', 'greta thunberg', 'lead', 0, 0, '{}',"
            " '2026-01-01 00:00:00', '2026-01-01 00:00:00')"
        )
    migrate.upgrade(sqlite_db)
    with sqlite_db.read() as s:
        assert search(s, "greta tunberg")[0].id == 7
