"""Find people and companies by name, email, domain or company name, forgiving typos.

Fuzzy matching every row does not scale, so the index narrows first (see
`store.models.search`): each typed word becomes the known words it may mean (those it
starts, and those sharing trigrams with it that rapidfuzz finds close enough), and those
words become the contacts and companies carrying most of them. Exact email and domain
come from their own indexes. Only that candidate set (a few hundred rows at most) is
ranked with rapidfuzz. Merged contacts are never returned.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from rapidfuzz import fuzz
from sqlalchemy import ColumnElement, Select, and_, func, or_, select, union
from sqlalchemy.orm import Session

from store.models import Company, CompanyNameWord, Contact, ContactEmail, ContactNameWord
from store.normalize import is_free_mail
from store.search_words import expand_words, query_words

Kind = Literal["contact", "company"]
CANDIDATES = 100  # per SQL probe
MIN_SCORE = 60.0


@dataclass(frozen=True)
class Match:
    kind: Kind
    id: int
    label: str
    score: float


def search(
    session: Session,
    text: str,
    *,
    limit: int = 10,
    kinds: Iterable[Kind] = ("contact", "company"),
) -> list[Match]:
    """Best matches first; an exact email or domain scores 100."""
    query = " ".join(text.split()).lower().strip("<>")
    if not query:
        return []
    wanted = set(kinds)
    # An address's domain is matched as a domain; only its local part reads as a name.
    typed = query_words(query.partition("@")[0] if "@" in query else query)
    words = expand_words(session, typed)
    company_scores = _rank_companies(session, query, typed, words)
    matches: list[Match] = []
    if "company" in wanted:
        matches += [m for m in company_scores.values() if m.score >= MIN_SCORE]
    if "contact" in wanted:
        matches += _rank_contacts(session, query, words, company_scores)
    matches.sort(key=lambda m: (-m.score, m.kind != "contact", m.id))
    return matches[:limit]


def _prefix_range(column: Any, prefix: str) -> ColumnElement[bool]:
    """`column` starts with `prefix`, written so that an ordinary index serves it."""
    return and_(column >= prefix, column < prefix + "\U0010ffff")


def _carrying_most(id_column: Any, word_column: Any, words: set[str]) -> Select[Any]:
    """The ids carrying the most of `words`: a full name's owner before a namesake's."""
    # `+ 0`: grouping by the bare column tempts SQLite to walk its whole id index (to skip
    # a sort) instead of reading just the rows of these words.
    owner = (id_column + 0).label("owner")
    return (
        select(owner)
        .where(word_column.in_(sorted(words)))
        .group_by(owner)
        .order_by(func.count().desc(), owner)
        .limit(CANDIDATES)
    )


def _rank_companies(
    session: Session, query: str, typed: list[str], words: set[str]
) -> dict[int, Match]:
    domain = query.rpartition("@")[2] if "@" in query else query
    conds: list[ColumnElement[bool]] = [Company.domain == domain]
    if "." in domain and " " not in domain:
        conds.append(_prefix_range(Company.domain, domain))
    # A short stem of each word: "acmee" still finds acme.com, "ibm" finds ibm.com.
    conds += [_prefix_range(Company.domain, w[:3]) for w in typed if len(w) >= 3]
    if words:
        named = _carrying_most(CompanyNameWord.company_id, CompanyNameWord.word, words)
        conds.append(Company.id.in_(select(named.subquery().c.owner)))
    rows = session.execute(
        select(Company.id, Company.name, Company.domain).where(or_(*conds)).limit(CANDIDATES * 2)
    ).all()
    out: dict[int, Match] = {}
    for cid, cname, cdomain in rows:
        score = _score_company(query, domain, cname, cdomain)
        label = f"{cname} ({cdomain})" if cdomain else cname
        out[cid] = Match("company", cid, label, score)
    return out


def _score_company(query: str, domain: str, cname: str, cdomain: str | None) -> float:
    if cdomain and domain == cdomain:
        return 100.0
    scores = [fuzz.WRatio(query, cname.lower())]
    if cdomain:
        scores.append(fuzz.ratio(query, cdomain))
        scores.append(fuzz.ratio(query, cdomain.split(".")[0]))
    return float(max(scores))


def _contact_ids(query: str, words: set[str], companies: dict[int, Match]) -> Select[Any]:
    """Every way a contact can be meant, as one statement: a single round trip."""
    email_probe = query if "@" in query else query.replace(" ", "")
    probes: list[Select[Any]] = [
        select(ContactEmail.contact_id.label("owner"))
        .where(_prefix_range(ContactEmail.email, email_probe))
        .limit(CANDIDATES)
    ]
    domain = query.rpartition("@")[2]
    if "." in domain and " " not in domain and is_free_mail(domain):
        # Work domains are companies (found above); only free mail needs the address scan.
        probes.append(
            select(ContactEmail.contact_id.label("owner"))
            .where(ContactEmail.email.endswith("@" + domain, autoescape=True))
            .limit(CANDIDATES)
        )
    if words:
        probes.append(_carrying_most(ContactNameWord.contact_id, ContactNameWord.word, words))
    best = sorted(companies.values(), key=lambda m: -m.score)[:5]
    good = [m.id for m in best if m.score >= MIN_SCORE]
    if good:
        probes.append(
            select(Contact.id.label("owner"))
            .where(Contact.merged_into_id.is_(None), Contact.company_id.in_(good))
            .limit(CANDIDATES)
        )
    parts = [select(p.subquery().c.owner) for p in probes]
    return select(union(*parts).subquery().c.owner) if len(parts) > 1 else parts[0]


def _rank_contacts(
    session: Session, query: str, words: set[str], companies: dict[int, Match]
) -> list[Match]:
    rows: dict[int, tuple[str | None, int | None, str | None]] = {}
    emails: dict[int, list[str]] = {}
    for cid, name, company, company_label, email in session.execute(
        select(Contact.id, Contact.name, Contact.company_id, Company.name, ContactEmail.email)
        .outerjoin(Company, Company.id == Contact.company_id)
        .outerjoin(ContactEmail, ContactEmail.contact_id == Contact.id)
        .where(
            Contact.id.in_(_contact_ids(query, words, companies)),
            Contact.merged_into_id.is_(None),
        )
        .order_by(Contact.id, ContactEmail.is_primary.desc(), ContactEmail.id)
    ):
        rows[cid] = (name, company, company_label)
        if email is not None:
            emails.setdefault(cid, []).append(email)
    out = []
    for cid, (cname, company_id, company_name) in rows.items():
        addrs = emails.get(cid, [])
        score = _score_contact(query, cname, addrs)
        if company_id in companies:
            score = max(score, companies[company_id].score * 0.9)
        if score >= MIN_SCORE:
            out.append(Match("contact", cid, _contact_label(cname, addrs, company_name), score))
    return out


def _score_contact(query: str, cname: str | None, emails: list[str]) -> float:
    scores = [0.0]
    if cname:
        scores.append(float(fuzz.WRatio(query, cname.lower())))
        scores.append(float(fuzz.token_sort_ratio(query, cname.lower())))
    for email in emails:
        if query == email:
            return 100.0
        local, _, domain = email.partition("@")
        scores.append(float(fuzz.ratio(query, email)))
        scores.append(float(fuzz.ratio(query, local)))
        if query == domain:
            scores.append(95.0)
    return max(scores)


def _contact_label(cname: str | None, emails: list[str], company: str | None) -> str:
    label = cname or (emails[0] if emails else "(no name)")
    if cname and emails:
        label += f" <{emails[0]}>"
    if company:
        label += f", {company}"
    return label
