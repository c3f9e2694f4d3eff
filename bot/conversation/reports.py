"""`stale N`, `stats` and `digest`: looking back over the book of customers."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import func, or_, select

from bot.conversation.reply import Reply
from bot.conversation.turn import Refusal, Turn, when
from jobs.digest import preview
from store.models import Company, Interaction, InteractionKind, Order, OrderStatus

ACCEPTED = (OrderStatus.CONFIRMED, OrderStatus.SHIPPED, OrderStatus.DELIVERED)


def stale(turn: Turn) -> Reply:
    raw = turn.command.args.get("days")
    days = int(raw) if raw is not None and str(raw).isdigit() else turn.settings.stale_days
    if days < 1:
        raise Refusal("Give a number of days, e.g. `stale 30`.")
    cutoff = turn.now - timedelta(days=days)
    rows = list(
        turn.session.scalars(
            select(Company)
            .where(or_(Company.last_contacted_at.is_(None), Company.last_contacted_at < cutoff))
            .order_by(Company.last_contacted_at.asc().nulls_first(), Company.name)
            .limit(25)
        )
    )
    if not rows:
        return Reply(f"Every customer was contacted in the last {days} days.")
    lines = [f"Customers nobody has contacted in {days} days:"]
    for company in rows:
        owner = company.owner.name if company.owner else "no owner"
        lines.append(
            f"  {company.name}: last contacted {when(company.last_contacted_at, turn.tz)} ({owner})"
        )
    return Reply("\n".join(lines))


def _count(turn: Turn, *conditions: Any) -> int:
    return int(turn.session.scalar(select(func.count(Interaction.id)).where(*conditions)) or 0)


def stats(turn: Turn) -> Reply:
    week, month = turn.now - timedelta(days=7), turn.now - timedelta(days=30)
    last_week = (Interaction.occurred_at >= week, Interaction.occurred_at <= turn.now)
    last_month = (Interaction.occurred_at >= month, Interaction.occurred_at <= turn.now)
    mine = Interaction.user_id == turn.user.id
    emails = _count(turn, *last_month, Interaction.kind == InteractionKind.EMAIL)
    counted = turn.session.execute(
        select(Order.status, func.count(Order.id))
        .where(Order.updated_at >= month)
        .group_by(Order.status)
    )
    quotes = {status: int(n) for status, n in counted}
    accepted = sum(quotes.get(s, 0) for s in ACCEPTED)
    lines = [
        "Interactions (team / yours):",
        f"  last 7 days: {_count(turn, *last_week)} / {_count(turn, *last_week, mine)}",
        f"  last 30 days: {_count(turn, *last_month)} / {_count(turn, *last_month, mine)}",
        f"Emails exchanged in 30 days: {emails}",
        f"Quotes in 30 days: {accepted} accepted, {quotes.get(OrderStatus.REJECTED, 0)} rejected, "
        f"{quotes.get(OrderStatus.QUOTE, 0)} open",
    ]
    return Reply("\n".join(lines))


def digest(turn: Turn) -> Reply:
    """A preview of the asker's daily digest, as the digest job would render it today."""
    rendered = preview(turn.session, turn.settings, turn.user, turn.now)
    return Reply(f"{rendered.subject}\n\n{rendered.text.strip()}")
