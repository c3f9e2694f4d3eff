"""Follow-up tasks in a forwarder's note: an action phrase plus a due date.

"remind me to send the quote next Friday" -> TaskCandidate("Send the quote", Fri 09:00).
A sentence is a task only when it has BOTH a date (see `parsers.dates`) and an action:
either a reminder trigger ("remind me to", "påminn mig att", "Erinnere mich", "напомни",
"ricordami di", "rappelle-moi de", "提醒我", "เตือนให้" …) or an action verb that starts the
phrase after polite words ("please", "bitte", "puoi", "peux-tu", "请", "กรุณา"). German and
Dutch put the verb last ("das Angebot zu schicken", "offerte opvolgen"), Chinese and Thai
have no spaces, so for those the verb may be anywhere in the phrase. The words themselves
are in `parsers.task_words`.

The title is the sentence without its trigger, polite words and date words, first letter
upper-case: "Send the quote", "Follow up", "Das Angebot schicken", "Richiamare Giulia",
"Offerte Q-552 opvolgen", "Rappeler M. Dupont", "发报价".

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

from parsers.dates import DateMatch, fallback_date, find_date, may_hold_written_date
from parsers.task_words import (
    CJK_TRIGGERS,
    FILLERS,
    GREETING,
    POLITE,
    TRIGGERS,
    VERBS,
    VERBS_ANYWHERE,
    edge_words,
)
from parsers.types import TaskCandidate

__all__ = ["extract_tasks", "task_title"]

_MAX_SENTENCES = 40
_MAX_LINE = 2000
_MAX_TEXT = 20_000
_MAX_SENTENCE = 300  # a task is one short sentence; longer ones are not read

_CLAUSE_VERB = re.compile(
    rf"[,;:–]\s+(?:and\s+|then\s+|please\s+|och\s+|und\s+)*(?={VERBS.pattern[1:]})",
    re.IGNORECASE,
)
_EVENT_LINE = re.compile(
    r"\b(?:visit\s+us|meet\s+us|see\s+us|booth|stand\s+[A-Z]?\d|hall\s+\d|messe|fair|expo|"
    r"exhibition|trade\s*show|besuchen\s+sie\s+uns|besök\s+oss|halle|выставк|展会|展位|งานแสดง|"
    r"fiera|beurs|feria|(?<!-)feira|salon\s|visitez-nous|venez\s+nous\s+voir|visítenos|kom\s+langs)",
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
    # nor after an initial or a title ("M. Dupont", "J. Smith", "Dr. Braun", "Sra. Ruiz")
    r"(?<![\s(][A-Z]\.)(?<!^[A-Z]\.)(?<!\bMr\.)(?<!\bMs\.)(?<!\bDr\.)(?<!\bHr\.)"
    r"(?<!\bFr\.)(?<!\bSr\.)(?<!\bMrs\.)(?<!\bMme\.)(?<!\bSra\.)(?<!\bSig\.)(?<!\bDhr\.)"
    r"\s+(?=[A-ZÄÖÜÅÆØА-ЯЁ])"
)
_SEPARABLE_ZU = re.compile(
    r"\b(an|auf|ab|aus|ein|mit|nach|vor|zurück|weiter|fest|durch|her|hin|bereit|um)zu(\w+en)$"
)


_ZH_EDGE = re.compile(r"^(?:之前|以前|前|在|于|之内|以内)|(?:之前|以前|前)$")


def _clean_title(phrase: str, language: str | None) -> str:
    title = re.sub(r"\s{2,}", " ", phrase)
    for _ in range(3):
        title = edge_words(language).sub("", title.strip())
    title = re.sub(r"^\s*(?:daran|dass)\s+", "", title, flags=re.IGNORECASE)
    if language in ("de", None):  # "das Angebot zu schicken", "Bob anzurufen": infinitive
        title = re.sub(r"\bzu\s+(\w+en)$", r"\1", title)
        title = _SEPARABLE_ZU.sub(r"\1\2", title)
    if language in ("nl", None):  # "de offerte te sturen": infinitive
        title = re.sub(r"\bte\s+(\w+en)$", r"\1", title)
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
    text = POLITE.sub("", FILLERS.sub(" ", GREETING.sub("", text)))
    triggered = False
    trig = TRIGGERS.match(text)
    if trig and trig.end() > trig.start():
        text, triggered = text[trig.end() :], True
    cjk = CJK_TRIGGERS.search(text)
    if cjk:
        text, triggered = text[: cjk.start()] + text[cjk.end() :], True
    text = POLITE.sub("", text)
    if not triggered and not (VERBS.match(text.strip()) or VERBS_ANYWHERE.search(text)):
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
            if match is None and not may_hold_written_date(sentence, language):
                continue  # no date of any kind: no task, and no need to look for an action
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
