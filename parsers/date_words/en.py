"""English date words; also the fallback read beside every other language."""

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

NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}

WORDS = Words(
    # Abbreviations only capitalised: "mon ami" and "le tue" are not weekdays.
    weekdays=("monday|(?-i:Mon)", "tuesday|(?-i:Tues|Tue)", "wednesday|(?-i:Wed)",
              "thursday|(?-i:Thurs|Thur|Thu)", "friday|(?-i:Fri)", "saturday", "sunday"),
    numbers=NUMBERS,
    days=(
        (r"\b(?:the\s+)?day\s+after\s+tomorrow\b", offset(2)),
        (r"\b(?:tomorrow|tmrw|tmr)\b", offset(1)),
        (r"\b(?:today|tonight|later\s+today|(?:by\s+)?(?:the\s+)?end\s+of\s+(?:the\s+)?day|"
         r"(?:by\s+)?eod|(?:by\s+)?cob)\b", offset(0)),
        (r"\b(?:by\s+)?(?:the\s+)?end\s+of\s+(?:the|this)\s+week\b|\b(?:by\s+)?eow\b|"
         r"\b(?:sometime\s+|later\s+)?this\s+week\b", end_of_week),
        (r"\b(?:by\s+)?(?:the\s+)?end\s+of\s+(?:the|this)\s+month\b|\b(?:by\s+)?eom\b",
         end_of_month),
        (r"\b(?:on\s+|by\s+)?(?:{wd})\.?\s+(?:of\s+)?next\s+week\b", next_week_day),
        (r"\bnext\s+week\s+(?:on\s+)?(?:{wd})\b", next_week_day),
        (r"\bthis\s+(?:coming\s+)?(?:{wd})\b", this),
        (r"\b(?:(?:next|coming|on|by|until|till|before)\s+)*(?:{wd})\b\.?", strict),
        (r"\b(?:in|within)\s+{num}\s+(?P<unit>(?:business\s+|working\s+)?days?|weeks?|"
         r"months?)\b", span(NUMBERS)),
        (r"\bnext\s+week\b", next_monday),
    ),
    times=(
        (r"\b(?:at|@|by|around)\s*(?P<h>\d{1,2})(?:[:.](?P<mi>\d{2}))?\s*(?P<ap>[ap]\.?m\.?)?"
         r"(?![\d%])", "clock"),
        (r"\b(?P<h>\d{1,2})(?:[:.](?P<mi>\d{2}))?\s*(?P<ap>[ap]\.?m\.?)(?!\w)", "clock"),
        (r"\b(?P<h>\d{1,2}):(?P<mi>\d{2})\b", "clock"),
        (r"\b(?:in\s+the\s+)?morning\b", "part:morning"),
        (r"\b(?:in\s+the\s+)?afternoon\b", "part:afternoon"),
        (r"\b(?:in\s+the\s+)?evening\b|\btonight\b", "part:evening"),
        (r"\b(?:at\s+)?noon\b|\blunchtime\b", "part:noon"),
        (r"\bend\s+of\s+(?:the\s+)?day\b|\beod\b|\bcob\b", "part:close"),
    ),
    hints=r"tom|tmr|today|tonight|eod|eow|eom|cob|end\s+of|mon|tue|wed|thu|fri|sat|sun|week|"
          r"day|month|morning|afternoon|evening|noon|lunch|[ap]\.?m\b",
    pm=("pm", "p"),
    am=("am", "a"),
    months=r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\w*",
)
