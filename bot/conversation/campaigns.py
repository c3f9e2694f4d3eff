"""`campaign …` in chat: the newsletter commands of `crm campaign`, for admins.

A newsletter goes to many customers at once, so only admins may create, test, send or
pause one, and members are told so. Campaign writes are not part of `undo`: once a send
has started, taking it back cannot unsend what left; `campaign pause NAME` is the brake.

    campaigns | campaign list
    campaign status NAME | campaign preview NAME
    campaign create NAME            (next lines: `Subject: …`, `Segment: …`, then the body)
    campaign test NAME              (one copy to yourself)
    campaign send NAME [at WHEN]    (now, or scheduled)
    campaign pause NAME | campaign resume NAME
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.conversation.reply import Reply
from bot.conversation.turn import Refusal, when
from jobs.campaigns import service
from jobs.campaigns.render import TemplateError
from jobs.campaigns.segments import SegmentError, audience
from parsers.dates import resolve_due
from parsers.types import ParsedCommand
from store.db import Database
from store.models import Campaign, Role, User
from store.settings import Settings

USAGE = (
    "Campaign commands: `campaigns`, `campaign status NAME`, `campaign preview NAME`, "
    "`campaign create NAME` (then lines `Subject: …`, `Segment: …` and the Markdown body), "
    "`campaign test NAME`, `campaign send NAME [at WHEN]`, `campaign pause NAME`, "
    "`campaign resume NAME`."
)
ADMIN_ONLY = (
    "Only admins can manage newsletters, because a campaign mails many customers at once; "
    "ask an admin to do it or to make you one."
)
ERRORS = (service.CampaignError, TemplateError, SegmentError)
_HEADER = re.compile(r"^\s*(subject|segment)\s*:\s*(.*?)\s*$", re.IGNORECASE)
_CREATE = re.compile(r"campaigns?\s+(?:create|new)\s+", re.IGNORECASE)
_AT = re.compile(r"^(?P<name>.+?)\s+(?:at|on)\s+(?P<when>.+)$", re.IGNORECASE | re.DOTALL)


def handle(
    db: Database,
    settings: Settings,
    user: User,
    command: ParsedCommand,
    *,
    now: datetime,
    tz: ZoneInfo,
) -> Reply:
    """Answer one `campaign …` line; every refusal says why and writes nothing."""
    if user.role != Role.ADMIN:
        return Reply(ADMIN_ONLY, refused=True)
    sub = str(command.args.get("subcommand") or "list")
    rest = _full_rest(command) if sub in ("create", "new") else str(command.args.get("rest") or "")
    rest = rest.strip()
    action = _ACTIONS.get(sub)
    if action is None:
        return Reply(f"I do not know `campaign {sub}`. {USAGE}")
    try:
        with db.write() as session:
            return action(_Ask(session, settings, user, rest, now, tz))
    except Refusal as exc:
        return exc.as_reply()
    except ERRORS as exc:
        return Reply(f"I could not do that: {exc}")


def _full_rest(command: ParsedCommand) -> str:
    """The whole text after `campaign create`: a body may be longer than a chat line."""
    m = _CREATE.search(command.text)
    return command.text[m.end() :] if m else str(command.args.get("rest") or "")


@dataclass(frozen=True)
class _Ask:
    """One campaign request: the open transaction, who asks, the rest of the line, when."""

    session: Session
    settings: Settings
    user: User
    rest: str
    now: datetime
    tz: ZoneInfo


Action = Callable[[_Ask], Reply]


def _named(session: Session, text: str) -> Campaign:
    """The campaign a line names, with or without quotes, whatever its case."""
    name = text.strip().strip("\"'“”").strip()
    if not name:
        raise Refusal(f"Which campaign? {USAGE}")
    try:
        return service.get_campaign(session, name)
    except service.CampaignError:
        raise Refusal(f"There is no campaign named {name!r}; `campaigns` lists them.") from None


def _list(a: _Ask) -> Reply:
    rows = [
        service.stats(a.session, c)
        for c in a.session.scalars(select(Campaign).order_by(Campaign.id))
    ]
    if not rows:
        return Reply("No campaigns yet. " + USAGE)
    lines = [f"• {r.name}: {r.status}, {r.sent} of {r.audience} sent" for r in rows]
    return Reply("Campaigns:\n" + "\n".join(lines))


def _status(a: _Ask) -> Reply:
    s = service.stats(a.session, _named(a.session, a.rest))
    lines = [
        f"Campaign {s.name!r} is {s.status}.",
        f"Audience {s.audience}: {s.sent} sent, {s.delivered} delivered, {s.bounced} bounced, "
        f"{s.unsubscribed} unsubscribed, {s.complained} complained, {s.failed} failed, "
        f"{s.queued + s.pending} waiting.",
    ]
    if s.scheduled_at and s.status == "scheduled":
        lines.append(f"Scheduled for {when(s.scheduled_at, a.tz)}.")
    return Reply("\n".join(lines))


def _preview(a: _Ask) -> Reply:
    shown = service.preview(a.session, _named(a.session, a.rest), a.settings, now=a.now)
    return Reply(
        f"To: {shown.to}\nSubject: {shown.subject}\nAudience today: {shown.audience_size}\n\n"
        f"{shown.text}"
    )


def _create(a: _Ask) -> Reply:
    first, _, tail = a.rest.partition("\n")
    fields: dict[str, str] = {}
    body: list[str] = []
    for line in tail.splitlines():
        m = _HEADER.match(line)
        if m and not body and m.group(1).lower() not in fields:
            fields[m.group(1).lower()] = m.group(2)
        elif body or line.strip():
            body.append(line)
    if "subject" not in fields or not body:
        raise Refusal(
            "To create a campaign, write its name on the first line, then `Subject: …`, "
            "optionally `Segment: tag:newsletter`, then the Markdown body."
        )
    campaign = service.create_campaign(
        a.session,
        name=first.strip().strip("\"'“”"),
        subject=fields["subject"],
        body_md="\n".join(body).strip() + "\n",
        segment=fields.get("segment", ""),
        created_by_id=a.user.id,
        now=a.now,
    )
    size = len(audience(a.session, campaign.segment, now=a.now, zone=a.settings.zone))
    return Reply(
        f"Created the draft {campaign.name!r}; its segment selects {size} "
        f"{'person' if size == 1 else 'people'} today. "
        f"`campaign test {campaign.name}` sends you a copy."
    )


def _test(a: _Ask) -> Reply:
    campaign = _named(a.session, a.rest)
    row = service.test_send(a.session, campaign, a.settings, to=a.user.email, now=a.now)
    return Reply(f"A test copy of {campaign.name!r} is on its way to {a.user.email}: {row.subject}")


def _send(a: _Ask) -> Reply:
    m = _AT.match(a.rest)
    if m and not _exists(a.session, a.rest):  # a name may itself hold " at "
        campaign = _named(a.session, m.group("name"))
        at = _moment(m.group("when"), now=a.now, tz=a.tz)
        service.schedule(a.session, campaign, at, now=a.now)
        return Reply(f"{campaign.name!r} will be sent {when(at, a.tz)}.")
    campaign = _named(a.session, a.rest)
    size = service.start(a.session, campaign, a.settings, now=a.now)
    return Reply(
        f"Sending {campaign.name!r} to {size} {'person' if size == 1 else 'people'}; the "
        f"audience is fixed now. `campaign status {campaign.name}` follows it, "
        f"`campaign pause {campaign.name}` stops it."
    )


def _exists(session: Session, text: str) -> bool:
    try:
        _named(session, text)
    except Refusal:
        return False
    return True


def _moment(text: str, *, now: datetime, tz: ZoneInfo) -> datetime:
    """`2026-12-10T09:00`, `tomorrow at 9`, `Monday 10am`: a moment in the asker's zone."""
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        due = resolve_due(text, now=now, tz=tz, language="en")
        if due is None:
            raise Refusal(f"I could not read {text.strip()!r} as a date and time.") from None
        return due
    return value if value.tzinfo else value.replace(tzinfo=tz)


def _pause(a: _Ask) -> Reply:
    campaign = service.pause(a.session, _named(a.session, a.rest))
    return Reply(f"{campaign.name!r} is paused; what is not sent yet waits for `campaign resume`.")


def _resume(a: _Ask) -> Reply:
    campaign = service.resume(a.session, _named(a.session, a.rest))
    return Reply(f"{campaign.name!r} is {campaign.status} again.")


_ACTIONS: dict[str, Action] = {
    "list": _list,
    "status": _status,
    "preview": _preview,
    "create": _create,
    "new": _create,
    "test": _test,
    "send": _send,
    "schedule": _send,
    "pause": _pause,
    "stop": _pause,
    "resume": _resume,
}
