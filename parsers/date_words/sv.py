"""Swedish date words, with the Danish and Norwegian spellings (the rules serve da and no)."""

from __future__ import annotations

from parsers.date_readings import (
    end_of_month,
    end_of_week,
    next_monday,
    next_week_day,
    offset,
    span,
    strict,
)
from parsers.date_words.table import Words

NUMBERS = {"en": 1, "ett": 1, "två": 2, "tre": 3, "fyra": 4, "fem": 5, "sex": 6}
_NEXT = r"(?:nästa|næste|neste)"
_WEEK = r"(?:vecka|uge|uke)"

WORDS = Words(
    weekdays=("(?:måndag|mandag)(?:en)?", "(?:tisdag|tirsdag)(?:en)?", "onsdag(?:en)?",
              "torsdag(?:en)?", "fredag(?:en)?", "(?:lördag|lørdag)(?:en)?",
              "(?:söndag|søndag)(?:en)?"),
    numbers=NUMBERS,
    days=(
        (r"\b(?:i\s+)?(?:övermorgon|overmorgen)\b", offset(2)),
        (r"\b(?:i\s*morgon|imorgon|i\s*morgen|imorgen)(?:\s+bitti|\s+tidlig)?\b", offset(1)),
        (r"\b(?:i\s*dag|idag|i\s*kväll|ikväll|i\s*aften)\b", offset(0)),
        (r"\b(?:i\s+slutet\s+av\s+veckan|veckans\s+slut)\b", end_of_week),
        (r"\b(?:i\s+slutet\s+av\s+månaden|månadens\s+slut)\b", end_of_month),
        (rf"\b(?:på\s+)?(?:{{wd}})\s+{_NEXT}\s+{_WEEK}\b", next_week_day),
        (rf"\b{_NEXT}\s+{_WEEK}\s+(?:på\s+)?(?:{{wd}})\b", next_week_day),
        (rf"\b(?:(?:{_NEXT}|kommande|på|till|senast|innan|före|inden)\s+)*(?:{{wd}})\b",
         strict),
        (r"\b(?:om|inom|inden\s+for)\s+{num}\s+(?P<unit>dag(?:ar|e)?|veck(?:a|or)|"
         r"uger?|uker?|månad(?:er)?|måneder?)\b", span(NUMBERS)),
        (rf"\b{_NEXT}\s+{_WEEK}\b", next_monday),
    ),
    times=(
        (r"\b(?:kl\.?|klockan)\s*(?P<h>\d{1,2})(?:[.:](?P<mi>\d{2}))?", "clock"),
        (r"\b(?P<h>\d{1,2}):(?P<mi>\d{2})\b", "clock"),
        (r"\b(?:på\s+)?förmiddag(?:en)?\b|\bbitti\b|\bpå\s+morgonen\b", "part:morning"),
        (r"\b(?:på\s+)?eftermiddag(?:en)?\b", "part:afternoon"),
        (r"\b(?:på\s+)?kväll(?:en)?\b|\bikväll\b", "part:evening"),
    ),
    hints=r"morg[oe]n|dag|kväll|aften|veck|uge|uke|måna?d|förmiddag|eftermiddag|bitti|kl",
    months=r"\b(?:januari|februari|mars|maj|augusti)\w*",
)
