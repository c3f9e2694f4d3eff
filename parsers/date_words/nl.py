"""Dutch date words."""

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

NUMBERS = {"een": 1, "één": 1, "twee": 2, "drie": 3, "vier": 4, "vijf": 5, "zes": 6}
_NEXT = r"(?:volgende|komende|aanstaande)"
_END = r"(?:(?:aan|tegen|voor)\s+het\s+)?eind(?:e)?\s+(?:van\s+)?(?:de|deze)"
_PART = r"(?:ochtend|middag|avond)?"  # "donderdagmiddag": one word

WORDS = Words(
    weekdays=("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"),
    numbers=NUMBERS,
    days=(
        (r"\bovermorgen\b", offset(2)),
        (r"(?<!\bgoede )\bmorgen(?:ochtend|vroeg|middag|avond)?\b", offset(1)),
        (r"\b(?:vandaag|vanavond|vanmiddag|vanochtend|vanmorgen|vannacht)\b", offset(0)),
        (rf"\b{_END}\s+week\b|\b(?:in\s+|nog\s+)?deze\s+week\b", end_of_week),
        (rf"\b{_END}\s+maand\b", end_of_month),
        (rf"\b(?:op\s+)?(?:{{wd}})\s+{_NEXT}\s+week\b", next_week_day),
        (rf"\b{_NEXT}\s+week\s+(?:op\s+)?(?:{{wd}})\b", next_week_day),
        (rf"\bdeze\s+(?:{{wd}}){_PART}\b", this),
        (rf"\b(?:(?:{_NEXT}|op|voor|vóór|tegen|uiterlijk)\s+)*(?:{{wd}}){_PART}\b", strict),
        (r"\b(?:over|binnen)\s+{num}\s+(?P<unit>dag(?:en)?|weken|week|maand(?:en)?)\b",
         span(NUMBERS)),
        (rf"\b{_NEXT}\s+week\b", next_monday),
    ),
    times=(
        (r"\b(?:om|rond|tegen)\s+(?P<h>\d{1,2})(?:[:.](?P<mi>\d{2}))?(?:\s*uur)?"
         r"(?:\s+(?P<ap>'s\s+middags|'s\s+avonds|'s\s+ochtends|'s\s+morgens))?(?!\d)", "clock"),
        (r"\b(?P<h>\d{1,2})(?:[:.](?P<mi>\d{2}))?\s*uur\b", "clock"),
        (r"\b(?P<h>\d{1,2}):(?P<mi>\d{2})\b", "clock"),
        (r"'s\s+ochtends|'s\s+morgens|\b(?:in\s+de\s+)?ochtend\b|"
         r"\b(?:morgen|van)(?:ochtend|morgen)\b|\bmorgenvroeg\b|(?<=dag)ochtend\b", "part:morning"),
        (r"'s\s+middags|\b(?:in\s+de\s+)?middag\b|\b(?:morgen|van)middag\b|(?<=dag)middag\b",
         "part:afternoon"),
        (r"'s\s+avonds|\b(?:in\s+de\s+)?avond\b|\b(?:morgen|van)avond\b|(?<=dag)avond\b",
         "part:evening"),
        (r"\brond\s+de\s+middag\b|\b(?:om\s+)?12\s+uur\s+'s\s+middags\b", "part:noon"),
    ),
    hints=r"morgen|vandaag|van(?:avond|middag|ochtend|nacht)|week|maand|dag|ochtend|middag|"
          r"avond|uur|om\s",
    pm=("'s middags", "'s avonds"),
    months=r"\b(?:januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|"
           r"november|december)\b",
)
