"""Tasks from a forwarder's note: every example of the issue in every language.

`now` is Monday 2026-11-23 09:00 UTC; the user is in Europe/Berlin (UTC+1), so dates print
with +01:00. "next Friday" is the first Friday strictly after today (27th); "下周五"
says "next week" explicitly and is the Friday of next week (4 December).
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from parsers.dates import find_date, resolve_due
from parsers.tasks import extract_tasks

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
TZ = "Europe/Berlin"

EXAMPLES = [
    ("en", "remind me to send the quote next Friday", "Send the quote", "2026-11-27T09:00"),
    ("en", "follow up in 2 weeks", "Follow up", "2026-12-07T09:00"),
    ("en", "call him tomorrow at 3pm", "Call him", "2026-11-24T15:00"),
    ("en", "ring me back Thursday morning", "Ring me back", "2026-11-26T09:00"),
    ("en", "please send the contract by Monday", "Send the contract", "2026-11-30T09:00"),
    ("en", "Chase the invoice Friday afternoon", "Chase the invoice", "2026-11-27T14:00"),
    ("en", "Call Jane this evening", "Call Jane", "2026-11-23T18:00"),
    ("en", "Send the samples Friday next week", "Send the samples", "2026-12-04T09:00"),
    ("en", "Don't forget to book the demo in three days", "Book the demo", "2026-11-26T09:00"),
    ("en", "follow up on 5 December", "Follow up", "2026-12-05T09:00"),
    ("sv", "påminn mig att skicka offerten nästa fredag", "Skicka offerten", "2026-11-27T09:00"),
    ("sv", "ring honom i morgon kl 15", "Ring honom", "2026-11-24T15:00"),
    ("sv", "följ upp om 2 veckor", "Följ upp", "2026-12-07T09:00"),
    ("sv", "ring tillbaka på torsdag eftermiddag", "Ring tillbaka", "2026-11-26T14:00"),
    (
        "de",
        "Erinnere mich, das Angebot nächsten Freitag zu schicken",
        "Das Angebot schicken",
        "2026-11-27T09:00",
    ),
    ("de", "in 2 Wochen nachfassen", "Nachfassen", "2026-12-07T09:00"),
    ("de", "Bitte morgen um 15 Uhr Herrn Braun anrufen", "Herrn Braun anrufen", "2026-11-24T15:00"),
    ("de", "Vertrag bis Montag schicken", "Vertrag schicken", "2026-11-30T09:00"),
    (
        "ru",
        "напомни отправить предложение в следующую пятницу",
        "Отправить предложение",
        "2026-11-27T09:00",
    ),
    ("ru", "позвонить завтра в 15:00", "Позвонить", "2026-11-24T15:00"),
    ("ru", "перезвонить через 2 недели", "Перезвонить", "2026-12-07T09:00"),
    ("ru", "отправить договор в четверг вечером", "Отправить договор", "2026-11-26T18:00"),
    ("zh", "下周五提醒我发报价", "发报价", "2026-12-04T09:00"),
    ("zh", "明天下午3点给他打电话", "给他打电话", "2026-11-24T15:00"),
    ("zh", "两周后跟进", "跟进", "2026-12-07T09:00"),
    ("zh", "周四上午联系客户", "联系客户", "2026-11-26T09:00"),
    ("th", "เตือนให้ส่งใบเสนอราคาวันศุกร์หน้า", "ส่งใบเสนอราคา", "2026-11-27T09:00"),
    ("th", "โทรหาเขาพรุ่งนี้ บ่าย 3 โมง", "โทรหาเขา", "2026-11-24T15:00"),
    ("th", "ติดตามอีก 2 สัปดาห์", "ติดตาม", "2026-12-07T09:00"),
    ("fi", "See below, call Mikko tomorrow.", "Call Mikko", "2026-11-24T09:00"),
    ("en", "As discussed; please send the quote on Friday", "Send the quote", "2026-11-27T09:00"),
    ("fi", "Soita Mikolle huomenna.", "Soita Mikolle", "2026-11-24T09:00"),
    ("fi", "Lähetä tarjous perjantaina", "Lähetä tarjous", "2026-11-27T09:00"),
    ("fi", "Lähetä lasku ensi viikolla", "Lähetä lasku", "2026-11-30T09:00"),
    ("fi", "Soita hänelle ensi viikon tiistaina", "Soita hänelle", "2026-12-01T09:00"),
    (
        "fi",
        "Muistuta minua lähettää tarjous huomenna klo 15",
        "Lähettää tarjous",
        "2026-11-24T15:00",
    ),
]


@pytest.mark.parametrize(("lang", "text", "title", "due"), EXAMPLES, ids=[e[1] for e in EXAMPLES])
def test_note_sentence_becomes_a_task(lang: str, text: str, title: str, due: str) -> None:
    tasks = extract_tasks(text, now=NOW, tz=TZ, language=lang)
    assert [(t.title, t.due.isoformat() if t.due else None) for t in tasks] == [
        (title, due + ":00+01:00")
    ]


@pytest.mark.parametrize(("lang", "text", "title", "due"), EXAMPLES[:6] + EXAMPLES[10:12])
def test_works_without_knowing_the_language(lang: str, text: str, title: str, due: str) -> None:
    tasks = extract_tasks(text, now=NOW, tz=TZ, language=None)
    assert [(t.title, t.due.isoformat()[:16] if t.due else None) for t in tasks] == [(title, due)]


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "we will send the revised drawings soon"),  # "we" is not Wednesday
        ("en", "We met on Friday and it went well."),  # a date but no action
        ("en", "Thanks, we met on Friday."),
        ("fi", "Tapasimme perjantaina klo 10."),
        ("en", "Please send the contract."),  # an action but no date
        ("en", "Visit us at Hannover Messe, 20–24 April, Hall 7 Stand B12"),  # trade-fair footer
        ("en", "Meet us at the fair next Tuesday!"),
        ("de", "Besuchen Sie uns auf der Messe am Freitag"),
        ("en", "> call me tomorrow\n> at 3pm"),  # quoted history
        ("en", "Thanks!\n-- \nAnn Lee\nSales, call me Monday to Friday 9-17"),  # signature
        ("sv", "Vi ses på mässan nästa vecka"),
        ("zh", "我们在展会上见，展位A12，下周五"),
    ],
)
def test_not_a_task(lang: str, text: str) -> None:
    assert extract_tasks(text, now=NOW, tz=TZ, language=lang) == ()


def test_several_tasks_in_one_note_keep_their_order() -> None:
    note = "Hi Bob. Please call Jane on Friday. Also send the price list tomorrow! Thanks"
    tasks = extract_tasks(note, now=NOW, tz=ZoneInfo(TZ), language="en")
    assert [t.title for t in tasks] == ["Call Jane", "Send the price list"]
    assert all(t.due is not None and t.due.tzinfo is not None for t in tasks)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("this Friday", "2026-11-27T09:00"),
        ("Monday", "2026-11-30T09:00"),  # today is Monday: the next one
        ("2 days", "2026-11-25T09:00"),
        ("2026-12-01", "2026-12-01T09:00"),
        ("1.12.", "2026-12-01T09:00"),
        ("tomorrow at 10", "2026-11-24T10:00"),
        ("at 4pm", "2026-11-23T16:00"),
        ("next week", "2026-11-30T09:00"),
        ("day after tomorrow noon", "2026-11-25T12:00"),
    ],
)
def test_resolve_due(text: str, expected: str) -> None:
    due = resolve_due(text, now=NOW, tz=TZ)
    assert due is not None and due.isoformat()[:16] == expected


def test_time_already_past_today_moves_to_tomorrow() -> None:
    match = find_date("at 8am", now=NOW, tz=TZ, language="en")  # 10:00 in Berlin now
    assert match is not None and match.due.isoformat()[:16] == "2026-11-24T08:00"


def test_due_is_in_the_users_zone() -> None:
    tasks = extract_tasks("call Ken tomorrow at 9", now=NOW, tz="Asia/Tokyo", language="en")
    assert tasks[0].due is not None and tasks[0].due.isoformat() == "2026-11-24T09:00:00+09:00"


def test_greeting_and_polite_words_before_the_action() -> None:
    note = "Hi Bob, can you call him tomorrow at 3pm? Remind me to chase INV-2026-0031 next Friday."
    tasks = extract_tasks(note, now=NOW, tz=TZ, language="en")
    assert [(t.title, t.due.isoformat()[:16] if t.due else None) for t in tasks] == [
        ("Call him", "2026-11-24T15:00"),
        ("Chase INV-2026-0031", "2026-11-27T09:00"),
    ]


@pytest.mark.parametrize(
    ("lang", "text", "due"),
    [
        ("en", "send the invoice by end of day", "2026-11-23T17:00"),
        ("en", "send the invoice by the end of the week", "2026-11-27T09:00"),
        ("en", "send the invoice by end of the month", "2026-11-30T09:00"),
        ("de", "Rechnung bis Ende der Woche schicken", "2026-11-27T09:00"),
        ("sv", "skicka fakturan i slutet av månaden", "2026-11-30T09:00"),
        ("ru", "отправить счёт до конца недели", "2026-11-27T09:00"),
    ],
)
def test_end_of_day_week_month(lang: str, text: str, due: str) -> None:
    [task] = extract_tasks(text, now=NOW, tz=TZ, language=lang)
    assert task.due is not None and task.due.isoformat()[:16] == due


@pytest.mark.parametrize(
    ("lang", "text", "title", "due"),
    [
        ("da", "Ring til Lars i morgen kl 10", "Ring til Lars", "2026-11-24T10:00"),
        ("da", "Følg op om 2 uger", "Følg op", "2026-12-07T09:00"),
        ("no", "Minn meg på å ringe Per på fredag", "Ringe Per", "2026-11-27T09:00"),
        ("da", "Ring Erik på fredag om offerten.", "Ring Erik om offerten", "2026-11-27T09:00"),
    ],
)
def test_danish_and_norwegian_share_the_swedish_rules(
    lang: str, text: str, title: str, due: str
) -> None:
    tasks = extract_tasks(text, now=NOW, tz=TZ, language=lang)
    assert [(t.title, t.due.isoformat()[:16] if t.due else None) for t in tasks] == [(title, due)]


@pytest.mark.parametrize(
    ("lang", "text", "title", "due"),
    [
        ("de", "Angebot am 5. Dezember schicken", "Angebot schicken", "2026-12-05T09:00"),
        ("en", "follow up on 5 December at 14:30", "Follow up", "2026-12-05T14:30"),
        ("en", "call him Dec 5th", "Call him", "2026-12-05T09:00"),
        ("zh", "12月5日给他打电话", "给他打电话", "2026-12-05T09:00"),
        ("zh", "下个月5号发报价", "发报价", "2026-12-05T09:00"),
        ("zh", "30号前付款", "付款", "2026-11-30T09:00"),
    ],
)
def test_written_out_dates(lang: str, text: str, title: str, due: str) -> None:
    tasks = extract_tasks(text, now=NOW, tz=TZ, language=lang)
    assert [(t.title, t.due.isoformat()[:16] if t.due else None) for t in tasks] == [(title, due)]


def test_a_word_starting_like_a_month_does_not_call_dateparser() -> None:
    assert extract_tasks("send the marketing plan", now=NOW, tz=TZ, language="en") == ()


def test_a_reference_ends_a_sentence_an_ordinal_does_not() -> None:
    note = "John wants the discount applied to SO-1042. Please follow up next Friday."
    tasks = extract_tasks(note, now=NOW, tz=TZ, language="en")
    assert [t.title for t in tasks] == ["Follow up"]


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("Dec 10 9am", "2026-12-10T09:00:00+01:00"),
        ("December 10 at 14:30", "2026-12-10T14:30:00+01:00"),
        ("10 December", "2026-12-10T09:00:00+01:00"),
        ("9am", "2026-12-05T09:00:00+01:00"),
        ("at 15:00", "2026-12-04T15:00:00+01:00"),
        ("3 hours", "2026-12-04T15:00:00+01:00"),
        ("2 days", "2026-12-06T09:00:00+01:00"),
        ("monday 9am", "2026-12-07T09:00:00+01:00"),
    ],
)
def test_a_calendar_date_with_a_time_is_that_day_not_the_next_time_of_day(
    phrase: str, expected: str
) -> None:
    """`snooze 12 to Dec 10 9am` must not land on tomorrow at nine."""
    now = datetime(2026, 12, 4, 11, 0, tzinfo=UTC)
    due = resolve_due(phrase, now=now, tz=ZoneInfo("Europe/Berlin"), language="en")
    assert due is not None and due.isoformat() == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Call Bob at Acme Dec 10 at 10", "2026-12-10T10:00:00+00:00"),
        ("Call Bob on 5 January", "2027-01-05T09:00:00+00:00"),
        ("Call Bob on 10 December 2027 at 15:00", "2027-12-10T15:00:00+00:00"),
    ],
)
def test_a_written_date_without_a_year_is_its_next_occurrence(sentence: str, expected: str) -> None:
    """ "Dec 10 at 10" once came out in the year 2110: the "10" after "at" read as a year."""
    now = datetime(2026, 12, 4, 10, 0, tzinfo=UTC)
    [task] = extract_tasks(sentence, now=now, tz="UTC", language="en")
    assert task.due.isoformat() == expected
