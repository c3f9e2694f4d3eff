"""Signature blocks: where they start, and the people, phones and companies in them.

`split_signature` finds the block, in this order of trust:
1. the "-- " delimiter line (RFC 3676) or a line of underscores;
2. a closing phrase near the end ("Best regards", "Mit freundlichen Grüßen", "С уважением",
   "此致", "ขอแสดงความนับถือ", "Med vänliga hälsningar" … in the languages of the product);
3. a trailing block of short lines holding a phone number, an email address or a URL.
Legal disclaimers / confidentiality notices and "Sent from my iPhone" / "Von meinem iPhone
gesendet" lines are dropped from both parts: they name nobody.

`extract_signatures` reads each person in the block: name, title, company, phone (E.164,
see `parsers.phones` for how the region is chosen), website, postal address. Two people
signing together, side by side in two columns or one after the other, give two
candidates; lines that name no one (company, address, website) belong to both. Japanese
and Chinese signatures put company, department and position on one line ("大和商事株式会社
営業部 部長"): it is split at the legal form. The words (closings, disclaimers, titles,
legal forms) are in `parsers.signature_words`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from parsers.phones import address_region, find_phones, region_for
from parsers.signature_words import (
    CLOSING,
    COMPANY_CJK,
    DISCLAIMER,
    DISCLAIMER_HINTS,
    MOBILE_FOOTER,
    has_company,
    has_title,
)
from parsers.types import ContactCandidate

__all__ = ["extract_signatures", "split_signature"]

_MAX_SIG_LINES = 25
_MAX_LINE = 200  # longer lines are prose, not signature lines

_DELIMITER = re.compile(r"^(?:--\s?|_{5,}|-{5,}\s*)$")
_CONTACT_HINT = re.compile(
    r"[\w.+-]+@[\w-]+\.[\w.-]+|https?://|www\.|\+?\d[\d\s()./-]{6,24}\d", re.IGNORECASE
)
_PHONE_LIKE = re.compile(r"\+?\(?\d[\d\s()./-]{6,24}\d")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_URL = re.compile(r"(?:https?://|www\.)[^\s<>()|,]+|\b[\w-]+\.(?:com|de|se|co\.uk|io|net|org|"
                  r"fr|ch|at|nl|dk|no|fi|ru|cn|th|pl|cz|it|es)\b(?:/[^\s<>()|,]*)?",
                  re.IGNORECASE)

_NAME_WORD = r"[A-ZÄÖÜÅÆØÉÈÀÇŁŚŻŹĆŃŠŽČŘĎŤŇА-ЯЁІЇЄҐ][\w'’.-]*"
_NAME = re.compile(rf"^(?:{_NAME_WORD}\s+){{1,3}}{_NAME_WORD}$")
_CJK_NAME = re.compile(
    r"^[\u4e00-\u9fff]{2,4}$|^[\u4e00-\u9fff]{1,3} [\u4e00-\u9fff]{1,3}$"  # 王伟, 田中 太郎
    r"|^(?:คุณ\s*)?[\u0e00-\u0e7f]{2,20}\s+[\u0e00-\u0e7f]{2,20}$"
)
_LABEL = re.compile(
    r"^\s*(?:t|tel|phone|telephone|m|mob|mobile|cell|direct|d|p|office|fon|telefon|handy|"
    r"mobil|tfn|тел|телефон|моб|电话|手机|โทร|มือถือ)\.?\s*[:.]?\s*",
    re.IGNORECASE,
)
_FAX = re.compile(r"\b(?:fax|telefax|факс|传真)\b", re.IGNORECASE)
_SPLIT_NAME_TITLE = re.compile(r"\s*(?:\||,|–|—| - |·|•)\s*")
_PIPE = re.compile(r"\s+[|·•]\s+")
_AT_COMPANY = re.compile(r"\s+(?:at|@|bei|på|chez)\s+", re.IGNORECASE)
_COLUMNS = re.compile(r"\S(?:\s{3,}|\t+)\S")


def _clean(lines: list[str]) -> list[str]:
    out = [ln for ln in lines if len(ln) > _MAX_LINE or not MOBILE_FOOTER.match(ln)]
    # A disclaimer runs from its paragraph to the end of the message.
    first = len(out) // 3
    tail = "\n".join(out[first:]).lower()
    if not any(hint in tail for hint in DISCLAIMER_HINTS):
        first = len(out)
    for i in range(first, len(out)):
        line = out[i]
        low = line.lower()
        hinted = len(line) <= 20 * _MAX_LINE and any(hint in low for hint in DISCLAIMER_HINTS)
        if hinted and DISCLAIMER.search(line):
            start = i
            while start > 0 and out[start - 1].strip():
                start -= 1
            out = out[:start]
            break
    while out and not out[-1].strip():
        out.pop()
    return out


def _closing_index(lines: list[str]) -> int | None:
    lo = max(0, len(lines) - _MAX_SIG_LINES)
    for i in range(len(lines) - 1, lo - 1, -1):
        m = CLOSING.match(lines[i]) if len(lines[i]) <= _MAX_LINE else None
        rest = m.group("rest") if m else ""
        if m and (not rest or (len(rest.split()) <= 4 and not re.search(r"[\d@:]", rest))):
            return i
    return None


def _trailing_block(lines: list[str]) -> int | None:
    start = len(lines)
    while start > 0 and lines[start - 1].strip():
        start -= 1
    block = lines[start:]
    if not block or len(block) > 10 or start == 0:
        return None
    if all(len(ln.strip()) <= 70 for ln in block) and any(_CONTACT_HINT.search(ln) for ln in block):
        return start
    return None


def split_signature(text: str) -> tuple[str, str | None]:
    """(body, signature block or None); disclaimers and mobile footers left out of both."""
    return _split(text)


@lru_cache(maxsize=16)  # the intake asks for the split and then for the people in it
def _split(text: str) -> tuple[str, str | None]:
    lines = _clean(text.splitlines())
    start: int | None = None
    for i in range(len(lines) - 1, max(-1, len(lines) - 2 * _MAX_SIG_LINES), -1):
        if _DELIMITER.match(lines[i]):
            start = i
            sig = lines[i + 1 :]
            return "\n".join(lines[:start]).rstrip(), ("\n".join(sig).strip() or None)
    start = _closing_index(lines)
    if start is None:
        start = _trailing_block(lines)
    if start is None:
        return "\n".join(lines).rstrip(), None
    return "\n".join(lines[:start]).rstrip(), "\n".join(lines[start:]).strip() or None


# ---- reading the people in a block ------------------------------------------------------


@dataclass
class _Person:
    name: str | None = None
    title: str | None = None
    company: str | None = None
    email: str | None = None
    phones: list[str] = field(default_factory=list)
    website: str | None = None
    address: list[str] = field(default_factory=list)

    def has_details(self) -> bool:
        return bool(self.title or self.phones or self.email)


def _columns(lines: list[str]) -> list[list[str]] | None:
    """Two people side by side: most lines split at a wide gap at about the same column."""
    gaps = [_COLUMNS.search(ln) if ("   " in ln or "\t" in ln) else None for ln in lines]
    cuts = [m for m in gaps if m]
    if len(cuts) < 2 or len(cuts) < len([ln for ln in lines if ln.strip()]) // 2:
        return None
    left, right = [], []
    for ln, m in zip(lines, gaps, strict=True):
        if m:
            left.append(ln[: m.start() + 1].strip())
            right.append(ln[m.end() - 1 :].strip())
        else:
            left.append(ln.strip())
            right.append("")
    return [left, right]


def _is_phone_line(line: str) -> bool:
    m = _PHONE_LIKE.search(line)
    return m is not None and sum(c.isdigit() for c in m.group(0)) >= 7


def _site(url: str) -> str:
    """'https://www.acme.com/' -> 'acme.com' (paths kept)."""
    return re.sub(r"^(?:https?://)?(?:www\.)?", "", url, flags=re.IGNORECASE).rstrip("./")


def _company_then_title(line: str) -> tuple[str, str | None] | None:
    """Japanese and Chinese signatures put company, department and position on one line
    ("大和商事株式会社 営業部 部長"): (company, title) split at the company's legal form."""
    parts = line.split()
    for i, part in enumerate(parts):
        if any(form in part for form in COMPANY_CJK):
            # "株式会社 大和商事": the legal form alone, the name follows it
            end = i + 2 if part in COMPANY_CJK and i + 1 < len(parts) else i + 1
            title = " ".join(parts[:i] + parts[end:]) or None
            if title and not has_title(title):
                return None
            return " ".join(parts[i:end]), title
    return None


def _is_name(line: str) -> bool:
    if has_title(line) or has_company(line) or any(c.isdigit() for c in line):
        return False
    return bool(_NAME.match(line) or _CJK_NAME.match(line))


def _read_line(person: _Person, line: str, shared: _Person) -> None:
    email = _EMAIL.search(line) if "@" in line else None
    if email:
        person.email = person.email or email.group(0)
        line = _EMAIL.sub("", line).strip(" |,;")
        if not line:
            return
    url = _URL.search(line) if "." in line else None
    if url is None and _is_phone_line(line):
        if not _FAX.search(line):
            person.phones.append(_LABEL.sub("", line))
        return
    if url and len(line) <= len(url.group(0)) + 12:
        shared.website = shared.website or _site(url.group(0))
        return
    if person.name is None:
        parts = [p for p in _SPLIT_NAME_TITLE.split(line) if p]
        if parts and _is_name(parts[0]):
            person.name = parts[0]
            for extra in parts[1:]:
                _read_line(person, extra, shared)
            return
    cjk = _company_then_title(line) if not line.isascii() and " " in line.strip() else None
    if cjk is not None:
        shared.company = shared.company or cjk[0]
        person.title = person.title or cjk[1]
        return
    if has_title(line) and person.title is None and len(line) <= 80:
        title, *company = _AT_COMPANY.split(line, maxsplit=1)
        if not company and has_company(line):
            title, *company = [p for p in _SPLIT_NAME_TITLE.split(line) if p] or [line]
            if not company:  # "Acme Sales Ltd": a company, not a title
                shared.company = shared.company or line.strip(" ,|")
                return
        person.title = title.strip(" ,|")
        if company:
            shared.company = shared.company or company[-1].strip(" ,|")
        return
    if has_company(line) and len(line) <= 60 and not re.search(r"\d{4,}", line):
        shared.company = shared.company or line.strip(" ,|")
        return
    if re.search(r"\d", line) or address_region(line):
        shared.address.append(line)


def _people(lines: list[str]) -> tuple[list[_Person], _Person]:
    shared = _Person()
    people: list[_Person] = []
    current: _Person | None = None
    pieces = [p for raw in lines if len(raw) <= _MAX_LINE for p in _PIPE.split(raw)]
    for raw in pieces:
        line = raw.strip()
        if not line:
            continue
        closing = CLOSING.match(line)
        if closing:
            line = closing.group("rest").strip()
            if not line:
                continue
        starts_person = _is_name(_SPLIT_NAME_TITLE.split(line)[0]) and (
            current is None or (current.name is not None and current.has_details())
        )
        if starts_person or current is None:
            current = _Person()
            people.append(current)
        _read_line(current, line, shared)
    return [p for p in people if p.name or p.has_details()], shared


def _tld_of(email: str | None) -> str | None:
    if not email or "@" not in email:
        return None
    return email.rsplit("@", 1)[1].lower()


def extract_signatures(
    text: str,
    *,
    sender_email: str | None,
    sender_name: str | None = None,
    default_region: str = "US",
) -> tuple[ContactCandidate, ...]:
    """The people in the signature block of `text` (source="signature"), first signer first."""
    _body, sig = split_signature(text)
    if not sig:
        return ()
    lines = sig.splitlines()[:_MAX_SIG_LINES]
    groups = _columns(lines) or [lines]
    people: list[_Person] = []
    shared = _Person()
    for group in groups:
        found, common = _people(group)
        people.extend(found)
        shared.company = shared.company or common.company
        shared.website = shared.website or common.website
        shared.address.extend(a for a in common.address if a not in shared.address)
    if not people:
        people = [_Person()]
    address = ", ".join(shared.address) or None
    region = region_for(address=address, domain=_tld_of(sender_email), default=default_region)
    out = []
    for i, person in enumerate(people):
        name = person.name or (sender_name if i == 0 else None)
        email = person.email
        if email is None and sender_email and (
            (i == 0 and len(people) == 1) or _same_person(name, sender_name, sender_email)
        ):
            email = sender_email
        phones = find_phones(" ; ".join(person.phones), region) if person.phones else ()
        candidate = ContactCandidate(
            name=name, email=email.lower() if email else None,
            phone=phones[0] if phones else None, title=person.title,
            company=shared.company, website=shared.website, address=address, source="signature",
        )
        if candidate.phone or candidate.title or candidate.company or candidate.website or (
                person.name and len(people) > 1):
            out.append(candidate)
    return tuple(out)


def _same_person(name: str | None, sender_name: str | None, sender_email: str) -> bool:
    """Is this signer the sender? Same name, or the address's local part names them."""
    if not name:
        return False
    if sender_name and name.casefold() == sender_name.casefold():
        return True
    local = set(re.split(r"[._-]+", sender_email.split("@", 1)[0].casefold()))
    words = {w.casefold() for w in name.split()}
    return bool(local & words)
