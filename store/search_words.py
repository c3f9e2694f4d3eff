"""From the words someone typed to the words names are made of.

A typed word stands for the known words it starts ("and" -> "andersson") and for those
close to it ("jon" -> "john", "acmee" -> "acme"), found through shared trigrams and
confirmed by rapidfuzz. One read of `name_trigrams` by its primary key serves every
typed word at once: a word starting with "and" carries the trigram "^an", so the
prefix matches arrive with the trigram rows.
"""

from __future__ import annotations

from collections import Counter

from rapidfuzz import fuzz
from sqlalchemy import select
from sqlalchemy.orm import Session

from store.models import NameTrigram
from store.normalize import name_key
from store.search_index import lead_trigram, trigrams

PREFIXED = 50  # known words per typed prefix
SIMILAR = 100  # known words sharing trigrams, before rapidfuzz confirms them
CLOSE = 75.0  # rapidfuzz ratio for a typo
ROWS = 50_000  # a bound on what one search reads, whatever the vocabulary


def query_words(query: str) -> list[str]:
    """The words of a query as names are indexed (accent- and case-free), two letters or more."""
    key = name_key(query.replace("@", " ").replace(".", " ")) or ""
    return sorted({w for w in key.split() if len(w) >= 2})


def expand_words(session: Session, words: list[str]) -> set[str]:
    """Every known word the typed `words` may stand for."""
    wanted = {w: set(trigrams(w)) if len(w) >= 3 else {lead_trigram(w)} for w in words}
    every = sorted(set().union(*wanted.values())) if wanted else []
    if not every:
        return set()
    by_trigram: dict[str, list[str]] = {}
    for trigram, known in session.execute(
        select(NameTrigram.trigram, NameTrigram.word)
        .where(NameTrigram.trigram.in_(every))
        .limit(ROWS)
    ):
        by_trigram.setdefault(trigram, []).append(known)
    found: set[str] = set()
    for word, grams in wanted.items():
        starting = sorted(k for k in by_trigram.get(lead_trigram(word), []) if k.startswith(word))
        found.update(starting[:PREFIXED])
        if len(word) >= 3:
            shared = Counter(k for g in grams for k in by_trigram.get(g, []))
            close = [k for k, _ in shared.most_common(SIMILAR) if fuzz.ratio(word, k) >= CLOSE]
            found.update(close)
    return found
