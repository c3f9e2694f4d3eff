"""Spanish date words ("mañana" is both tomorrow and morning: "por la mañana" is the time)."""

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

NUMBERS = {"un": 1, "una": 1, "uno": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5,
           "seis": 6, "quince": 15}
_NEXT_WEEK = r"(?:la\s+)?(?:semana\s+que\s+viene|pr[óo]xima\s+semana|semana\s+pr[óo]xima)"

WORDS = Words(
    weekdays=("lunes", "martes", "mi[ée]rcoles", "jueves", "viernes", "s[áa]bado", "domingo"),
    numbers=NUMBERS,
    days=(
        (r"\bpasado\s+ma[ñn]ana\b", offset(2)),
        (r"(?<!\bla )(?<!\besta )(?<!\bpasado )\bma[ñn]ana\b", offset(1)),
        (r"\b(?:hoy|esta\s+tarde|esta\s+noche|esta\s+ma[ñn]ana)\b", offset(0)),
        (r"\b(?:(?:para|antes\s+de|a)\s+)?(?:finales|(?:el\s+)?final)\s+de\s+(?:la\s+)?semana\b|"
         r"\bantes\s+del\s+fin\s+de\s+semana\b|\b(?:durante\s+|en\s+)?esta\s+semana\b",
         end_of_week),
        (r"\b(?:(?:para|antes\s+de|a)\s+)?(?:finales|(?:el\s+)?final|fin)\s+de(?:l)?\s+"
         r"(?:este\s+)?mes\b", end_of_month),
        (rf"\b(?:el\s+)?(?:{{wd}})\s+de\s+{_NEXT_WEEK}\b", next_week_day),
        (rf"\b{_NEXT_WEEK}\s*,?\s+(?:el\s+)?(?:{{wd}})\b", next_week_day),
        (r"\beste\s+(?:{wd})\b", this),
        (r"\b(?:(?:el|para|antes\s+del|hasta\s+el|pr[óo]ximo)\s+)*(?:{wd})"
         r"(?:\s+(?:pr[óo]ximo|que\s+viene))?\b", strict),
        (r"\b(?:en|dentro\s+de)\s+{num}\s+(?P<unit>d[íi]as?|semanas?|mes(?:es)?)\b",
         span(NUMBERS)),
        (rf"\b{_NEXT_WEEK}\b", next_monday),
    ),
    times=(
        (r"\b(?:a|sobre|hacia|antes\s+de)\s+las?\s+(?P<h>\d{1,2})(?:[:.](?P<mi>\d{2}))?"
         r"(?:\s*(?:h|horas?)\b)?(?:\s+(?P<ap>de\s+la\s+(?:tarde|noche|ma[ñn]ana)))?(?!\d)",
         "clock"),
        (r"\b(?P<h>\d{1,2}):(?P<mi>\d{2})\b", "clock"),
        (r"\b(?:por\s+la|de\s+la|esta)\s+ma[ñn]ana\b", "part:morning"),
        (r"\b(?:por\s+la|de\s+la|esta)\s+tarde\b", "part:afternoon"),
        (r"\b(?:por\s+la|de\s+la|esta)\s+noche\b", "part:evening"),
        (r"\b(?:al\s+)?mediod[íi]a\b", "part:noon"),
    ),
    hints=r"ma[ñn]ana|hoy|semana|mes\b|lunes|martes|mi[ée]rcoles|jueves|viernes|s[áa]bado|"
          r"domingo|d[íi]as?\b|tarde|noche|mediod|final|fin\s",
    pm=("de la tarde", "de la noche"),
    months=r"\b(?:enero|febrero|marzo|abril|mayo|junio|julio|agosto|sept?iembre|octubre|"
           r"noviembre|diciembre)\b",
)
