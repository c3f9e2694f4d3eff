"""The ERP sync against a real PostgreSQL database playing the ERP."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from jobs import erp_sync
from store.db import Database
from store.imports.report import Rejected
from store.models import Interaction, Invoice, JobState, Order, Payment
from store.sales import InvoiceCondition, find_invoice, find_order, invoice_state
from store.settings import load_settings

ERP_SCHEMA = """
CREATE TABLE customer (id int PRIMARY KEY, name text, email text);
CREATE TABLE sales_order (no text PRIMARY KEY, customer_id int, state text,
  created timestamptz, shipped timestamptz, total numeric(12,2), cur char(3),
  modified timestamptz NOT NULL);
CREATE TABLE invoice (no text PRIMARY KEY, order_no text, issued date, due date,
  amount numeric(12,2), cur char(3), state text, modified timestamptz NOT NULL);
CREATE TABLE payment (id serial PRIMARY KEY, invoice_no text, amount numeric(12,2),
  cur char(3), received timestamptz, ref text, modified timestamptz NOT NULL);
"""

MAPPING = """
[orders]
query = '''SELECT o.no AS number, c.name AS customer, c.email AS customer_email,
                  o.state AS status, o.created AS ordered_at, o.shipped AS shipped_at,
                  o.total AS total, o.cur AS currency, o.modified AS updated_at
           FROM sales_order o JOIN customer c ON c.id = o.customer_id
           WHERE o.modified >= :since ORDER BY o.modified'''
[invoices]
query = '''SELECT no AS number, order_no AS order_number, issued AS issued_at, due AS due_at,
                  amount, cur AS currency, state AS status, modified AS updated_at
           FROM invoice WHERE modified >= :since ORDER BY modified'''
[payments]
query = '''SELECT invoice_no AS invoice_number, amount, cur AS currency,
                  received AS received_at, ref AS reference, modified AS updated_at
           FROM payment WHERE modified >= :since ORDER BY modified'''
[values.status]
Canceled = "void"
"""


@pytest.fixture
def erp(fresh_pg_url: str) -> Iterator[sa.Engine]:
    engine = sa.create_engine(fresh_pg_url)
    with engine.begin() as conn:
        conn.exec_driver_sql(ERP_SCHEMA)
    yield engine
    engine.dispose()


def exec_erp(erp: sa.Engine, sql: str, **params: object) -> None:
    with erp.begin() as conn:
        conn.execute(sa.text(sql), params)


def test_only_rows_changed_in_the_erp_since_the_last_run_are_applied(
    db: Database, erp: sa.Engine, fresh_pg_url: str, tmp_path: Path, now: datetime
) -> None:
    mapping = tmp_path / "erp.toml"
    mapping.write_text(MAPPING, encoding="utf-8")
    settings = load_settings(
        database_url=db.url,
        erp_database_url=fresh_pg_url,
        erp_mapping=str(mapping),
        timezone="Europe/Berlin",
    )
    t0 = now - timedelta(days=3)
    exec_erp(erp, "INSERT INTO customer VALUES (1, 'Acme Inc', 'ap@acme.com')")
    for i, (no, state) in enumerate([("SO-1", "open"), ("SO-2", "confirmed")]):
        exec_erp(
            erp,
            "INSERT INTO sales_order VALUES (:no, 1, :st, :t, NULL, 500.00, 'EUR', :m)",
            no=no, st=state, t=t0, m=t0 + timedelta(minutes=i),
        )  # fmt: skip
    for i, no in enumerate(["INV-1", "INV-2"]):
        exec_erp(
            erp,
            "INSERT INTO invoice VALUES (:no, :o, '2026-11-01', '2026-11-15', 500.00, 'EUR',"
            " 'open', :m)",
            no=no, o=f"SO-{i + 1}", m=t0 + timedelta(minutes=i),
        )  # fmt: skip
    exec_erp(
        erp,
        "INSERT INTO payment (invoice_no, amount, cur, received, ref, modified)"
        " VALUES ('INV-1', 200.00, 'EUR', :t, 'B-1', :t), ('INV-9', 5.00, 'EUR', :t, 'B-2', :t)",
        t=t0,
    )

    first = erp_sync.run(db, settings, now=now)
    assert {k: r.summary() for k, r in first.reports.items()} == {
        "orders": "created 2, updated 0, unchanged 0, rejected 0",
        "invoices": "created 2, updated 0, unchanged 0, rejected 0",
        "payments": "created 1, updated 0, unchanged 0, rejected 1",
    }
    assert first.reports["payments"].rejected == [Rejected(2, "no invoice INV-9")]
    with db.read() as s:
        inv = find_invoice(s, "INV-1")
        assert inv is not None and inv.company is not None
        assert (inv.company.name, inv.paid_minor) == ("Acme Inc", 20_000)
        history_before = s.query(Interaction).count()

    t1 = now - timedelta(hours=1)
    exec_erp(erp, "UPDATE sales_order SET state = 'shipped', shipped = :t, modified = :t"
             " WHERE no = 'SO-2'", t=t1)  # fmt: skip
    exec_erp(erp, "UPDATE invoice SET state = 'Canceled', modified = :t WHERE no = 'INV-2'", t=t1)
    exec_erp(
        erp,
        "INSERT INTO invoice VALUES ('INV-9', NULL, '2026-11-20', '2026-12-20', 5.00, 'EUR',"
        " 'open', :t)",
        t=t1,
    )
    exec_erp(
        erp,
        "INSERT INTO payment (invoice_no, amount, cur, received, ref, modified)"
        " VALUES ('INV-1', 300.00, 'EUR', :t, 'B-3', :t)",
        t=t1,
    )
    # INV-9 has no customer of its own: it must still come in, unattached
    second = erp_sync.run(db, settings, now=now)
    orders, invoices, payments = (second.reports[k] for k in ("orders", "invoices", "payments"))
    assert (orders.created, orders.updated, len(orders.rejected)) == (0, 1, 0)
    assert orders.unchanged == 0
    assert (invoices.created, invoices.updated, invoices.unchanged) == (0, 1, 0)
    assert invoices.rejected == [Rejected(2, "no customer, customer_email or order_number")]
    # the held-back payment is read again; B-1 is not
    assert (payments.created, payments.updated, len(payments.rejected)) == (1, 0, 1)

    with db.read() as s:
        order = find_order(s, "SO-2")
        assert order is not None and order.status == "shipped"
        assert order.shipped_at == t1
        inv2 = find_invoice(s, "INV-2")
        assert inv2 is not None
        assert invoice_state(inv2, now=now, tz=settings.zone).status == InvoiceCondition.VOID
        inv1 = find_invoice(s, "INV-1")
        assert inv1 is not None and inv1.paid_minor == 50_000
        assert invoice_state(inv1, now=now, tz=settings.zone).status == InvoiceCondition.PAID
        assert s.query(Order).count() == 2 and s.query(Invoice).count() == 2
        assert s.query(Payment).count() == 2
        assert s.query(Interaction).count() == history_before + 3
        state = s.get(JobState, erp_sync.STATE)
        assert state is not None and "watermarks" in state.value

    third = erp_sync.run(db, settings, now=now)
    assert all(r.created == 0 and r.updated == 0 for r in third.reports.values())
