"""The conversation engine answers like a colleague who knows the customer book."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.conversation import VIEWER_REFUSAL, Target, answer
from store.db import Database
from store.models import Interaction, InteractionKind, Invoice, Task, TaskStatus
from store.settings import Settings, load_settings
from tests.crm_seed import NOW, Book, seed

CONTACT_KEYS = {"id", "name", "email", "phone", "title", "company", "last_contacted_at"}
INTERACTION_KEYS = {"id", "kind", "occurred_at", "subject", "message_id"}
TASK_KEYS = {"id", "title", "due", "status", "assignee"}
ORDER_KEYS = {"number", "status", "ordered_at", "shipped_at", "total", "currency"}
INVOICE_KEYS = {
    "number",
    "status",
    "issued_at",
    "due_at",
    "amount",
    "paid",
    "currency",
    "days_overdue",
}


@pytest.fixture
def store(request: pytest.FixtureRequest) -> Database:
    """SQLite by default; tests marked `both` also run on PostgreSQL (via `db`)."""
    if "db" in request.fixturenames:
        return request.getfixturevalue("db")  # type: ignore[no-any-return]
    return request.getfixturevalue("sqlite_db")  # type: ignore[no-any-return]


@pytest.fixture
def settings(store: Database) -> Settings:
    return load_settings(database_url=store.url)


@pytest.fixture
def book(store: Database) -> Book:
    return seed(store)


def ask(db: Database, settings: Settings, user: object, text: str, **kw: object):  # type: ignore[no-untyped-def]
    return answer(db, settings, user, text, now=NOW, **kw)  # type: ignore[arg-type]


def test_find_company_shows_the_whole_card(db: Database, settings: Settings, book: Book) -> None:
    reply = ask(db, settings, book.alice, "find acme")
    assert reply.text.startswith("Acme Inc (acme.com)")
    assert "Owner: Alice Admin" in reply.text
    assert "Last contacted: Fri 20 Nov 2026 10:00" in reply.text  # Alice reads Berlin time
    assert "SO-1042" in reply.text and "shipped Tue 17 Nov 2026" in reply.text
    assert "INV-2026-0031" in reply.text and "10 days overdue" in reply.text
    assert "Credit: EUR 1,250.00 used of EUR 10,000.00" in reply.text
    assert "Send revised quote" in reply.text
    data = reply.to_json()
    assert set(data) == {"text", "contacts", "interactions", "tasks", "orders", "invoices"}
    assert {c["name"] for c in data["contacts"]} == {"Jane Doe", "John Roe"}
    assert all(set(c) == CONTACT_KEYS for c in data["contacts"])
    assert all(set(i) == INTERACTION_KEYS for i in data["interactions"])
    assert data["interactions"][0]["message_id"] == "<pricing@acme.com>"
    assert [set(t) for t in data["tasks"]] == [TASK_KEYS]
    assert data["orders"] == [
        {
            "number": "SO-1042",
            "status": "shipped",
            "ordered_at": "2026-11-03T09:00:00+00:00",
            "shipped_at": "2026-11-17T09:00:00+00:00",
            "total": "1250.00",
            "currency": "EUR",
        }
    ]
    (invoice,) = data["invoices"]
    assert set(invoice) == INVOICE_KEYS
    assert (invoice["status"], invoice["amount"], invoice["paid"], invoice["days_overdue"]) == (
        "overdue",
        "1250.00",
        "0.00",
        10,
    )


def test_who_is_by_email_gives_the_contact_card(
    store: Database, settings: Settings, book: Book
) -> None:
    reply = ask(store, settings, book.bob, "who is jane@acme.com")
    assert reply.text.splitlines()[0] == "Jane Doe, Head of Purchasing at Acme Inc"
    assert "Last contacted: Fri 20 Nov 2026 04:00" in reply.text  # Bob reads New York time
    assert reply.contacts[0]["email"] == "jane@acme.com"
    assert reply.interactions and reply.invoices


def test_several_matches_give_a_short_numbered_list(
    store: Database, settings: Settings, book: Book
) -> None:
    reply = ask(store, settings, book.alice, "find jane")
    lines = reply.text.splitlines()
    assert lines[0] == "Several matches for 'jane'; which one?"
    assert lines[1].startswith("1. Jane Do") and lines[2].startswith("2. Jane Do")
    assert reply.contacts == ()
    exact = ask(store, settings, book.alice, "find Jane Doe")
    assert exact.text.startswith("Jane Doe, Head of Purchasing")
    assert ask(store, settings, book.alice, "find Acme Inc").text.startswith("Acme Inc (acme.com)")


def test_nothing_found_says_so(store: Database, settings: Settings, book: Book) -> None:
    assert (
        "no contact or company matching 'zzyzx'"
        in ask(store, settings, book.alice, "find zzyzx").text
    )


def test_log_a_call_and_undo_it(db: Database, settings: Settings, book: Book) -> None:
    reply = ask(db, settings, book.bob, "log call with Jane Doe: she wants 50 more units")
    assert reply.text == "Logged a call on Jane Doe, Acme Inc: she wants 50 more units"
    assert reply.change_id is not None and reply.interactions[0]["kind"] == "call"
    with db.read() as s:
        calls = s.scalars(select(Interaction).where(Interaction.kind == InteractionKind.CALL))
        assert [c.user_id for c in calls] == [book.bob.id]
    undone = ask(db, settings, book.bob, "undo")
    assert undone.text.startswith("Undone: log call with Jane Doe")
    with db.read() as s:
        count = s.scalar(select(func.count()).where(Interaction.kind == InteractionKind.CALL))
        assert count == 0
    assert ask(db, settings, book.bob, "undo").text == "There is nothing of yours to undo."


def test_an_ambiguous_log_writes_nothing_until_confirmed(
    store: Database, settings: Settings, book: Book
) -> None:
    reply = ask(store, settings, book.bob, "note jane: prefers email")
    assert reply.text.startswith("Several matches for 'jane'")
    assert reply.change_id is None
    with store.read() as s:
        assert s.scalar(select(func.count()).where(Interaction.kind == InteractionKind.NOTE)) == 0
    pinned = ask(
        store,
        settings,
        book.bob,
        "note jane: prefers email",
        target=Target("contact", book.jane_id),
    )
    assert pinned.text == "Logged a note on Jane Doe, Acme Inc: prefers email"


def test_tasks_done_and_snooze(db: Database, settings: Settings, book: Book) -> None:
    listed = ask(db, settings, book.alice, "tasks")
    assert listed.text.splitlines()[1].startswith(f"#{book.task_id} Send revised quote")
    snoozed = ask(db, settings, book.alice, f"snooze {book.task_id} to Monday")
    assert snoozed.text.startswith(f"Snoozed #{book.task_id} Send revised quote until")
    done = ask(db, settings, book.alice, f"done {book.task_id}")
    assert done.text == f"Done: #{book.task_id} Send revised quote"
    assert done.tasks[0]["status"] == "done"
    again = ask(db, settings, book.alice, f"done {book.task_id}")
    assert "already done" in again.text
    assert ask(db, settings, book.alice, "tasks").text == "You have no open tasks."


def test_someone_elses_task_is_refused(store: Database, settings: Settings, book: Book) -> None:
    reply = ask(store, settings, book.bob, f"done {book.task_id}")
    assert reply.text == (
        f"Task #{book.task_id} belongs to Alice Admin; only they or an admin can change it."
    )
    with store.read() as s:
        assert s.get(Task, book.task_id).status == TaskStatus.OPEN  # type: ignore[union-attr]


def test_reminder_lands_in_the_askers_zone(store: Database, settings: Settings, book: Book) -> None:
    reply = ask(store, settings, book.bob, "remind me to call Bob at Acme tomorrow")
    due = reply.tasks[0]["due"]
    assert due == "2026-11-24T14:00:00+00:00"  # 09:00 in New York
    assert reply.tasks[0]["assignee"] == "bob@ourco.com"


def test_viewers_read_but_do_not_write(store: Database, settings: Settings, book: Book) -> None:
    assert "Acme Inc" in ask(store, settings, book.vera, "find acme").text
    for text in ("log call with Jane Doe: hi", f"done {book.task_id}", "paid INV-2026-0031 5"):
        reply = ask(store, settings, book.vera, text)
        assert reply.text == VIEWER_REFUSAL and reply.refused
    with store.read() as s:
        assert s.scalar(select(func.count()).where(Interaction.kind == InteractionKind.CALL)) == 0


def test_sales_view_and_payment(db: Database, settings: Settings, book: Book) -> None:
    order = ask(db, settings, book.bob, "order SO-1042")
    assert order.orders[0]["number"] == "SO-1042" and "Customer: Acme Inc" in order.text
    assert "There is no order SO-9" in ask(db, settings, book.bob, "order SO-9").text
    overdue = ask(db, settings, book.bob, "overdue")
    assert "INV-2026-0031" in overdue.text and "[Acme Inc]" in overdue.text
    paid = ask(db, settings, book.bob, "paid INV-2026-0031 500")
    assert paid.text == "Recorded EUR 500.00 on INV-2026-0031; now overdue, EUR 750.00 left."
    assert paid.invoices[0]["paid"] == "500.00"
    with db.read() as s:
        invoice = s.scalar(select(Invoice).where(Invoice.number == "INV-2026-0031"))
        assert invoice is not None and invoice.paid_minor == 50_000
    bad = ask(db, settings, book.bob, "paid INV-2026-0031 0")
    assert bad.text == "Give an amount above zero, e.g. `paid INV-2026-0031 500`."
    # the key a chat payment is stored under is not something a person wrote: never shown
    shown = ask(db, settings, book.bob, "invoice INV-2026-0031").text
    assert "paid EUR 500.00 on " in shown and "chat:" not in shown
    with db.read() as s:
        subjects = s.scalars(
            select(Interaction.subject).where(Interaction.kind == InteractionKind.PAYMENT)
        ).all()
    assert subjects and all(x.startswith("Payment received EUR 500.00") for x in subjects)


def test_reports_and_help(store: Database, settings: Settings, book: Book) -> None:
    stale = ask(store, settings, book.bob, "stale 30")
    assert "Globex Labs: last contacted never" in stale.text and "Acme" not in stale.text
    stats = ask(store, settings, book.alice, "stats")
    assert "last 7 days: 1 / 1" in stats.text and "Emails exchanged in 30 days: 1" in stats.text
    assert ask(store, settings, book.bob, "help").text.startswith("Things you can ask me:")
    digest = ask(store, settings, book.alice, "digest").text
    assert digest.startswith("Your day, Monday 23 November 2026")
    assert "RECEIVABLES AGING" in digest
