"""The chat grammar of `/crm …` in Slack and `crm ask`: one line -> one intent with arguments.

Explicit commands first (the first word decides):
    find acme | who is jane@acme.com | acme            -> find      {query}
    log call with Jane: she wants 50 more units        -> log       {kind, who, summary}
    note acme: prefers email                           -> note      {target, text}
    remind me to call Bob tomorrow at 10 | task X due Friday -> task {title}, due
    tasks | done 12 | snooze 12 to Monday | snooze 12 2 days -> tasks / done {task_id} /
                                                          snooze {task_id}, due
    order SO-1042 | orders acme | invoice INV-2026-0031 | invoices acme | overdue [acme]
    paid INV-2026-0031 500.00 EUR                      -> paid      {number, amount, currency}
    promise acme pays INV-7781 on Friday               -> promise   {number, company}, due
    stale 30 | stats | digest | undo | help | subscribe jane@acme.com |
    unsubscribe jane@acme.com | campaign <sub> <rest>
Then plain sentences: "what's up with acme?" -> find acme; "I called Jane, she wants 50
more units" -> log call; a sentence with an action and a date (in any language
`parsers.tasks` reads) -> task. A short phrase is a search; anything else is `unknown`.
Dates are resolved by `parsers.dates` in the asker's zone `tz`. `parse_note_commands` (the
`Key: value` lines atop a forwarded note) lives in `parsers.notecommands` and is
re-exported here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from parsers.dates import find_date, resolve_due
from parsers.language import detect_language
from parsers.notecommands import parse_note_commands
from parsers.refs import find_amounts, find_references, normalise_number
from parsers.tasks import extract_tasks, task_title
from parsers.types import ParsedCommand

__all__ = ["parse_command", "parse_note_commands"]

_MAX_LEN = 1000  # a chat command; longer text is cut (the regexes stay fast)
_PREFIX = re.compile(r"^\s*(?:/crm|crm|@crm\S*|<@\w+>)\s*[:,]?\s*", re.IGNORECASE)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_REF_TOKEN = re.compile(r"[A-Za-z]{0,4}[-#]?\d[\w/-]*")
_KINDS = {"call": "call", "phone": "call", "meeting": "meeting", "meet": "meeting",
          "email": "email", "mail": "email", "e-mail": "email", "note": "note", "visit": "meeting",
          "demo": "meeting", "lunch": "meeting", "chat": "call"}

_AT_COMPANY = re.compile(r"\s+(?:from|at|of|@)\s+", re.IGNORECASE)

Handler = Callable[[re.Match[str], "_Ctx"], ParsedCommand | None]


class _Ctx:
    def __init__(self, text: str, now: datetime, tz: str | ZoneInfo, language: str | None):
        self.text, self.now, self.tz, self.language = text, now, tz, language

    def out(self, intent: str, due: datetime | None = None, **args: Any) -> ParsedCommand:
        return ParsedCommand(intent=intent, text=self.text, args=args, due=due,
                             language=self.language)

    def due(self, when: str) -> datetime | None:
        return resolve_due(when, now=self.now, tz=self.tz, language=self.language)


def _clean_query(q: str) -> str:
    return re.sub(r"[?!.]+$", "", q.strip()).strip(" \"'")


def _find(m: re.Match[str], c: _Ctx) -> ParsedCommand:
    query = _clean_query(m.group("q"))
    email = _EMAIL.search(query)
    return c.out("find", query=query, email=email.group(0).lower() if email else None)


def _log(m: re.Match[str], c: _Ctx) -> ParsedCommand:
    kind = _KINDS.get(m.group("kind").lower(), "note")
    who, *company = _AT_COMPANY.split((m.group("who") or "").strip(" ,"), maxsplit=1)
    summary = (m.group("summary") or "").strip() or None
    return c.out("log", kind=kind, who=who or None,
                 company=company[0].strip() if company else None, summary=summary)


def _note(m: re.Match[str], c: _Ctx) -> ParsedCommand:
    target = (m.group("target") or "").strip() or None
    return c.out("note", target=target, text=m.group("body").strip())


def _task(m: re.Match[str], c: _Ctx) -> ParsedCommand:
    title, when = m.group("title").strip(), m.group("when")
    due = c.due(when) if when else None
    if due is None:
        match = find_date(title, now=c.now, tz=c.tz, language=c.language)
        if match:
            due = match.due
            title = task_title(title, match, c.language) or title
    title = re.sub(r"[.!]+$", "", title).strip()
    return c.out("task", due=due, title=title[:1].upper() + title[1:])


def _remind(m: re.Match[str], c: _Ctx) -> ParsedCommand | None:
    tasks = extract_tasks(c.text, now=c.now, tz=c.tz, language=c.language)
    if tasks:
        return c.out("task", due=tasks[0].due, title=tasks[0].title)
    title = task_title(m.group(0), None, c.language) or m.group("rest")
    return c.out("task", title=title)


def _snooze(m: re.Match[str], c: _Ctx) -> ParsedCommand:
    when = m.group("when").strip()
    due = c.due(when)
    args: dict[str, Any] = {"task_id": int(m.group("id")), "when": when}
    if due is None:
        args["error"] = f"cannot read the date {when!r}"
    return c.out("snooze", due=due, **args)


def _number(m: re.Match[str], c: _Ctx, intent: str) -> ParsedCommand:
    return c.out(intent, number=m.group("num").strip().upper().rstrip(".,"))


def _paid(m: re.Match[str], c: _Ctx) -> ParsedCommand:
    rest = m.group("rest") or ""
    amounts = find_amounts(rest, c.language)
    amount, currency = (amounts[0].value, amounts[0].currency) if amounts else (None, None)
    if amount is None:
        bare = re.search(r"(?<![\w-])(\d[\d\s.,']*)(?:\s*([A-Z]{3}))?\b", rest)
        if bare:
            value = normalise_number(bare.group(1).strip())
            amount = f"{value:.2f}" if value is not None else None
            currency = bare.group(2)
    return c.out("paid", number=m.group("num").upper(), amount=amount, currency=currency)


def _promise(m: re.Match[str], c: _Ctx) -> ParsedCommand:
    body = m.group("body")
    refs = find_references(body)
    number = refs[0].number if refs else None
    if number is None:
        token = _REF_TOKEN.search(body)
        number = token.group(0) if token else None
    match = find_date(body, now=c.now, tz=c.tz, language=c.language)
    company = re.match(r"\s*(?P<c>.+?)\s+(?:pays|will\s+pay|to\s+pay|promised|promises)\b",
                       body, re.IGNORECASE)
    return c.out("promise", due=match.due if match else None, number=number,
                 company=company.group("c").strip() if company else None,
                 promised_on=match.due.date().isoformat() if match else None)


def _simple(intent: str) -> Handler:
    return lambda m, c: c.out(intent)


def _query(intent: str) -> Handler:
    return lambda m, c: c.out(intent, query=_clean_query(m.group("q") or "") or None)


def _campaign(m: re.Match[str], c: _Ctx) -> ParsedCommand:
    parts = (m.group("rest") or "").strip().split(None, 1)
    return c.out("campaign", subcommand=parts[0].lower() if parts else None,
                 rest=parts[1] if len(parts) > 1 else None)


_WHO = r"(?P<who>[^:,;]+?)"
_RULES: list[tuple[str, Handler]] = [
    (r"(?:help|\?|hilfe|hjälp|помощь|帮助|ช่วยเหลือ)", _simple("help")),
    (r"(?:undo|rückgängig|ångra|отмена|撤销)", _simple("undo")),
    (r"(?:stats|statistics|statistik)", _simple("stats")),
    (r"(?:digest|summary|briefing)", _simple("digest")),
    (r"(?:tasks|my\s+tasks|open\s+tasks|todos?|aufgaben|uppgifter|задачи|任务)", _simple("tasks")),
    (r"(?:overdue|past\s+due|überfällig|förfallna)(?:\s+(?:for\s+)?(?P<q>.+))?", _query("overdue")),
    (r"(?:stale)(?:\s+(?P<days>\d{1,4}))?(?:\s*days?)?",
     lambda m, c: c.out("stale", days=int(m.group("days") or 30))),
    (r"(?:done|complete|completed|finish|finished|erledigt|klar|klart|готово)\s+#?(?P<id>\d+)",
     lambda m, c: c.out("done", task_id=int(m.group("id")))),
    (r"snooze\s+#?(?P<id>\d+)\s+(?:to\s+|until\s+|till\s+|for\s+)?(?P<when>.+)", _snooze),
    (r"orders(?:\s+(?:for|of)?\s*(?P<q>.+))?", _query("orders")),
    (r"(?:order|bestellung|auftrag|заказ)\s+(?:#|no\.?\s*|nr\.?\s*|№\s*)?(?P<num>\S+)",
     lambda m, c: _number(m, c, "order")),
    (r"invoices(?:\s+(?:for|of)?\s*(?P<q>.+))?", _query("invoices")),
    (r"(?:invoice|rechnung|faktura|счёт|счет)\s+(?:#|no\.?\s*|nr\.?\s*|№\s*)?(?P<num>\S+)",
     lambda m, c: _number(m, c, "invoice")),
    (r"paid\s+(?:invoice\s+)?(?P<num>[\w/-]*\d[\w/-]*)(?P<rest>.*)", _paid),
    (r"promise[sd]?\s+(?P<body>.+)", _promise),
    (r"unsubscribe\s+(?P<email>\S+@\S+)",
     lambda m, c: c.out("unsubscribe", email=m.group("email").lower())),
    (r"subscribe\s+(?P<email>\S+@\S+)",
     lambda m, c: c.out("subscribe", email=m.group("email").lower())),
    (r"campaigns?(?:\s+(?P<rest>.+))?", _campaign),
    (r"log\s+(?:an?\s+)?(?P<kind>call|phone|meeting|meet|email|e-mail|mail|note|visit|demo|lunch)"
     rf"(?:\s+(?:with|to|from|for|at)\s+{_WHO})?\s*(?:[:,;-]|\s+about\s+|$)\s*(?P<summary>.*)",
     _log),
    (r"note\s*(?P<target>[^:]{0,80}?)\s*:\s*(?P<body>.+)", _note),
    (r"(?:task|todo|add\s+task|new\s+task)\s*:?\s+(?P<title>.+?)"
     r"(?:\s+(?:due|by|deadline)\s+(?P<when>[^,.;]+))?[.!]?", _task),
    (r"(?:remind\s+me|reminder|påminn\s+mig|erinnere?\s+mich|напомни(?:те)?|提醒我|เตือน)"
     r"(?P<rest>.*)", _remind),
    (r"(?:find|search|lookup|look\s+up|show|who\s+is|who's|whois|wer\s+ist|vem\s+är|кто\s+такой"
     r"|кто\s+такая|suche?|sök|найти|найди)\s+(?P<q>.+)", _find),
]
_COMPILED = [(re.compile(rf"^\s*{p}\s*$", re.IGNORECASE | re.DOTALL), h) for p, h in _RULES]

_PLAIN_FIND = re.compile(
    r"^\s*(?:what'?s\s+(?:up|new|going\s+on)\s+with|what\s+about|how\s+is|how'?s|any\s+news\s+"
    r"(?:on|from|about)|tell\s+me\s+about|status\s+of|info\s+on|news\s+on|was\s+gibt'?s\s+neues"
    r"\s+(?:bei|von)|hur\s+går\s+det\s+för|что\s+нового\s+(?:у|с))\s+(?P<q>.+?)"
    r"(?:\s+doing)?\s*\??\s*$",
    re.IGNORECASE,
)
_PLAIN_LOG = re.compile(
    r"^\s*(?:i|we|just)?\s*(?:just\s+)?(?P<verb>called|phoned|rang|spoke\s+(?:with|to)|talked\s+"
    r"(?:with|to)|had\s+a\s+call\s+with|met(?:\s+with)?|had\s+a\s+meeting\s+with|visited|"
    r"emailed|e-mailed|mailed|wrote\s+to)\s+(?P<who>[^,.;:]+?)"
    r"(?:\s+(?:today|yesterday|this\s+morning|this\s+afternoon))?\s*(?:[,.;:-]\s*|\s+and\s+|"
    r"\s+about\s+|$)(?P<summary>.*)$",
    re.IGNORECASE | re.DOTALL,
)
_VERB_KINDS = {"called": "call", "phoned": "call", "rang": "call", "spoke": "call",
               "talked": "call", "had": "call", "met": "meeting", "visited": "meeting",
               "emailed": "email", "e-mailed": "email", "mailed": "email", "wrote": "email"}


def _plain(c: _Ctx, text: str) -> ParsedCommand:
    m = _PLAIN_FIND.match(text)
    if m:
        return _find(m, c)
    m = _PLAIN_LOG.match(text)
    if m:
        verb = m.group("verb").lower()
        kind = "meeting" if "meeting" in verb else _VERB_KINDS[verb.split()[0]]
        who, *company = _AT_COMPANY.split(m.group("who").strip(), maxsplit=1)
        return c.out("log", kind=kind, who=who.strip() or None,
                     company=company[0].strip() if company else None,
                     summary=m.group("summary").strip() or None)
    tasks = extract_tasks(text, now=c.now, tz=c.tz, language=c.language)
    if tasks:
        return c.out("task", due=tasks[0].due, title=tasks[0].title)
    words = text.split()
    if (0 < len(words) <= 4 and not text.rstrip().endswith("?")) or _EMAIL.fullmatch(text.strip()):
        return c.out("find", query=_clean_query(text),
                     email=text.strip().lower() if _EMAIL.fullmatch(text.strip()) else None)
    return c.out("unknown")


def parse_command(text: str, *, now: datetime, tz: str | ZoneInfo) -> ParsedCommand:
    """Understand one chat line. Never raises on odd input: it is then `unknown`."""
    body = _PREFIX.sub("", text[:_MAX_LEN]).strip()
    ctx = _Ctx(text, now, tz, detect_language(body))
    if not body:
        return ctx.out("help")
    for regex, handler in _COMPILED:
        m = regex.match(body)
        if m:
            result = handler(m, ctx)
            if result is not None:
                return result
    return _plain(ctx, body)
