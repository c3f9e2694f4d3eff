"""Search finds people and companies the way a hurried person types them."""

from __future__ import annotations

from datetime import datetime

from store.companies import company_for_email, find_companies
from store.contacts import upsert_contact
from store.db import Database
from store.search import search


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
