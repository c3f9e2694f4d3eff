"""Thai date words: no spaces; a bare จันทร์/อาทิตย์ is also "moon"/"week"."""

from __future__ import annotations

from parsers.date_readings import (
    next_monday,
    next_week_day,
    offset,
    span,
    strict_if_marked,
    this,
)
from parsers.date_words.table import Words

NUMBERS = {"หนึ่ง": 1, "สอง": 2, "สาม": 3, "สี่": 4, "ห้า": 5}

WORDS = Words(
    weekdays=("จันทร์", "อังคาร", "พุธ", "พฤหัสบดี|พฤหัสฯ|พฤหัส", "ศุกร์", "เสาร์", "อาทิตย์"),
    numbers=NUMBERS,
    days=(
        (r"มะรืน(?:นี้)?", offset(2)),
        (r"พรุ่งนี้", offset(1)),
        (r"วันนี้|คืนนี้", offset(0)),
        (r"(?:วัน)?(?:{wd})(?:ของ)?(?:สัปดาห์|อาทิตย์)หน้า", next_week_day),
        (r"(?:วัน)?(?:{wd})นี้", this),
        (r"(?P<pre>วัน)?(?:{wd})(?P<post>หน้า)?", strict_if_marked),
        (r"(?:ใน)?อีก\s*{num}\s*(?P<unit>วัน|สัปดาห์|อาทิตย์|เดือน)", span(NUMBERS)),
        (r"(?:สัปดาห์|อาทิตย์)หน้า", next_monday),
    ),
    times=(
        (r"(?P<ap>บ่าย)\s*(?P<h>\d{1,2})\s*โมง", "clock"),
        (r"(?P<ap>บ่าย)โมง", "clock1pm"),
        (r"(?P<h>\d{1,2})\s*โมง(?P<ap>เช้า|เย็น)?", "clock"),
        (r"(?P<h>\d{1,2})[.:](?P<mi>\d{2})\s*(?:น\.?)?", "clock"),
        (r"(?:ตอน)?เช้า", "part:morning"),
        (r"(?:ตอน)?บ่าย", "part:afternoon"),
        (r"(?:ตอน)?เย็น|(?:ตอน)?ค่ำ|คืนนี้", "part:evening"),
        (r"เที่ยง", "part:noon"),
    ),
    hints=r"นี้|พรุ่ง|มะรืน|จันทร์|อังคาร|พุธ|พฤหัส|ศุกร์|เสาร์|อาทิตย์|สัปดาห์|เดือน|วัน|โมง|"
          r"เช้า|บ่าย|เย็น|ค่ำ|เที่ยง|น\.",
    pm=("บ่าย", "เย็น"),
    months=r"ม\.ค\.|มกราคม|กุมภาพันธ์|มีนาคม|เมษายน|พฤษภาคม|มิถุนายน|กรกฎาคม|สิงหาคม|กันยายน|"
           r"ตุลาคม|พฤศจิกายน|ธันวาคม",
)
