"""Inline forwards: find the forwarded original inside a message's text.

Every major client writes a forward the same way underneath: an optional separator line
("---------- Forwarded message ---------", "Begin forwarded message:", "-----Original
Message-----", a rule of underscores) and then a header block (From/Sent/To/Subject in the
client's language). We find the header block, read it, and split the text into the
forwarder's note (above) and the original body (below). Quoted (`>`) forwards are read the
same way with the quote marks removed. Nested forwards are followed inwards; the original
external sender wins.

Every regex here is anchored to one line and free of nested repetition, so the work is
linear in the text size.
"""

from __future__ import annotations

from dataclasses import dataclass

from parsers.forward_labels import (
    BEGIN_LINE,
    FORWARD_PREFIX,
    HEADER_LABELS,
    ORIGINAL_PHRASES,
    REPLY_PREFIX,
    RULE_LINE,
    SEPARATOR_LINE,
)
from parsers.inline_addresses import (
    name_only,
    parse_inline_addresses,
    parse_recipients,
    tidy,
)
from parsers.types import Forwarded

__all__ = [
    "ForwardSplit", "find_block", "parse_inline_addresses", "parse_recipients", "quote_depth",
    "split_forward", "unquote",
]

MAX_NESTING = 8
_LOOKAHEAD = 4  # lines between a separator and its header block (blank lines, a date line)
_MAX_LINE = 2000  # longer lines are never header lines; skipping them keeps regexes cheap


@dataclass(frozen=True)
class Block:
    """A header block found in a list of lines."""

    start: int  # first line of the forward (separator or first header line)
    end: int  # first line after the header block
    fields: dict[str, str]
    quote_depth: int
    explicit: bool  # announced as a forward ("Forwarded message", "Begin forwarded message")
    original: bool  # announced as "-----Original Message-----" (Outlook; replies too)


@dataclass(frozen=True)
class ForwardSplit:
    note: str | None
    forwarded: Forwarded
    chain: tuple[Forwarded, ...]  # outermost first


def quote_depth(line: str) -> int:
    """How many `>` quote marks start the line (spaces between them allowed)."""
    if not line.startswith((">", " ", "\t")):
        return 0
    core = line.lstrip(" \t>")
    return line[: len(line) - len(core)].count(">")


def unquote(line: str, depth: int) -> str:
    """Remove `depth` levels of `>` quoting (and the space after each)."""
    rest = line
    for _ in range(depth):
        stripped = rest.lstrip(" \t")
        if not stripped.startswith(">"):
            return rest
        rest = stripped[1:]
        if rest.startswith(" "):
            rest = rest[1:]
    return rest


def _label(line: str) -> tuple[str, str, int] | None:
    """(field, value, quote depth) when the line is a header-block line ("From: …")."""
    colon = line.find(":", 0, 64)
    wide = line.find("：", 0, 64)
    if wide >= 0 and (colon < 0 or wide < colon):
        colon = wide
    if colon <= 0 or len(line) > _MAX_LINE:
        return None
    head = line[:colon]
    prefix_len = len(head) - len(head.lstrip(" \t>"))
    label = head[prefix_len:].strip(" \t*").lower()
    field = HEADER_LABELS.get(label)
    if field is None:
        return None
    value = line[colon + 1 :].lstrip("*").strip()
    return field, value, head[:prefix_len].count(">")


def read_block(lines: list[str], index: int) -> tuple[dict[str, str], int, int] | None:
    """Read a header block starting at `index`: (fields, end index, quote depth) or None."""
    fields: dict[str, str] = {}
    depth = -1
    last_field = ""
    i = index
    while i < len(lines):
        line = lines[i]
        got = _label(line)
        if got is not None and (depth < 0 or got[2] == depth) and got[0] not in fields:
            field, value, d = got
            depth = d
            fields[field] = value
            last_field = field
            i += 1
            continue
        if not fields:
            return None
        bare = unquote(line, max(depth, 0)).strip()
        if bare and last_field in ("to", "cc") and _continues_list(fields[last_field], bare):
            fields[last_field] += " " + bare
            i += 1
            continue
        if not bare and i + 1 < len(lines) and _next_is_label(lines, i + 1, depth, fields):
            i += 1  # Apple Mail HTML puts blank lines between header lines
            continue
        if bare and last_field == "from" and "@" not in fields["from"] and "@" in bare:
            fields["from"] += " " + bare  # a name on one line, the address on the next
            i += 1
            continue
        break
    if "from" not in fields or len(fields) < 2:
        return None
    if "@" not in fields["from"] and len(fields) < 3:
        return None
    if not any(k in fields for k in ("subject", "date", "sent", "to")):
        return None
    return fields, i, max(depth, 0)


def _continues_list(previous: str, line: str) -> bool:
    """A wrapped To/Cc list: the previous line ends with a separator; after a ",", the
    next line must hold an address (a name alone could be the greeting of the body)."""
    if len(line) > 300 or _label(line) is not None:
        return False
    end = previous.rstrip()
    return end.endswith(";") or (end.endswith(",") and "@" in line)


def _next_is_label(lines: list[str], i: int, depth: int, fields: dict[str, str]) -> bool:
    got = _label(lines[i])
    return got is not None and got[2] == depth and got[0] not in fields


def find_block(lines: list[str], start: int = 0) -> Block | None:
    """The first forward/reply header block at or after `start`."""
    i = start
    while i < len(lines):
        line = lines[i]
        plain = ":" not in line and "：" not in line and not _rule_start(line)
        if plain or len(line) > _MAX_LINE:
            i += 1  # neither a header line nor a separator: the common case, kept cheap
            continue
        marker = _marker(line)
        if marker is not None:
            explicit, original = marker
            j = i + 1
            skipped = 0
            while j < len(lines) and skipped < _LOOKAHEAD:
                got = read_block(lines, j)
                if got is not None:
                    fields, end, depth = got
                    return Block(i, end, fields, depth, explicit, original)
                if _label(lines[j]) is not None:
                    break
                j += 1
                skipped += 1
        else:
            head = _label(line)
            if head is not None and head[0] in ("from", "subject", "date"):
                block = read_block(lines, i)
                if block is not None:
                    fields, end, depth = block
                    return Block(i, end, fields, depth, False, False)
        i += 1
    return None


def _rule_start(line: str) -> bool:
    core = line.lstrip(" \t>")
    return bool(core) and core[0] in "-_=*—━"


def _marker(line: str) -> tuple[bool, bool] | None:
    """(explicit forward, "original message") when the line announces a header block."""
    core = line.lstrip(" \t>")
    if not core or len(core) > 200:
        return None
    if core[0] in "-_=*—━":
        sep = SEPARATOR_LINE.match(core)
        if sep:
            original = bool(ORIGINAL_PHRASES.search(sep.group("phrase")))
            return not original, original
        return (False, False) if RULE_LINE.match(core) else None
    if core.rstrip().endswith((":", "：")) and BEGIN_LINE.match(core):
        return True, False
    return None


def _body_after(lines: list[str], block: Block) -> list[str]:
    if block.quote_depth == 0:
        return lines[block.end :]
    body: list[str] = []
    for line in lines[block.end :]:
        if line.strip() and quote_depth(line) < block.quote_depth:
            break
        body.append(unquote(line, block.quote_depth))
    return body


def _trim(lines: list[str]) -> str:
    return "\n".join(lines).strip("\n").rstrip()


def is_forward_block(block: Block, subject: str | None) -> bool:
    """An explicit forward always; an Outlook block unless the message is a reply."""
    if block.explicit:
        return True
    if subject and FORWARD_PREFIX.match(subject):
        return True
    return not (subject and REPLY_PREFIX.match(subject))


def _forwarded(block: Block, body: list[str]) -> Forwarded:
    fields = block.fields
    senders = parse_inline_addresses(fields.get("from", ""))
    sender = senders[0] if senders else name_only(fields.get("from", ""))
    return Forwarded(
        sender=sender,
        to=parse_recipients(fields.get("to", "")),
        cc=parse_recipients(fields.get("cc", "")),
        subject=tidy(fields.get("subject", "")) or None,
        date=tidy(fields.get("date") or fields.get("sent") or "") or None,
        body=_trim(body),
    )


def split_forward(
    text: str, *, subject: str | None = None, own_domain: str | None = None
) -> ForwardSplit | None:
    """Split `text` into the forwarder's note and the forwarded original, or None.

    `subject` (of the carrying message) tells an Outlook forward from an Outlook reply;
    `own_domain` (the forwarder's) lets the original external sender win in a nested chain.
    """
    lines = text.split("\n")
    block = find_block(lines)
    if block is None or not is_forward_block(block, subject):
        return None
    note = _trim(lines[: block.start]) or None
    chain: list[Forwarded] = []
    current_lines = lines
    while block is not None and len(chain) < MAX_NESTING:
        body = _body_after(current_lines, block)
        chain.append(_forwarded(block, body))
        current_lines = body
        block = find_block(body)
        if block is not None and not is_forward_block(block, chain[-1].subject):
            break
    return ForwardSplit(note, _winner(chain, own_domain), tuple(chain))


def _winner(chain: list[Forwarded], own_domain: str | None) -> Forwarded:
    """The innermost forward whose sender is outside the forwarder's domain, else innermost."""
    for fwd in reversed(chain):
        email = fwd.sender.email if fwd.sender else ""
        if email and (not own_domain or not email.lower().endswith("@" + own_domain)):
            return fwd
    return chain[-1]
