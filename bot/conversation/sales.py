"""The sales view by chat: orders, invoices, what is overdue, payments and promises."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select

from bot.conversation.money_view import (
    InvoiceView,
    open_invoice_views,
    order_line,
    order_records,
    views,
)
from bot.conversation.reply import Reply, order_record
from bot.conversation.targets import resolve
from bot.conversation.turn import Refusal, Turn, day
from store.models import Company, Invoice, InvoiceStatus
from store.money import MoneyError, format_money, to_minor
from store.sales import (
    SalesError,
    find_invoice,
    find_order,
    orders_for_company,
    record_payment,
    record_promise,
)
from store.sales.payments import shown_reference


def _number(turn: Turn, what: str) -> str:
    number = turn.arg("number")
    if not number:
        raise Refusal(f"Which {what}? Give its number, e.g. `{what} SO-1042`.")
    return number


def order(turn: Turn) -> Reply:
    number = _number(turn, "order")
    found = find_order(turn.session, number)
    if found is None:
        raise Refusal(f"There is no order {number}.")
    customer = found.company.name if found.company else (found.customer_name or "unknown")
    lines = [f"Order {order_line(found, turn.tz)}", f"Customer: {customer}"]
    for line in found.lines:
        lines.append(f"  {line.quantity} x {line.description or line.sku or 'item'}")
    return Reply("\n".join(lines), orders=(order_record(found),))


def orders(turn: Turn) -> Reply:
    query = turn.arg("query")
    if not query and turn.target is None:
        raise Refusal("Whose orders? e.g. `orders acme`.")
    company = _company(turn, query)
    rows = orders_for_company(turn.session, company.id, limit=10)
    if not rows:
        return Reply(f"{company.name} has no orders.")
    lines = [f"Orders of {company.name}:", *(f"  {order_line(o, turn.tz)}" for o in rows)]
    return Reply("\n".join(lines), orders=tuple(order_records(rows)))


def invoice(turn: Turn) -> Reply:
    number = _number(turn, "invoice")
    found = find_invoice(turn.session, number)
    if found is None:
        raise Refusal(f"There is no invoice {number}.")
    view = views([found], now=turn.now, tz=turn.tz)[0]
    customer = found.company.name if found.company else (found.customer_name or "unknown")
    lines = [f"Invoice {view.line(turn.tz)}", f"Customer: {customer}"]
    for payment in found.payments:
        lines.append(
            f"  paid {format_money(payment.amount_minor, payment.currency)}"
            f" on {day(payment.received_at, turn.tz)}{shown_reference(payment.reference)}"
        )
    return Reply("\n".join(lines), invoices=(view.record(),))


def overdue_views(
    turn: Turn, *, owner_id: int | None = None, company_id: int | None = None
) -> list[InvoiceView]:
    query = select(Invoice).where(
        Invoice.status.in_([InvoiceStatus.OPEN, InvoiceStatus.DISPUTED]), Invoice.due_at < turn.now
    )
    if company_id is not None:
        query = query.where(Invoice.company_id == company_id)
    if owner_id is not None:
        query = query.join(Company, Invoice.company_id == Company.id).where(
            Company.owner_id == owner_id
        )
    rows = turn.session.scalars(query.order_by(Invoice.due_at).limit(200))
    found = [v for v in views(rows, now=turn.now, tz=turn.tz) if v.state.days_overdue > 0]
    return sorted(found, key=lambda v: -v.state.days_overdue)


def _company(turn: Turn, query: str) -> Company:
    found = resolve(turn.session, query, pinned=turn.target)
    if found.choices:
        raise Refusal(f"Several customers match {query!r}; name one more precisely.")
    company = found.company or (found.contact.company if found.contact else None)
    if company is None:
        raise Refusal(f"{query!r} is not linked to a company.")
    return company


def invoices(turn: Turn) -> Reply:
    query = turn.arg("query")
    if not query and turn.target is None:
        raise Refusal("Whose invoices? e.g. `invoices acme`.")
    company = _company(turn, query)
    rows = open_invoice_views(turn.session, company_id=company.id, now=turn.now, tz=turn.tz)
    if not rows:
        return Reply(f"{company.name} has no open invoices.")
    lines = [f"Open invoices of {company.name}:", *(f"  {v.line(turn.tz)}" for v in rows)]
    return Reply("\n".join(lines), invoices=tuple(v.record() for v in rows))


def overdue(turn: Turn) -> Reply:
    query = turn.arg("query")
    company = _company(turn, query) if query else None
    rows = overdue_views(turn, company_id=company.id if company else None)
    if not rows:
        return Reply(
            f"No invoice of {company.name} is overdue." if company else "No invoice is overdue."
        )
    lines = [f"Overdue invoices ({len(rows)}):"]
    for v in rows:
        customer = v.invoice.company.name if v.invoice.company else v.invoice.customer_name
        lines.append(f"  {v.line(turn.tz)} [{customer or 'unknown'}]")
    return Reply("\n".join(lines), invoices=tuple(v.record() for v in rows))


def paid(turn: Turn) -> Reply:
    number = _number(turn, "paid")
    found = find_invoice(turn.session, number)
    if found is None:
        raise Refusal(f"There is no invoice {number}.")
    currency = (turn.arg("currency") or found.currency).upper()
    raw = turn.arg("amount")
    try:
        amount = to_minor(raw, currency) if raw else found.remaining_minor
    except MoneyError as exc:
        raise Refusal(f"{exc}; e.g. `paid {number} 500`.") from None
    if raw and amount <= 0:
        raise Refusal(f"Give an amount above zero, e.g. `paid {number} 500`.")
    if amount <= 0:
        raise Refusal(f"Invoice {found.number} has nothing left to pay.")
    try:
        record_payment(
            turn.session,
            invoice_number=found.number,
            amount_minor=amount,
            currency=currency,
            received_at=turn.now,
            reference=f"chat:{turn.user.id}:{turn.now.isoformat()}",
            user_id=turn.user.id,
            now=turn.now,
        )
    except SalesError as exc:
        raise Refusal(str(exc)) from None
    turn.session.refresh(found)
    view = views([found], now=turn.now, tz=turn.tz)[0]
    return Reply(
        f"Recorded {format_money(amount, currency)} on {found.number}; now {view.state.status}, "
        f"{format_money(view.state.remaining_minor, found.currency)} left.",
        invoices=(view.record(),),
    )


def promise(turn: Turn) -> Reply:
    number = _number(turn, "promise")
    due: datetime | None = turn.command.due
    if due is None:
        raise Refusal(f"When did they promise to pay? e.g. `promise {number} friday`.")
    found = find_invoice(turn.session, number)
    if found is None:
        raise Refusal(f"There is no invoice {number}.")
    promised_on: date = due.astimezone(turn.tz).date()
    try:
        record_promise(
            turn.session,
            invoice_number=found.number,
            promised_on=promised_on,
            user_id=turn.user.id,
            now=turn.now,
        )
    except SalesError as exc:
        raise Refusal(str(exc)) from None
    turn.session.refresh(found)
    view = views([found], now=turn.now, tz=turn.tz)[0]
    return Reply(
        f"Noted: {found.number} promised for {day(promised_on, turn.tz)}; "
        "reminders pause until then.",
        invoices=(view.record(),),
    )
