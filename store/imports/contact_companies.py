"""The companies a batch of imported contacts works at: by email domain, else by name.

Missing companies are inserted with the batch (never for a free-mail domain, which the
contact's `domain` already leaves out), and the search index learns the names inserted or
renamed here. Between batches of one import the ids found by name are remembered, since
no index serves a case-insensitive name lookup.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from store.imports.bulk import among, insert_rows
from store.models import Base
from store.normalize import company_name_from_domain
from store.search_index import index_new_companies, reindex_company_names

_COMPANIES = Base.metadata.tables["companies"]


class CompanyWanted(Protocol):
    """A cleaned contact, as far as its company goes; `company_id` is filled in here."""

    domain: str | None  # the company domain of its first work address
    company: str | None  # the company name the file gives
    company_id: int | None


@dataclass
class ImportMemo:
    """What the earlier batches of one import found: company ids by lower-cased name.

    Finding a company by name means comparing lower(name) with every company, which no
    index serves; a file names the same few companies in every batch. A remembered id is
    checked to still exist before it is used; a company this import renames is forgotten.
    `words` are the name words the search index is known to hold trigrams for.
    """

    company_by_name: dict[str, int] = field(default_factory=dict)
    words: set[str] = field(default_factory=set)


def resolve_companies(
    session: Session, items: Sequence[CompanyWanted], memo: ImportMemo
) -> set[int]:
    """Company ids by email domain, else by name; missing companies are inserted.

    Returns the ids of the companies inserted: nobody can work at those yet."""
    by_domain: dict[str, str | None] = {}
    by_name: dict[str, str] = {}
    for item in items:
        domain = item.domain
        if domain:
            if by_domain.get(domain) is None:
                by_domain[domain] = item.company
        elif item.company:
            by_name.setdefault(item.company.lower(), item.company)
    known: dict[str, int] = {}
    renamed: list[int] = []
    if by_domain:
        for cid, cname, cdomain in session.execute(
            select(_COMPANIES.c.id, _COMPANIES.c.name, _COMPANIES.c.domain).where(
                among(session, _COMPANIES.c.domain, by_domain)
            )
        ):
            if cdomain is None:
                continue
            known[cdomain] = cid
            wanted = by_domain[cdomain]
            if wanted and cname != wanted and cname == company_name_from_domain(cdomain):
                session.execute(
                    update(_COMPANIES).where(_COMPANIES.c.id == cid).values(name=wanted)
                )
                renamed.append(cid)
                memo.company_by_name.pop(wanted.lower(), None)
                memo.company_by_name.pop(cname.lower(), None)  # no longer called that
    named = _remembered(session, memo, by_name)
    unknown = [key for key in by_name if key not in named]
    if unknown:
        lower = func.lower(_COMPANIES.c.name)
        for cid, lname in session.execute(  # the oldest of namesakes, as CustomerMatcher
            select(func.min(_COMPANIES.c.id), lower)
            .where(among(session, lower, unknown))
            .group_by(lower)
        ):
            named[lname] = cid
    new = [(d, n or company_name_from_domain(d)) for d, n in by_domain.items() if d not in known]
    # A name this batch also gives a new company by its domain is that company, as it
    # would be if the two rows came in different batches.
    new_by_name: dict[str, str] = {}
    for d, n in new:
        new_by_name.setdefault(n.lower(), d)
    new_named = [n for key, n in by_name.items() if key not in named and key not in new_by_name]
    made_ids: list[int] = []
    if new or new_named:
        names = [n for _, n in new] + new_named
        ids = insert_rows(
            session,
            _COMPANIES,
            [{"domain": d, "name": n} for d, n in new]
            + [{"domain": None, "name": n} for n in new_named],
        )
        index_new_companies(session, zip(ids, names, strict=True), known=memo.words)
        for (d, _), cid in zip(new, ids, strict=False):
            known[d] = cid
        for n, cid in zip(new_named, ids[len(new) :], strict=True):
            named[n.lower()] = cid
        for key in by_name:
            if key not in named:
                named[key] = known[new_by_name[key]]
        made_ids = ids
    if renamed:
        reindex_company_names(session, renamed)
    memo.company_by_name.update((key, named[key]) for key in by_name if key in named)
    for (_, name), cid in zip(new, made_ids, strict=False):  # older than this batch's named
        if memo.company_by_name.get(key := name.lower(), 0) > cid:
            memo.company_by_name[key] = cid
    for item in items:
        domain = item.domain
        if domain:
            item.company_id = known[domain]
        elif item.company:
            item.company_id = named[item.company.lower()]
    return set(made_ids)


def _remembered(session: Session, memo: ImportMemo, by_name: dict[str, str]) -> dict[str, int]:
    """The names an earlier batch resolved, whose companies are still there."""
    remembered = {key: memo.company_by_name[key] for key in by_name if key in memo.company_by_name}
    if not remembered:
        return {}
    alive = set(
        session.scalars(
            select(_COMPANIES.c.id).where(among(session, _COMPANIES.c.id, set(remembered.values())))
        )
    )
    for key in [k for k, cid in remembered.items() if cid not in alive]:
        del remembered[key]
        del memo.company_by_name[key]
    return remembered
