"""Entities in a message: one spaCy pipeline per (language, model), built once per process
(on first use of the spaCy part, then cached).

Rule-based by default, because no trained pipeline can be downloaded where the product runs:
`spacy.blank(lang)` plus the rules below. Chinese is segmented with jieba and Thai with
pythainlp; both work offline (jieba's dictionary ships inside the package and is cached in
the temp directory on first use, a second or so). Should either fail to load, Chinese falls
back to spaCy's character segmenter and Thai to the multi-language "xx" tokenizer, which
the regex rules do not need anyway. Japanese (it would need SudachiPy) and any language
spaCy has no tokenizer for use "xx" too. The pipeline gets
- an EntityRuler for EMAIL and URL tokens (spaCy's `like_email` / `like_url`);
- the `crm_rules` component, which marks REFERENCE (order/invoice/quote/PO), MONEY, PHONE
  and EMAIL spans found by precompiled regexes (`parsers.refs`; the same forms in every
  language, so they run on the raw text; jieba and pythainlp split email addresses apart,
  which is why EMAIL is matched here too).

`Pipeline.references()` and `.amounts()` — what the intake needs for every email — call
`parsers.refs` directly: a full spaCy pass costs about 1 ms per email, these about a tenth
of that (see benchmarks/parse_steps.py). The spaCy `Doc` (`.doc()`, `.entities()`) is
there for callers that want spans, and for the statistical model: when `CRM_SPACY_MODEL`
(passed in as `model_name`) names an installed package (`spacy.util.is_package`) or a
pipeline directory saved with `nlp.to_disk` (never downloaded), it is loaded instead of the
blank pipeline, the rules are added before its "ner", and `.people_and_orgs()` returns its
PERSON and ORG entities (`parsers.ner_contacts` adds them to the contacts). Without a model
that is empty; a name that is neither is logged and the rules carry on alone.
"""

from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from parsers.refs import AMOUNT_REGEX, REFERENCE_REGEXES, find_amounts, find_references
from parsers.types import Amount, Reference

if TYPE_CHECKING:  # spaCy itself is imported on first use: it takes a second or two
    from spacy.language import Language
    from spacy.tokens import Doc, Span

__all__ = ["Entity", "Pipeline", "get_pipeline"]

_SPACY_CODES = {"no": "nb"}
_NEEDS_XX = {"ja"}  # needs SudachiPy, which is not a dependency
# Tokenisers for Chinese and Thai split addresses apart, so spaCy's like_email misses them.
_EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE_RE = re.compile(r"(?<![\w-])\+?\(?\d[\d\s().\-/]{7,24}\d(?![\w-])")

_TRAILING = " ,.;:!?)]}>\"'，。；："
_lock = threading.Lock()
_log = logging.getLogger(__name__)
_cache: dict[tuple[str | None, str | None], Pipeline] = {}


@dataclass(frozen=True)
class Entity:
    label: str  # EMAIL | URL | PHONE | REFERENCE | MONEY | PERSON | ORG
    text: str
    start: int  # character offsets in the text
    end: int


def _crm_rules(doc: Doc) -> Doc:
    """Mark references, amounts and phone numbers as entities, beside what is already there."""
    from spacy.util import filter_spans

    spans: list[Span] = list(doc.ents)
    rules = [*((r, "REFERENCE") for r in REFERENCE_REGEXES), (AMOUNT_REGEX, "MONEY"),
             (_PHONE_RE, "PHONE"), (_EMAIL_RE, "EMAIL")]
    for regex, label in rules:
        for m in regex.finditer(doc.text):
            start = m.start("num") if label == "REFERENCE" and "num" in m.groupdict() else m.start()
            span = doc.char_span(start, m.end(), label=label, alignment_mode="expand")
            if span is not None:
                spans.append(span)
    doc.ents = filter_spans(spans)
    return doc


def _blank(lang: str | None) -> Language:
    import spacy

    code = _SPACY_CODES.get(lang or "", lang or "xx")
    if code in _NEEDS_XX:
        code = "xx"
    try:
        if code == "zh":
            import jieba

            jieba.setLogLevel(logging.WARNING)  # it prints its dictionary loading otherwise
            return spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
        return spacy.blank(code)
    except Exception:  # no tokenizer for it here (missing optional package): still usable
        try:
            return spacy.blank("zh") if code == "zh" else spacy.blank("xx")
        except Exception:
            return spacy.blank("xx")


def _model_source(model_name: str | None) -> str | None:
    """What `spacy.load` can open for `model_name`: an installed package or a pipeline
    directory (`nlp.to_disk`, with its config.cfg). Never a download."""
    import spacy.util

    if not model_name:
        return None
    if spacy.util.is_package(model_name) or (Path(model_name) / "config.cfg").is_file():
        return model_name
    _log.warning("spaCy model %r is neither installed nor a pipeline directory: rules only",
                 model_name)
    return None


def _build(lang: str | None, model_name: str | None) -> tuple[Language, bool]:
    import spacy
    from spacy.language import Language

    if not Language.has_factory("crm_rules"):
        Language.component("crm_rules", func=_crm_rules)
    source = _model_source(model_name)
    if source is not None:
        nlp = spacy.load(source)
        statistical = True  # its own "ner" or entity ruler names the PERSON and ORG
    else:
        nlp, statistical = _blank(lang), False
    ruler_opts: dict[str, Any] = {"before": "ner"} if "ner" in nlp.pipe_names else {}
    ruler = nlp.add_pipe("entity_ruler", name="crm_contact_ruler", **ruler_opts)
    ruler.add_patterns([  # type: ignore[attr-defined]
        {"label": "EMAIL", "pattern": [{"LIKE_EMAIL": True}]},
        {"label": "URL", "pattern": [{"LIKE_URL": True}]},
    ])
    nlp.add_pipe("crm_rules", after="crm_contact_ruler")
    return nlp, statistical


class Pipeline:
    """The entity pipeline of one language (and optional statistical model)."""

    def __init__(self, lang: str | None, model_name: str | None = None) -> None:
        self.lang = lang
        self.model_name = model_name
        self._nlp: Language | None = None
        self._statistical = False
        self._build_lock = threading.Lock()

    def _ensure(self) -> Language:
        # Built on first use: references() and amounts() never need it, and loading a
        # tokenizer (jieba, pythainlp, a statistical model) takes seconds.
        if self._nlp is None:
            with self._build_lock:
                if self._nlp is None:
                    self._nlp, self._statistical = _build(self.lang, self.model_name)
        return self._nlp

    @property
    def nlp(self) -> Language:
        return self._ensure()

    @property
    def statistical(self) -> bool:
        self._ensure()
        return self._statistical

    def references(self, text: str) -> tuple[Reference, ...]:
        return find_references(text)

    def amounts(self, text: str) -> tuple[Amount, ...]:
        return find_amounts(text, self.lang)

    def doc(self, text: str) -> Doc:
        return self._ensure()(text)

    def entities(self, text: str) -> tuple[Entity, ...]:
        """Every entity span; punctuation a tokeniser glued on ("€1,250.00,") is trimmed."""
        out = []
        for e in self.doc(text).ents:
            start, end = e.start_char, e.end_char
            while end > start and text[end - 1] in _TRAILING:
                end -= 1
            out.append(Entity(e.label_, text[start:end], start, end))
        return tuple(out)

    def people_and_orgs(self, text: str) -> tuple[Entity, ...]:
        """PERSON and ORG entities of the statistical model; () without one."""
        if not self.statistical:
            return ()
        labels = {"PERSON": "PERSON", "PER": "PERSON", "ORG": "ORG"}
        return tuple(
            Entity(labels[e.label_], e.text, e.start_char, e.end_char)
            for e in self.doc(text).ents
            if e.label_ in labels
        )


def get_pipeline(lang: str | None, model_name: str | None = None) -> Pipeline:
    """The process-wide pipeline for (lang, model_name), built on first use."""
    key = (lang, model_name)
    pipeline = _cache.get(key)
    if pipeline is None:
        with _lock:
            pipeline = _cache.get(key)
            if pipeline is None:
                pipeline = _cache[key] = Pipeline(lang, model_name)
    return pipeline
