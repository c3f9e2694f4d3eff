"""Which language a message is written in, fast and without any model download.

Every later step (dates, task phrases, amounts such as "kr") behaves differently per
language, and dateparser guesses badly and slowly on its own, so we decide once here.

How:
1. Script first. Thai letters -> "th"; Japanese kana -> "ja"; Han characters without
   kana -> "zh"; Cyrillic -> "uk" when Ukrainian-only letters (і ї є ґ) appear, else "ru".
   A script wins when it makes up a fair share of the letters, so a Chinese email with an
   English product name is still Chinese.
2. Latin script: every word that is a common function word or greeting in some language
   scores for that language (shared words score less), and letters that only a few
   languages use (ß, å, ø, ñ, ł, ř, ő, ș, ğ …) add to theirs. The best score wins.
Only the first few thousand characters are read; the result is None for text with no
letters or no clue at all.
"""

from __future__ import annotations

import re
from collections import defaultdict

__all__ = ["SUPPORTED", "detect_language"]

SUPPORTED = (
    "en", "de", "fr", "es", "it", "pt", "nl", "sv", "da", "no", "fi", "et", "pl", "cs", "sk",
    "hu", "hr", "ro", "tr", "ru", "uk", "ja", "zh", "th",
)

_MAX_CHARS = 2000
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_THAI = re.compile(r"[\u0e00-\u0e7f]")
_KANA = re.compile(r"[\u3040-\u30ff\u31f0-\u31ff]")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_UKRAINIAN = re.compile(r"[іїєґІЇЄҐ]")
_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)
_NON_LATIN = re.compile(
    r"[\u0400-\u04ff\u0e00-\u0e7f\u3040-\u30ff\u31f0-\u31ff\u3400-\u9fff\uf900-\ufaff]"
)

_STOPWORDS: dict[str, str] = {
    "en": "the and to of is are you your for that this with have will please we our it be "
    "on at thanks thank regards hi hello would could should from as can kind best dear "
    "attached let know me us an or not any was were been just what when which",
    "de": "und der die das ist nicht ich sie wir mit für bitte ein eine zu auf den dem des "
    "von bei grüße grüßen freundlichen vielen dank hallo sehr geehrte geehrter ihnen uns "
    "auch noch wie wird haben sind oder aber können gerne anbei mich mir dass ihm ihr",
    "fr": "le la les et est pas je vous nous pour avec une des du merci bonjour que qui "
    "dans sur cordialement votre vos ce cette sont avez être au aux mais ou bien salutations",
    "es": "el la los las y es no que para con por una un gracias hola del pero muy usted "
    "nosotros su sus saludos estimado estimada le lo como está están este esta favor",
    "it": "il lo la gli le e è non che per con una un grazie ciao del della sono siamo "
    "questo questa di cordiali saluti gentile buongiorno vi ci anche alla delle degli",
    "pt": "o a os as e é não que para com uma um obrigado obrigada olá do da você nós "
    "muito em no na seu sua cumprimentos atenciosamente prezado prezada dos das ao",
    "nl": "de het een en is niet ik je wij we met voor van dat op zijn bedankt groeten "
    "graag u uw ook dit deze hebben wordt naar bij vriendelijke met alvast",
    "da": "og er ikke jeg det en at på med til for har vi du tak venlig venlige hilsen "
    "hvad noget af mig dig jer gerne meget uge kan vil skal fra nu",
    "no": "og er ikke jeg det en at på med til for har vi du takk vennlig hilsen hva noe "
    "av meg deg dere gjerne mye uke kan vil skal fra nå hei",
    "sv": "och är inte jag det en att på med till för har vi du tack vänliga hälsningar "
    "hej vad något av mig dig ni gärna mycket vecka kan vill ska från nu också",
    "fi": "ja on ei minä se että kanssa olen kiitos terveisin hyvää hei me te olemme "
    "voit tämä myös kun mutta tai ystävällisin",
    "et": "ja on ei mina see et ka aitäh tervitades palun tere meie teie oleme kui aga "
    "või lugupidamisega",
    "pl": "i jest nie to że w na z do się dziękuję pozdrawiam proszę jak dzień dobry "
    "pan pani są dla od oraz też lub",
    "cs": "a je není to že v na s do se děkuji pozdravem prosím jak dobrý den jsme pro "
    "od také nebo vás",
    "sk": "a je nie to že v na s do sa ďakujem pozdravom prosím ako dobrý deň sme pre "
    "od tiež alebo vás",
    "hu": "és a az nem egy hogy van köszönöm üdvözlettel kérem jó napot is meg már "
    "vagy de ez ezt kell",
    "hr": "i je nije to da u na s za se hvala pozdrav lijep molim dobar dan smo od "
    "ili ali vas",
    "ro": "și este nu că în la cu pe pentru mulțumesc salutări vă bună ziua sunt "
    "sau dar din cu",
    "tr": "ve bir bu için ile değil teşekkürler merhaba saygılarımla lütfen da de çok "
    "olarak sayın iyi günler",
}

# Letters that point at a few languages only.
_MARKS: dict[str, tuple[str, ...]] = {
    "ß": ("de",), "ä": ("de", "sv", "fi", "et", "sk"), "ö": ("de", "sv", "fi", "et", "hu", "tr"),
    "ü": ("de", "hu", "tr", "et"), "å": ("sv", "da", "no"), "æ": ("da", "no"),
    "ø": ("da", "no"), "ñ": ("es",), "ç": ("fr", "pt", "tr"), "ã": ("pt",), "õ": ("pt", "et"),
    "ê": ("fr", "pt"), "è": ("fr", "it"), "à": ("fr", "it", "pt"), "ù": ("fr", "it"),
    "ì": ("it",), "ò": ("it",), "ł": ("pl",), "ą": ("pl",), "ę": ("pl",), "ś": ("pl",),
    "ź": ("pl",), "ż": ("pl",), "ń": ("pl",), "ř": ("cs",), "ě": ("cs",), "ů": ("cs",),
    "ľ": ("sk",), "ĺ": ("sk",), "ŕ": ("sk",), "ô": ("sk", "fr"), "ő": ("hu",), "ű": ("hu",),
    "ș": ("ro",), "ş": ("ro", "tr"), "ț": ("ro",), "ţ": ("ro",), "ă": ("ro",), "î": ("ro", "fr"),
    "ğ": ("tr",), "ı": ("tr",), "đ": ("hr",), "ć": ("hr", "pl"), "č": ("hr", "cs", "sk"),
    "š": ("hr", "cs", "sk", "et", "fi"), "ž": ("hr", "cs", "sk", "et"), "ý": ("cs", "sk"),
    "á": ("es", "pt", "cs", "sk", "hu"), "é": ("fr", "es", "pt", "cs", "sk", "hu", "it"),
    "í": ("es", "pt", "cs", "sk", "hu"), "ó": ("es", "pt", "pl", "hu"),
    "ú": ("es", "cs", "sk", "hu"),
}


def _build_word_scores() -> dict[str, tuple[tuple[str, float], ...]]:
    owners: dict[str, list[str]] = defaultdict(list)
    for lang, words in _STOPWORDS.items():
        for word in set(words.split()):
            owners[word].append(lang)
    return {w: tuple((lang, 1.0 / len(langs)) for lang in langs) for w, langs in owners.items()}


_WORD_SCORES = _build_word_scores()
_MARK_SCORES = {
    ch: tuple((lang, 0.6 / len(langs)) for lang in langs) for ch, langs in _MARKS.items()
}
_MARK_RE = re.compile("[" + "".join(_MARKS) + "]")


def _script_language(text: str, letters: int) -> str | None:
    share = max(4, letters // 5)
    if len(_THAI.findall(text)) >= min(share, 4):
        return "th"
    kana = len(_KANA.findall(text))
    han = len(_HAN.findall(text))
    if kana >= 2 and kana + han >= min(share, 4):
        return "ja"
    if han >= min(share, 4):
        return "zh"
    if len(_CYRILLIC.findall(text)) >= min(share, 4):
        return "uk" if _UKRAINIAN.search(text) else "ru"
    return None


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the language of `text`, or None when there is nothing to go on."""
    sample = text[:_MAX_CHARS]
    if not sample.isascii() and _NON_LATIN.search(sample):
        letters = len(_LETTER.findall(sample))
        script = _script_language(sample, letters)
        if script:
            return script
    scores: dict[str, float] = defaultdict(float)
    for word in _WORD.findall(sample.lower()):
        for lang, weight in _WORD_SCORES.get(word, ()):
            scores[lang] += weight
    for mark in _MARK_RE.findall(sample.lower()):
        for lang, weight in _MARK_SCORES[mark]:
            scores[lang] += weight
    if not scores:
        return None
    best = max(scores.values())
    if best <= 0:
        return None
    # Ties go to the language listed first in SUPPORTED (Swedish before its neighbours).
    return next(lang for lang in SUPPORTED if scores.get(lang, 0.0) == best)
