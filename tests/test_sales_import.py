"""CSV imports of orders, invoices and payments: idempotent, mapped, and honest about bad rows."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from store.db import Database
from store.imports.mapfile import load_map
from store.imports.sales import import_sales_file
from store.models import Company, Contact, ContactEmail, Interaction, Invoice, Order, Payment
from store.sales import InvoiceCondition, find_invoice, invoice_state
from tests.cli import run_crm

TZ = ZoneInfo("Europe/Berlin")

ORDERS = """number,customer,customer_email,status,ordered_at,shipped_at,total,currency
SO-1,Acme Inc,billing@acme.com,shipped,2026-11-02,2026-11-04T10:00:00+01:00,1250.00,EUR
SO-2,Globex,,open,2026-11-10,,99.90,USD
"""
INVOICES = """number,order_number,customer,customer_email,issued_at,due_at,amount,currency
INV-1,SO-1,Acme Inc,billing@acme.com,2026-11-04,2026-11-18,1250.00,EUR
INV-2,SO-2,,,2026-11-10,2026-12-10,99.90,USD
INV-3,,Jo Private,jo@gmail.com,2026-11-01,2026-11-15,10.00,EUR
"""
PAYMENTS = """invoice_number,amount,currency,received_at,reference
INV-1,250.00,EUR,2026-11-20,BANK-77
INV-2,99.90,USD,2026-11-21T12:00:00Z,BANK-78
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def counts(db: Database) -> tuple[int, ...]:
    with db.read() as s:
        return tuple(
            int(s.scalar(select(func.count()).select_from(m)) or 0)
            for m in (Order, Invoice, Payment, Company, Contact, Interaction)
        )


def import_all(db: Database, tmp_path: Path, now: datetime) -> list[str]:
    summaries = []
    for kind, text in (("orders", ORDERS), ("invoices", INVOICES), ("payments", PAYMENTS)):
        path = write(tmp_path, f"{kind}.csv", text)
        report = import_sales_file(db, kind, path, now=now, tz=TZ)
        assert report.rejected == []
        summaries.append(report.summary())
    return summaries


def test_reimporting_the_same_files_changes_nothing(
    db: Database, tmp_path: Path, now: datetime
) -> None:
    first = import_all(db, tmp_path, now)
    assert first == [
        "created 2, updated 0, unchanged 0, rejected 0",
        "created 3, updated 0, unchanged 0, rejected 0",
        "created 2, updated 0, unchanged 0, rejected 0",
    ]
    before = counts(db)
    second = import_all(db, tmp_path, now)
    assert second == [
        "created 0, updated 0, unchanged 2, rejected 0",
        "created 0, updated 0, unchanged 3, rejected 0",
        "created 0, updated 0, unchanged 2, rejected 0",
    ]
    assert counts(db) == before

    with db.read() as s:
        inv1 = find_invoice(s, "INV-1")
        assert inv1 is not None and inv1.company is not None
        assert (inv1.company.name, inv1.company.domain) == ("Acme Inc", "acme.com")
        assert inv1.order is not None and inv1.order.number == "SO-1"
        state = invoice_state(inv1, now=now, tz=TZ)
        assert (state.status, state.remaining_minor) == (InvoiceCondition.OVERDUE, 100_000)
        inv2 = find_invoice(s, "INV-2")
        assert inv2 is not None
        assert invoice_state(inv2, now=now, tz=TZ).status == InvoiceCondition.PAID
        assert inv2.company_id is not None and inv2.company_id == inv2.order.company_id  # type: ignore[union-attr]
        inv3 = find_invoice(s, "INV-3")
        assert inv3 is not None and inv3.company is not None
        assert inv3.company.domain is None  # never a company from a free-mail domain
        billing = s.scalar(
            select(Contact).join(ContactEmail).where(ContactEmail.email == "billing@acme.com")
        )
        assert billing is not None and billing.company_id == inv1.company_id
        assert inv1.contact_id == billing.id
        history = list(
            s.scalars(
                select(Interaction.subject)
                .where(Interaction.invoice_id == inv1.id)
                .order_by(Interaction.id)
            )
        )
        assert history == [
            "Invoice INV-1 issued for EUR 1,250.00, due 2026-11-18",
            "Payment BANK-77 received EUR 250.00 on INV-1; EUR 1,000.00 remaining",
        ]


def test_a_changed_row_updates_and_pays_the_rest(
    db: Database, tmp_path: Path, now: datetime
) -> None:
    import_all(db, tmp_path, now)
    more = PAYMENTS + "INV-1,1000.00,EUR,2026-11-22,BANK-79\n"
    report = import_sales_file(db, "payments", write(tmp_path, "p2.csv", more), now=now, tz=TZ)
    assert report.summary() == "created 1, updated 0, unchanged 2, rejected 0"
    changed = ORDERS.replace("SO-2,Globex,,open", "SO-2,Globex,,shipped")
    report = import_sales_file(db, "orders", write(tmp_path, "o2.csv", changed), now=now, tz=TZ)
    assert report.summary() == "created 0, updated 1, unchanged 1, rejected 0"
    with db.read() as s:
        inv1 = find_invoice(s, "INV-1")
        assert inv1 is not None
        assert invoice_state(inv1, now=now, tz=TZ).status == InvoiceCondition.PAID


def test_rejected_rows_name_their_line_and_the_rest_is_imported(
    db: Database, tmp_path: Path, now: datetime
) -> None:
    text = (
        "number,order_number,customer,customer_email,issued_at,due_at,amount,currency\n"
        "OK-1,,Acme Inc,,2026-11-01,2026-11-30,10.00,EUR\n"
        "BAD-1,,Acme Inc,,2026-11-01,30/11/2026,10.00,EUR\n"
        '"BAD-2",,"Acme\nInc",,2026-11-01,2026-11-30,ten,EUR\n'
        "BAD-3,,Acme Inc,,2026-11-01,2026-11-30,10.001,EUR\n"
        "OK-2,,Acme Inc,,2026-11-01,2026-11-30,10.00,eur\n"
        ",,Acme Inc,,2026-11-01,2026-11-30,10.00,EUR\n"
    )
    report = import_sales_file(db, "invoices", write(tmp_path, "i.csv", text), now=now, tz=TZ)
    assert report.summary() == "created 2, updated 0, unchanged 0, rejected 4"
    assert report.details() == [
        "line 3: due_at '30/11/2026' is not a date (ISO-8601)",
        "line 4: amount: not an amount: 'ten'",
        "line 6: amount: 10.001 has more decimals than EUR allows",
        "line 8: number is empty",
    ]
    pay = "invoice_number,amount,currency,received_at,reference\nOK-1,20.00,EUR,2026-11-20,R\n"
    report = import_sales_file(db, "payments", write(tmp_path, "p.csv", pay), now=now, tz=TZ)
    assert report.details() == ["line 2: EUR 20.00 overpays invoice OK-1: EUR 10.00 remaining"]


def test_a_map_file_reads_another_systems_export(
    db: Database, tmp_path: Path, now: datetime
) -> None:
    mapping = write(
        tmp_path,
        "erp.toml",
        """
delimiter = ";"
[columns]
number = "Rechnungsnr"
customer = "Kunde"
customer_email = "E-Mail"
issued_at = "Datum"
due_at = "Fällig"
amount = "Betrag"
status = "Status"
[formats]
date = "%d.%m.%Y"
decimal_separator = ","
thousands_separator = "."
[values.status]
Offen = "open"
Storniert = "void"
[defaults]
currency = "EUR"
""",
    )
    text = (
        "Rechnungsnr;Kunde;E-Mail;Datum;Fällig;Betrag;Status;Bemerkung\n"
        "R-100;Müller GmbH;buchhaltung@mueller.de;01.11.2026;15.11.2026;1.234,56;Offen;x\n"
        "R-101;Müller GmbH;buchhaltung@mueller.de;02.11.2026;16.12.2026;99,00;Storniert;\n"
    )
    spec = load_map(mapping)
    path = write(tmp_path, "rechnungen.csv", text)
    report = import_sales_file(db, "invoices", path, spec=spec, now=now, tz=TZ)
    assert report.summary() == "created 2, updated 0, unchanged 0, rejected 0"
    assert report.warnings == ["column 'Bemerkung' ignored"]
    with db.read() as s:
        inv = find_invoice(s, "R-100")
        assert inv is not None and inv.company is not None
        assert (inv.amount_minor, inv.currency, inv.company.name) == (123_456, "EUR", "Müller GmbH")
        state = invoice_state(inv, now=now, tz=TZ)
        assert (state.due_on.isoformat(), state.days_overdue) == ("2026-11-15", 8)
        void = find_invoice(s, "R-101")
        assert void is not None
        assert invoice_state(void, now=now, tz=TZ).status == InvoiceCondition.VOID
        assert void.company_id == inv.company_id
    again = import_sales_file(db, "invoices", path, spec=spec, now=now, tz=TZ)
    assert again.summary() == "created 0, updated 0, unchanged 2, rejected 0"


def test_customers_match_by_email_then_domain_then_name(
    db: Database, tmp_path: Path, now: datetime
) -> None:
    with db.write() as s:
        s.add(Company(name="Umbrella Corp", domain="umbrella.com", custom={}))
        s.add(Company(name="Hooli", custom={}))
    text = (
        "number,customer,customer_email,status,ordered_at,shipped_at,total,currency\n"
        "O-1,Umbrella,ap@umbrella.com,,,,1.00,EUR\n"
        "O-2,HOOLI,,,,,1.00,EUR\n"
        "O-3,,ap@umbrella.com,,,,1.00,EUR\n"
    )
    report = import_sales_file(db, "orders", write(tmp_path, "o.csv", text), now=now, tz=TZ)
    assert report.rejected == []
    with db.read() as s:
        names = dict(
            (number, name)
            for number, name in s.execute(
                select(Order.number, Company.name).join(Company, Order.company_id == Company.id)
            )
        )
        assert names == {"O-1": "Umbrella Corp", "O-2": "Hooli", "O-3": "Umbrella Corp"}
        assert s.scalar(select(func.count()).select_from(Company)) == 2


@pytest.mark.usefixtures("crm_env")
def test_cli_imports_and_exports(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    orders = write(tmp_path, "orders.csv", ORDERS)
    invoices = write(tmp_path, "invoices.csv", INVOICES + "BAD,,X,,2026-11-01,,1.00,EUR\n")
    payments = write(tmp_path, "payments.csv", PAYMENTS)
    now = "2026-11-23T09:00:00+00:00"
    assert run_crm(capsys, "import", "orders", str(orders), "--now", now).code == 0
    result = run_crm(capsys, "import", "invoices", str(invoices), "--now", now)
    assert result.code == 0
    assert result.out.splitlines() == [
        "created 3, updated 0, unchanged 0, rejected 1",
        "line 5: due_at is empty",
    ]
    assert run_crm(capsys, "import", "payments", str(payments), "--now", now).code == 0

    result = run_crm(capsys, "export", "aging", "--now", now)
    assert result.code == 0
    lines = result.out.splitlines()
    assert lines[0] == (
        "customer,currency,Current,1-30,31-60,61-90,Over 90,Total,"
        "Credit limit,Credit available,On hold"
    )
    assert "Acme Inc,EUR,0.00,1000.00,0.00,0.00,0.00,1000.00,,," in lines
    assert "Total,EUR,0.00,1010.00,0.00,0.00,0.00,1010.00,,," in lines
    assert run_crm(capsys, "credit", "set", "Acme Inc", "800.00", "EUR").code == 0
    lines = run_crm(capsys, "export", "aging", "--now", now).out.splitlines()
    assert "Acme Inc,EUR,0.00,1000.00,0.00,0.00,0.00,1000.00,800.00,-200.00,yes" in lines

    out = tmp_path / "invoices.xlsx"
    result = run_crm(capsys, "export", "invoices", "--format", "xlsx", "-o", str(out), "--now", now)
    assert result.code == 0, result.err
    from openpyxl import load_workbook

    sheet = load_workbook(out).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("number", "order_number", "customer", "status")
    inv1 = next(r for r in rows if r[0] == "INV-1")
    assert (inv1[3], float(inv1[8]), inv1[9], inv1[10]) == ("overdue", 1000.0, "EUR", 5)

    result = run_crm(capsys, "import", "invoices", str(tmp_path / "missing.csv"))
    assert (result.code, result.err.count("\n")) == (1, 1)
    bad_header = write(tmp_path, "h.csv", "number,amount\nX,1\n")
    result = run_crm(capsys, "import", "invoices", str(bad_header))
    assert result.code == 1
    assert "missing column(s): due_at, currency" in result.err


@pytest.mark.usefixtures("crm_env")
def test_cli_credit_limit_and_hold(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    now = "2026-11-23T09:00:00+00:00"
    for kind, text in (("orders", ORDERS), ("invoices", INVOICES), ("payments", PAYMENTS)):
        path = write(tmp_path, f"{kind}.csv", text)
        assert run_crm(capsys, "import", kind, str(path), "--now", now).code == 0
    result = run_crm(capsys, "credit", "set", "acme.com", "1500", "EUR")
    assert result.out.strip() == "Acme Inc: credit limit EUR 1,500.00"
    result = run_crm(capsys, "credit", "show", "acme inc", "--now", now)
    assert result.out.strip() == "Acme Inc: limit EUR 1,500.00, used EUR 1,000.00"
    assert run_crm(capsys, "credit", "set", "Acme Inc", "900").code == 0
    result = run_crm(capsys, "credit", "show", "acme.com", "--now", now)
    assert result.out.strip().endswith("used EUR 1,000.00 — ON HOLD")
    result = run_crm(capsys, "credit", "set", "nobody.example", "1", "EUR")
    assert (result.code, result.err.strip()) == (1, "error: no company 'nobody.example'")


def test_customers_of_one_chunk_are_matched_as_one_row_at_a_time_would(
    db: Database, tmp_path: Path, now: datetime
) -> None:
    text = """number,order_number,customer,customer_email,issued_at,due_at,amount,currency
INV-10,,Acme Inc,ap@acme.com,2026-11-01,2026-11-15,10.00,EUR
INV-11,,ACME INC,,2026-11-01,2026-11-15,11.00,EUR
INV-12,,Acme Billing,billing@acme.com,2026-11-01,2026-11-15,12.00,EUR
INV-13,,Someone Else,ap@acme.com,2026-11-01,2026-11-15,13.00,EUR
INV-14,,Jo Private,jo@gmail.com,2026-11-01,2026-11-15,14.00,EUR
INV-10,,Acme Inc,ap@acme.com,2026-11-01,2026-11-15,15.00,EUR
"""
    report = import_sales_file(db, "invoices", write(tmp_path, "i.csv", text), now=now, tz=TZ)
    assert (report.created, report.updated, report.rejected) == (5, 1, [])
    with db.read() as s:
        companies = {c.name: c for c in s.scalars(select(Company))}
        assert sorted(companies) == ["Acme Inc", "Jo Private"]
        acme = companies["Acme Inc"]
        assert acme.domain == "acme.com" and companies["Jo Private"].domain is None
        invoices = {i.number: i for i in s.scalars(select(Invoice))}
        assert {n: i.company_id for n, i in invoices.items()} == {
            "INV-10": acme.id,
            "INV-11": acme.id,
            "INV-12": acme.id,
            "INV-13": acme.id,
            "INV-14": companies["Jo Private"].id,
        }
        assert invoices["INV-10"].amount_minor == 1500
        assert invoices["INV-10"].contact_id == invoices["INV-13"].contact_id
        assert s.scalar(select(func.count()).select_from(Contact)) == 3
        events = s.scalars(
            select(Interaction.source_id)
            .where(Interaction.source_id.like("invoice:INV-10:%"))
            .order_by(Interaction.id)
        ).all()
        assert events[0] == "invoice:INV-10:created" and events[1].startswith(
            "invoice:INV-10:amount:1500:"
        )


def test_a_refused_invoice_row_creates_no_customer(
    db: Database, tmp_path: Path, now: datetime
) -> None:
    import_all(db, tmp_path, now)  # INV-1 has 250.00 paid
    before = counts(db)
    text = """number,order_number,customer,customer_email,issued_at,due_at,amount,currency
INV-1,,Newco,ap@newco.example,2026-11-04,2026-11-18,100.00,EUR
"""
    report = import_sales_file(db, "invoices", write(tmp_path, "i.csv", text), now=now, tz=TZ)
    assert [r.line for r in report.rejected] == [2]
    assert "below the" in report.rejected[0].reason
    assert counts(db) == before
