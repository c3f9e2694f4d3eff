"""The words of a follow-up task, per language: what `parsers.tasks` looks for in a sentence.

- TRIGGERS: a reminder lead-in at the start ("remind me to", "påminn mig att", "ricordami
  di", "herinner me eraan om", "recuérdame", "rappelle-moi de", "lembre-me de" …); what
  follows is the task, whatever its verb.
- POLITE: words before the action that are not part of it ("please", "bitte", "puoi",
  "kun je", "¿puedes", "peux-tu", "merci de" …) and FILLERS, the same anywhere in the
  sentence ("per favore", "graag", "por favor", "s'il te plaît").
- VERBS: action verbs that start the phrase (send, call, richiamare, bellen, llamar,
  rappeler, ligar …). German and Dutch put the infinitive last ("das Angebot zu schicken",
  "offerte opvolgen") and Chinese and Thai have no spaces, so VERBS_ANYWHERE may be
  anywhere in the phrase.
- `edge_words()`: prepositions and articles left at either end of the title once the date
  words are cut out ("by", "on", "entro", "op", "para", "pour").
"""

from __future__ import annotations

import re

TRIGGERS = re.compile(
    r"^\s*(?:"
    r"(?:please\s+)?remind\s+me\s+(?:to\s+|about\s+|that\s+i\s+(?:need|have)\s+to\s+)?|"
    r"reminder\s*:\s*|todo\s*:\s*|to-?do\s*:\s*|task\s*:\s*|"
    r"(?:please\s+)?(?:don'?t|do\s+not)\s+forget\s+to\s+|remember\s+to\s+|"
    r"(?:i|we)\s+(?:need|have|must|should)\s+to\s+|(?:i|we)\s+(?:must|should)\s+|"
    r"i'?ll\s+|i\s+will\s+|let'?s\s+|need\s+to\s+|must\s+|"
    r"påminn\s+mig\s+(?:om\s+)?(?:att\s+)?|glöm\s+inte\s+(?:att\s+)?|kom\s+ihåg\s+(?:att\s+)?|"
    r"jag\s+(?:ska|måste)\s+|vi\s+(?:ska|måste)\s+|"
    r"husk\s+(?:at\s+|å\s+)?|påmind\s+mig\s+om\s+(?:at\s+)?|minn\s+meg\s+på\s+(?:å\s+)?|"
    r"(?:glem\s+ikke|ikke\s+glem)\s+(?:at\s+|å\s+)?|"
    r"erinnere?\s+mich\s*,?\s*(?:daran\s*,?\s*)?(?:dass\s+)?|nicht\s+vergessen\s*:?\s*|"
    r"ich\s+(?:muss|soll|werde)\s+|wir\s+(?:müssen|sollen)\s+|"
    r"напомн(?:и|ите)\s*(?:мне\s*)?(?:,?\s*что\s+нужно\s+|о\s+том,?\s*что\s+нужно\s+)?|"
    r"не\s+забуд(?:ь|ьте)\s+|нужно\s+|надо\s+|muistuta\s+minua\s+|"
    r"ricorda(?:mi|ti|rmi)\s+(?:di\s+)?|non\s+dimenticare\s+(?:di\s+)?|"
    r"(?:devo|dobbiamo|bisogna)\s+|"
    r"herinner\s+(?:me|mij)\s+(?:eraan\s+)?(?:om\s+|dat\s+)?|vergeet\s+niet\s+(?:om\s+)?|"
    r"niet\s+vergeten\s*:?\s*(?:om\s+)?|(?:ik|we|wij)\s+(?:moet|moeten)\s+|"
    r"recu[ée]rda(?:me|le)\s+(?:que\s+|de\s+)?|no\s+(?:te\s+)?olvides\s+(?:de\s+)?|"
    r"(?:tengo|tenemos|hay)\s+que\s+|(?:debo|debemos)\s+|"
    r"rappel(?:le|lez)-moi\s+(?:de\s+|d['’])|n['’]oubli(?:e|ez)\s+pas\s+(?:de\s+|d['’])|"
    r"il\s+faut\s+|je\s+dois\s+|nous\s+devons\s+|pense[rz]?\s+à\s+|"
    r"lembr(?:e|a)-me\s+de\s+|me\s+lembr(?:e|a)\s+de\s+|"
    r"não\s+(?:se\s+)?(?:esque[çc]a|esquecer)\s+de\s+|(?:tenho|temos)\s+que\s+|preciso\s+"
    r")",
    re.IGNORECASE,
)
CJK_TRIGGERS = re.compile(r"提醒我|提醒一下|记得|別忘了|别忘了|เตือน(?:ฉัน|ผม)?(?:ให้)?|อย่าลืม")
GREETING = re.compile(
    r"^\s*(?:hi|hello|hey|dear|hej|hejsan|hallo|hola|bonjour|salut|ciao|buongiorno|hoi|olá|oi|"
    r"привет|здравствуйте|добрый\s+день|你好|您好|สวัสดี(?:ครับ|ค่ะ)?)"
    r"(?:\s+[^\W\d_][\w.-]*){0,2}\s*[,!:：，]\s*",
    re.IGNORECASE,
)
POLITE = re.compile(
    r"^\s*[¿¡]?\s*(?:(?:also|and|then|und|dann|auch|också|även|och|sedan|а|и|также|ещё|还要|"
    r"另外|แล้วก็|e\s+poi|poi|anche|en|dan|ook|y|luego|también|et|puis|aussi|também|depois)"
    r"\s+)*(?:please|pls|plz|kindly|can\s+you|could\s+you|bitte|snälla|пожалуйста|請|请|麻烦|"
    r"กรุณา|ช่วย|per\s+favore|puoi|potresti|kun\s+je|kunt\s+u|wil\s+je|wilt\s+u|zou\s+je|"
    r"por\s+favor|puedes|podrías|podrias|peux-tu|pourrais-tu|pouvez-vous|pourriez-vous|"
    r"merci\s+de|merci\s+d['’]|pode|podes|poderia|você\s+pode)?\s*,?\s*",
    re.IGNORECASE,
)
FILLERS = re.compile(
    r"(?:,\s*)?\b(?:per\s+favore|per\s+piacere|por\s+favor|s['’]il\s+(?:te|vous)\s+pla[iî]t|"
    r"svp|stp|graag|alsjeblieft|alstublieft|a\.u\.b\.|aub)(?![^\W\d_])",
    re.IGNORECASE,
)
VERBS = re.compile(
    r"^(?:send|call|ring|phone|follow|email|e-mail|mail|write|reply|answer|check|chase|"
    r"remind|schedule|book|prepare|meet|visit|pay|review|ask|confirm|contact|submit|sign|"
    r"update|order|ship|deliver|finish|renew|invoice|quote|text|get\s+back|talk|discuss|"
    r"arrange|organi[sz]e|set\s+up|draft|share|forward|chase|ping|touch\s+base|"
    r"skicka|ring|ringa|följ|följa|maila|mejla|boka|kontrollera|kolla|betala|förbered|"
    r"träffa|fakturera|svara|skriv|påminn|følg|ringe|tjek|sjekk|betal|bestil|"
    r"schick|sende|send|ruf|anrufen|nachfass|mail|buch|prüf|bezahl|bereite|erinner|"
    r"отправ|позвон|перезвон|напиш|связат|выстав|подготов|провер|оплат|встрет|"
    r"напомн|уточн|согласова|"
    r"soita|lähetä|muistuta|tarkista|varaa|maksa|vastaa|kirjoita|tilaa|"
    # it
    r"richiam|chiam|telefon|invia|inviare|mand[ai]|mandare|spedi|ricontatt|ricorda|"
    r"sollecit|verific|controll|prepar|rispond|scriv|conferm|pagare|fissa|prenot|"
    r"fare\s+(?:il\s+)?(?:follow|seguito)|contatt|fattur|organizz|sentire|sent[ia]\b|"
    # nl
    r"bel\b|bellen|terugbellen|stuur|verstuur|mailen|herinner|controleer|betaal|plan\b|"
    r"inplannen|bereid|volg\s+op|neem\s+contact|beantwoord|vraag|bevestig|boek|reserveer|"
    # es
    r"llam[aeá]|volver\s+a\s+llamar|devolver\s+la\s+llamada|envi[aeá]|envía|mandar|"
    r"recordar|escrib|respond|contest|confirm|revis|comprob|pagar|reserv|contact|reclam|"
    r"hacer\s+(?:el\s+)?seguimiento|dar\s+seguimiento|seguir|hablar|agendar|factur|"
    # fr
    r"rappel|appel|téléphon|relanc|envo[yi]|renvo[yi]|transmet|écri|répond|confirm|vérifi|"
    r"pa[yi]er|prépar|réserv|contact|recontact|faire\s+(?:le\s+)?suivi|suivre|passer\s+un|"
    r"organis|planifi|"
    # pt
    r"ligar|ligue|liga\b|retornar|telefonar|enviar|envie|mande|lembrar|acompanhar|"
    r"fazer\s+(?:o\s+)?(?:follow-up|acompanhamento)|responder|confirmar|verificar|pagar|"
    r"preparar|agendar|marcar|conta(?:c)?tar|cobrar|falar)",
    re.IGNORECASE,
)
VERBS_ANYWHERE = re.compile(
    r"(?:schicken|senden|zuschicken|zuzuschicken|anrufen|anzurufen|zurückrufen|nachfassen|"
    r"mailen|buchen|prüfen|vorbereiten|bezahlen|melden|klären|besprechen|erinnern|"
    r"opvolgen|nabellen|terugbellen|bellen|opsturen|versturen|toesturen|sturen|betalen|"
    r"controleren|inplannen|voorbereiden|bevestigen|navragen|afspreken)\b|"
    r"发|寄|打电话|联系|跟进|回复|提醒|付款|准备|开会|见面|拜访|确认|催|"
    r"ส่ง|โทร|ติดตาม|ตอบ|นัด|จ่าย|เตรียม|ประชุม|ยืนยัน|เยี่ยม",
    re.IGNORECASE,
)
_EDGE = (
    r"and|then|by|on|at|until|before|in|this|the|to|"
    r"på|till|senast|kl|om|och|am|bis|um|zum|spätestens|und|в|до|к|и|ภายใน|ตอน"
)
# Only in their own language: "Per" is a Norwegian name, "op" ends "Følg op".
_EDGE_OF = {
    "it": "entro|per|il|di|alle|ore", "nl": "uiterlijk|tegen", "es": "para|el|antes|hasta",
    "fr": "pour|le|avant|vers", "pt": "até|às|para",
}


def _edge_words(words: str) -> re.Pattern[str]:
    return re.compile(
        rf"^(?:[\s,:;–-]|(?:{words})(?=\s|$))+"
        rf"|(?:[\s,:;.!?。！？–-]|(?<![^\W\d_])(?:{words})(?=\s|$|[,.!?]))+$",
        re.IGNORECASE,
    )


_EDGES = {lang: _edge_words(f"{_EDGE}|{extra}") for lang, extra in _EDGE_OF.items()}
_EDGES_COMMON = _edge_words(_EDGE)


def edge_words(language: str | None) -> re.Pattern[str]:
    """Words to trim from both ends of a title, in `language` (and English)."""
    return _EDGES.get(language or "", _EDGES_COMMON)
