"""Bytes -> text when the charset label is missing, unknown or lying.

Mail clients label Shift_JIS as shift_jis but write cp932, label GBK as gb2312, send UTF-8
as iso-8859-1, and leave 8-bit headers undeclared. `decode_bytes` trusts a label that
decodes cleanly, prefers UTF-8 when single-byte-labelled bytes are really UTF-8, and
otherwise guesses (charset_normalizer, then the least odd-looking of the candidates).
"""

from __future__ import annotations

import codecs
import re

__all__ = ["decode_bytes"]

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
            except (UnicodeDecodeError, LookupError, ValueError):  # "base64" is no text codec
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
