"""Due dates in a text, resolved in the user's zone: the resolver over `parsers.date_words`.

dateparser misses "next Friday" outside English (下周五, в следующую пятницу, nästa fredag,
vendredi prochain) and, guessing the language itself, reads "we" as Wednesday, so the forms
people actually write in a note are our own rules, one word table per language
(`parsers.date_words`), read as the business conventions of `parsers.date_readings`.
dateparser is only a fallback for written-out dates ("5 December"), always with the
language passed in, and only when the text has a day number next to a month name.

The time is 09:00 unless given: a clock time ("at 3pm", "kl 15", "um 15 Uhr", "alle 15",
"om 10 uur", "a las 10", "à 15h", "下午3点") or a part of the day (morning 09:00, afternoon
14:00, evening 18:00, noon 12:00, end of day 17:00). An hour from 1 to 7 without am/pm is
taken as afternoon ("call at 3" means 15:00 in business hours). A time alone ("at 4pm") is
today, or tomorrow once it has passed. Results are aware datetimes in the user's zone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from parsers.date_readings import DayFn, dotted, iso
from parsers.date_words import LANGUAGES, NEIGHBOURS, Words

__all__ = ["DateMatch", "fallback_date", "find_date", "resolve_due", "zone_of"]

DEFAULT_HOUR = 9
_PARTS = {"morning": 9, "afternoon": 14, "evening": 18, "noon": 12, "close": 17}
_COMMON_DAYS: tuple[tuple[str, DayFn], ...] = (
    (r"\b(?P<y>\d{4})-(?P<mo>\d{1,2})-(?P<d>\d{1,2})\b", iso),
    (r"(?<![\d.])(?P<d>\d{1,2})\.(?P<mo>\d{1,2})\.(?P<y>\d{4}|\d{2})?(?![\d])", dotted),
)
_ZH_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
              "九": 9, "十": 10}


@dataclass(frozen=True)
class DateMatch:
    """A due date found in a text, with the character spans that expressed it."""

    due: datetime
    spans: tuple[tuple[int, int], ...]
    has_day: bool = True  # False: only a time was given ("at 3pm"), the day is a guess


def zone_of(tz: str | ZoneInfo) -> ZoneInfo:
    return tz if isinstance(tz, ZoneInfo) else ZoneInfo(tz)


def _words_key(words: str) -> str:
    return " ".join(words.lower().replace(".", "").split())


# The digits a day or time rule can start from: a number of at most four digits standing
# apart ("at 10", "10:30", "2026-12-01", "in 2 days"), or one followed by an hour mark
# ("15h", "14h30", "3pm"). A number glued to a word ("1XXXX", "SKU42A") is neither, so a body
# of part numbers costs no rule search. Checked in Python: a regex with a look-behind at its
# start cannot skip ahead and costs more than every rule it would spare.
_DIGITS = re.compile(r"\d+")
_HOUR_MARK = re.compile(r"h(?![^\W\d_])|\s*[ap]\.?m")


def _has_time_number(low: str) -> bool:
    for m in _DIGITS.finditer(low):
        start, end = m.span()
        if start and low[start - 1].isalpha():
            continue
        after = low[end : end + 1]
        if (end - start <= 4 and not after.isalpha()) or _HOUR_MARK.match(low, end):
            return True
    return False


@dataclass(frozen=True)
class _Compiled:
    """One language's table, compiled once at import."""

    hint: re.Pattern[str]
    days: tuple[tuple[re.Pattern[str], DayFn], ...]
    times: tuple[tuple[re.Pattern[str], str], ...]
    pm: frozenset[str]
    am: frozenset[str]
    noon: frozenset[str]


def _compile(words: Words) -> _Compiled:
    weekdays = "|".join(f"(?P<wd{i}>{alt})" for i, alt in enumerate(words.weekdays))
    names = "|".join(sorted(map(re.escape, words.numbers), key=len, reverse=True))
    number = rf"(?P<n>\d{{1,3}}|{names})" if names else r"(?P<n>\d{1,3})"

    def pattern(p: str) -> re.Pattern[str]:
        return re.compile(p.replace("{wd}", weekdays).replace("{num}", number), re.IGNORECASE)

    return _Compiled(
        hint=re.compile(words.hints),  # matched against the lower-cased text
        days=tuple((pattern(p), fn) for p, fn in words.days),
        times=tuple((pattern(p), kind) for p, kind in words.times),
        pm=frozenset(map(_words_key, words.pm)),
        am=frozenset(map(_words_key, words.am)),
        noon=frozenset(map(_words_key, words.noon)),
    )


_RULES = {lang: _compile(words) for lang, words in LANGUAGES.items()}
# English beside another language, without the capitalised abbreviations: French "Mon
# collègue" is not Monday.
_RULES["en-beside"] = _compile(replace(
    LANGUAGES["en"],
    weekdays=tuple(re.sub(r"\|\(\?-i:[^)]*\)", "", wd) for wd in LANGUAGES["en"].weekdays),
))


def _languages(language: str | None) -> list[str]:
    """Our rules for the language (or its neighbour) plus English; all when it is unknown."""
    if language is None:
        return [lang for lang in _RULES if lang != "en-beside"]
    language = NEIGHBOURS.get(language, language)
    if language in _RULES and language != "en":
        return [language, "en-beside"]
    return ["en"]


def _zh_int(raw: str) -> int:
    if raw.isdigit():
        return int(raw)
    if raw.startswith("十"):
        return 10 + (_ZH_DIGITS.get(raw[1:], 0) if len(raw) > 1 else 0)
    if "十" in raw:
        tens, _, ones = raw.partition("十")
        return _ZH_DIGITS.get(tens, 1) * 10 + (_ZH_DIGITS.get(ones, 0) if ones else 0)
    return _ZH_DIGITS.get(raw, 0)


def _clock(m: re.Match[str], kind: str, rules: _Compiled) -> time | None:
    if kind == "clock1pm":
        return time(13, 0)
    groups = m.groupdict()
    hour = _zh_int(groups["h"])
    minute = int(groups.get("mi") or 0)
    if groups.get("half"):
        minute = 30
    ap = _words_key(groups.get("ap") or "")
    if ap in rules.pm and hour < 12:
        hour += 12
    elif ap in rules.am and hour == 12:
        hour = 0
    elif (ap in rules.noon and hour < 6) or (not ap and 1 <= hour <= 7):
        hour += 12
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def _find_time(
    text: str, lang: str, taken: tuple[int, int], parts_only: bool = False
) -> tuple[time, tuple[int, int]] | None:
    """The first time in `text` outside the span `taken` (the day phrase)."""
    rules = _RULES[lang]
    for regex, kind in rules.times:
        if parts_only and not kind.startswith("part:"):
            continue
        for m in regex.finditer(text):
            if m.start() < taken[1] and m.end() > taken[0]:
                continue
            if kind.startswith("part:"):
                return time(_PARTS[kind[5:]], 0), m.span()
            at = _clock(m, kind, rules)
            if at is not None:
                return at, m.span()
    return None


_COMMON = tuple((re.compile(p, re.IGNORECASE), fn) for p, fn in _COMMON_DAYS)


def _find_day(text: str, languages: list[str], today: date) -> tuple[date, tuple[int, int]] | None:
    """The earliest day phrase in `text`; on a tie, the rule listed first wins."""
    best: tuple[int, date, tuple[int, int]] | None = None
    rules = [rule for lang in languages for rule in _RULES[lang].days]
    for regex, fn in (*rules, *_COMMON):  # the numeric forms once, whatever the languages
        m = regex.search(text)
        while m is not None and (best is None or m.start() < best[0]):
            day = fn(m, today)
            if day is not None:  # the first reading of this rule; later ones are later
                best = (m.start(), day, m.span())
                break
            m = regex.search(text, max(m.end(), m.start() + 1))
    return (best[1], best[2]) if best else None


def _part_of_day_in(said: str, langs: list[str]) -> time | None:
    """The time a day phrase implies itself: "tonight", "vanmiddag", "end of day"."""
    for lang in langs:
        at = _find_time(said, lang, (-1, -1), parts_only=True)
        if at:
            return at[0]
    return None


def find_date(
    text: str, *, now: datetime, tz: str | ZoneInfo, language: str | None
) -> DateMatch | None:
    """The first due date expressed in `text` (a day, a time or both), or None."""
    low = text.lower()
    number = _has_time_number(low)
    langs = [lang for lang in _languages(language) if number or _RULES[lang].hint.search(low)]
    if not langs:
        return None
    zone = zone_of(tz)
    local_now = now.astimezone(zone)
    found = _find_day(text, langs, local_now.date())
    day_span = found[1] if found else (-1, -1)
    at = None
    for lang in langs:
        at = _find_time(text, lang, day_span)
        if at:
            break
    if found is None and at is None:
        return None
    if found is None:
        assert at is not None
        due = datetime.combine(local_now.date(), at[0], tzinfo=zone)
        if due <= local_now:
            due += timedelta(days=1)
        return DateMatch(due=due, spans=(at[1],), has_day=False)
    said = text[found[1][0] : found[1][1]]
    clock = at[0] if at else _part_of_day_in(said, langs) or time(DEFAULT_HOUR, 0)
    due = datetime.combine(found[0], clock, tzinfo=zone)
    spans = (found[1], at[1]) if at else (found[1],)
    return DateMatch(due=due, spans=tuple(sorted(spans)))


_MONTHS = re.compile("|".join(w.months for w in LANGUAGES.values() if w.months), re.IGNORECASE)
_WRITTEN_TIME = re.compile(r"\d{1,2}[:.]\d{2}|\d\s*(?:[ap]\.?m\.?|uhr|h)\b", re.IGNORECASE)
# A written-out date has a day number next to its month: "5 December", "Dec 5th", "5. Mai".
_WRITTEN_DATE = re.compile(
    rf"\d{{1,2}}(?:st|nd|rd|th|\.|er|e|º)?\s*(?:of\s+|de\s+)?(?:{_MONTHS.pattern})"
    rf"|(?:{_MONTHS.pattern})\s*\d{{1,2}}(?!\d)",
    re.IGNORECASE,
)


_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")


def _next_occurrence(month: int, day_of_month: int, today: date) -> date | None:
    """The first `month`/`day_of_month` from today on (29 February waits for a leap year)."""
    for year in range(today.year, today.year + 8):
        try:
            candidate = date(year, month, day_of_month)
        except ValueError:
            continue
        if candidate >= today:
            return candidate
    return None


def may_hold_written_date(text: str, language: str | None) -> bool:
    """Whether `fallback_date` could find anything in `text` (a cheap test, no dateparser)."""
    return bool(language) and _WRITTEN_DATE.search(text) is not None


def fallback_date(
    text: str, *, now: datetime, tz: str | ZoneInfo, language: str | None
) -> DateMatch | None:
    """dateparser for written-out dates our rules do not cover ("5 December"), language given."""
    if language is None or not may_hold_written_date(text, language):
        return None
    from dateparser.search import search_dates

    zone = zone_of(tz)
    local_now = now.astimezone(zone).replace(tzinfo=None)
    settings = {"PREFER_DATES_FROM": "future", "RELATIVE_BASE": local_now,
                "RETURN_AS_TIMEZONE_AWARE": False}
    try:
        hits = search_dates(text, languages=[language], settings=settings)  # type: ignore[arg-type]
    except Exception:  # dateparser raises assorted errors on odd input; a miss is fine
        return None
    for phrase, value in hits or ():
        if not (re.search(r"\d", phrase) and _MONTHS.search(phrase)):
            continue
        start = text.find(phrase)
        # dateparser fills a missing time with the current one: keep only a written time.
        written = _WRITTEN_TIME.search(phrase)
        clock = value.time() if written else time(DEFAULT_HOUR)
        # No year written: the next such day. dateparser reads "Dec 10 at 10" as the year
        # 10 and, preferring the future, lands in 2110.
        day = (
            value.date()
            if _YEAR.search(phrase)
            else _next_occurrence(value.month, value.day, local_now.date())
        )
        if day is None:
            continue
        due = datetime.combine(day, clock, tzinfo=zone)
        return DateMatch(due=due, spans=((start, start + len(phrase)),))
    return None


def resolve_due(
    text: str, *, now: datetime, tz: str | ZoneInfo, language: str | None = None
) -> datetime | None:
    """A due datetime for a phrase like "Friday", "tomorrow at 10", "2 days", "2026-12-01"."""
    bare = re.fullmatch(r"\s*(?P<n>\d{1,3})\s*(?P<unit>[a-zA-Zа-яА-Яåäöü]+)\s*", text)
    probe = None
    if bare:
        text = f"in {bare.group('n')} {bare.group('unit')}"
        probe = find_date(text, now=now, tz=tz, language="en") or find_date(
            text.replace("in ", "om ", 1), now=now, tz=tz, language=None)
        if probe and probe.has_day:
            return probe.due
    match = find_date(text, now=now, tz=tz, language=language) or probe
    if match is None or not match.has_day:
        # Our rules read only the time of "Dec 10 9am"; a calendar date wins over "next 9:00".
        absolute = fallback_date(text, now=now, tz=tz, language=language or "en")
        if absolute is not None and (match is None or absolute.has_day):
            match = absolute
    return match.due if match else None
