"""HTML mail -> plain text, as the rest of the parsers read it.

Through inscriptis (a real HTML-to-text library: tables and lists laid out, entities
decoded), never regexes over markup, except to mark <blockquote> (below) and to keep
Outlook's empty paragraphs as blank lines.
"""

from __future__ import annotations

import re

__all__ = ["html_to_text", "normalise"]

_BLANK_RUN = re.compile(r"\n[ \t]*\n(?:[ \t]*\n)+")


def normalise(text: str) -> str:
    """One line-ending, no invisible spaces, no trailing blanks: what every later regex
    (forward headers, quotes, signatures) assumes of plain and HTML-derived text alike."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ")
    text = text.replace("\u200b", "").replace("\ufeff", "")
    lines = [line.rstrip() for line in text.split("\n")]
    return _BLANK_RUN.sub("\n\n", "\n".join(lines)).strip("\n")


_EMPTY_BLOCK = re.compile(
    r"<(div|p)(\s[^<>]{0,500})?>(?:\s|&nbsp;|&#160;|\u00a0|<o:p>|</o:p>)*</\1>", re.IGNORECASE
)


# <blockquote> is how HTML mail quotes (Gmail, Apple Mail, Thunderbird): its lines come out
# `>`-quoted, so reply history in HTML-only mail is cut like plain-text history. Two
# private-use characters mark where a quote opens and closes through the conversion.
_QUOTE_OPEN, _QUOTE_CLOSE = "\ue000", "\ue001"
_BLOCKQUOTE = re.compile(r"<(/?)blockquote\b[^<>]{0,2000}>", re.IGNORECASE)


def _mark_blockquote(m: re.Match[str]) -> str:
    if m.group(1):
        return f"<div>{_QUOTE_CLOSE}</div>{m.group(0)}"
    return f"{m.group(0)}<div>{_QUOTE_OPEN}</div>"


def _quote_marked(text: str) -> str:
    """Lines between the markers get one `>` per open blockquote; marker lines go."""
    depth = 0
    out: list[str] = []
    for line in text.split("\n"):
        if _QUOTE_OPEN not in line and _QUOTE_CLOSE not in line:
            level, content = depth, line
        else:
            level = -1
            for ch in line:
                if ch == _QUOTE_OPEN:
                    depth += 1
                elif ch == _QUOTE_CLOSE:
                    depth = max(0, depth - 1)
                elif level < 0 and not ch.isspace():
                    level = depth  # the depth where the line's own text starts
            content = line.replace(_QUOTE_OPEN, "").replace(_QUOTE_CLOSE, "")
            if level < 0:
                continue  # only markers on this line
        if level == 0:
            out.append(content)
        else:
            out.append(("> " * level + content.strip()).rstrip())
    return "\n".join(out)


def html_to_text(html: str) -> str:
    """HTML -> readable text through inscriptis (tables and lists laid out, entities decoded),
    <blockquote> content `>`-quoted."""
    from inscriptis import get_text
    from inscriptis.css_profiles import CSS_PROFILES
    from inscriptis.model.config import ParserConfig

    html = _EMPTY_BLOCK.sub(r"<\1\2><br></\1>", html)  # keep Outlook's blank paragraphs
    html, quoted = _BLOCKQUOTE.subn(_mark_blockquote, html)
    try:
        text = get_text(html, ParserConfig(css=CSS_PROFILES["strict"]))
    except Exception:  # inscriptis/lxml refuse some garbage: strip tags crudely then
        text = re.sub(r"<[^>]{0,2000}>", " ", html)
    if quoted:
        text = _quote_marked(text)
    return normalise(text)
