"""Date words per language: one module each, all of the same shape (`table.Words`).

Adding a language is adding a module here and a line below; the resolver
(`parsers.dates`) holds no words of its own. Swedish rules also read Danish and
Norwegian, Russian rules Ukrainian (see `NEIGHBOURS`).
"""

from __future__ import annotations

from parsers.date_words import de, en, es, fi, fr, it, nl, pt, ru, sv, th, zh
from parsers.date_words.table import Words

__all__ = ["LANGUAGES", "NEIGHBOURS", "Words"]

LANGUAGES: dict[str, Words] = {
    "en": en.WORDS, "sv": sv.WORDS, "de": de.WORDS, "ru": ru.WORDS, "fi": fi.WORDS,
    "zh": zh.WORDS, "th": th.WORDS, "it": it.WORDS, "nl": nl.WORDS, "es": es.WORDS,
    "fr": fr.WORDS, "pt": pt.WORDS,
}

# Close neighbours share most date words ("på fredag", "i morgen", "завтра").
NEIGHBOURS = {"da": "sv", "no": "sv", "nb": "sv", "nn": "sv", "uk": "ru", "pt-BR": "pt",
              "pt-PT": "pt"}
