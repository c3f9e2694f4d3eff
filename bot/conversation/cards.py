"""`find`: the customer card, everything a rep wants before picking up the phone.

Contact or company details, owner, last contacted, the last interactions, open tasks,
recent orders with status and ship date, open and overdue invoices with days overdue,
and the credit limit with how much of it is used.
"""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from bot.conversation.money_view import (
    credit_line,
    open_invoice_views,
    order_line,
    order_records,
)
from bot.conversation.reply import Reply, contact_record, interaction_record, task_record
from bot.conversation.targets import Resolved, choice_lines, resolve
from bot.conversation.turn import Turn, when
from store.interactions import recent_interactions
from store.models import Company, Contact, Interaction, Task, TaskStatus
from store.sales import orders_for_company


def find(turn: Turn) -> Reply:
    query = turn.arg("email") or turn.arg("query") or turn.command.text
    found = resolve(turn.session, query, pinned=turn.target)
    if found.choices:
        lines = [f"Several matches for {query!r}; which one?", *choice_lines(found.choices)]
        return Reply("\n".join(lines), extra={"choices": found.choices})
    return card(turn, found)


def card(turn: Turn, found: Resolved) -> Reply:
    lines: list[str] = []
    contacts: list[Contact] = []
    company = found.company
    if found.contact is not None:
        contact = found.contact
        contacts.append(contact)
        company = contact.company
        lines += _contact_lines(turn, contact)
    elif company is not None:
        lines += _company_lines(turn, company)
        contacts += _company_contacts(turn.session, company)
    interactions = _interactions(turn, found)
    if interactions:
        lines.append("Last interactions:")
        lines += [f"  {_interaction_line(turn, i)}" for i in interactions]
    open_tasks = _open_tasks(turn.session, found)
    if open_tasks:
        lines.append("Open tasks:")
        lines += [f"  #{t.id} {t.title} (due {when(t.due_at, turn.tz)})" for t in open_tasks]
    reply_orders, reply_invoices = [], []
    if company is not None:
        orders = orders_for_company(turn.session, company.id, limit=5)
        if orders:
            lines.append("Recent orders:")
            lines += [f"  {order_line(o, turn.tz)}" for o in orders]
            reply_orders = order_records(orders)
        invoices = open_invoice_views(turn.session, company_id=company.id, now=turn.now, tz=turn.tz)
        if invoices:
            overdue = sum(1 for v in invoices if v.state.days_overdue > 0)
            lines.append(f"Open invoices ({overdue} overdue):")
            lines += [f"  {v.line(turn.tz)}" for v in invoices]
            reply_invoices = [v.record() for v in invoices]
        credit = credit_line(company, invoices)
        if credit:
            lines.append(credit)
    return Reply(
        "\n".join(lines),
        contacts=tuple(contact_record(c) for c in contacts),
        interactions=tuple(interaction_record(i) for i in interactions),
        tasks=tuple(task_record(t) for t in open_tasks),
        orders=tuple(reply_orders),
        invoices=tuple(reply_invoices),
    )


def _contact_lines(turn: Turn, contact: Contact) -> list[str]:
    head = contact.name or contact.primary_email or f"contact #{contact.id}"
    if contact.title:
        head += f", {contact.title}"
    if contact.company is not None:
        head += f" at {contact.company.name}"
    lines = [head]
    details = [d for d in (contact.primary_email, contact.primary_phone) if d]
    if details:
        lines.append("  ".join(details))
    owner = contact.owner or (contact.company.owner if contact.company else None)
    lines.append(f"Owner: {owner.name if owner else 'nobody'}")
    lines.append(f"Last contacted: {when(contact.last_contacted_at, turn.tz)}")
    return lines


def _company_lines(turn: Turn, company: Company) -> list[str]:
    head = company.name + (f" ({company.domain})" if company.domain else "")
    return [
        f"{head}, {company.lifecycle}",
        f"Owner: {company.owner.name if company.owner else 'nobody'}",
        f"Last contacted: {when(company.last_contacted_at, turn.tz)}",
    ]


def _company_contacts(session: Session, company: Company) -> list[Contact]:
    return list(
        session.scalars(
            select(Contact)
            .options(selectinload(Contact.emails), selectinload(Contact.phones))
            .where(Contact.company_id == company.id, Contact.merged_into_id.is_(None))
            .order_by(Contact.last_contacted_at.desc().nulls_last(), Contact.id)
            .limit(10)
        )
    )


def _interactions(turn: Turn, found: Resolved) -> list[Interaction]:
    if found.contact is not None:
        return list(recent_interactions(turn.session, contact_id=found.contact.id, limit=5))
    assert found.company is not None
    return list(recent_interactions(turn.session, company_id=found.company.id, limit=5))


def _interaction_line(turn: Turn, interaction: Interaction) -> str:
    about = interaction.subject or (interaction.summary or "")[:80]
    who = f" by {interaction.user.name}" if interaction.user else ""
    return f"{when(interaction.occurred_at, turn.tz)}  {interaction.kind}{who}: {about}".rstrip()


def _open_tasks(session: Session, found: Resolved) -> list[Task]:
    conditions = []
    if found.contact is not None:
        conditions.append(Task.contact_id == found.contact.id)
    if found.company_id is not None:
        conditions.append(Task.company_id == found.company_id)
    if not conditions:
        return []
    return list(
        session.scalars(
            select(Task)
            .where(Task.status == TaskStatus.OPEN, or_(*conditions))
            .order_by(Task.due_at.asc().nulls_last(), Task.id)
            .limit(10)
        )
    )
