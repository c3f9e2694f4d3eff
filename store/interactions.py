"""Interactions: what was said or done with a customer, logged once per source.

The source id (an email's Message-ID, a Slack message ts) makes logging idempotent: the
same message filed twice, by a retry or by two people forwarding it, is one interaction.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from store.models import Company, Contact, Interaction, InteractionKind


def log_interaction(
    session: Session,
    *,
    kind: InteractionKind | str,
    occurred_at: datetime,
    user_id: int | None = None,
    contact_id: int | None = None,
    company_id: int | None = None,
    subject: str | None = None,
    summary: str | None = None,
    source_id: str | None = None,
    order_id: int | None = None,
    invoice_id: int | None = None,
    url: str | None = None,
    direction: str | None = None,
) -> tuple[Interaction, bool]:
    """Record an interaction; returns (row, created). A known `source_id` returns the old row.

    The company defaults to the contact's, and both get `last_contacted_at` moved forward
    (never back: an old email filed late does not make a customer look recently spoken to).
    """
    source_id = source_id.strip() if source_id and source_id.strip() else None
    if source_id is not None:
        existing = _by_source(session, source_id)
        if existing is not None:
            return existing, False
    contact = session.get(Contact, contact_id) if contact_id is not None else None
    if company_id is None and contact is not None:
        company_id = contact.company_id
    row = Interaction(
        kind=InteractionKind(kind),
        occurred_at=occurred_at,
        user_id=user_id,
        contact_id=contact_id,
        company_id=company_id,
        subject=subject[:500] if subject else subject,
        summary=summary,
        source_id=source_id,
        order_id=order_id,
        invoice_id=invoice_id,
        url=url,
        direction=direction,
    )
    if session.get_bind().dialect.name == "sqlite":
        # One writer at a time, and it has seen every commit before its own (BEGIN
        # IMMEDIATE locks at the start; a deferred transaction holding an older snapshot
        # is refused the write): nobody can file this source between the look-up above
        # and this insert, so the savepoint below would only cost time.
        session.add(row)
        session.flush()
    else:
        try:
            with session.begin_nested():
                session.add(row)
                session.flush()
        except IntegrityError:
            # Someone filed the same source concurrently: theirs stands.
            existing = _by_source(session, source_id) if source_id else None
            if existing is None:
                raise
            return existing, False
    _touch(session, contact, company_id, occurred_at)
    return row, True


def _touch(
    session: Session, contact: Contact | None, company_id: int | None, occurred_at: datetime
) -> None:
    """Move `last_contacted_at` forward on the contact and the company."""
    company = session.get(Company, company_id) if company_id is not None else None
    for target in (contact, company):
        if target is not None and (
            target.last_contacted_at is None or occurred_at > target.last_contacted_at
        ):
            target.last_contacted_at = occurred_at  # flushed with the caller's next write


def _by_source(session: Session, source_id: str) -> Interaction | None:
    return session.scalar(select(Interaction).where(Interaction.source_id == source_id))


def recent_interactions(
    session: Session,
    *,
    contact_id: int | None = None,
    company_id: int | None = None,
    limit: int = 5,
) -> list[Interaction]:
    """Newest first, for one contact, one company, or (neither given) everyone."""
    query = select(Interaction)
    if contact_id is not None:
        query = query.where(Interaction.contact_id == contact_id)
    if company_id is not None:
        query = query.where(Interaction.company_id == company_id)
    query = query.order_by(Interaction.occurred_at.desc(), Interaction.id.desc()).limit(limit)
    return list(session.scalars(query))
