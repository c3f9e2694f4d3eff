"""Overdue-invoice reminders to customers ("dunning"), level by level, polite to firm.

One email per customer lists all its overdue invoices with what remains to pay. Levels are
days after the due date (`CRM_DUNNING_LEVELS`, default 3,10,20,30). A customer climbs one
level at a time and keeps the spacing between levels even after downtime. The customer's
progress lives in `job_state` (`dunning:<customer>`): a new episode starts when none of
the invoices reminded before is still overdue.

Never reminded: paid or void invoices, disputed ones, paused ones (invoice or company),
ones with a promise to pay that has not lapsed, and customers someone spoke to in the last
`CRM_DUNNING_QUIET_DAYS` days. Before the last level the account owner hears first, a day
ahead. Emails are due in the customer's business hours (09:00-17:00 Mon-Fri, company zone
or the team's); a queued reminder whose invoices got paid before it left is cancelled.
"""

from __future__ import annotations

import hashlib
import logging
from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from jobs import messages
from jobs.common import existing_keys, slack_enabled, zone_of
from jobs.dunning_data import (
    CONVERSATIONS,
    Customer,
    OverdueInvoice,
    billing_addresses,
    load_customers,
    overdue_invoices,
    recently_spoken_to,
)
from jobs.runlog import SweepResult
from store.db import Database
from store.models import (
    Company,
    Interaction,
    InteractionKind,
    Invoice,
    InvoiceStatus,
    JobState,
    OutboxMessage,
    OutboxStatus,
)
from store.money import format_money
from store.settings import Settings

log = logging.getLogger(__name__)
JOB = "dunning"
STATE = "dunning:"
OPEN_HOUR, CLOSE_HOUR = 9, 17

__all__ = ["CONVERSATIONS", "JOB", "business_slot", "run", "sweep"]


def business_slot(now: datetime, zone: ZoneInfo) -> datetime:
    """`now` if it is within 09:00-17:00 Mon-Fri in `zone`, else the next opening, in UTC."""
    local = now.astimezone(zone)
    for offset in range(8):
        day = local.date() + timedelta(days=offset)
        if day.weekday() >= 5:
            continue
        opens = datetime.combine(day, time(OPEN_HOUR), tzinfo=zone)
        closes = datetime.combine(day, time(CLOSE_HOUR), tzinfo=zone)
        if local < closes:
            return max(opens, local).astimezone(UTC)
    raise AssertionError("a week always has a working day")


def dedupe_key(customer: str, level: int, invoices: list[OverdueInvoice]) -> str:
    numbers = ",".join(sorted(i.number for i in invoices))
    key = f"dunning:{customer}:{level}:{numbers}"
    if len(key) <= 250:
        return key
    latest = max(i.due_date for i in invoices).isoformat()
    digest = hashlib.sha1(numbers.encode()).hexdigest()[:12]
    return f"dunning:{customer}:{level}:{latest}:{len(invoices)}:{digest}"


def _total(invoices: Iterable[OverdueInvoice]) -> str:
    sums: dict[str, int] = defaultdict(int)
    for inv in invoices:
        sums[inv.currency] += inv.remaining_minor
    return " + ".join(format_money(v, c) for c, v in sorted(sums.items()))


def _lines(invoices: list[OverdueInvoice]) -> list[dict[str, Any]]:
    return [
        {
            "number": i.number,
            "due_date": i.due_date.isoformat(),
            "days_overdue": i.days_overdue,
            "amount": format_money(i.amount_minor, i.currency),
            "paid": format_money(i.paid_minor, i.currency),
            "partially_paid": i.paid_minor > 0,
            "remaining": format_money(i.remaining_minor, i.currency),
        }
        for i in sorted(invoices, key=lambda i: (i.due_date, i.number))
    ]


class _Plan:
    """Where one customer stands: the level last sent and whether the next one is due."""

    def __init__(
        self,
        state: dict[str, Any] | None,
        invoices: list[OverdueInvoice],
        days: list[int],
        today: date,
    ) -> None:
        numbers = {i.number for i in invoices}
        same_episode = bool(state) and bool(numbers & set((state or {}).get("invoices", [])))
        self.state = dict(state or {}) if same_episode else {}
        self.prev = int(self.state.get("level", 0))
        sent_on = self.state.get("sent_on")
        self.last_sent = date.fromisoformat(sent_on) if sent_on else None
        warned = self.state.get("warned_on")
        self.warned_on = date.fromisoformat(warned) if warned else None
        self.max_days = max(i.days_overdue for i in invoices)
        self.days = days
        self.today = today
        self.next = self.prev + 1

    def ready(self, on: date) -> bool:
        """Could the next level go out on `on` (today or later)?"""
        if self.next > len(self.days):
            return False
        ahead = (on - self.today).days
        if self.max_days + ahead < self.days[self.next - 1]:
            return False
        if self.prev and self.last_sent is not None:
            gap = self.days[self.next - 1] - self.days[self.prev - 1]
            return (on - self.last_sent).days >= gap
        return True

    @property
    def is_last(self) -> bool:
        return self.next == len(self.days) and len(self.days) > 1


def sweep(session: Session, settings: Settings, now: datetime) -> SweepResult:
    team_zone = settings.zone
    today = now.astimezone(team_zone).date()
    days = settings.dunning_days
    cancelled = cancel_stale(session, now=now, today=today, zone=team_zone)
    invoices = overdue_invoices(session, today=today, zone=team_zone, min_days=days[0])
    groups: dict[str, list[OverdueInvoice]] = defaultdict(list)
    for inv in invoices:
        if inv.customer_key:
            groups[inv.customer_key].append(inv)
    customers = load_customers(session, groups)
    quiet = recently_spoken_to(session, since=now - timedelta(days=settings.dunning_quiet_days))
    states = {
        s.name[len(STATE) :]: s
        for s in session.scalars(select(JobState).where(JobState.name.like(f"{STATE}%")))
    }
    counts: dict[str, int] = defaultdict(int)
    counts["cancelled"] = cancelled
    todo: list[tuple[Customer, list[OverdueInvoice], _Plan, JobState | None]] = []
    for key, group in groups.items():
        customer = customers.get(key)
        if customer is None or customer.paused:
            counts["paused"] += 1
            continue
        if customer.quiet_key in quiet:
            counts["recently_contacted"] += 1
            continue
        state = states.get(key)
        plan = _Plan(state.value if state else None, group, days, today)
        if plan.ready(today) or plan.ready(today + timedelta(days=1)):
            todo.append((customer, group, plan, state))
        else:
            counts["waiting"] += 1
    # everything the reminders need, read in bulk rather than customer by customer
    addresses = billing_addresses(session, [(c, g) for c, g, _, _ in todo])
    taken = existing_keys(session, (dedupe_key(c.key, p.next, g) for c, g, p, _ in todo))
    outbox = messages.OutboxBatch(session)
    for customer, group, plan, state in todo:
        address = addresses.get(customer.key)
        outcome = _act(session, settings, now, customer, group, plan, state, address, taken, outbox)
        counts[outcome] += 1
    outbox.flush()
    queued = counts.get("reminded", 0) + counts.get("owner_warned", 0)
    return SweepResult(JOB, queued=queued, details=dict(counts))


def _act(
    session: Session,
    settings: Settings,
    now: datetime,
    customer: Customer,
    group: list[OverdueInvoice],
    plan: _Plan,
    state: JobState | None,
    address: tuple[int, str | None, str] | None,
    taken: set[str],
    outbox: messages.OutboxBatch,
) -> str:
    today = plan.today
    if plan.is_last and customer.owner is not None and plan.warned_on is None:
        if plan.ready(today + timedelta(days=1)):
            _warn_owner(session, settings, now, customer, group, plan)
            _save(
                session,
                state,
                customer.key,
                {
                    **plan.state,
                    "warned_on": today.isoformat(),
                    "invoices": sorted(i.number for i in group),
                },
                now,
            )
            return "owner_warned"
        return "waiting"
    if not plan.ready(today):
        return "waiting"
    if plan.is_last and plan.warned_on is not None and plan.warned_on >= today:
        return "waiting"  # the owner heard today; the customer hears tomorrow
    if address is None:
        log.warning("dunning: no email address for customer %s", customer.key)
        return "no_address"
    contact_id, name, email = address
    level = plan.next
    base = dedupe_key(customer.key, level, group)
    free = _free_key(session, base) if base in taken else base
    if free is None:
        return "already_queued"
    key = free
    zone = zone_of(customer.timezone, settings.zone)
    due_at = business_slot(now, zone)
    context = {
        "greeting": name or customer.name,
        "customer": customer.name,
        "invoices": _lines(group),
        "count": len(group),
        "total": _total(group),
        "signature": "Accounts receivable",
    }
    rendered = messages.dunning_reminder(
        outbox,
        to=email,
        dedupe_key=key,
        due_at=due_at,
        level=level,
        levels=len(plan.days),
        context=context,
        payload={"invoices": [i.id for i in group], "level": level},
    )
    session.add(
        Interaction(
            kind=InteractionKind.REMINDER,
            occurred_at=due_at,
            company_id=customer.company_id,
            contact_id=contact_id,
            direction="out",
            subject=rendered.subject,
            source_id=key,
            invoice_id=group[0].id if len(group) == 1 else None,
            summary=f"Payment reminder level {level}: {context['total']} outstanding on "
            + ", ".join(sorted(i.number for i in group)),
        )
    )
    new_state = {
        "level": level,
        "sent_on": today.isoformat(),
        "invoices": sorted(i.number for i in group),
        "warned_on": plan.state.get("warned_on"),
        "outbox_key": key,
        "prev": {k: v for k, v in plan.state.items() if k != "prev"} or None,
    }
    _save(session, state, customer.key, new_state, now)
    return "reminded"


def _free_key(session: Session, key: str) -> str | None:
    """`key`, or `key:rN` when earlier rows with it were cancelled before sending."""
    for n in range(1, 20):
        candidate = key if n == 1 else f"{key}:r{n}"
        status = session.scalar(
            select(OutboxMessage.status).where(OutboxMessage.dedupe_key == candidate)
        )
        if status is None:
            return candidate
        if status != OutboxStatus.CANCELLED:
            return None
    return None


def _warn_owner(
    session: Session,
    settings: Settings,
    now: datetime,
    customer: Customer,
    group: list[OverdueInvoice],
    plan: _Plan,
) -> None:
    owner = customer.owner
    assert owner is not None
    send_on = business_slot(now + timedelta(days=1), zone_of(customer.timezone, settings.zone))
    context = {
        "owner": owner,
        "customer": customer.name,
        "invoices": _lines(group),
        "count": len(group),
        "total": _total(group),
        "level": plan.next,
        "send_on": send_on.astimezone(zone_of(owner.timezone, settings.zone)).strftime("%a %d %b"),
        "to": customer.name,
    }
    key = f"dunning-owner:{customer.key}:{plan.next}:{min(i.due_date for i in group)}"
    messages.owner_escalation(
        session,
        to=owner.email,
        dedupe_key=key,
        due_at=now,
        context=context,
        slack_id=owner.slack_id if owner.slack_id and slack_enabled(settings) else None,
    )


def _save(
    session: Session, state: JobState | None, key: str, value: dict[str, Any], now: datetime
) -> None:
    if state is None:
        session.add(JobState(name=f"{STATE}{key}", value=value, updated_at=now))
    else:
        state.value = value
        state.updated_at = now


def cancel_stale(session: Session, *, now: datetime, today: date, zone: ZoneInfo) -> int:
    """Cancel queued reminders whose invoices were paid, voided, disputed or paused since.

    The customer's level goes back to where it was, so the next sweep writes a fresh
    reminder for whatever is still overdue.
    """
    rows = session.execute(  # only the columns needed: thousands may be waiting
        select(OutboxMessage.id, OutboxMessage.dedupe_key, OutboxMessage.payload).where(
            OutboxMessage.kind.like("dunning\\_%", escape="\\"),
            OutboxMessage.status == OutboxStatus.PENDING,
        )
    ).all()
    wanted = sorted({i for r in rows for i in (r.payload or {}).get("invoices", [])})
    stopped: set[int] = set()
    for i in range(0, len(wanted), 500):
        stopped.update(
            session.scalars(
                select(Invoice.id)
                .outerjoin(Company, Invoice.company_id == Company.id)
                .where(
                    Invoice.id.in_(wanted[i : i + 500]),
                    or_(
                        Invoice.status != InvoiceStatus.OPEN,
                        Invoice.paid_minor >= Invoice.amount_minor,
                        Invoice.dunning_paused.is_(True),
                        Invoice.promised_on >= today,
                        Company.dunning_paused.is_(True),
                    ),
                )
            )
        )
    cancelled = 0
    for row in rows:
        if not stopped.intersection((row.payload or {}).get("invoices", [])):
            continue
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == row.id, OutboxMessage.status == OutboxStatus.PENDING)
            .values(
                status=OutboxStatus.CANCELLED,
                last_error="cancelled before sending: an invoice was paid, voided or paused",
            )
        )
        session.execute(delete(Interaction).where(Interaction.source_id == row.dedupe_key))
        customer = row.dedupe_key.split(":")[1]
        state = session.get(JobState, f"{STATE}{customer}")
        if state is not None and state.value.get("outbox_key") == row.dedupe_key:
            state.value = dict(state.value.get("prev") or {})
            state.updated_at = now
        cancelled += 1
    return cancelled


def run(db: Database, settings: Settings, now: datetime) -> SweepResult:
    with db.write() as session:
        return sweep(session, settings, now)
