"""Portuguese date words (pt and pt-BR): "segunda", "quinta" … are also ordinals, so a
bare weekday counts only with "na", "próxima", "-feira" or "que vem" beside it."""

from __future__ import annotations

from parsers.date_readings import (
    end_of_month,
    end_of_week,
    next_monday,
    next_week_day,
    offset,
    span,
    strict_if_marked,
    this,
)
from parsers.date_words.table import Words

NUMBERS = {"um": 1, "uma": 1, "dois": 2, "duas": 2, "três": 3, "tres": 3, "quatro": 4,
           "cinco": 5, "seis": 6, "quinze": 15}
_NEXT_WEEK = r"(?:na\s+)?(?:próxima\s+semana|semana\s+que\s+vem)"
_BY = r"(?:(?:até|antes\s+d[oa])\s+)?(?:[oa]\s+|ao\s+)?"

WORDS = Words(
    weekdays=("segunda", "terça|terca", "quarta", "quinta", "sexta", "sábado|sabado", "domingo"),
    numbers=NUMBERS,
    days=(
        (r"\bdepois\s+de\s+amanh[ãa]\b", offset(2)),
        (r"(?<!\bde )\bamanh[ãa]\b", offset(1)),
        (r"\b(?:hoje|esta\s+noite)\b", offset(0)),
        (rf"\b{_BY}(?:fim|final)\s+da\s+semana\b|\b(?:ainda\s+)?n?esta\s+semana\b", end_of_week),
        (rf"\b{_BY}(?:fim|final)\s+do\s+m[êe]s\b", end_of_month),
        (rf"\b(?:n[ao]\s+)?(?:{{wd}})(?:-feira)?\s+da\s+{_NEXT_WEEK}\b", next_week_day),
        (rf"\b{_NEXT_WEEK}\s*,?\s+(?:n[ao]\s+)?(?:{{wd}})(?:-feira)?\b", next_week_day),
        (r"\bn?est[ae]\s+(?:{wd})(?:-feira)?\b", this),
        (r"\b(?P<pre>(?:(?:n[ao]|próxim[ao]|até|para\s+[ao])\s+)+)?(?:{wd})"
         r"(?P<post>-feira|\s+que\s+vem)?\b", strict_if_marked),
        (r"\b(?:em|daqui\s+a|dentro\s+de)\s+{num}\s+(?P<unit>dias?|semanas?|m[êe]s(?:es)?)\b",
         span(NUMBERS)),
        (rf"\b{_NEXT_WEEK}\b", next_monday),
    ),
    times=(
        (r"\b(?:às|por\s+volta\s+das|até\s+às)\s+(?P<h>\d{1,2})(?:[:h](?P<mi>\d{2}))?"
         r"\s*(?:h|horas?)?\b(?:\s+(?P<ap>da\s+tarde|da\s+noite|da\s+manhã))?", "clock"),
        (r"\b(?P<h>\d{1,2})h(?P<mi>\d{2})?\b", "clock"),
        (r"\b(?P<h>\d{1,2}):(?P<mi>\d{2})\b", "clock"),
        (r"\b(?:de|pela)\s+manhã\b", "part:morning"),
        (r"\b(?:à|a|de|pela)\s+tarde\b", "part:afternoon"),
        (r"\b(?:à|a|de|pela|esta)\s+noite\b", "part:evening"),
        (r"\b(?:ao\s+)?meio-dia\b", "part:noon"),
    ),
    hints=r"amanh|hoje|semana|m[êe]s|dias?\b|segunda|terça|terca|quarta|quinta|sexta|"
          r"s[áa]bado|domingo|manhã|tarde|noite|meio-dia|\bàs\s",
    pm=("da tarde", "da noite"),
    months=r"\b(?:janeiro|fevereiro|março|abril|maio|junho|julho|agosto|setembro|outubro|"
           r"novembro|dezembro)\b",
)
