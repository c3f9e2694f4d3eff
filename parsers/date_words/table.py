"""The shape of one language's date words, as `parsers.dates` reads them.

Patterns are plain regex strings (compiled case-insensitively) with two placeholders:
`{wd}` becomes the seven weekday alternatives as groups `wd0` (Monday) … `wd6`, and
`{num}` a group `n` holding a number in digits or one of the language's number words.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from parsers.date_readings import DayFn


@dataclass(frozen=True)
class Words:
    """Everything language-specific about dates: the resolver itself has no words."""

    weekdays: Sequence[str]  # seven regex alternatives, Monday first
    days: Sequence[tuple[str, DayFn]]  # (pattern, reading); the earliest match in a text wins
    # (pattern, kind): kind "clock" reads groups h, mi, ap (and half); "part:<name>" is a
    # part of the day (morning 09:00, afternoon 14:00, evening 18:00, noon 12:00, close of
    # business 17:00). Parts are also read inside a day phrase ("tonight", "vanmiddag").
    times: Sequence[tuple[str, str]]
    hints: str  # alternation: no day or time rule can match a text without one of these
    numbers: Mapping[str, int] = field(default_factory=dict)
    pm: Sequence[str] = ()  # words after a clock time that make it afternoon ("pm", "дня")
    am: Sequence[str] = ()  # ... that make 12 midnight ("12 am")
    noon: Sequence[str] = ()  # ... that make an hour below 6 afternoon ("中午1点")
    months: str = ""  # a regex for month names, for the written-date fallback
