"""Raw message bytes -> a decoded message: envelope, text, attachments, attached messages.

Everything here tolerates broken input: a wrong charset label, a truncated base64 part or
an unparsable date becomes a note in `defects`, never an exception. The one refusal is
input that has no header block at all (`ParseError`): that is not an email.

The stdlib parser runs with the `compat32` policy: it never raises on odd headers and is
faster than the modern policy; the headers are decoded here (RFC 2047, raw 8-bit bytes).
Bytes of unknown or mislabelled charsets go through `parsers.charsets`, HTML parts through
`parsers.html_text`.
"""

from __future__ import annotations

import email
import email.header
import email.utils
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email import policy
from email.message import Message

from parsers.charsets import decode_bytes
from parsers.html_text import html_to_text, normalise
from parsers.types import Address, Attachment, ParseError

__all__ = [
    "DecodedMessage", "decode_bytes", "decode_header_value", "html_to_text", "parse_addresses",
    "read_message",
]

MAX_DEPTH = 30  # nested multiparts / attached messages followed before giving up
MAX_PARTS = 500

_ENVELOPE_HEADERS = ("from", "sender", "message-id", "subject", "date", "to", "received")



@dataclass(frozen=True)
class DecodedMessage:
    """One message, decoded: what `parse_email` and attached forwards are built from."""

    sender: Address | None
    to: tuple[Address, ...]
    cc: tuple[Address, ...]
    subject: str | None
    date: datetime | None
    date_text: str | None  # the Date header as written
    message_id: str | None
    in_reply_to: str | None
    references: tuple[str, ...]
    text: str
    attachments: tuple[Attachment, ...]
    attached_messages: tuple[DecodedMessage, ...]
    vcards: tuple[str, ...]
    headers: dict[str, str]
    defects: tuple[str, ...]


def decode_header_value(value: object, defects: list[str] | None = None) -> str:
    """An RFC 2047 / raw 8-bit header value as text, whitespace folded to single spaces."""
    if value is None:
        return ""
    if isinstance(value, email.header.Header):
        chunks = email.header.decode_header(value)
    else:
        raw = str(value)
        if any("\udc80" <= ch <= "\udcff" for ch in raw):  # undeclared 8-bit bytes
            raw = decode_bytes(raw.encode("ascii", "surrogateescape"), None, defects)
        if "=?" not in raw:
            return _fold(raw)
        try:
            chunks = email.header.decode_header(raw)
        except Exception:  # malformed encoded words: keep the text as written
            return _fold(raw)
    parts: list[str] = []
    for chunk, charset in chunks:
        if isinstance(chunk, bytes):
            parts.append(decode_bytes(chunk, charset, defects))
        else:
            parts.append(chunk)
    return _fold("".join(parts))


def _fold(text: str) -> str:
    return " ".join(text.split())


def parse_addresses(values: list[str]) -> tuple[Address, ...]:
    """Header address lists -> Address values (names None when only an address is given)."""
    found: list[Address] = []
    for name, addr in email.utils.getaddresses(values):
        addr = addr.strip().strip("<>")
        if "@" not in addr:
            continue
        clean = _fold(name).strip("\"' ") or None
        if clean and clean.lower() == addr.lower():
            clean = None
        elif clean and clean.count(",") == 1:  # Outlook's "Doe, John"
            last, first = (p.strip() for p in clean.split(","))
            if last and first and len(last.split()) <= 2 and len(first.split()) <= 2:
                clean = f"{first} {last}"
        found.append(Address(clean, addr))
    return tuple(found)


MAX_ADDRESS_HEADER = 20_000  # characters of a To/Cc/From header read (about 500 addresses)


def _header_list(msg: Message, key: str, defects: list[str]) -> list[str]:
    values = []
    for value in msg.get_all(key, [])[:20]:
        text = decode_header_value(value, defects)
        if len(text) > MAX_ADDRESS_HEADER:
            defects.append(f"{key} header too long, truncated")
            text = text[:MAX_ADDRESS_HEADER].rpartition(",")[0]
        values.append(text)
    return values


def read_message(raw: bytes) -> DecodedMessage:
    """Parse raw bytes; raise ParseError when there is no header block at all."""
    if not isinstance(raw, bytes | bytearray):
        raise ParseError("an email must be given as bytes")
    try:
        msg = email.message_from_bytes(bytes(raw), policy=policy.compat32)
    except RecursionError:
        raise ParseError("not an email: MIME structure nested too deeply") from None
    if not any(k.lower() in _ENVELOPE_HEADERS for k in msg):
        raise ParseError("not an email: no From, Subject, Date or Message-ID header")
    return _decode(msg, 0)


def _decode(msg: Message, depth: int) -> DecodedMessage:
    defects: list[str] = [type(d).__name__ for d in msg.defects]
    senders = _header_list(msg, "from", defects) or _header_list(msg, "sender", defects)
    sender_list = parse_addresses(senders)
    subject = decode_header_value(msg.get("subject"), defects) or None
    date_text = decode_header_value(msg.get("date"), defects) or None
    walker = _Walker(depth, defects)
    walker.visit(msg, depth)
    return DecodedMessage(
        sender=sender_list[0] if sender_list else None,
        to=parse_addresses(_header_list(msg, "to", defects)),
        cc=parse_addresses(_header_list(msg, "cc", defects)),
        subject=subject,
        date=_parse_date(date_text, defects),
        date_text=date_text,
        message_id=_msgid(msg.get("message-id")),
        in_reply_to=_msgid(msg.get("in-reply-to")),
        references=tuple(re.findall(r"<[^<>\s]+>", str(msg.get("references", "")))),
        text=walker.text(),
        attachments=tuple(walker.attachments),
        attached_messages=tuple(walker.messages),
        vcards=tuple(walker.vcards),
        headers=_selected_headers(msg, defects),
        defects=tuple(dict.fromkeys(defects)),
    )


def _msgid(value: object) -> str | None:
    if value is None:
        return None
    text = _fold(str(value))
    found = re.search(r"<[^<>\s]+>", text)
    if found:
        return found.group(0)
    return f"<{text}>" if text and " " not in text else None


def _parse_date(text: str | None, defects: list[str]) -> datetime | None:
    if not text:
        return None
    try:
        parsed = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        defects.append("unparsable Date header")
        return None
    if parsed.tzinfo is None:  # "-0000": the zone is unknown, the time is UTC
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


_KEPT_HEADERS = (
    "auto-submitted",
    "precedence",
    "list-id",
    "list-unsubscribe",
    "reply-to",
    "return-path",
    "x-mailer",
    "user-agent",
    "x-auto-response-suppress",
    "x-forwarded-for",
    "x-original-from",
)


def _selected_headers(msg: Message, defects: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for key in _KEPT_HEADERS:
        value = msg.get(key)
        if value is not None:
            out[key] = decode_header_value(value, defects)[:1000]
    return out


class _Walker:
    """Collects the readable text, attachments, vCards and attached messages of a tree."""

    def __init__(self, depth: int, defects: list[str]) -> None:
        self.base_depth = depth
        self.defects = defects
        self.plain: list[str] = []
        self.attachments: list[Attachment] = []
        self.messages: list[DecodedMessage] = []
        self.vcards: list[str] = []
        self.parts = 0

    def text(self) -> str:
        return "\n\n".join(t for t in self.plain if t.strip())

    def visit(self, part: Message, depth: int) -> None:
        self.parts += 1
        if depth - self.base_depth > MAX_DEPTH or self.parts > MAX_PARTS:
            if "MIME structure too deep or too large" not in self.defects:
                self.defects.append("MIME structure too deep or too large")
            return
        ctype = part.get_content_type()
        if ctype == "message/rfc822" or (ctype.startswith("message/") and part.is_multipart()):
            self._attached_message(part, depth)
        elif part.is_multipart():
            self._multipart(part, ctype, depth)
        else:
            self._leaf(part, ctype)

    def _multipart(self, part: Message, ctype: str, depth: int) -> None:
        children = part.get_payload()
        if not isinstance(children, list):
            return
        if ctype == "multipart/alternative":
            chosen = _choose_alternative(children)
            for child in children:
                if not isinstance(child, Message):
                    continue
                if child is chosen:
                    self.visit(child, depth + 1)
                elif child.is_multipart():  # attachments can hide in the html branch
                    self._collect_files(child, depth + 1)
            return
        for child in children:
            if isinstance(child, Message):
                self.visit(child, depth + 1)

    def _collect_files(self, part: Message, depth: int) -> None:
        before = len(self.plain)
        self.visit(part, depth)
        del self.plain[before:]

    def _attached_message(self, part: Message, depth: int) -> None:
        payload = part.get_payload()
        inner = payload[0] if isinstance(payload, list) and payload else None
        size = len(str(inner)) if isinstance(inner, Message) else 0
        self.attachments.append(Attachment(_filename(part) or None, "message/rfc822", size))
        if isinstance(inner, Message):
            try:
                self.messages.append(_decode(inner, depth + 1))
            except RecursionError:
                self.defects.append("MIME structure too deep or too large")

    def _leaf(self, part: Message, ctype: str) -> None:
        disposition = (part.get("content-disposition") or "").split(";")[0].strip().lower()
        filename = _filename(part)
        data = _payload_bytes(part, self.defects)
        if ctype in ("text/vcard", "text/x-vcard", "text/directory") or (
            filename and filename.lower().endswith((".vcf", ".vcard"))
        ):
            self.vcards.append(decode_bytes(data, part.get_content_charset(), self.defects))
            self.attachments.append(Attachment(filename, ctype, len(data)))
            return
        if disposition != "attachment" and ctype in ("text/plain", "text/html"):
            text = decode_bytes(data, part.get_content_charset(), self.defects)
            self.plain.append(html_to_text(text) if ctype == "text/html" else normalise(text))
            return
        if not data and not filename and ctype.startswith("multipart/"):
            return
        self.attachments.append(Attachment(filename, ctype, len(data)))


def _choose_alternative(children: object) -> Message | None:
    """Prefer text/plain with content, else HTML, else the first part."""
    if not isinstance(children, list):
        return None
    parts = [c for c in children if isinstance(c, Message)]
    for wanted in ("text/plain", "text/html"):
        for child in parts:
            if child.get_content_type() == wanted and _has_content(child):
                return child
    for child in parts:
        if child.is_multipart():
            return child
    return parts[0] if parts else None


def _has_content(part: Message) -> bool:
    payload = part.get_payload()
    return isinstance(payload, str) and bool(payload.strip())


def _payload_bytes(part: Message, defects: list[str]) -> bytes:
    try:
        data = part.get_payload(decode=True)
    except Exception:  # a broken transfer encoding: keep what is there
        defects.append("undecodable transfer encoding")
        raw = part.get_payload()
        return raw.encode("utf-8", "surrogateescape") if isinstance(raw, str) else b""
    if isinstance(data, bytes):
        return data
    return b""


def _filename(part: Message) -> str | None:
    try:
        name = part.get_filename()
    except Exception:
        return None
    if not name:
        return None
    return decode_header_value(name) or None
