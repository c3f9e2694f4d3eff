"""Finnish date words: weekdays bare or in the essive ("perjantaina" = on Friday)."""

from __future__ import annotations

from parsers.date_readings import next_monday, next_week_day, offset, strict
from parsers.date_words.table import Words

WORDS = Words(
    weekdays=("maanantai(?:na)?", "tiistai(?:na)?", "keskiviikko(?:na)?", "torstai(?:na)?",
              "perjantai(?:na)?", "lauantai(?:na)?", "sunnuntai(?:na)?"),
    days=(
        (r"\bylihuomenna\b", offset(2)),
        (r"\bhuomenna\b", offset(1)),
        (r"\b(?:tänään|tänä\s+iltana)\b", offset(0)),
        (r"\bensi\s+viiko(?:lla|n)\s+(?:{wd})\b", next_week_day),
        (r"\b(?:(?:ensi|tulevana|viimeistään)\s+)*(?:{wd})\b", strict),
        (r"\bensi\s+viikolla\b", next_monday),
    ),
    times=(
        (r"\b(?:klo|kello)\s*(?P<h>\d{1,2})(?:[.:](?P<mi>\d{2}))?", "clock"),
        (r"\b(?P<h>\d{1,2})[:.](?P<mi>\d{2})\b", "clock"),
        (r"\baamulla\b", "part:morning"),
        (r"\biltapäivällä\b", "part:afternoon"),
        (r"\billalla\b", "part:evening"),
    ),
    hints=r"huomen|tänä|viiko|klo|kello|maanantai|tiistai|keskiviikko|torstai|perjantai|"
          r"lauantai|sunnuntai",
)
