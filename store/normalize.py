"""Canonical forms of emails, domains and names, so that dedupe compares like with like."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Addresses at these domains belong to people, not companies: a company is never made from them.
FREE_MAIL_DOMAINS = frozenset(
    [
        "gmail.com",
        "googlemail.com",
        "yahoo.com",
        "yahoo.co.uk",
        "yahoo.fr",
        "yahoo.de",
        "yahoo.es",
        "yahoo.it",
        "ymail.com",
        "rocketmail.com",
        "hotmail.com",
        "hotmail.co.uk",
        "hotmail.fr",
        "hotmail.de",
        "hotmail.it",
        "outlook.com",
        "outlook.fr",
        "outlook.de",
        "live.com",
        "live.co.uk",
        "live.fr",
        "msn.com",
        "aol.com",
        "icloud.com",
        "me.com",
        "mac.com",
        "proton.me",
        "protonmail.com",
        "pm.me",
        "gmx.de",
        "gmx.net",
        "gmx.com",
        "gmx.at",
        "gmx.ch",
        "web.de",
        "t-online.de",
        "freenet.de",
        "mail.ru",
        "bk.ru",
        "inbox.ru",
        "list.ru",
        "yandex.ru",
        "yandex.com",
        "ya.ru",
        "rambler.ru",
        "qq.com",
        "163.com",
        "126.com",
        "sina.com",
        "sohu.com",
        "aliyun.com",
        "foxmail.com",
        "naver.com",
        "hanmail.net",
        "daum.net",
        "seznam.cz",
        "centrum.cz",
        "wp.pl",
        "o2.pl",
        "onet.pl",
        "interia.pl",
        "libero.it",
        "virgilio.it",
        "tiscali.it",
        "orange.fr",
        "wanadoo.fr",
        "free.fr",
        "laposte.net",
        "sfr.fr",
        "bluewin.ch",
        "telia.com",
        "spray.se",
        "bredband.net",
        "online.no",
        "hotmail.se",
        "live.se",
        "yahoo.se",
        "kolumbus.fi",
        "luukku.com",
        "zoho.com",
        "tutanota.com",
        "fastmail.com",
        "hey.com",
        "yahoo.co.jp",
    ]
)


def normalize_email(value: str) -> str:
    """Lower-case, trimmed, angle brackets and `mailto:` removed.

    The local part is lower-cased too: mail systems treat it case-insensitively in
    practice, and a CRM must not hold Jane.Doe@ and jane.doe@ as two people.
    """
    value = value.strip().strip("<>").strip()
    lowered = value.lower()
    if lowered.startswith("mailto:"):
        value, lowered = value[7:], lowered[7:]
    if value.isascii():  # NFC leaves ASCII as it is
        return lowered
    return unicodedata.normalize("NFC", value).lower()


def email_domain(email: str) -> str:
    return normalize_email(email).rpartition("@")[2]


def normalize_domain(value: str) -> str:
    """`https://www.Acme.com/about` -> `acme.com`."""
    value = value.strip().lower()
    value = re.sub(r"^[a-z][a-z0-9+.-]*://", "", value)
    value = value.split("/", 1)[0].split("?", 1)[0].split(":", 1)[0]
    value = value.rstrip(".")
    if value.startswith("www."):
        value = value[4:]
    return value.encode("idna").decode("ascii") if not value.isascii() else value


def is_free_mail(domain: str) -> bool:
    return normalize_domain(domain) in FREE_MAIL_DOMAINS


def company_domain_for(email: str) -> str | None:
    """The domain that identifies the sender's company, or None for free-mail senders."""
    domain = email_domain(email)
    if not domain or is_free_mail(domain):
        return None
    return domain


@lru_cache(maxsize=65536)
def name_key(name: str | None) -> str | None:
    """Accent- and case-free name with words sorted, so 'Doe, Jane' matches 'jane doe'.

    Cached (bounded): an import computes it for every row and names repeat a great deal.
    """
    if not name:
        return None
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    words = re.findall(r"\w+", text)
    return " ".join(sorted(words)) or None


def company_name_from_domain(domain: str) -> str:
    """A readable placeholder name (`acme-tools.co.uk` -> `Acme Tools`) until a better one comes."""
    labels = domain.split(".")
    core = labels[0]
    if (
        len(labels) >= 3
        and len(labels[-1]) == 2
        and labels[-2] in {"co", "com", "org", "net", "ac"}
    ):
        core = labels[-3]
    elif len(labels) >= 2:
        core = labels[-2]
    return " ".join(w.capitalize() for w in re.split(r"[-_]", core) if w)
