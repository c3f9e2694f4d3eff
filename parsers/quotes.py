"""Reply history: the new text of a message with the quoted conversation removed.

A reply carries its history below an attribution ("On … wrote:" and its translations),
below Outlook's "-----Original Message-----" or a From/Sent/To/Subject header block, or as
`>`-quoted lines. We cut at the first of these; `>` lines interleaved with new text
(inline answers) are dropped and the answers kept.
"""

from __future__ import annotations

import re

from parsers.forward_labels import ATTRIBUTION_END, ATTRIBUTION_START, ATTRIBUTION_VERB
from parsers.forwards import find_block, quote_depth

_MAX_LINE = 2000
# Gmail in Japanese/Russian/…: "2026年11月23日(月) 9:12 田中 太郎 <tanaka@x.co.jp>:"
_ADDRESS_COLON = re.compile(r"\d.{0,300}@[^\s<>]{1,200}>\s*[:：]\s*$")


def is_attribution(line: str, previous: str = "") -> bool:
    """True for "On Mon, 23 Nov 2026, John <j@x> wrote:" (the line or its wrapped end)."""
    if len(line) > 400:
        return False
    stripped = line.rstrip()
    if not stripped.endswith((":", "：")):
        return False
    if _ADDRESS_COLON.search(stripped):
        return True
    if not ATTRIBUTION_VERB.search(stripped):
        return False
    if ATTRIBUTION_START.match(line) or any(ch.isdigit() for ch in line) or "@" in line:
        return True
    return bool(previous) and ATTRIBUTION_START.match(previous) is not None


def history_start(lines: list[str]) -> int | None:
    """Index of the first line of quoted history, or None."""
    block = find_block(lines)
    limit = block.start if block is not None else len(lines)
    last_plain = max(
        (i for i, line in enumerate(lines) if line.strip() and quote_depth(line) == 0), default=-1
    )
    for i in range(limit):
        line = lines[i]
        if not line or line.isspace():
            continue
        previous = lines[i - 1] if i > 0 else ""
        if line.rstrip().endswith((":", "：")) and quote_depth(line) == 0 and is_attribution(
            line, previous
        ):
            if (
                i > 0
                and previous.strip()
                and not ATTRIBUTION_END.search(previous)
                and ATTRIBUTION_START.match(previous)
                and quote_depth(previous) == 0
            ):
                return i - 1
            return i
        if i > last_plain and quote_depth(line) > 0:
            return i
    return block.start if block is not None else None


def new_text(text: str) -> str:
    """The text the author wrote in this message: history cut, inline quotes dropped."""
    lines = text.split("\n")
    cut = history_start(lines)
    kept = lines[:cut] if cut is not None else lines
    if any(quote_depth(line) > 0 for line in kept):
        kept = [line for line in kept if quote_depth(line) == 0]
    result = "\n".join(kept).strip("\n").rstrip()
    return re.sub(r"\n{3,}", "\n\n", result)
