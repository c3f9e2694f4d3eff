"""How a matched date phrase becomes a day: the business readings, the same in every language.

A word table (`parsers.date_words`) pairs each pattern with one of these functions; the
function gets the match and today (in the user's zone) and returns the day, or None when
the match turns out not to be a date after all (31 February, a bare Thai "moon").

- a weekday alone or with "next"/"on"/"by" is the first such day strictly after today
  (`strict`): on a Monday, "Monday" means a week from today;
- "this Friday" is the one of this week, or the next one once it has passed (`this`);
- a weekday with an explicit "next week" is that day of next calendar week, weeks
  starting on Monday (`next_week_day`); "next week" alone is next Monday (`next_monday`);
- "in 2 weeks" counts from today (`span`); a month is 30 days;
- "end of the week" and "this week" are this week's Friday, next week's once it has
  passed (`end_of_week`); "end of the month" is its last day (`end_of_month`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date, timedelta

DayFn = Callable[[re.Match[str], date], date | None]

WEEK_UNITS = ("week", "wek", "veck", "uge", "uke", "woche", "недел", "周", "星期", "礼拜",
              "สัปดาห์", "อาทิตย์", "settiman", "semana", "semaine", "viiko")
MONTH_UNITS = ("month", "månad", "måned", "monat", "месяц", "月", "เดือน", "mes", "mois", "maand",
               "mês", "kuukau")


def weekday_of(m: re.Match[str]) -> int:
    for i in range(7):
        if m.group(f"wd{i}"):
            return i
    raise ValueError("no weekday in match")


def strictly_after(today: date, wd: int) -> date:
    return today + timedelta(days=(wd - today.weekday()) % 7 or 7)


def this_week(today: date, wd: int) -> date:
    day = today - timedelta(days=today.weekday()) + timedelta(days=wd)
    return day if day >= today else day + timedelta(days=7)


def week_after(today: date, wd: int = 0) -> date:
    return today - timedelta(days=today.weekday()) + timedelta(days=7 + wd)


def offset(days: int) -> DayFn:
    return lambda _m, today: today + timedelta(days=days)


def strict(m: re.Match[str], today: date) -> date:
    return strictly_after(today, weekday_of(m))


def strict_if_marked(m: re.Match[str], today: date) -> date | None:
    """A weekday word that is also an ordinary word (Thai จันทร์ "moon", Portuguese
    "segunda" "second") counts only with its marker before or after it."""
    return strict(m, today) if m.group("pre") or m.group("post") else None


def this(m: re.Match[str], today: date) -> date:
    return this_week(today, weekday_of(m))


def next_week_day(m: re.Match[str], today: date) -> date:
    return week_after(today, weekday_of(m))


def next_monday(_m: re.Match[str], today: date) -> date:
    return week_after(today)


def end_of_week(_m: re.Match[str], today: date) -> date:
    """This week's Friday; once it has passed, next week's."""
    return this_week(today, 4)


def end_of_month(_m: re.Match[str], today: date) -> date:
    first_next = (today.replace(day=1) + timedelta(days=32)).replace(day=1)
    return first_next - timedelta(days=1)


def span(numbers: Mapping[str, int]) -> DayFn:
    """"in N days/weeks/months" with the number as digits or as one of `numbers`."""

    def count(m: re.Match[str], today: date) -> date:
        raw = (m.group("n") or "1").lower()
        n = int(raw) if raw.isdigit() else numbers.get(raw, 1)
        unit = m.group("unit").lower()
        if any(u in unit for u in WEEK_UNITS):
            return today + timedelta(weeks=n)
        if any(u in unit for u in MONTH_UNITS):
            return today + timedelta(days=30 * n)
        return today + timedelta(days=n)

    return count


def iso(m: re.Match[str], today: date) -> date | None:
    try:
        return date(int(m.group("y")), int(m.group("mo")), int(m.group("d")))
    except ValueError:
        return None


def dotted(m: re.Match[str], today: date) -> date | None:
    """5.12.2026, 5.12.26 or 5.12. (this year, or the next once it has passed)."""
    year = m.group("y")
    try:
        if year:
            y = int(year) + (2000 if len(year) == 2 else 0)
            return date(y, int(m.group("mo")), int(m.group("d")))
        day = date(today.year, int(m.group("mo")), int(m.group("d")))
        return day if day >= today else day.replace(year=today.year + 1)
    except ValueError:
        return None


def month_day(m: re.Match[str], today: date) -> date | None:
    """12月5日 / 5号: that day, this year (month) or the next one once it has passed."""
    try:
        if m.group("mo"):
            day = date(today.year, int(m.group("mo")), int(m.group("d")))
            return day if day >= today else day.replace(year=today.year + 1)
        day = today.replace(day=int(m.group("d")))
    except ValueError:
        return None
    if day < today:
        try:
            day = (day.replace(day=1) + timedelta(days=32)).replace(day=day.day)
        except ValueError:  # the 31st, next month has 30 days
            return None
    return day


def next_month_day(m: re.Match[str], today: date) -> date | None:
    first_next = (today.replace(day=1) + timedelta(days=32)).replace(day=1)
    try:
        return first_next.replace(day=int(m.group("d")))
    except ValueError:
        return None
