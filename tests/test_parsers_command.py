"""The chat grammar: every intent, plain sentences, and note command lines."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from parsers.command import parse_command, parse_note_commands
from parsers.notecommands import commands_to_tasks
from parsers.types import NoteCommand

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # a Monday
TZ = "Europe/Berlin"

CASES: list[tuple[str, str, dict[str, Any], str | None]] = [
    ("find acme", "find", {"query": "acme", "email": None}, None),
    ("who is jane@acme.com", "find", {"query": "jane@acme.com", "email": "jane@acme.com"}, None),
    ("acme", "find", {"query": "acme", "email": None}, None),
    ("jane@acme.com", "find", {"query": "jane@acme.com", "email": "jane@acme.com"}, None),
    ("/crm find Acme Corp", "find", {"query": "Acme Corp", "email": None}, None),
    ("what's up with acme?", "find", {"query": "acme", "email": None}, None),
    (
        "log call with Jane: she wants 50 more units",
        "log",
        {"kind": "call", "who": "Jane", "company": None, "summary": "she wants 50 more units"},
        None,
    ),
    (
        "log meeting with Bob from Acme about pricing",
        "log",
        {"kind": "meeting", "who": "Bob", "company": "Acme", "summary": "pricing"},
        None,
    ),
    (
        "log email to Jane",
        "log",
        {"kind": "email", "who": "Jane", "company": None, "summary": None},
        None,
    ),
    (
        "log note: prefers calls after 10",
        "log",
        {"kind": "note", "who": None, "company": None, "summary": "prefers calls after 10"},
        None,
    ),
    (
        "I called Jane, she wants 50 more units",
        "log",
        {"kind": "call", "who": "Jane", "company": None, "summary": "she wants 50 more units"},
        None,
    ),
    (
        "Met with Bob from Acme today, they want a demo",
        "log",
        {"kind": "meeting", "who": "Bob", "company": "Acme", "summary": "they want a demo"},
        None,
    ),
    ("note acme: prefers email", "note", {"target": "acme", "text": "prefers email"}, None),
    (
        "remind me to call Bob at Acme tomorrow at 10",
        "task",
        {"title": "Call Bob at Acme"},
        "2026-11-24T10:00:00+01:00",
    ),
    (
        "task Send contract to Jane due Friday",
        "task",
        {"title": "Send contract to Jane"},
        "2026-11-27T09:00:00+01:00",
    ),
    ("task: call Bob", "task", {"title": "Call Bob"}, None),
    (
        "påminn mig att ringa Bob i morgon",
        "task",
        {"title": "Ringa Bob"},
        "2026-11-24T09:00:00+01:00",
    ),
    ("tasks", "tasks", {}, None),
    ("done 12", "done", {"task_id": 12}, None),
    (
        "snooze 12 to Monday",
        "snooze",
        {"task_id": 12, "when": "Monday"},
        "2026-11-30T09:00:00+01:00",
    ),
    ("snooze 12 2 days", "snooze", {"task_id": 12, "when": "2 days"}, "2026-11-25T09:00:00+01:00"),
    (
        "snooze 12 whenever",
        "snooze",
        {"task_id": 12, "when": "whenever", "error": "cannot read the date 'whenever'"},
        None,
    ),
    ("order SO-1042", "order", {"number": "SO-1042"}, None),
    ("orders acme", "orders", {"query": "acme"}, None),
    ("invoice INV-2026-0031", "invoice", {"number": "INV-2026-0031"}, None),
    ("invoices acme", "invoices", {"query": "acme"}, None),
    ("overdue", "overdue", {"query": None}, None),
    ("overdue acme", "overdue", {"query": "acme"}, None),
    (
        "paid INV-2026-0031 500",
        "paid",
        {"number": "INV-2026-0031", "amount": "500.00", "currency": None},
        None,
    ),
    (
        "paid INV-2026-0031 500.00 EUR",
        "paid",
        {"number": "INV-2026-0031", "amount": "500.00", "currency": "EUR"},
        None,
    ),
    (
        "paid INV-2026-0031 €1.250,00",
        "paid",
        {"number": "INV-2026-0031", "amount": "1250.00", "currency": "EUR"},
        None,
    ),
    (
        "promise acme pays INV-7781 on Friday",
        "promise",
        {"number": "INV-7781", "company": "acme", "promised_on": "2026-11-27"},
        "2026-11-27T09:00:00+01:00",
    ),
    ("stale 30", "stale", {"days": 30}, None),
    ("stale", "stale", {"days": 30}, None),
    ("stats", "stats", {}, None),
    ("digest", "digest", {}, None),
    ("undo", "undo", {}, None),
    ("help", "help", {}, None),
    ("", "help", {}, None),
    ("subscribe Jane@Acme.com", "subscribe", {"email": "jane@acme.com"}, None),
    ("campaign send 4", "campaign", {"subcommand": "send", "rest": "4"}, None),
    ("blah blah this is a long sentence that means nothing at all", "unknown", {}, None),
    # the same commands in other languages
    ("wer ist jane@acme.com", "find", {"query": "jane@acme.com", "email": "jane@acme.com"}, None),
    ("erledigt 7", "done", {"task_id": 7}, None),
    ("Bestellung SO-1042", "order", {"number": "SO-1042"}, None),
    ("счёт INV-7781", "invoice", {"number": "INV-7781"}, None),
    (
        "Erinnere mich morgen, Bob anzurufen",
        "task",
        {"title": "Bob anrufen"},
        "2026-11-24T09:00:00+01:00",
    ),
    (
        "напомни позвонить Ивану завтра в 15:00",
        "task",
        {"title": "Позвонить Ивану"},
        "2026-11-24T15:00:00+01:00",
    ),
    (
        "提醒我明天下午3点给王伟打电话",
        "task",
        {"title": "给王伟打电话"},
        "2026-11-24T15:00:00+01:00",
    ),
]


@pytest.mark.parametrize(("text", "intent", "args", "due"), CASES, ids=[c[0] for c in CASES])
def test_parse_command(text: str, intent: str, args: dict[str, Any], due: str | None) -> None:
    parsed = parse_command(text, now=NOW, tz=TZ)
    assert (parsed.intent, parsed.args, parsed.due.isoformat() if parsed.due else None) == (
        intent,
        args,
        due,
    )
    assert parsed.text == text


@pytest.mark.parametrize("text", ["\x00\x01", "a" * 10_000, "(((((" * 500, "order", "paid"])
def test_odd_input_is_understood_or_unknown_never_an_error(text: str) -> None:
    assert parse_command(text, now=NOW, tz=TZ).intent


def test_note_commands_at_the_top_and_the_free_text_below() -> None:
    note = (
        "\nTask: send revised quote\nDue: Friday\nTags: vip, fair-2026\nOwner: bob@ourco.com\n"
        "Order: SO-1042\nInvoice: INV-7781\nCompany: Acme Inc\nNote: prefers email\n\n"
        "Hi Bob, see below. Call him tomorrow.\nTask: this line is free text now"
    )
    commands, rest = parse_note_commands(note)
    assert commands == (
        NoteCommand("task", "send revised quote"),
        NoteCommand("due", "Friday"),
        NoteCommand("tag", "vip"),
        NoteCommand("tag", "fair-2026"),
        NoteCommand("owner", "bob@ourco.com"),
        NoteCommand("order", "SO-1042"),
        NoteCommand("invoice", "INV-7781"),
        NoteCommand("company", "Acme Inc"),
        NoteCommand("note", "prefers email"),
    )
    assert rest == "Hi Bob, see below. Call him tomorrow.\nTask: this line is free text now"
    tasks = commands_to_tasks(commands, now=NOW, tz=TZ)
    assert [(t.title, t.due.isoformat() if t.due else None, t.source) for t in tasks] == [
        ("Send revised quote", "2026-11-27T09:00:00+01:00", "command")
    ]


@pytest.mark.parametrize(
    ("note", "expected"),
    [
        (
            "Aufgabe: Angebot schicken\nFällig: morgen",
            [("task", "Angebot schicken"), ("due", "morgen")],
        ),
        ("Uppgift: ring Anna\nTaggar: x", [("task", "ring Anna")]),
        ("Задача: позвонить\nСрок: завтра", [("task", "позвонить"), ("due", "завтра")]),
        ("任务：发报价\n截止：明天", [("task", "发报价"), ("due", "明天")]),
        ("Hi Bob,\nTask: not a command below a greeting", []),
        ("Re: pricing", []),
    ],
)
def test_note_command_translations(note: str, expected: list[tuple[str, str]]) -> None:
    commands, _rest = parse_note_commands(note)
    assert [(c.key, c.value) for c in commands] == expected


def test_task_line_with_its_own_date() -> None:
    commands, _ = parse_note_commands("Task: call Bob on Friday at 2pm")
    [task] = commands_to_tasks(commands, now=NOW, tz=TZ, language="en")
    assert (task.title, task.due.isoformat() if task.due else None) == (
        "Call Bob",
        "2026-11-27T14:00:00+01:00",
    )
