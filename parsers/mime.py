"""Raw message bytes -> a decoded message: envelope, text, attachments, attached messages.

Everything here tolerates broken input: a wrong charset label, a truncated base64 part or
an unparsable date becomes a note in `defects`, never an exception. The one refusal is
input that has no header block at all (`ParseError`): that is not an email.

The stdlib parser runs with the `compat32` policy: it never raises on odd headers and is
faster than the modern policy; the headers are decoded here (RFC 2047, raw 8-bit bytes).
"""

from __future__ import annotations

import codecs
import email
import email.header
import email.utils
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email import policy
from email.message import Message

from parsers.types import Address, Attachment, ParseError

MAX_DEPTH = 30  # nested multiparts / attached messages followed before giving up
MAX_PARTS = 500

_ENVELOPE_HEADERS = ("from", "sender", "message-id", "subject", "date", "to", "received")

# Labels that lie: what mail clients write versus what the bytes usually are.
_CHARSET_ALIASES = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "cp936": "gb18030",
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "sjis": "cp932",
    "x-sjis": "cp932",
    "ms_kanji": "cp932",
    "tis-620": "cp874",
    "tis620": "cp874",
    "iso-8859-11": "cp874",
    "windows-874": "cp874",
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "us-ascii": "utf-8",
    "ascii": "utf-8",
    "ks_c_5601-1987": "cp949",
    "euc-kr": "cp949",
    "big5": "big5hkscs",
    "unicode-1-1-utf-7": "utf-7",
    "utf8": "utf-8",
    "x-unknown": "",
    "unknown-8bit": "",
    "default": "",
}
_SINGLE_BYTE = re.compile(r"^(cp125\d|iso-?8859-\d+|koi8-[ru]|cp874|mac.*)$")


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


def decode_bytes(data: bytes, charset: str | None, defects: list[str] | None = None) -> str:
    """Decode `data` labelled `charset`; when the label is missing or wrong, guess."""
    if not data:
        return ""
    label = (charset or "").strip().strip("\"'").lower()
    codec = _CHARSET_ALIASES.get(label, label)
    if codec:
        try:
            name = codecs.lookup(codec).name
        except LookupError:
            name = ""
            if defects is not None:
                defects.append(f"unknown charset {label!r}")
        if name:
            if _SINGLE_BYTE.match(name) and _looks_utf8(data):
                return data.decode("utf-8")
            try:
                return data.decode(name)
            except (UnicodeDecodeError, ValueError):
                if defects is not None:
                    defects.append(f"text is not {label}")
    elif label and defects is not None:
        defects.append(f"unknown charset {label!r}")
    return _guess(data)


def _looks_utf8(data: bytes) -> bool:
    """True when bytes labelled as a single-byte charset are really UTF-8 (a common lie)."""
    if data.isascii():
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


_COMMON = frozenset(
    "äöüßåøæéèêàâçñóòôúùíìîïëõãáąćęłńśźżčěňřšžýůőűţşğıœ–—€„“”‘’«»°§·•…"
)


def _oddness(text: str) -> int:
    """How many characters look like a wrong decoding (rare letters, control characters)."""
    odd = 0
    for ch in text:
        if ch.isascii() or ch.lower() in _COMMON:
            continue
        code = ord(ch)
        if 0x0400 <= code <= 0x04FF or 0x0E00 <= code <= 0x0E7F or code >= 0x2E80:
            continue  # Cyrillic, Thai, CJK: a legacy decoding of Latin text never gives these
        odd += 1
    return odd


def _guess(data: bytes) -> str:
    """Undeclared or wrongly declared 8-bit text: UTF-8, else the least odd candidate."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data[:65536]).best()
    candidates = [best.encoding] if best is not None and best.encoding else []
    candidates += ["cp1252", "cp1250"]
    decoded: list[tuple[int, int, str]] = []
    for rank, codec in enumerate(candidates):
        try:
            text = data.decode(codec)
        except (UnicodeDecodeError, LookupError):
            continue
        decoded.append((_oddness(text[:20000]), rank, text))
    if decoded:
        return min(decoded)[2]
    return data.decode("cp1252", errors="replace")


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
            self.plain.append(html_to_text(text) if ctype == "text/html" else _normalise(text))
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


_BLANK_RUN = re.compile(r"\n[ \t]*\n(?:[ \t]*\n)+")


def _normalise(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ")
    text = text.replace("\u200b", "").replace("\ufeff", "")
    lines = [line.rstrip() for line in text.split("\n")]
    return _BLANK_RUN.sub("\n\n", "\n".join(lines)).strip("\n")


_EMPTY_BLOCK = re.compile(
    r"<(div|p)(\s[^<>]{0,500})?>(?:\s|&nbsp;|&#160;|\u00a0|<o:p>|</o:p>)*</\1>", re.IGNORECASE
)


def html_to_text(html: str) -> str:
    """HTML -> readable text through inscriptis (tables and lists laid out, entities decoded)."""
    from inscriptis import get_text
    from inscriptis.css_profiles import CSS_PROFILES
    from inscriptis.model.config import ParserConfig

    html = _EMPTY_BLOCK.sub(r"<\1\2><br></\1>", html)  # keep Outlook's blank paragraphs
    try:
        text = get_text(html, ParserConfig(css=CSS_PROFILES["strict"]))
    except Exception:  # inscriptis/lxml refuse some garbage: strip tags crudely then
        text = re.sub(r"<[^>]{0,2000}>", " ", html)
    return _normalise(text)
