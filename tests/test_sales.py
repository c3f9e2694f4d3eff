"""Invoice state, payments, promises, credit and aging, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import bindparam, func, select, text

from store import migrate
from store.db import Database
from store.models import (
    Company,
    Interaction,
    InteractionKind,
    Invoice,
    InvoiceStatus,
    UTCDateTime,
)
from store.sales import (
    InvoiceCondition,
    SalesError,
    aging,
    credit_status,
    find_invoice,
    invoice_state,
    open_invoices,
    overdue_invoices,
    record_payment,
    record_promise,
    set_invoice_status,
)
from store.sales.credit import aging_sql
from store.sales.state import day_start

UTC_ZONE = ZoneInfo("UTC")


def add_invoice(
    db: Database,
    number: str,
    *,
    due: date,
    amount: int = 100_000,
    currency: str = "EUR",
    company_id: int | None = None,
    tz: ZoneInfo = UTC_ZONE,
) -> None:
    with db.write() as s:
        s.add(
            Invoice(
                number=number,
                company_id=company_id,
                due_at=day_start(due, tz),
                amount_minor=amount,
                currency=currency,
                paid_minor=0,
            )
        )


def add_company(db: Database, name: str, *, limit: int | None = None) -> int:
    with db.write() as s:
        company = Company(name=name, credit_limit_minor=limit, currency="EUR", custom={})
        s.add(company)
        s.flush()
        return company.id


def pay(db: Database, number: str, amount: int, ref: str, now: datetime, cur: str = "EUR") -> None:
    with db.write() as s:
        record_payment(
            s,
            invoice_number=number,
            amount_minor=amount,
            currency=cur,
            received_at=now,
            reference=ref,
            now=now,
        )


def state_of(db: Database, number: str, now: datetime, tz: ZoneInfo = UTC_ZONE):  # type: ignore[no-untyped-def]
    with db.read() as s:
        invoice = find_invoice(s, number)
        assert invoice is not None
        return invoice_state(invoice, now=now, tz=tz)


def test_a_partial_payment_leaves_the_rest_open_and_paying_it_closes(
    db: Database, now: datetime
) -> None:
    add_invoice(db, "INV-1", due=date(2026, 12, 1), amount=125_000)
    pay(db, "INV-1", 50_000, "BANK-1", now)
    state = state_of(db, "INV-1", now)
    assert state.status == InvoiceCondition.PARTIALLY_PAID
    assert state.remaining_minor == 75_000

    pay(db, "INV-1", 75_000, "BANK-2", now)
    state = state_of(db, "INV-1", now)
    assert state.status == InvoiceCondition.PAID
    assert state.remaining_minor == 0
    with db.read() as s:
        invoice = find_invoice(s, "inv-1")
        assert invoice is not None
        assert invoice.paid_minor == 125_000
        assert invoice.status == InvoiceStatus.PAID
        assert open_invoices(s, now=now, tz=UTC_ZONE) == []


def test_the_same_payment_twice_is_recorded_once(db: Database, now: datetime) -> None:
    add_invoice(db, "INV-2", due=date(2026, 12, 1), amount=10_000)
    pay(db, "INV-2", 4_000, "REF-9", now)
    pay(db, "INV-2", 4_000, "REF-9", now)
    with db.read() as s:
        invoice = find_invoice(s, "INV-2")
        assert invoice is not None
        assert invoice.paid_minor == 4_000
        assert len(invoice.payments) == 1
        kinds = s.scalars(select(Interaction.kind).where(Interaction.invoice_id == invoice.id))
        assert list(kinds) == [InteractionKind.PAYMENT]


def test_overpayment_and_other_currencies_are_refused(db: Database, now: datetime) -> None:
    add_invoice(db, "INV-3", due=date(2026, 12, 1), amount=10_000)
    with pytest.raises(SalesError, match="overpays"):
        pay(db, "INV-3", 10_001, "R1", now)
    with pytest.raises(SalesError, match="USD"):
        pay(db, "INV-3", 5_000, "R2", now, cur="USD")
    assert state_of(db, "INV-3", now).remaining_minor == 10_000


def test_overdue_from_the_day_after_the_due_date_in_the_team_zone(db: Database) -> None:
    tz = ZoneInfo("Pacific/Auckland")  # 13 hours ahead in November
    now = datetime(2026, 11, 23, 23, 30, tzinfo=UTC)  # already the 24th in Auckland
    add_invoice(db, "DUE-TODAY", due=date(2026, 11, 24), tz=tz)
    add_invoice(db, "DUE-YESTERDAY", due=date(2026, 11, 23), tz=tz)
    today = state_of(db, "DUE-TODAY", now, tz)
    assert (today.status, today.days_overdue) == (InvoiceCondition.OPEN, 0)
    late = state_of(db, "DUE-YESTERDAY", now, tz)
    assert (late.status, late.days_overdue) == (InvoiceCondition.OVERDUE, 1)
    with db.read() as s:
        assert [i.invoice.number for i in overdue_invoices(s, now=now, tz=tz)] == ["DUE-YESTERDAY"]


def test_aging_buckets_at_their_boundaries(db: Database) -> None:
    tz = ZoneInfo("Europe/Berlin")
    now = datetime(2026, 11, 23, 23, 30, tzinfo=UTC)  # 00:30 on the 24th in Berlin
    today = date(2026, 11, 24)
    company = add_company(db, "Acme")
    days = {0: 1, 1: 2, 30: 4, 31: 8, 60: 16, 61: 32, 90: 64, 91: 128, -5: 256}
    for late, amount in days.items():
        add_invoice(
            db,
            f"A{late}",
            due=today - timedelta(days=late),
            amount=amount,
            company_id=company,
            tz=tz,
        )
    add_invoice(db, "USD-1", due=today - timedelta(days=1), amount=1000, currency="USD", tz=tz)
    add_invoice(db, "VOID", due=today - timedelta(days=1), amount=5000, company_id=company, tz=tz)
    with db.write() as s:
        set_invoice_status(s, invoice_number="VOID", status=InvoiceStatus.VOID, now=now)

    with db.read() as s:
        report = aging(s, now=now, tz=tz)
    assert report.as_of == today
    acme = next(r for r in report.rows if r.name == "Acme")
    assert acme.currency == "EUR"
    assert acme.buckets() == (1 + 256, 2 + 4, 8 + 16, 32 + 64, 128)
    totals = {t.currency: t for t in report.totals}
    assert totals["EUR"].total == sum(days.values())
    assert totals["USD"].buckets() == (0, 1000, 0, 0, 0)
    assert state_of(db, "A1", now, tz).days_overdue == 1
    assert state_of(db, "A91", now, tz).days_overdue == 91


def test_credit_used_over_the_limit_puts_the_customer_on_hold(db: Database, now: datetime) -> None:
    company = add_company(db, "Globex", limit=100_000)
    add_invoice(db, "G1", due=date(2026, 12, 1), amount=60_000, company_id=company)
    add_invoice(db, "G2", due=date(2026, 10, 1), amount=30_000, company_id=company)
    add_invoice(db, "G3", due=date(2026, 10, 1), amount=9_000, currency="USD", company_id=company)
    with db.read() as s:
        status = credit_status(s, company, now=now, tz=UTC_ZONE)
    assert (status.limit_minor, status.used_minor, status.on_hold) == (100_000, 90_000, False)
    assert status.other_currencies == {"USD": 9_000}

    add_invoice(db, "G4", due=date(2026, 12, 1), amount=20_000, company_id=company)
    with db.read() as s:
        status = credit_status(s, company, now=now, tz=UTC_ZONE)
    assert (status.used_minor, status.on_hold, status.currency) == (110_000, True, "EUR")

    pay(db, "G4", 20_000, "X", now)
    with db.read() as s:
        assert not credit_status(s, company, now=now, tz=UTC_ZONE).on_hold


def test_promise_dispute_and_void_are_in_the_customer_history(db: Database, now: datetime) -> None:
    company = add_company(db, "Initech")
    add_invoice(db, "I-7781", due=date(2026, 11, 1), company_id=company)
    with db.write() as s:
        record_promise(s, invoice_number="I-7781", promised_on=date(2026, 11, 27), now=now)
        record_promise(s, invoice_number="I-7781", promised_on=date(2026, 11, 27), now=now)
    state = state_of(db, "I-7781", now)
    assert state.promised_on == date(2026, 11, 27)
    assert state.status == InvoiceCondition.OVERDUE
    with db.write() as s:
        set_invoice_status(s, invoice_number="I-7781", status=InvoiceStatus.DISPUTED, now=now)
    assert state_of(db, "I-7781", now).status == InvoiceCondition.DISPUTED
    with db.read() as s:
        subjects = list(
            s.scalars(
                select(Interaction.subject)
                .where(Interaction.company_id == company)
                .order_by(Interaction.id)
            )
        )
        assert subjects == [
            "Promise to pay I-7781 on 2026-11-27",
            "Invoice I-7781 open -> disputed",
        ]
        assert s.scalar(select(func.count()).select_from(Interaction)) == 2


def test_lookups_for_a_rep_filter_by_owner_and_company(db: Database, now: datetime) -> None:
    from store.models import Order, User
    from store.sales import orders_for_company

    with db.write() as s:
        ann = User(email="ann@ourco.com", name="Ann", forward_token="t-ann")
        s.add(ann)
        s.flush()
        mine = Company(name="Mine", owner_id=ann.id, custom={})
        theirs = Company(name="Theirs", custom={})
        s.add_all([mine, theirs])
        s.flush()
        ids = (mine.id, theirs.id, ann.id)
        for n, day in (("SO-A", 1), ("SO-B", 5), ("SO-C", 3)):
            s.add(
                Order(
                    number=n,
                    company_id=mine.id,
                    currency="EUR",
                    ordered_at=datetime(2026, 11, day, tzinfo=UTC),
                )
            )
    mine_id, theirs_id, ann_id = ids
    add_invoice(db, "M-1", due=date(2026, 11, 1), company_id=mine_id)
    add_invoice(db, "T-1", due=date(2026, 11, 1), company_id=theirs_id)
    add_invoice(db, "M-2", due=date(2026, 12, 1), company_id=mine_id)
    with db.read() as s:
        late = overdue_invoices(s, now=now, tz=UTC_ZONE, owner_id=ann_id)
        assert [(i.invoice.number, i.state.days_overdue) for i in late] == [("M-1", 22)]
        open_mine = open_invoices(s, company_id=mine_id, now=now, tz=UTC_ZONE)
        assert [i.invoice.number for i in open_mine] == ["M-1", "M-2"]
        assert [o.number for o in orders_for_company(s, mine_id, limit=2)] == ["SO-B", "SO-C"]


def test_aging_counts_what_is_left_unpaid_and_leaves_out_what_is_settled(
    db: Database, now: datetime
) -> None:
    company = add_company(db, "Umbrella")
    for number in ("PART", "FULL", "DISP", "VOID", "BACK"):
        add_invoice(db, number, due=date(2026, 11, 13), amount=10_000, company_id=company)
    add_invoice(db, "NOBODY", due=date(2026, 12, 13), amount=700)
    pay(db, "PART", 2_500, "P1", now)
    pay(db, "FULL", 10_000, "F1", now)
    with db.write() as s:
        set_invoice_status(s, invoice_number="DISP", status=InvoiceStatus.DISPUTED, now=now)
        set_invoice_status(s, invoice_number="VOID", status=InvoiceStatus.VOID, now=now)
        set_invoice_status(s, invoice_number="BACK", status=InvoiceStatus.VOID, now=now)
        set_invoice_status(s, invoice_number="BACK", status=InvoiceStatus.OPEN, now=now)

    with db.read() as s:
        report = aging(s, now=now, tz=UTC_ZONE)
        alone = aging(s, now=now, tz=UTC_ZONE, company_id=company)
    rows = {r.name: r for r in report.rows}
    # 10 days late: what is left of PART, all of the disputed one and of the reopened one.
    assert rows["Umbrella"].buckets() == (0, 7_500 + 10_000 + 10_000, 0, 0, 0)
    assert rows["(no customer)"].buckets() == (700, 0, 0, 0, 0)
    assert [t.total for t in report.totals] == [28_200]
    assert alone.rows == [rows["Umbrella"]]


def test_an_aging_row_carries_the_credit_limit_of_its_currency(db: Database, now: datetime) -> None:
    company = add_company(db, "Globex", limit=50_000)
    add_invoice(db, "G1", due=date(2026, 12, 1), amount=30_000, company_id=company)
    add_invoice(db, "G2", due=date(2026, 9, 1), amount=25_000, company_id=company)
    add_invoice(db, "G3", due=date(2026, 9, 1), amount=9_000, currency="USD", company_id=company)
    with db.read() as s:
        report = aging(s, now=now, tz=UTC_ZONE)
        status = credit_status(s, company, now=now, tz=UTC_ZONE)
    eur, usd = (next(r for r in report.rows if r.currency == c) for c in ("EUR", "USD"))
    assert (eur.credit_limit_minor, eur.total, eur.credit_available_minor) == (
        50_000,
        55_000,
        -5_000,
    )
    assert eur.on_hold and status.on_hold and status.used_minor == eur.total
    assert (usd.credit_limit_minor, usd.on_hold) == (None, False)
    assert all(t.credit_limit_minor is None for t in report.totals)

    pay(db, "G2", 25_000, "X", now)
    with db.read() as s:
        eur = next(r for r in aging(s, now=now, tz=UTC_ZONE).rows if r.currency == "EUR")
    assert (eur.total, eur.credit_available_minor, eur.on_hold) == (30_000, 20_000, False)


def test_the_aging_aggregate_reads_the_open_invoices_index(db: Database) -> None:
    """The report's speed rests on its WHERE matching the partial index's predicate."""
    with db.read() as s:
        conn = s.connection()
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
            conn.exec_driver_sql("SET LOCAL enable_bitmapscan = off")
        sql = aging_sql(conn.dialect.name)
        moment = datetime(2026, 11, 23, tzinfo=UTC)
        bounds = {k: moment for k in ("d1", "d31", "d61", "d91")}
        explain = "EXPLAIN QUERY PLAN " if conn.dialect.name == "sqlite" else "EXPLAIN "
        stmt = text(explain + sql).bindparams(*(bindparam(k, type_=UTCDateTime()) for k in bounds))
        plan = " ".join(str(v) for row in conn.execute(stmt, bounds) for v in row)
    assert "ix_invoices_open" in plan, plan


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_invoices_from_before_the_open_balance_upgrade_are_aged(
    kind: str, request: pytest.FixtureRequest, tmp_path: Path, now: datetime
) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}" if kind == "sqlite" else None
    old = Database(url or request.getfixturevalue("fresh_pg_url"))
    try:
        migrate.upgrade(old, "0002_orders_aging_index")
        add_invoice(old, "OLD-1", due=date(2026, 11, 3), amount=4_200)
        add_invoice(old, "OLD-PAID", due=date(2026, 11, 3), amount=900)
        pay(old, "OLD-PAID", 900, "P", now)
        migrate.upgrade(old)
        with old.read() as s:
            report = aging(s, now=now, tz=UTC_ZONE)
        assert [(r.name, r.buckets()) for r in report.rows] == [
            ("(no customer)", (0, 4_200, 0, 0, 0))
        ]
    finally:
        old.dispose()


def test_a_limit_without_a_currency_is_read_in_the_largest_one(db: Database, now: datetime) -> None:
    with db.write() as s:
        company = Company(name="Hooli", credit_limit_minor=40_000, currency=None, custom={})
        s.add(company)
        s.flush()
        company_id = company.id
    add_invoice(db, "H1", due=date(2026, 12, 1), amount=30_000, company_id=company_id)
    add_invoice(
        db, "H2", due=date(2026, 12, 1), amount=45_000, currency="USD", company_id=company_id
    )
    with db.read() as s:
        rows = {r.currency: r for r in aging(s, now=now, tz=UTC_ZONE).rows}
        status = credit_status(s, company_id, now=now, tz=UTC_ZONE)
    assert (status.currency, status.on_hold) == ("USD", True)
    assert (rows["USD"].credit_limit_minor, rows["USD"].on_hold) == (40_000, True)
    assert rows["EUR"].credit_limit_minor is None
