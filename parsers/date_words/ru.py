"""Russian date words (Ukrainian messages are read with them too)."""

from __future__ import annotations

from parsers.date_readings import (
    end_of_month,
    end_of_week,
    next_monday,
    next_week_day,
    offset,
    span,
    strict,
    this,
)
from parsers.date_words.table import Words

NUMBERS = {"один": 1, "одну": 1, "два": 2, "две": 2, "три": 3, "четыре": 4, "пять": 5}

WORDS = Words(
    weekdays=("понедельник[аеу]?", "вторник[аеу]?", "сред[аыуе]", "четверг[аеу]?",
              "пятниц[аыуе]", "суббот[аыуе]", "воскресень[еяю]"),
    numbers=NUMBERS,
    days=(
        (r"\bпослезавтра\b", offset(2)),
        (r"\bзавтра\b", offset(1)),
        (r"\bсегодня\b", offset(0)),
        (r"\b(?:до\s+)?(?:в\s+)?конц[еау]\s+недели\b", end_of_week),
        (r"\b(?:до\s+)?(?:в\s+)?конц[еау]\s+месяца\b", end_of_month),
        (r"(?:\b(?:в|во|до|к)\s+)?(?:{wd})\s+на\s+следующей\s+неделе\b", next_week_day),
        (r"\bна\s+следующей\s+неделе\s+(?:(?:в|во)\s+)?(?:{wd})\b", next_week_day),
        (r"(?:\b(?:в|во)\s+)?(?:эт[оуи][тй]?)\s+(?:{wd})\b", this),
        (r"(?:\b(?:в|во|до|к|ко)\s+)?(?:(?:следующ(?:ую|ий|ее|ей|его)|ближайш(?:ую|ий|ее))\s+)?"
         r"\b(?:{wd})\b", strict),
        (r"\bчерез\s+(?:{num}\s+)?(?P<unit>д(?:ень|ня|ней)|недел(?:ю|и|ь)|месяц(?:а|ев)?)\b",
         span(NUMBERS)),
        (r"\bна\s+следующей\s+неделе\b", next_monday),
    ),
    times=(
        (r"\bв\s+(?P<h>\d{1,2})(?:[:.](?P<mi>\d{2}))?(?:\s*(?:час(?:а|ов)?|ч\.?))?"
         r"(?:\s+(?P<ap>дня|вечера|утра))?", "clock"),
        (r"\b(?P<h>\d{1,2}):(?P<mi>\d{2})\b", "clock"),
        (r"\bутром\b", "part:morning"),
        (r"\bдн[её]м\b", "part:afternoon"),
        (r"\bвечером\b", "part:evening"),
    ),
    hints=r"завтра|сегодня|понедельник|вторник|сред|четверг|пятниц|суббот|воскресен|недел|"
          r"месяц|д[еня]|утром|дн[её]м|вечером|\bв\s",
    pm=("дня", "вечера"),
    months=r"\b(?:янв|фев|мар|апр|ма[йя]|июн|июл|авг|сен|окт|ноя|дек)\w*",
)
