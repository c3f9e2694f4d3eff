"""The bulk importer keeps the dedupe rules of a single upsert, batch after batch."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

import store.db as store_db
from store import migrate
from store.contacts import contact_by_email, merge_contacts, upsert_contact
from store.db import Database
from store.imports.bulk import IMPORT_CACHE_KIB, IMPORT_CHECKPOINT_PAGES, bulk_writer
from store.imports.contact_readers import read_contact_file, vcard_rows
from store.imports.contact_rows import ContactRow
from store.imports.contacts import import_contacts
from store.models import Company, CompanyNameWord, Contact, ContactNameWord, NameTrigram
from store.search import search
from store.search_index import reindex_all

DATA = Path(__file__).parent / "data" / "contacts"


def rows() -> list[ContactRow]:
    return [
        ContactRow(
            2, "Jane Doe", ("Jane.Doe@Acme.com",), ("415 555 0100",), "CFO", "Acme Inc", ("VIP",)
        ),
        ContactRow(3, "Jane Doe", ("jane.doe@acme.com",), (), None, None, ("partner",)),
        ContactRow(4, "John Roe", ("john@acme.com",)),
        ContactRow(5, "Mia Wong", ("mia@gmail.com",), company="Globex"),
        ContactRow(6, "mia wong", (), company="globex", title="Buyer"),
        ContactRow(7, "Bad", ("x@",)),
        ContactRow(8, None, ()),
    ]


def test_import_dedupes_across_batches_and_repeats_change_nothing(
    db: Database, now: datetime
) -> None:
    report = import_contacts(db, rows(), now=now, batch_size=2)
    assert (report.created, report.updated, report.unchanged) == (3, 2, 0)
    assert [str(r) for r in report.rejected] == [
        "line 7: invalid email 'x@'",
        "line 8: a contact needs a name or an email",
    ]
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(Contact)) == 3
        assert s.scalar(select(func.count()).select_from(Company)) == 2
        jane = contact_by_email(s, "JANE.DOE@acme.com")
        assert jane is not None and jane.primary_phone == "+14155550100"
        assert sorted(t.name for t in jane.tags) == ["partner", "vip"]
        assert jane.company is not None and jane.company.name == "Acme Inc"
        mia = contact_by_email(s, "mia@gmail.com")
        assert mia is not None and mia.title == "Buyer"
        assert mia.company is not None and mia.company.domain is None
    again = import_contacts(db, rows(), now=now, batch_size=3)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 5)


def test_import_matches_what_upsert_made_and_follows_merges(db: Database, now: datetime) -> None:
    with db.write() as s:
        keep = upsert_contact(s, email="jane@acme.com", name="Jane Doe", title="CEO", now=now)
        drop = upsert_contact(s, email="jd@gmail.com", name="J Doe", now=now)
        merge_contacts(s, keep.contact.id, drop.contact.id, now=now)
        keep_id = keep.contact.id
    report = import_contacts(
        db,
        [
            ContactRow(2, "J Doe", ("jd@gmail.com",), ("+1 212 555 0199",)),
            ContactRow(3, "Jane Doe", ("jane@acme.com",), title="CTO"),
        ],
        now=now,
    )
    assert (report.created, report.updated, report.unchanged) == (0, 1, 1)
    assert report.warnings == [
        "line 2: kept name 'Jane Doe', the file says 'J Doe'",
        "line 3: kept title 'CEO', the file says 'CTO'",
    ]
    with db.read() as s:
        jane = s.get(Contact, keep_id)
        assert jane is not None and jane.primary_phone == "+12125550199"
        assert jane.title == "CEO"


def test_vcards_are_read_with_folding_charsets_and_line_numbers(
    db: Database, now: datetime
) -> None:
    contact_file = read_contact_file(DATA / "cards.vcf")
    report = import_contacts(db, contact_file.rows, now=now)
    assert (report.created, len(report.rejected)) == (3, 1)
    assert str(report.rejected[0]) == "line 31: invalid email 'broken@'"
    with db.read() as s:
        jane = contact_by_email(s, "jane@example.org")
        assert jane is not None and jane.name == "Jane Doe"
        assert jane.title == "Head of Purchasing, EMEA"
        assert jane.primary_email == "jane.doe@acme.com"
        assert jane.address == "1 Market St, San Francisco, CA, 94105, USA"
        assert jane.website == "https://acme.com"
        assert sorted(t.name for t in jane.tags) == ["trade show", "vip"]
        joerg = contact_by_email(s, "joerg.mueller@beispiel-gmbh.de")
        assert joerg is not None and joerg.name == "Jörg Müller"
        assert joerg.company is not None and joerg.company.name == "Beispiel GmbH Berlin"
        li = contact_by_email(s, "li.wei@example.cn")
        assert li is not None and li.primary_phone == "+861012345678"


def test_a_card_without_end_is_reported_not_fatal() -> None:
    text = "BEGIN:VCARD\nFN:A\nEMAIL:a@b.com\nEND:VCARD\nBEGIN:VCARD\nFN:B\n"
    got = list(vcard_rows(text))
    assert got[0].emails == ("a@b.com",)
    assert (got[1].line, got[1].error) == (5, "card without END:VCARD")


def test_a_company_named_in_an_earlier_batch_is_reused_unless_it_was_deleted(
    db: Database, now: datetime
) -> None:
    people = [
        ContactRow(2, "Mia Wong", ("mia@gmail.com",), company="Globex"),
        ContactRow(3, "Ann Lee", ("ann@yahoo.com",), company="GLOBEX"),
        ContactRow(4, "Bo Chan", ("bo@outlook.com",), company="Globex"),
    ]
    seen: list[int] = []

    def after_batch(_done: int) -> None:
        seen.append(_done)
        if len(seen) == 2:  # someone deletes the company while the import runs
            with db.write() as s:
                company = s.scalars(select(Company)).one()  # Ann joined Mia's Globex
                for person in s.scalars(select(Contact)):
                    person.company_id = None
                s.delete(company)

    report = import_contacts(db, people, now=now, batch_size=1, progress=after_batch)
    assert (report.created, report.rejected) == (3, [])
    with db.read() as s:
        by_email = {e: contact_by_email(s, e) for e in ("mia@gmail.com", "ann@yahoo.com")}
        mia, ann = by_email["mia@gmail.com"], by_email["ann@yahoo.com"]
        assert mia is not None and ann is not None and mia.company_id is None
        bo = contact_by_email(s, "bo@outlook.com")
        assert bo is not None and bo.company is not None and bo.company.name == "Globex"
        assert s.scalar(select(func.count()).select_from(Company)) == 1


def test_a_namesake_at_the_same_company_in_a_later_batch_is_the_same_person(
    db: Database, now: datetime
) -> None:
    with db.write() as s:
        gone = upsert_contact(s, email="jd@acme.com", name="Jane Doe", now=now).contact.id
        kept = upsert_contact(s, email="jane@gmail.com", name="Jane Roe", now=now).contact.id
        merge_contacts(s, kept, gone, now=now)
    people = [
        ContactRow(2, "Jane Doe", ("jane@acme.com",), title="CFO"),
        ContactRow(3, "Doe, Jane", ("j.doe@acme.com",), ("+49 30 1234567",)),
    ]
    report = import_contacts(db, people, now=now, batch_size=1)
    # The merged-away Jane Doe is not matched by name; the new one is, in the next batch.
    assert (report.created, report.updated) == (1, 1)
    with db.read() as s:
        jane = contact_by_email(s, "j.doe@acme.com")
        assert jane is not None and jane.id not in (gone, kept)
        assert jane.title == "CFO" and jane.primary_phone == "+49301234567"


def _search_index(s: Session) -> list[list[tuple[object, ...]]]:
    tables = (ContactNameWord, CompanyNameWord, NameTrigram)
    return [sorted(tuple(r) for r in s.execute(select(*t.__table__.columns))) for t in tables]


def test_imported_names_are_indexed_as_a_full_reindex_would(db: Database, now: datetime) -> None:
    with db.write() as s:  # a nameless contact at Initech, a company named after its domain
        nameless = upsert_contact(s, email="li@initech.io", now=now).contact.id
    people = [
        ContactRow(2, "Zoë Jörgensen", ("zoe@initech.io",), company="Initrode Software"),
        ContactRow(3, "Li Wei", ("li@initech.io",)),
        ContactRow(4, "Anna Lindqvist", ("anna@gmail.com",), company="Hooli"),
        ContactRow(5, "Anna Berg", ("berg@hooli.com",), company="Hooli Search"),
        ContactRow(6, "Wei Anna", ("wei@hooli.com",)),
    ]
    report = import_contacts(db, people, now=now, batch_size=2)
    assert (report.created, report.updated) == (4, 1)
    with db.read() as s:
        stored = _search_index(s)
        assert search(s, "Li Wei", kinds=("contact",))[0].id == nameless
        assert search(s, "initrode")[0].label == "Initrode Software (initech.io)"
        assert search(s, "zoe jorgensen")[0].label.startswith("Zoë Jörgensen")
        assert search(s, "lindqvst")[0].label.startswith("Anna Lindqvist")
    with db.write() as s:
        reindex_all(s)
    with db.read() as s:
        assert _search_index(s) == stored
    again = import_contacts(db, people, now=now, batch_size=3)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 5)
    with db.read() as s:
        assert _search_index(s) == stored


def test_a_company_renamed_by_a_later_batch_is_not_found_by_its_old_name(
    db: Database, now: datetime
) -> None:
    first = ContactRow(2, "Jo Smith", ("jo@initech.com",))  # company "Initech", from the domain
    import_contacts(db, [first], now=now)
    people = [
        ContactRow(2, "Ann Free", ("ann@gmail.com",), company="Initech"),  # found by that name
        ContactRow(3, "Pat Lee", ("pat@initech.com",), company="Initech Industries"),  # renames it
        ContactRow(4, "Bo Free", ("bo@gmail.com",), company="Initech"),  # no company is called that
    ]
    report = import_contacts(db, people, now=now, batch_size=1)
    assert report.rejected == []
    with db.read() as s:
        bo, pat = contact_by_email(s, "bo@gmail.com"), contact_by_email(s, "pat@initech.com")
        assert pat is not None and pat.company is not None
        assert pat.company.name == "Initech Industries"
        assert bo is not None and bo.company is not None and bo.company.name == "Initech"
        assert bo.company_id != pat.company_id


def test_one_batch_or_many_give_the_same_store(db: Database, now: datetime) -> None:
    # A company made from one row's domain is the one another row of the batch names.
    people = [
        ContactRow(2, "Ana Silva", ("ana@initech.io",)),
        ContactRow(3, "Ana Silva", (), company="Initech", tags=("vip",)),
    ]
    report = import_contacts(db, people, now=now, batch_size=2)
    assert (report.created, report.updated) == (1, 1)
    with db.read() as s:
        (ana,) = s.scalars(select(Contact)).all()
        assert [t.name for t in ana.tags] == ["vip"]
        assert ana.company is not None and ana.company.domain == "initech.io"


def test_a_file_that_fills_fields_of_stored_people_updates_each_with_its_own_values(
    db: Database, now: datetime
) -> None:
    people = [ContactRow(i, f"Person {i}", (f"p{i}@firm.com",)) for i in range(2, 12)]
    import_contacts(db, people, now=now)
    filled = [
        ContactRow(
            i,
            f"Person {i}",
            (f"p{i}@firm.com",),
            title=f"Title {i}",
            website=f"https://p{i}.example" if i % 2 else None,
            tags=("vip",) if i % 3 == 0 else (),
        )
        for i in range(2, 12)
    ]
    later = datetime(2026, 12, 1, tzinfo=now.tzinfo)
    report = import_contacts(db, filled, now=later, batch_size=4)
    assert (report.created, report.updated) == (0, 10)
    with db.read() as s:
        for i in range(2, 12):
            person = contact_by_email(s, f"p{i}@firm.com")
            assert person is not None
            assert person.title == f"Title {i}"
            assert person.website == (f"https://p{i}.example" if i % 2 else None)
            assert [t.name for t in person.tags] == (["vip"] if i % 3 == 0 else [])
            assert person.updated_at == later


def test_the_import_connection_gets_its_bulk_settings_back_afterwards(sqlite_db: Database) -> None:
    with bulk_writer(sqlite_db) as conn:
        assert conn is not None
        raw = conn.connection.dbapi_connection
        assert raw is not None
        assert raw.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == IMPORT_CHECKPOINT_PAGES
        assert raw.execute("PRAGMA cache_size").fetchone()[0] == -IMPORT_CACHE_KIB
    assert raw.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 1000
    assert raw.execute("PRAGMA cache_size").fetchone()[0] == -2000


def test_the_wal_an_import_grew_is_copied_back_and_cut_down(
    tmp_path: Path, now: datetime, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store_db, "WAL_SIZE_LIMIT", 64 * 1024)
    db = Database(f"sqlite:///{tmp_path / 'crm.db'}")
    migrate.upgrade(db)
    wal = tmp_path / "crm.db-wal"
    people = [ContactRow(i, f"Person {i}", (f"p{i}@firm{i % 50}.com",)) for i in range(2, 4002)]
    import_contacts(db, people, now=now)
    grown = wal.stat().st_size
    assert grown > 1024 * 1024  # several batches without a checkpoint in between
    with db.write() as s:
        upsert_contact(s, email="later@firm.com", name="Later", now=now)
    assert wal.stat().st_size < 256 * 1024  # cut to 64 KB, then that one transaction
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(Contact)) == 4001
    db.dispose()
