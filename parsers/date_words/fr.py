"""French date words ("dans huit jours" is a week, "dans quinze jours" two)."""

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

NUMBERS = {"un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6,
           "dix": 10}
_BY = r"(?:(?:d['’]ici|avant|pour|jusqu['’]à)\s+)?"
_WITHIN = r"\b(?:dans|d['’]ici|sous)\s+"

WORDS = Words(
    weekdays=("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"),
    numbers=NUMBERS,
    days=(
        (r"\baprès[-\s]demain\b", offset(2)),
        (r"(?<!\baprès-)(?<!\baprès )\bdemain\b", offset(1)),
        (r"\b(?:aujourd['’]hui|ce\s+soir|cet\s+après-midi|ce\s+matin|dans\s+la\s+journée)\b",
         offset(0)),
        (rf"\b{_BY}(?:la\s+|en\s+)?fin\s+de\s+(?:la\s+)?semaine\b|"
         r"\b(?:dans\s+le\s+courant\s+de\s+|durant\s+|pendant\s+)?cette\s+semaine\b",
         end_of_week),
        (rf"\b{_BY}(?:la\s+|en\s+)?fin\s+(?:du|de)\s+mois\b", end_of_month),
        (r"\b(?:le\s+)?(?:{wd})\s+(?:de\s+)?la\s+semaine\s+prochaine\b", next_week_day),
        (r"\b(?:la\s+)?semaine\s+prochaine\s*,?\s+(?:le\s+)?(?:{wd})\b", next_week_day),
        (r"\bce\s+(?:{wd})(?:-ci)?\b", this),
        (r"\b(?:(?:le|d['’]ici|avant|pour|jusqu['’]à|au\s+plus\s+tard|dès)\s+)*(?:{wd})"
         r"(?:\s+prochain)?\b", strict),
        (rf"{_WITHIN}huit\s+jours\b", offset(7)),
        (rf"{_WITHIN}quinze\s+jours\b", offset(14)),
        (_WITHIN + r"{num}\s+(?P<unit>jours?|semaines?|mois)\b", span(NUMBERS)),
        (r"\b(?:la\s+)?semaine\s+prochaine\b", next_monday),
    ),
    times=(
        (r"\b(?:à|vers|avant|pour)\s+(?P<h>\d{1,2})\s*(?:h|heures?)\s*(?P<mi>\d{2})?"
         r"(?:\s+(?P<ap>du\s+matin|de\s+l['’]après-midi|du\s+soir))?", "clock"),
        (r"\b(?P<h>\d{1,2})\s*h\s*(?P<mi>\d{2})?\b", "clock"),
        (r"\b(?P<h>\d{1,2}):(?P<mi>\d{2})\b", "clock"),
        (r"\b(?:le\s+|du\s+|ce\s+)?matin\b|\b(?:dans\s+la\s+)?matinée\b", "part:morning"),
        (r"\b(?:l['’]|cet\s+|dans\s+l['’])?après-midi\b", "part:afternoon"),
        (r"\b(?:le\s+|ce\s+|du\s+)?soir\b|\ben\s+soirée\b", "part:evening"),
        (r"\b(?:à\s+)?midi\b", "part:noon"),
    ),
    hints=r"demain|aujourd|soir|matin|après-midi|semaine|mois|jours?\b|lundi|mardi|mercredi|"
          r"jeudi|vendredi|samedi|dimanche|midi|heure",
    pm=("de l'après-midi", "de l’après-midi", "du soir"),
    months=r"\b(?:janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|"
           r"décembre)\b",
)
