"""Chinese date words: no spaces, so no word boundaries either."""

from __future__ import annotations

from parsers.date_readings import (
    month_day,
    next_monday,
    next_month_day,
    next_week_day,
    offset,
    span,
    strict,
    this,
)
from parsers.date_words.table import Words

NUMBERS = {"一": 1, "两": 2, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
           "九": 9, "十": 10}

WORDS = Words(
    weekdays=("一", "二", "三", "四", "五", "六", "日|天"),
    numbers=NUMBERS,
    days=(
        (r"大后天", offset(3)),
        (r"后天", offset(2)),
        (r"明天|明日|明早", offset(1)),
        (r"今天|今日|今晚", offset(0)),
        (r"下(?:个)?(?:周|星期|礼拜)(?:{wd})", next_week_day),
        (r"(?:这|本)(?:个)?(?:周|星期|礼拜)(?:{wd})", this),
        (r"(?:周|星期|礼拜)(?:{wd})", strict),
        (r"{num}\s*(?:个)?\s*(?P<unit>天|周|星期|礼拜|月)(?:以?后|之后)", span(NUMBERS)),
        (r"下(?:个)?月\s*(?P<d>\d{1,2})\s*[日号號]", next_month_day),
        (r"(?:(?P<mo>\d{1,2})\s*月\s*)?(?P<d>\d{1,2})\s*[日号號]", month_day),
        (r"下(?:个)?(?:周|星期|礼拜)", next_monday),
    ),
    times=(
        (r"(?P<ap>上午|早上|早晨|下午|晚上|中午)?\s*(?P<h>\d{1,2}|[一二两三四五六七八九十]{1,3})"
         r"\s*(?:点|點|时|時)(?:\s*(?P<mi>\d{1,2})\s*分?|(?P<half>半))?", "clock"),
        (r"(?P<h>\d{1,2}):(?P<mi>\d{2})", "clock"),
        (r"上午|早上|早晨", "part:morning"),
        (r"下午", "part:afternoon"),
        (r"晚上|今晚", "part:evening"),
        (r"中午", "part:noon"),
    ),
    hints=r"天|日|号|號|早|周|星期|礼拜|月|点|點|时|時|午|晚",
    pm=("下午", "晚上"),
    noon=("中午",),
    months=r"月",
)
