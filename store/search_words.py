"""From the words someone typed to the words names are made of.

A typed word stands for the known words it starts ("and" -> "andersson") and for those
close to it ("jon" -> "john", "acmee" -> "acme"), found through shared trigrams and
confirmed by rapidfuzz. Both lookups read `name_trigrams` by its primary key, so they
cost the same with ten names or ten million.
"""

from __future__ import annotations

from rapidfuzz import fuzz
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from store.models import NameTrigram
from store.normalize import name_key
from store.search_index import lead_trigram, trigrams

PREFIXED = 50  # known words per typed prefix
SIMILAR = 100  # known words sharing trigrams, before rapidfuzz confirms them
CLOSE = 75.0  # rapidfuzz ratio for a typo


def query_words(query: str) -> list[str]:
    """The words of a query as names are indexed (accent- and case-free), two letters or more."""
    key = name_key(query.replace("@", " ").replace(".", " ")) or ""
    return sorted({w for w in key.split() if len(w) >= 2})


def expand_words(session: Session, words: list[str]) -> set[str]:
    """Every known word the typed `words` may stand for."""
    found: set[str] = set()
    for word in words:
        found.update(_starting_with(session, word))
        if len(word) >= 3:
            found.update(_close_to(session, word))
    return found


def _starting_with(session: Session, prefix: str) -> list[str]:
    return list(
        session.scalars(
            select(NameTrigram.word)
            .where(
                NameTrigram.trigram == lead_trigram(prefix),
                NameTrigram.word >= prefix,
                NameTrigram.word < prefix + "\U0010ffff",
            )
            .order_by(NameTrigram.word)
            .limit(PREFIXED)
        )
    )


def _close_to(session: Session, word: str) -> list[str]:
    shared = func.count().label("shared")
    rows = session.execute(
        select(NameTrigram.word, shared)
        .where(NameTrigram.trigram.in_(trigrams(word)))
        .group_by(NameTrigram.word)
        .order_by(shared.desc(), NameTrigram.word)
        .limit(SIMILAR)
    )
    return [known for known, _ in rows if fuzz.ratio(word, known) >= CLOSE]
