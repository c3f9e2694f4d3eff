"""Relative and absolute due dates in en, sv, de, ru, zh and th, resolved in the user's zone.

dateparser misses "next Friday" outside English (下周五, в следующую пятницу, nästa fredag,
วันศุกร์หน้า) and, guessing the language itself, reads "we" as Wednesday, so the forms
people actually write in a note are our own rules; dateparser is only a fallback for
written-out dates ("5 December"), always with the language passed in, and only when the
match holds a digit or a month name.

Readings (business conventions, the same in every language):
- a weekday alone or with "next"/"on"/"by" ("next Friday", "nästa fredag", "в пятницу",
  "วันศุกร์หน้า", "周五") is the first such day strictly after today; "this Friday" is the
  one of this week (or the next one once it has passed);
- a weekday with an explicit "next week" ("Friday next week", "下周五", "nächste Woche
  Freitag") is that day of next calendar week (weeks start on Monday); "next week" alone is
  next Monday;
- "in 2 weeks" / "om 2 veckor" / "через 2 недели" / "两周后" / "อีก 2 สัปดาห์" count from today;
- "end of day"/"EOD" is today 17:00; "end of the week" this week's Friday (next week's
  once it has passed); "end of the month" its last day;
- the time is 09:00 unless given: "morning" 09:00, "afternoon" 14:00, "evening" 18:00,
  "at 3"/"at 3pm"/"kl 15"/"um 15 Uhr"/"в 15:00"/"下午3点"/"บ่าย 3 โมง"; an hour from 1 to 7
  without am/pm is taken as afternoon ("call at 3" means 15:00 in business hours).
Results are aware datetimes in the user's zone.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

__all__ = ["DateMatch", "find_date", "resolve_due", "zone_of"]

DEFAULT_HOUR = 9
_PARTS = {"morning": 9, "afternoon": 14, "evening": 18, "noon": 12}


@dataclass(frozen=True)
class DateMatch:
    """A due date found in a text, with the character spans that expressed it."""

    due: datetime
    spans: tuple[tuple[int, int], ...]
    has_day: bool = True  # False: only a time was given ("at 3pm"), the day is a guess


def zone_of(tz: str | ZoneInfo) -> ZoneInfo:
    return tz if isinstance(tz, ZoneInfo) else ZoneInfo(tz)


# ---- vocabularies ----------------------------------------------------------------------

_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "en": 1, "ett": 1, "två": 2, "tre": 3, "fyra": 4, "fem": 5, "sex": 6,
    "ein": 1, "eine": 1, "einer": 1, "einem": 1, "zwei": 2, "drei": 3, "vier": 4, "fünf": 5,
    "один": 1, "одну": 1, "один день": 1, "два": 2, "две": 2, "три": 3, "четыре": 4, "пять": 5,
    "一": 1, "两": 2, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
    "十": 10, "หนึ่ง": 1, "สอง": 2, "สาม": 3, "สี่": 4, "ห้า": 5,
}
_NUM = r"(?P<n>\d{1,3}|" + "|".join(sorted(map(re.escape, _NUMBERS), key=len, reverse=True)) + ")"

_WEEKDAYS: dict[str, Sequence[str]] = {
    # Abbreviations only capitalised: "mon ami" and "le tue" are not weekdays.
    "en": ("monday|(?-i:Mon)", "tuesday|(?-i:Tues|Tue)", "wednesday|(?-i:Wed)",
           "thursday|(?-i:Thurs|Thur|Thu)", "friday|(?-i:Fri)", "saturday", "sunday"),
    # Swedish, with the Danish/Norwegian spellings (same rules serve da and no).
    "sv": ("(?:måndag|mandag)(?:en)?", "(?:tisdag|tirsdag)(?:en)?", "onsdag(?:en)?",
           "torsdag(?:en)?", "fredag(?:en)?", "(?:lördag|lørdag)(?:en)?",
           "(?:söndag|søndag)(?:en)?"),
    "de": ("montag", "dienstag", "mittwoch", "donnerstag", "freitag", "samstag|sonnabend",
           "sonntag"),
    "ru": ("понедельник[аеу]?", "вторник[аеу]?", "сред[аыуе]", "четверг[аеу]?", "пятниц[аыуе]",
           "суббот[аыуе]", "воскресень[еяю]"),
    # Finnish, bare or in the essive ("perjantaina" = on Friday).
    "fi": ("maanantai(?:na)?", "tiistai(?:na)?", "keskiviikko(?:na)?", "torstai(?:na)?",
           "perjantai(?:na)?", "lauantai(?:na)?", "sunnuntai(?:na)?"),
    "zh": ("一", "二", "三", "四", "五", "六", "日|天"),
    "th": ("จันทร์", "อังคาร", "พุธ", "พฤหัสบดี|พฤหัสฯ|พฤหัส", "ศุกร์", "เสาร์", "อาทิตย์"),
}


def _weekday_alt(lang: str) -> str:
    return "|".join(f"(?P<wd{i}>{alt})" for i, alt in enumerate(_WEEKDAYS[lang]))


def _weekday_of(m: re.Match[str]) -> int:
    for i in range(7):
        if m.group(f"wd{i}"):
            return i
    raise ValueError("no weekday in match")


def _strictly_after(today: date, wd: int) -> date:
    return today + timedelta(days=(wd - today.weekday()) % 7 or 7)


def _this_week(today: date, wd: int) -> date:
    day = today - timedelta(days=today.weekday()) + timedelta(days=wd)
    return day if day >= today else day + timedelta(days=7)


def _next_week(today: date, wd: int = 0) -> date:
    return today - timedelta(days=today.weekday()) + timedelta(days=7 + wd)


def _count(m: re.Match[str]) -> int:
    raw = (m.group("n") or "1").lower()
    return int(raw) if raw.isdigit() else _NUMBERS.get(raw, 1)


_WEEK_UNITS = ("week", "veck", "uge", "uke", "woche", "недел", "周", "星期", "礼拜", "สัปดาห์",
               "อาทิตย์")
_MONTH_UNITS = ("month", "månad", "måned", "monat", "месяц", "月", "เดือน")


def _span_days(m: re.Match[str], today: date) -> date:
    unit = m.group("unit").lower()
    n = _count(m)
    if any(u in unit for u in _WEEK_UNITS):
        return today + timedelta(weeks=n)
    if any(u in unit for u in _MONTH_UNITS):
        return today + timedelta(days=30 * n)
    return today + timedelta(days=n)


DayFn = Callable[[re.Match[str], date], date | None]


def _offset(days: int) -> DayFn:
    return lambda _m, today: today + timedelta(days=days)


def _strict(m: re.Match[str], today: date) -> date:
    return _strictly_after(today, _weekday_of(m))


def _thai_strict(m: re.Match[str], today: date) -> date | None:
    # A bare จันทร์/อาทิตย์ is also "moon"/"week": only with วัน before or หน้า after.
    return _strict(m, today) if m.group("pre") or m.group("post") else None


def _this(m: re.Match[str], today: date) -> date:
    return _this_week(today, _weekday_of(m))


def _nextweek_day(m: re.Match[str], today: date) -> date:
    return _next_week(today, _weekday_of(m))


def _end_of_week(_m: re.Match[str], today: date) -> date:
    """This week's Friday; once it has passed, next week's."""
    return _this_week(today, 4)


def _end_of_month(_m: re.Match[str], today: date) -> date:
    first_next = (today.replace(day=1) + timedelta(days=32)).replace(day=1)
    return first_next - timedelta(days=1)


def _zh_day(m: re.Match[str], today: date) -> date | None:
    """12月5日 / 5号: that day, this year (month) or the next one once it has passed."""
    try:
        if m.group("mo"):
            day = date(today.year, int(m.group("mo")), int(m.group("d")))
            return day if day >= today else day.replace(year=today.year + 1)
        day = today.replace(day=int(m.group("d")))
    except ValueError:
        return None
    if day < today:
        day = (day.replace(day=1) + timedelta(days=32)).replace(day=day.day)
    return day


def _zh_next_month_day(m: re.Match[str], today: date) -> date | None:
    first_next = (today.replace(day=1) + timedelta(days=32)).replace(day=1)
    try:
        return first_next.replace(day=int(m.group("d")))
    except ValueError:
        return None


def _next_monday(_m: re.Match[str], today: date) -> date:
    return _next_week(today)


def _iso(m: re.Match[str], today: date) -> date | None:
    try:
        return date(int(m.group("y")), int(m.group("mo")), int(m.group("d")))
    except ValueError:
        return None


def _dotted(m: re.Match[str], today: date) -> date | None:
    year = m.group("y")
    try:
        if year:
            y = int(year) + (2000 if len(year) == 2 else 0)
            return date(y, int(m.group("mo")), int(m.group("d")))
        day = date(today.year, int(m.group("mo")), int(m.group("d")))
        return day if day >= today else day.replace(year=today.year + 1)
    except ValueError:
        return None


_NEXT_SV = r"(?:nästa|næste|neste)"
_WEEK_SV = r"(?:vecka|uge|uke)"


def _rules(lang: str) -> list[tuple[re.Pattern[str], DayFn]]:
    wd = _weekday_alt(lang)
    table: dict[str, list[tuple[str, DayFn]]] = {
        "en": [
            (r"\b(?:the\s+)?day\s+after\s+tomorrow\b", _offset(2)),
            (r"\b(?:tomorrow|tmrw|tmr)\b", _offset(1)),
            (r"\b(?:today|tonight|later\s+today|(?:by\s+)?(?:the\s+)?end\s+of\s+(?:the\s+)?day|"
             r"(?:by\s+)?eod|(?:by\s+)?cob)\b", _offset(0)),
            (r"\b(?:by\s+)?(?:the\s+)?end\s+of\s+(?:the|this)\s+week\b|\b(?:by\s+)?eow\b",
             _end_of_week),
            (r"\b(?:by\s+)?(?:the\s+)?end\s+of\s+(?:the|this)\s+month\b|\b(?:by\s+)?eom\b",
             _end_of_month),
            (rf"\b(?:on\s+|by\s+)?(?:{wd})\.?\s+(?:of\s+)?next\s+week\b", _nextweek_day),
            (rf"\bnext\s+week\s+(?:on\s+)?(?:{wd})\b", _nextweek_day),
            (rf"\bthis\s+(?:coming\s+)?(?:{wd})\b", _this),
            (rf"\b(?:(?:next|coming|on|by|until|till|before)\s+)*(?:{wd})\b\.?", _strict),
            (rf"\b(?:in|within)\s+{_NUM}\s+(?P<unit>(?:business\s+|working\s+)?days?|weeks?|"
             r"months?)\b", _span_days),
            (r"\bnext\s+week\b", _next_monday),
        ],
        "sv": [
            (r"\b(?:i\s+)?(?:övermorgon|overmorgen)\b", _offset(2)),
            (r"\b(?:i\s*morgon|imorgon|i\s*morgen|imorgen)(?:\s+bitti|\s+tidlig)?\b", _offset(1)),
            (r"\b(?:i\s*dag|idag|i\s*kväll|ikväll|i\s*aften)\b", _offset(0)),
            (r"\b(?:i\s+slutet\s+av\s+veckan|veckans\s+slut)\b", _end_of_week),
            (r"\b(?:i\s+slutet\s+av\s+månaden|månadens\s+slut)\b", _end_of_month),
            (rf"\b(?:på\s+)?(?:{wd})\s+{_NEXT_SV}\s+{_WEEK_SV}\b", _nextweek_day),
            (rf"\b{_NEXT_SV}\s+{_WEEK_SV}\s+(?:på\s+)?(?:{wd})\b", _nextweek_day),
            (rf"\b(?:(?:{_NEXT_SV}|kommande|på|till|senast|innan|före|inden)\s+)*(?:{wd})\b",
             _strict),
            (rf"\b(?:om|inom|inden\s+for)\s+{_NUM}\s+(?P<unit>dag(?:ar|e)?|veck(?:a|or)|"
             r"uger?|uker?|månad(?:er)?|måneder?)\b", _span_days),
            (rf"\b{_NEXT_SV}\s+{_WEEK_SV}\b", _next_monday),
        ],
        "de": [
            (r"\bübermorgen\b", _offset(2)),
            (r"(?<!\bam )(?<!\bguten )(?<!\bheute )(?<!\bjeden )\bmorgen\b", _offset(1)),
            (r"\b(?:heute|heut)(?:\s+abend|\s+nachmittag)?\b", _offset(0)),
            (r"\b(?:bis\s+)?(?:zum\s+)?(?:ende\s+der\s+woche|wochenende)\b", _end_of_week),
            (r"\b(?:bis\s+)?(?:zum\s+)?(?:ende\s+des\s+monats|monatsende)\b", _end_of_month),
            (rf"\b(?:am\s+)?(?:{wd})\s+nächste[rn]?\s+woche\b", _nextweek_day),
            (rf"\bnächste\s+woche\s+(?:am\s+)?(?:{wd})\b", _nextweek_day),
            (rf"\b(?:diese[nm]?\s+)(?:{wd})\b", _this),
            (rf"\b(?:(?:nächste[nmr]?|kommende[nmr]?|am|bis|zum|spätestens|vor)\s+)*(?:{wd})\b",
             _strict),
            (rf"\b(?:in|binnen|innerhalb\s+von)\s+{_NUM}\s+(?P<unit>tag(?:en|e)?|woche(?:n)?|"
             r"monat(?:en|e)?)\b", _span_days),
            (r"\bnächste\s+woche\b", _next_monday),
        ],
        "ru": [
            (r"\bпослезавтра\b", _offset(2)),
            (r"\bзавтра\b", _offset(1)),
            (r"\bсегодня\b", _offset(0)),
            (r"\b(?:до\s+)?(?:в\s+)?конц[еау]\s+недели\b", _end_of_week),
            (r"\b(?:до\s+)?(?:в\s+)?конц[еау]\s+месяца\b", _end_of_month),
            (rf"(?:\b(?:в|во|до|к)\s+)?(?:{wd})\s+на\s+следующей\s+неделе\b", _nextweek_day),
            (rf"\bна\s+следующей\s+неделе\s+(?:(?:в|во)\s+)?(?:{wd})\b", _nextweek_day),
            (rf"(?:\b(?:в|во)\s+)?(?:эт[оуи][тй]?)\s+(?:{wd})\b", _this),
            (rf"(?:\b(?:в|во|до|к|ко)\s+)?(?:(?:следующ(?:ую|ий|ее|ей|его)|ближайш(?:ую|ий|ее))\s+)?"
             rf"\b(?:{wd})\b", _strict),
            (rf"\bчерез\s+(?:{_NUM}\s+)?(?P<unit>д(?:ень|ня|ней)|недел(?:ю|и|ь)|месяц(?:а|ев)?)\b",
             _span_days),
            (r"\bна\s+следующей\s+неделе\b", _next_monday),
        ],
        "fi": [
            (r"\bylihuomenna\b", _offset(2)),
            (r"\bhuomenna\b", _offset(1)),
            (r"\b(?:tänään|tänä\s+iltana)\b", _offset(0)),
            (rf"\bensi\s+viiko(?:lla|n)\s+(?:{wd})\b", _nextweek_day),
            (rf"\b(?:(?:ensi|tulevana|viimeistään)\s+)*(?:{wd})\b", _strict),
            (r"\bensi\s+viikolla\b", _next_monday),
        ],
        "zh": [
            (r"大后天", _offset(3)),
            (r"后天", _offset(2)),
            (r"明天|明日|明早", _offset(1)),
            (r"今天|今日|今晚", _offset(0)),
            (rf"下(?:个)?(?:周|星期|礼拜)(?:{wd})", _nextweek_day),
            (rf"(?:这|本)(?:个)?(?:周|星期|礼拜)(?:{wd})", _this),
            (rf"(?:周|星期|礼拜)(?:{wd})", _strict),
            (rf"{_NUM}\s*(?:个)?\s*(?P<unit>天|周|星期|礼拜|月)(?:以?后|之后)", _span_days),
            (r"下(?:个)?月\s*(?P<d>\d{1,2})\s*[日号號]", _zh_next_month_day),
            (r"(?:(?P<mo>\d{1,2})\s*月\s*)?(?P<d>\d{1,2})\s*[日号號]", _zh_day),
            (r"下(?:个)?(?:周|星期|礼拜)", _next_monday),
        ],
        "th": [
            (r"มะรืน(?:นี้)?", _offset(2)),
            (r"พรุ่งนี้", _offset(1)),
            (r"วันนี้|คืนนี้", _offset(0)),
            (rf"(?:วัน)?(?:{wd})(?:ของ)?(?:สัปดาห์|อาทิตย์)หน้า", _nextweek_day),
            (rf"(?:วัน)?(?:{wd})นี้", _this),
            (rf"(?P<pre>วัน)?(?:{wd})(?P<post>หน้า)?", _thai_strict),
            (rf"(?:ใน)?อีก\s*{_NUM}\s*(?P<unit>วัน|สัปดาห์|อาทิตย์|เดือน)", _span_days),
            (r"(?:สัปดาห์|อาทิตย์)หน้า", _next_monday),
        ],
    }
    common: list[tuple[str, DayFn]] = [
        (r"\b(?P<y>\d{4})-(?P<mo>\d{1,2})-(?P<d>\d{1,2})\b", _iso),
        (r"(?<![\d.])(?P<d>\d{1,2})\.(?P<mo>\d{1,2})\.(?P<y>\d{4}|\d{2})?(?![\d])", _dotted),
    ]
    return [(re.compile(p, re.IGNORECASE), fn) for p, fn in [*table[lang], *common]]


_RULES = {lang: _rules(lang) for lang in _WEEKDAYS}

# Words without which no rule of a language can match: one cheap search skips the
# rules for the many sentences that hold no date at all.
_HINT_WORDS = {
    "en": r"tom|tmr|today|tonight|eod|eow|eom|cob|end\s+of|mon|tue|wed|thu|fri|sat|sun|week|day|"
          r"month|morning|afternoon|evening|noon|lunch|[ap]\.?m\b",
    "sv": r"morg[oe]n|dag|kväll|aften|veck|uge|uke|måna?d|förmiddag|eftermiddag|bitti|kl",
    "de": r"morgen|heut|tag|woche|monat|vormittag|nachmittag|abend|mittag|früh|uhr|um\s",
    "ru": r"завтра|сегодня|понедельник|вторник|сред|четверг|пятниц|суббот|воскресен|недел|"
          r"месяц|д[еня]|утром|дн[её]м|вечером|\bв\s",
    "fi": r"huomen|tänä|viiko|klo|kello|maanantai|tiistai|keskiviikko|torstai|perjantai|lauantai|"
          r"sunnuntai",
    "zh": r"天|日|早|周|星期|礼拜|月|点|點|时|時|午|晚",
    "th": r"นี้|พรุ่ง|มะรืน|จันทร์|อังคาร|พุธ|พฤหัส|ศุกร์|เสาร์|อาทิตย์|สัปดาห์|เดือน|วัน|โมง|เช้า|บ่าย|เย็น|ค่ำ|เที่ยง|น\.",
}
_HINTS = {
    lang: re.compile(rf"\d|{words}", re.IGNORECASE) for lang, words in _HINT_WORDS.items()
}

# ---- times ------------------------------------------------------------------------------

_TIME_RULES: dict[str, list[tuple[str, str]]] = {
    # (pattern, kind) kind: clock (groups h, mi, ap) | part:<name>
    "en": [
        (r"\b(?:at|@|by|around)\s*(?P<h>\d{1,2})(?:[:.](?P<mi>\d{2}))?\s*(?P<ap>[ap]\.?m\.?)?"
         r"(?![\d%])", "clock"),
        (r"\b(?P<h>\d{1,2})(?:[:.](?P<mi>\d{2}))?\s*(?P<ap>[ap]\.?m\.?)(?!\w)", "clock"),
        (r"\b(?P<h>\d{1,2}):(?P<mi>\d{2})\b", "clock"),
        (r"\b(?:in\s+the\s+)?morning\b", "part:morning"),
        (r"\b(?:in\s+the\s+)?afternoon\b", "part:afternoon"),
        (r"\b(?:in\s+the\s+)?evening\b|\btonight\b", "part:evening"),
        (r"\b(?:at\s+)?noon\b|\blunchtime\b", "part:noon"),
    ],
    "sv": [
        (r"\b(?:kl\.?|klockan)\s*(?P<h>\d{1,2})(?:[.:](?P<mi>\d{2}))?", "clock"),
        (r"\b(?P<h>\d{1,2}):(?P<mi>\d{2})\b", "clock"),
        (r"\b(?:på\s+)?förmiddag(?:en)?\b|\bbitti\b|\bpå\s+morgonen\b", "part:morning"),
        (r"\b(?:på\s+)?eftermiddag(?:en)?\b", "part:afternoon"),
        (r"\b(?:på\s+)?kväll(?:en)?\b|\bikväll\b", "part:evening"),
    ],
    "de": [
        (r"\bum\s+(?P<h>\d{1,2})(?:[:.](?P<mi>\d{2}))?(?:\s*uhr)?\b", "clock"),
        (r"\b(?P<h>\d{1,2})(?:[:.](?P<mi>\d{2}))?\s*uhr\b", "clock"),
        (r"\b(?P<h>\d{1,2}):(?P<mi>\d{2})\b", "clock"),
        (r"\b(?:am\s+)?vormittags?\b|\bmorgens\b|\bfrüh\b|\bam\s+morgen\b", "part:morning"),
        (r"\b(?:am\s+)?nachmittags?\b", "part:afternoon"),
        (r"\b(?:am\s+)?abends?\b", "part:evening"),
        (r"\b(?:am\s+|zu\s+)?mittags?\b", "part:noon"),
    ],
    "ru": [
        (r"\bв\s+(?P<h>\d{1,2})(?:[:.](?P<mi>\d{2}))?(?:\s*(?:час(?:а|ов)?|ч\.?))?"
         r"(?:\s+(?P<ap>дня|вечера|утра))?", "clock"),
        (r"\b(?P<h>\d{1,2}):(?P<mi>\d{2})\b", "clock"),
        (r"\bутром\b", "part:morning"),
        (r"\bдн[её]м\b", "part:afternoon"),
        (r"\bвечером\b", "part:evening"),
    ],
    "fi": [
        (r"\b(?:klo|kello)\s*(?P<h>\d{1,2})(?:[.:](?P<mi>\d{2}))?", "clock"),
        (r"\b(?P<h>\d{1,2})[:.](?P<mi>\d{2})\b", "clock"),
        (r"\baamulla\b", "part:morning"),
        (r"\biltapäivällä\b", "part:afternoon"),
        (r"\billalla\b", "part:evening"),
    ],
    "zh": [
        (r"(?P<ap>上午|早上|早晨|下午|晚上|中午)?\s*(?P<h>\d{1,2}|[一二两三四五六七八九十]{1,3})"
         r"\s*(?:点|點|时|時)(?:\s*(?P<mi>\d{1,2})\s*分?|(?P<half>半))?", "clock"),
        (r"(?P<h>\d{1,2}):(?P<mi>\d{2})", "clock"),
        (r"上午|早上|早晨", "part:morning"),
        (r"下午", "part:afternoon"),
        (r"晚上", "part:evening"),
        (r"中午", "part:noon"),
    ],
    "th": [
        (r"(?P<ap>บ่าย)\s*(?P<h>\d{1,2})\s*โมง", "clock"),
        (r"(?P<ap>บ่าย)โมง", "clock1pm"),
        (r"(?P<h>\d{1,2})\s*โมง(?P<ap>เช้า|เย็น)?", "clock"),
        (r"(?P<h>\d{1,2})[.:](?P<mi>\d{2})\s*(?:น\.?)?", "clock"),
        (r"(?:ตอน)?เช้า", "part:morning"),
        (r"(?:ตอน)?บ่าย", "part:afternoon"),
        (r"(?:ตอน)?เย็น|(?:ตอน)?ค่ำ", "part:evening"),
        (r"เที่ยง", "part:noon"),
    ],
}
_TIMES = {
    lang: [(re.compile(p, re.IGNORECASE), kind) for p, kind in rules]
    for lang, rules in _TIME_RULES.items()
}
_ZH_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
              "九": 9, "十": 10}


def _zh_int(raw: str) -> int:
    if raw.isdigit():
        return int(raw)
    if raw.startswith("十"):
        return 10 + (_ZH_DIGITS.get(raw[1:], 0) if len(raw) > 1 else 0)
    if "十" in raw:
        tens, _, ones = raw.partition("十")
        return _ZH_DIGITS.get(tens, 1) * 10 + (_ZH_DIGITS.get(ones, 0) if ones else 0)
    return _ZH_DIGITS.get(raw, 0)


def _clock(m: re.Match[str], kind: str) -> time | None:
    if kind == "clock1pm":
        return time(13, 0)
    groups = m.groupdict()
    hour = _zh_int(groups["h"])
    minute = int(groups.get("mi") or 0)
    if groups.get("half"):
        minute = 30
    ap = (groups.get("ap") or "").lower().replace(".", "")
    if ap in ("pm", "p", "下午", "晚上", "дня", "вечера", "บ่าย", "เย็น") and hour < 12:
        hour += 12
    elif ap in ("am", "a") and hour == 12:
        hour = 0
    elif (ap == "中午" and hour < 6) or (not ap and 1 <= hour <= 7):
        hour += 12
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def _find_time(text: str, lang: str, taken: tuple[int, int]) -> tuple[time, tuple[int, int]] | None:
    for regex, kind in _TIMES.get(lang, _TIMES["en"]):
        for m in regex.finditer(text):
            if m.start() < taken[1] and m.end() > taken[0]:
                continue
            if kind.startswith("part:"):
                return time(_PARTS[kind[5:]], 0), m.span()
            at = _clock(m, kind)
            if at is not None:
                return at, m.span()
    return None


# Close neighbours share most date words ("på fredag", "i morgen", "завтра").
_NEIGHBOURS = {"da": "sv", "no": "sv", "nb": "sv", "nn": "sv", "uk": "ru", "nl": "de"}


def _languages(language: str | None) -> list[str]:
    """Our rules for the language (or its neighbour) plus English; all when it is unknown."""
    if language is None:
        return list(_RULES)
    language = _NEIGHBOURS.get(language, language)
    if language in _RULES:
        return [language] if language == "en" else [language, "en"]
    return ["en"]


def _find_day(text: str, languages: list[str], today: date) -> tuple[date, tuple[int, int]] | None:
    best: tuple[int, date, tuple[int, int]] | None = None
    for lang in languages:
        for regex, fn in _RULES[lang]:
            m = regex.search(text)
            while m is not None and (best is None or m.start() < best[0]):
                day = fn(m, today)
                if day is not None:  # the first reading of this rule; later ones are later
                    best = (m.start(), day, m.span())
                    break
                m = regex.search(text, max(m.end(), m.start() + 1))
    return (best[1], best[2]) if best else None


_EVENING_DAY = re.compile(r"tonight|ikväll|i kväll|heute abend|今晚|คืนนี้", re.IGNORECASE)
_CLOSE_OF_DAY = re.compile(r"end\s+of\s+(?:the\s+)?day|\beod\b|\bcob\b", re.IGNORECASE)


def find_date(
    text: str, *, now: datetime, tz: str | ZoneInfo, language: str | None
) -> DateMatch | None:
    """The first due date expressed in `text` (a day, a time or both), or None."""
    langs = [lang for lang in _languages(language) if _HINTS[lang].search(text)]
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
    clock = at[0] if at else time(DEFAULT_HOUR, 0)
    if found is None:
        assert at is not None
        due = datetime.combine(local_now.date(), clock, tzinfo=zone)
        if due <= local_now:
            due += timedelta(days=1)
        return DateMatch(due=due, spans=(at[1],), has_day=False)
    said = text[found[1][0] : found[1][1]]
    if at is None and _EVENING_DAY.search(said):
        clock = time(_PARTS["evening"], 0)
    elif at is None and _CLOSE_OF_DAY.search(said):
        clock = time(17, 0)
    due = datetime.combine(found[0], clock, tzinfo=zone)
    spans = (found[1], at[1]) if at else (found[1],)
    return DateMatch(due=due, spans=tuple(sorted(spans)))


_MONTHS = re.compile(
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|januar|februar|märz|mai|juni|juli|"
    r"oktober|dezember|januari|februari|mars|maj|augusti|januar|янв|фев|мар|апр|ма[йя]|июн|"
    r"июл|авг|сен|окт|ноя|дек)\w*|月|ม\.ค\.|มกราคม|กุมภาพันธ์|มีนาคม|เมษายน|พฤษภาคม|มิถุนายน|"
    r"กรกฎาคม|สิงหาคม|กันยายน|ตุลาคม|พฤศจิกายน|ธันวาคม",
    re.IGNORECASE,
)
_WRITTEN_TIME = re.compile(r"\d{1,2}[:.]\d{2}|\d\s*(?:[ap]\.?m\.?|uhr|h)\b", re.IGNORECASE)
# A written-out date has a day number next to its month: "5 December", "Dec 5th", "5. Mai".
_WRITTEN_DATE = re.compile(
    rf"\d{{1,2}}(?:st|nd|rd|th|\.|er|e)?\s*(?:of\s+|de\s+)?(?:{_MONTHS.pattern})"
    rf"|(?:{_MONTHS.pattern})\s*\d{{1,2}}(?!\d)",
    re.IGNORECASE,
)


def fallback_date(
    text: str, *, now: datetime, tz: str | ZoneInfo, language: str | None
) -> DateMatch | None:
    """dateparser for written-out dates our rules do not cover ("5 December"), language given."""
    if not language or not _WRITTEN_DATE.search(text):
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
        due = datetime.combine(value.date(), clock, tzinfo=zone)
        return DateMatch(due=due, spans=((start, start + len(phrase)),))
    return None


def resolve_due(
    text: str, *, now: datetime, tz: str | ZoneInfo, language: str | None = None
) -> datetime | None:
    """A due datetime for a phrase like "Friday", "tomorrow at 10", "2 days", "2026-12-01"."""
    bare = re.fullmatch(r"\s*(?P<n>\d{1,3})\s*(?P<unit>[a-zA-Zа-яА-Яåäöü]+)\s*", text)
    if bare:
        text = f"in {bare.group('n')} {bare.group('unit')}"
        probe = find_date(text, now=now, tz=tz, language="en") or find_date(
            text.replace("in ", "om ", 1), now=now, tz=tz, language=None)
        if probe:
            return probe.due
    match = find_date(text, now=now, tz=tz, language=language) or fallback_date(
        text, now=now, tz=tz, language=language or "en")
    return match.due if match else None
