"""Italian date words."""

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

NUMBERS = {"un": 1, "uno": 1, "una": 1, "due": 2, "tre": 3, "quattro": 4, "cinque": 5,
           "sei": 6, "dieci": 10, "quindici": 15}
_NEXT_WEEK = r"(?:la\s+|nella\s+)?(?:settimana\s+prossima|prossima\s+settimana)"

WORDS = Words(
    weekdays=("luned[iì]", "marted[iì]", "mercoled[iì]", "gioved[iì]", "venerd[iì]", "sabato",
              "domenica"),
    numbers=NUMBERS,
    days=(
        (r"\b(?:dopodomani|dopo\s+domani)\b", offset(2)),
        (r"\b(?:domani|domattina)\b", offset(1)),
        (r"\b(?:oggi|stasera|stamattina|stamani|oggi\s+pomeriggio|in\s+giornata|"
         r"(?:entro\s+)?(?:la\s+)?fine\s+(?:della\s+)?giornata)\b", offset(0)),
        (r"\b(?:entro\s+)?(?:la\s+)?fine\s+(?:della\s+)?settimana\b|"
         r"\b(?:entro\s+|in\s+)?questa\s+settimana\b", end_of_week),
        (r"\b(?:entro\s+)?(?:la\s+)?fine\s+(?:del\s+)?mese\b", end_of_month),
        (rf"\b(?:(?:il|di|entro)\s+)?(?:{{wd}})\s+(?:della\s+)?{_NEXT_WEEK}\b", next_week_day),
        (rf"\b{_NEXT_WEEK}\s*,?\s+(?:il\s+|di\s+)?(?:{{wd}})\b", next_week_day),
        (r"\bquest[oa]\s+(?:{wd})\b", this),
        (r"\b(?:(?:il|la|di|entro|per|prima\s+di|prossim[oa])\s+)*(?:{wd})"
         r"(?:\s+prossim[oa])?\b", strict),
        (r"\b(?:tra|fra|entro)\s+{num}\s+(?P<unit>giorn[oi]|settiman[ae]|mes[ei])\b",
         span(NUMBERS)),
        (rf"\b{_NEXT_WEEK}\b", next_monday),
    ),
    times=(
        (r"\b(?:alle|verso\s+le|entro\s+le|ore)\s+(?:ore\s+)?(?P<h>\d{1,2})(?:[:.](?P<mi>\d{2}))?"
         r"(?:\s+(?P<ap>del\s+pomeriggio|di\s+sera|della\s+sera|di\s+mattina|del\s+mattino))?\b",
         "clock"),
        (r"\b(?P<h>\d{1,2}):(?P<mi>\d{2})\b", "clock"),
        (r"\b(?:di\s+|in\s+)?mattin(?:a|ata)\b|\bstamattina\b|\bstamani\b|\bdomattina\b",
         "part:morning"),
        (r"\b(?:nel\s+|di\s+)?pomeriggio\b", "part:afternoon"),
        (r"\b(?:di\s+|la\s+)?sera\b|\bstasera\b", "part:evening"),
        (r"\b(?:a\s+)?mezzogiorno\b", "part:noon"),
        (r"\bfine\s+(?:della\s+)?giornata\b", "part:close"),
    ),
    hints=r"domani|domattina|oggi|stasera|stamattina|stamani|giorn|settiman|mes[ei]|luned|"
          r"marted|mercoled|gioved|venerd|sabato|domenica|mattin|pomeriggio|sera|mezzogiorno|"
          r"alle\s|ore\s",
    pm=("del pomeriggio", "di sera", "della sera"),
    months=r"\b(?:gennaio|febbraio|marzo|aprile|maggio|giugno|luglio|agosto|settembre|ottobre|"
           r"novembre|dicembre)\b",
)
