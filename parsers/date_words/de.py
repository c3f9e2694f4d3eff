"""German date words."""

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

NUMBERS = {"ein": 1, "eine": 1, "einer": 1, "einem": 1, "zwei": 2, "drei": 3, "vier": 4,
           "fünf": 5}

WORDS = Words(
    weekdays=("montag", "dienstag", "mittwoch", "donnerstag", "freitag", "samstag|sonnabend",
              "sonntag"),
    numbers=NUMBERS,
    days=(
        (r"\bübermorgen\b", offset(2)),
        (r"(?<!\bam )(?<!\bguten )(?<!\bheute )(?<!\bjeden )\bmorgen\b", offset(1)),
        (r"\b(?:heute|heut)(?:\s+abend|\s+nachmittag)?\b", offset(0)),
        (r"\b(?:bis\s+)?(?:zum\s+)?(?:ende\s+der\s+woche|wochenende)\b", end_of_week),
        (r"\b(?:bis\s+)?(?:zum\s+)?(?:ende\s+des\s+monats|monatsende)\b", end_of_month),
        (r"\b(?:am\s+)?(?:{wd})\s+nächste[rn]?\s+woche\b", next_week_day),
        (r"\bnächste\s+woche\s+(?:am\s+)?(?:{wd})\b", next_week_day),
        (r"\b(?:diese[nm]?\s+)(?:{wd})\b", this),
        (r"\b(?:(?:nächste[nmr]?|kommende[nmr]?|am|bis|zum|spätestens|vor)\s+)*(?:{wd})\b",
         strict),
        (r"\b(?:in|binnen|innerhalb\s+von)\s+{num}\s+(?P<unit>tag(?:en|e)?|woche(?:n)?|"
         r"monat(?:en|e)?)\b", span(NUMBERS)),
        (r"\bnächste\s+woche\b", next_monday),
    ),
    times=(
        (r"\bum\s+(?P<h>\d{1,2})(?:[:.](?P<mi>\d{2}))?(?:\s*uhr)?\b", "clock"),
        (r"\b(?P<h>\d{1,2})(?:[:.](?P<mi>\d{2}))?\s*uhr\b", "clock"),
        (r"\b(?P<h>\d{1,2}):(?P<mi>\d{2})\b", "clock"),
        (r"\b(?:am\s+)?vormittags?\b|\bmorgens\b|\bfrüh\b|\bam\s+morgen\b", "part:morning"),
        (r"\b(?:am\s+)?nachmittags?\b", "part:afternoon"),
        (r"\b(?:am\s+)?abends?\b", "part:evening"),
        (r"\b(?:am\s+|zu\s+)?mittags?\b", "part:noon"),
    ),
    hints=r"morgen|heut|tag|woche|monat|vormittag|nachmittag|abend|mittag|früh|uhr|um\s",
    months=r"\b(?:januar|februar|märz|mai|juni|juli|oktober|dezember)\w*",
)
