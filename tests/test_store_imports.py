"""The bulk importer keeps the dedupe rules of a single upsert, batch after batch."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select

from store.contacts import contact_by_email, merge_contacts, upsert_contact
from store.db import Database
from store.imports.contact_files import read_contact_file, vcard_rows
from store.imports.contacts import ContactRow, import_contacts
from store.models import Company, Contact

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
