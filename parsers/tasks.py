"""Follow-up tasks in a forwarder's note: an action phrase plus a due date.

"remind me to send the quote next Friday" -> TaskCandidate("Send the quote", Fri 09:00).
A sentence is a task only when it has BOTH a date (see `parsers.dates`) and an action:
either a reminder trigger ("remind me to", "påminn mig att", "Erinnere mich", "напомни",
"提醒我", "เตือนให้", "don't forget to" …) or an action verb that starts the phrase after
polite words ("please", "bitte", "snälla", "пожалуйста", "请", "กรุณา"). German puts the
verb last ("das Angebot zu schicken"), Chinese and Thai have no spaces, so for those the
verb may be anywhere in the phrase.

The title is the sentence without its trigger, polite words and date words, first letter
upper-case: "Send the quote", "Follow up", "Call him", "Das Angebot schicken", "发报价".

Guards: lines about trade fairs and events ("Visit us at Hannover Messe, 20–24 April"),
quoted lines ("> …"), and the part after a signature delimiter are never read; a
sentence that only talks about a day ("we met on Friday") is not a task; "we" is not
Wednesday (our rules never read two-letter abbreviations, and dateparser is used only
for written-out dates with a month name, with the language passed in).
"""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from parsers.dates import DateMatch, fallback_date, find_date
from parsers.types import TaskCandidate

__all__ = ["extract_tasks", "task_title"]

_MAX_SENTENCES = 40
_MAX_LINE = 2000
_MAX_TEXT = 20_000
_MAX_SENTENCE = 300  # a task is one short sentence; longer ones are not read

_TRIGGERS = re.compile(
    r"^\s*(?:"
    r"(?:please\s+)?remind\s+me\s+(?:to\s+|about\s+|that\s+i\s+(?:need|have)\s+to\s+)?|"
    r"reminder\s*:\s*|todo\s*:\s*|to-?do\s*:\s*|task\s*:\s*|"
    r"(?:please\s+)?(?:don'?t|do\s+not)\s+forget\s+to\s+|remember\s+to\s+|"
    r"(?:i|we)\s+(?:need|have|must|should)\s+to\s+|(?:i|we)\s+(?:must|should)\s+|"
    r"i'?ll\s+|i\s+will\s+|let'?s\s+|need\s+to\s+|must\s+|"
    r"påminn\s+mig\s+(?:om\s+)?(?:att\s+)?|glöm\s+inte\s+(?:att\s+)?|kom\s+ihåg\s+(?:att\s+)?|"
    r"jag\s+(?:ska|måste)\s+|vi\s+(?:ska|måste)\s+|"
    r"husk\s+(?:at\s+|å\s+)?|påmind\s+mig\s+om\s+(?:at\s+)?|minn\s+meg\s+på\s+(?:å\s+)?|"
    r"(?:glem\s+ikke|ikke\s+glem)\s+(?:at\s+|å\s+)?|"
    r"erinnere?\s+mich\s*,?\s*(?:daran\s*,?\s*)?(?:dass\s+)?|nicht\s+vergessen\s*:?\s*|"
    r"ich\s+(?:muss|soll|werde)\s+|wir\s+(?:müssen|sollen)\s+|"
    r"напомн(?:и|ите)\s*(?:мне\s*)?(?:,?\s*что\s+нужно\s+|о\s+том,?\s*что\s+нужно\s+)?|"
    r"не\s+забуд(?:ь|ьте)\s+|нужно\s+|надо\s+|muistuta\s+minua\s+"
    r")",
    re.IGNORECASE,
)
_CJK_TRIGGERS = re.compile(r"提醒我|提醒一下|记得|別忘了|别忘了|เตือน(?:ฉัน|ผม)?(?:ให้)?|อย่าลืม")
_GREETING = re.compile(
    r"^\s*(?:hi|hello|hey|dear|hej|hejsan|hallo|hola|bonjour|ciao|привет|здравствуйте|"
    r"добрый\s+день|你好|您好|สวัสดี(?:ครับ|ค่ะ)?)(?:\s+[^\W\d_][\w.-]*){0,2}\s*[,!:：，]\s*",
    re.IGNORECASE,
)
_POLITE = re.compile(
    r"^\s*(?:(?:also|and|then|und|dann|auch|också|även|och|sedan|а|и|также|ещё|还要|另外|"
    r"แล้วก็)\s+)*(?:please|pls|plz|kindly|can\s+you|could\s+you|bitte|snälla|пожалуйста|"
    r"請|请|麻烦|กรุณา|ช่วย)?\s*,?\s*",
    re.IGNORECASE,
)
_VERBS = re.compile(
    r"^(?:send|call|ring|phone|follow|email|e-mail|mail|write|reply|answer|check|chase|"
    r"remind|schedule|book|prepare|meet|visit|pay|review|ask|confirm|contact|submit|sign|"
    r"update|order|ship|deliver|finish|renew|invoice|quote|text|get\s+back|talk|discuss|"
    r"arrange|organi[sz]e|set\s+up|draft|share|forward|chase|ping|touch\s+base|"
    r"skicka|ring|ringa|följ|följa|maila|mejla|boka|kontrollera|kolla|betala|förbered|"
    r"träffa|fakturera|svara|skriv|påminn|følg|ringe|tjek|sjekk|betal|bestil|"
    r"schick|sende|send|ruf|anrufen|nachfass|mail|buch|prüf|bezahl|bereite|erinner|"
    r"отправ|позвон|перезвон|напиш|связат|выстав|подготов|провер|оплат|встрет|"
    r"напомн|уточн|согласова|"
    r"soita|lähetä|muistuta|tarkista|varaa|maksa|vastaa|kirjoita|tilaa)",
    re.IGNORECASE,
)
_CLAUSE_VERB = re.compile(
    rf"[,;:–]\s+(?:and\s+|then\s+|please\s+|och\s+|und\s+)*(?={_VERBS.pattern[1:]})",
    re.IGNORECASE,
)
_VERBS_ANYWHERE = re.compile(
    r"(?:schicken|senden|zuschicken|zuzuschicken|anrufen|anzurufen|zurückrufen|nachfassen|mailen|buchen|prüfen|"
    r"vorbereiten|bezahlen|melden|klären|besprechen|erinnern)\b|"
    r"发|寄|打电话|联系|跟进|回复|提醒|付款|准备|开会|见面|拜访|确认|催|"
    r"ส่ง|โทร|ติดตาม|ตอบ|นัด|จ่าย|เตรียม|ประชุม|ยืนยัน|เยี่ยม",
    re.IGNORECASE,
)
_EVENT_LINE = re.compile(
    r"\b(?:visit\s+us|meet\s+us|see\s+us|booth|stand\s+[A-Z]?\d|hall\s+\d|messe|fair|expo|"
    r"exhibition|trade\s*show|besuchen\s+sie\s+uns|besök\s+oss|halle|выставк|展会|展位|งานแสดง)",
    re.IGNORECASE,
)
_DATE_RANGE = re.compile(r"\d{1,2}\.?\s*[-–—]\s*\d{1,2}\.?\s+[^\W\d_]{3,}")
_SIGNATURE = re.compile(r"^(?:-- ?|__+|—+)$", re.MULTILINE)
# Sentence ends: ! ? ; and CJK stops always, a full stop only before a capital letter
# not after an ordinal (so "kl. 15", "No. 5", "5.12." and "am 5. Dezember" stay whole,
# while "… SO-1042. Please call" is two sentences).
_SENTENCE_END = re.compile(
    r"(?<=[!?;。！？])\s*"
    r"|(?<=[^\s]\.)(?<![\s(]\d\.)(?<![\s(]\d\d\.)(?<!^\d\.)(?<!^\d\d\.)"
    r"\s+(?=[A-ZÄÖÜÅÆØА-ЯЁ])"
)
_EDGE_WORDS = re.compile(
    r"^(?:[\s,:;–-]|(?:and|then|by|on|at|until|before|in|this|the|to|"
    r"på|till|senast|kl|om|och|am|bis|um|zum|spätestens|und|в|до|к|и|ภายใน|ตอน)(?=\s|$))+"
    r"|(?:[\s,:;.!?。！？–-]|(?<![^\W\d_])(?:by|on|at|until|before|in|this|the|and|"
    r"på|till|senast|kl|om|och|am|bis|um|zum|spätestens|und|в|до|к|и|ภายใน|ตอน)(?=\s|$|[,.!?]))+$",
    re.IGNORECASE,
)


_SEPARABLE_ZU = re.compile(
    r"\b(an|auf|ab|aus|ein|mit|nach|vor|zurück|weiter|fest|durch|her|hin|bereit|um)zu(\w+en)$"
)


_ZH_EDGE = re.compile(r"^(?:之前|以前|前|在|于|之内|以内)|(?:之前|以前|前)$")


def _clean_title(phrase: str, language: str | None) -> str:
    title = re.sub(r"\s{2,}", " ", phrase)
    for _ in range(3):
        title = _EDGE_WORDS.sub("", title.strip())
    title = re.sub(r"^\s*(?:daran|dass)\s+", "", title, flags=re.IGNORECASE)
    if language in ("de", None):  # "das Angebot zu schicken", "Bob anzurufen": infinitive
        title = re.sub(r"\bzu\s+(\w+en)$", r"\1", title)
        title = _SEPARABLE_ZU.sub(r"\1\2", title)
    title = _ZH_EDGE.sub("", title.strip(" ,.;:!?。！？"))
    return title[:1].upper() + title[1:] if title else title


def _merged(spans: tuple[tuple[int, int], ...]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(end, out[-1][1]))
        else:
            out.append((start, end))
    return out


def task_title(sentence: str, match: DateMatch | None, language: str | None) -> str | None:
    """The action phrase of a sentence, or None when it holds no action."""
    text = sentence
    for start, end in reversed(_merged(match.spans if match else ())):
        text = text[:start] + " " + text[end:]
    text = _POLITE.sub("", _GREETING.sub("", text))
    triggered = False
    trig = _TRIGGERS.match(text)
    if trig and trig.end() > trig.start():
        text, triggered = text[trig.end() :], True
    cjk = _CJK_TRIGGERS.search(text)
    if cjk:
        text, triggered = text[: cjk.start()] + text[cjk.end() :], True
    text = _POLITE.sub("", text)
    if not triggered and not (_VERBS.match(text.strip()) or _VERBS_ANYWHERE.search(text)):
        # "See below, call Mikko tomorrow": the action is the clause after a lead-in.
        clause = _CLAUSE_VERB.search(text)
        if clause is None:
            return None
        text = text[clause.end() :]
    title = _clean_title(text, language)
    return title or None


def _sentences(text: str) -> list[str]:
    cut = _SIGNATURE.search(text)
    if cut:
        text = text[: cut.start()]
    lines = [ln for ln in text[:_MAX_TEXT].splitlines() if not ln.lstrip().startswith(">")]
    out: list[str] = []
    for line in lines:
        if _EVENT_LINE.search(line) or _DATE_RANGE.search(line):
            continue
        out.extend(
            s.strip() for s in _SENTENCE_END.split(line[:_MAX_LINE])
            if s.strip() and len(s) <= _MAX_SENTENCE
        )
    return out[:_MAX_SENTENCES]


def extract_tasks(
    text: str, *, now: datetime, tz: str | ZoneInfo, language: str | None
) -> tuple[TaskCandidate, ...]:
    """Every task in `text` (a forwarder's note, a chat line), in order, titles unique."""
    tasks: list[TaskCandidate] = []
    seen: set[str] = set()
    for sentence in _sentences(text):
        match = find_date(sentence, now=now, tz=tz, language=language)
        if match is None or not match.has_day:
            # dateparser costs milliseconds: only for a sentence that has an action.
            if task_title(sentence, match, language) is None:
                continue
            written = fallback_date(sentence, now=now, tz=tz, language=language)
            if written is not None and match is not None:  # "on 5 December at 14:30"
                written = DateMatch(
                    due=written.due.replace(hour=match.due.hour, minute=match.due.minute),
                    spans=tuple(sorted((*written.spans, *match.spans))),
                )
            match = written or match
        if match is None:
            continue
        title = task_title(sentence, match, language)
        if title and title.lower() not in seen:
            seen.add(title.lower())
            tasks.append(TaskCandidate(title=title, due=match.due, source="note"))
    return tuple(tasks)
