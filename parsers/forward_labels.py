"""What mail clients write around a forwarded or quoted message, in every language we read.

Data only: the header labels of a forward/reply header block (From/To/Cc/Subject/Date/Sent
and their translations), the separator lines clients put above it, the reply attribution
verbs ("On … wrote:") and the subject prefixes that mark a forward or a reply.
"""

from __future__ import annotations

import re

# label (case-insensitive) -> field. "sent" is a date as Outlook writes it.
HEADER_LABELS: dict[str, str] = {}


def _add(field: str, *labels: str) -> None:
    for label in labels:
        HEADER_LABELS[label.lower()] = field


_add(
    "from",
    "From", "Von", "De", "Da", "Van", "Fra", "Från", "Lähettäjä", "Saatja", "Od", "Feladó",
    "De la", "Kimden", "От", "Від", "Від кого", "差出人", "送信者", "发件人", "寄件者", "寄件人",
    "จาก", "Expéditeur", "Remitente", "Mittente", "Remetente", "Afzender", "Avsändare",
    "Avsender", "Afsender", "Nadawca", "Odesílatel", "Odosielateľ", "Pošiljatelj", "Expeditor",
    "Gönderen", "Отправитель", "Відправник", "ผู้ส่ง",
)
_add(
    "to",
    "To", "An", "À", "A", "Para", "Aan", "Til", "Till", "Vastaanottaja", "Saaja", "Do", "Komu",
    "Címzett", "Za", "Prima", "Către", "Catre", "Kime", "Кому", "宛先", "收件人", "收件者",
    "ถึง", "Destinataire", "Destinatario", "Destinatário", "Empfänger", "Mottaker",
    "Modtager", "Mottagare", "Adresat", "Primatelj", "Destinatar", "Alıcı", "Adressaat",
    "Получатель",
    "Одержувач", "ผู้รับ",
)
_add(
    "cc",
    "Cc", "CC", "Kopie", "Kopi", "Kopia", "Kopio", "Koopia", "DW", "Kópia", "Másolat",
    "Kopija", "Bilgi", "Копия", "Копія", "抄送", "副本", "สำเนา", "Copie", "Copia", "Cópia",
    "Másolatot kap", "Bcc",
)
_add(
    "subject",
    "Subject", "Betreff", "Objet", "Sujet", "Asunto", "Oggetto", "Assunto", "Onderwerp", "Emne",
    "Ämne", "Aihe", "Teema", "Temat", "Předmět", "Predmet", "Tárgy", "Subiect", "Konu", "Тема",
    "件名", "主题", "主旨", "主題", "เรื่อง", "หัวเรื่อง",
)
_add(
    "date",
    "Date", "Datum", "Fecha", "Data", "Dato", "Päivämäärä", "Päiväys", "Kuupäev", "Dátum",
    "Dată", "Tarih", "Дата", "日付", "日期", "時間", "วันที่",
)
_add(
    "sent",
    "Sent", "Gesendet", "Envoyé", "Envoyé le", "Enviado", "Enviado el", "Enviada", "Enviado em",
    "Inviato", "Verzonden", "Sendt", "Skickat", "Lähetetty", "Saadetud", "Wysłano", "Wysłane",
    "Odesláno", "Odoslané", "Elküldve", "Poslano", "Trimis", "Gönderildi", "Gönderilme",
    "Gönderim", "Saatmisaeg",
    "Отправлено", "Надіслано", "送信日時", "发送时间", "發送時間", "寄件日期",
    "ส่ง", "ส่งเมื่อ", "Sendt dato", "Wysłany",
)
_add("reply-to", "Reply-To", "Antwort an", "Répondre à", "Responder a")

# Lines that announce a forward (client-independent patterns, then the phrases).
_FORWARD_PHRASES = (
    # Gmail / HubSpot / Missive: "---------- Forwarded message ---------"
    "Forwarded message", "Weitergeleitete Nachricht", "Message transféré", "Mensaje reenviado",
    "Messaggio inoltrato", "Mensagem encaminhada", "Mensagem reencaminhada",
    "Doorgestuurd bericht", "Doorgestuurde bericht", "Videresendt besked",
    "Videresendt melding", "Videresendt meddelelse", "Vidarebefordrat meddelande",
    "Välitetty viesti", "Edastatud sõnum", "Edastatud kiri", "Przekazana wiadomość",
    "Wiadomość przekazana dalej", "Přeposlaná zpráva", "Preposlaná správa",
    "Továbbított üzenet", "Továbbított levél", "Proslijeđena poruka", "Proslijeđena poruka",
    "Mesaj redirecționat", "Mesaj redirectionat", "Mesaj transmis", "Yönlendirilmiş ileti",
    "İletilen mesaj", "Iletilen mesaj", "Пересылаемое сообщение", "Пересланное сообщение",
    "Переслане повідомлення", "Пересланий лист", "転送されたメッセージ", "転送メッセージ",
    "转发的邮件", "已转发邮件", "轉寄的郵件", "ข้อความที่ส่งต่อ", "Forwarded Message",
    "Original Message", "Ursprüngliche Nachricht", "Message d'origine", "Message original",
    "Mensaje original", "Messaggio originale", "Mensagem original", "Oorspronkelijk bericht",
    "Oprindelig meddelelse", "Opprinnelig melding", "Ursprungligt meddelande",
    "Alkuperäinen viesti", "Algne sõnum", "Algne kiri", "Wiadomość oryginalna",
    "Oryginalna wiadomość", "Původní zpráva", "Pôvodná správa", "Eredeti üzenet",
    "Izvorna poruka", "Izvorna poruka", "Mesaj original", "Mesajul original", "Özgün İleti",
    "Orijinal ileti", "Orijinal mesaj", "Исходное сообщение", "Оригинальное сообщение",
    "Вихідне повідомлення", "Оригінальне повідомлення", "元のメッセージ", "原始邮件",
    "原始郵件", "ข้อความต้นฉบับ",
)
# Apple Mail and friends: "Begin forwarded message:" on its own line.
_BEGIN_PHRASES = (
    "Begin forwarded message", "Forwarded message", "Anfang der weitergeleiteten Nachricht",
    "Weitergeleitete Nachricht", "Début du message réexpédié", "Début du message transféré",
    "Inicio del mensaje reenviado", "Comienzo del mensaje reenviado",
    "Inizio messaggio inoltrato", "Início da mensagem reencaminhada",
    "Início da mensagem encaminhada", "Mensagem encaminhada", "Begin doorgestuurd bericht",
    "Start på videresendt besked", "Start på videresendt meddelelse",
    "Begynnelse på videresendt melding", "Videresendt melding", "Vidarebefordrat mejl",
    "Början på vidarebefordrat meddelande", "Välitetty viesti alkaa", "Välitetty viesti",
    "Edastatud kiri algab", "Początek przekazanej wiadomości", "Začátek přeposlané zprávy",
    "Začiatok preposlanej správy", "Továbbított levél kezdete", "Početak proslijeđene poruke",
    "Începutul mesajului redirecționat", "Începe mesajul redirecționat",
    "İletilen mesajın başlangıcı", "Yönlendirilen ileti başlangıcı",
    "Начало переадресованного сообщения", "Начало пересылаемого сообщения",
    "Пересылаемое сообщение", "Початок пересланого листа", "Початок пересланого повідомлення",
    "転送されたメッセージ", "以下为转发的邮件", "以下是转发的邮件", "转发的邮件",
    "เริ่มข้อความที่ส่งต่อ", "ข้อความที่ส่งต่อ",
)
# Outlook "-----Original Message-----" (also a reply marker), Yahoo "----- Forwarded Message -----"
_phrase_alt = "|".join(re.escape(p) for p in sorted(_FORWARD_PHRASES, key=len, reverse=True))
_begin_alt = "|".join(re.escape(p) for p in sorted(_BEGIN_PHRASES, key=len, reverse=True))
# These match a line with its `>` quote marks and indentation already removed.
SEPARATOR_LINE = re.compile(
    rf"(?:-{{2,}}|_{{2,}}|={{2,}}|\*{{2,}})[ \t]*(?P<phrase>{_phrase_alt})"
    rf"[ \t]*[:：]?[ \t]*(?:-{{2,}}|_{{2,}}|={{2,}}|\*{{2,}})[ \t]*$",
    re.IGNORECASE,
)
BEGIN_LINE = re.compile(rf"(?P<phrase>{_begin_alt})[ \t]*[:：][ \t]*$", re.IGNORECASE)
# The new Outlook / Outlook.com put a rule of underscores (or an <hr>) above the header block.
RULE_LINE = re.compile(r"(?:_{10,}|-{10,}|—{5,}|━{5,})[ \t]*$")
ORIGINAL_PHRASES = re.compile(
    r"Original|Ursprüngliche|d'origine|original|Oorspronkelijk|Oprindelig|Opprinnelig"
    r"|Ursprungligt|Alkuperäinen|Algne|oryginalna|Oryginalna|Původní|Pôvodná|Eredeti|Izvorna"
    r"|Özgün|Orijinal|Исходное|Оригинальное|Вихідне|Оригінальне|元のメッセージ|原始|ต้นฉบับ",
    re.IGNORECASE,
)

# Subject prefixes.
FORWARD_PREFIX = re.compile(
    r"^\s*(?:\[[^\]]{0,40}\]\s*)?(?:fwd?|fw|wg|tr|rv|enc|i|doorst|vs|vb|vl|pd|pr|prosl|"
    r"továbbítás|továbbítva|fwd?\s*\d*|ilt|iletildi|pre|preposl|przekaż|пер|пересл|fwd|転送|"
    r"转发|轉寄|ส่งต่อ|reenv|inoltro|encaminhada|weitergeleitet|tr|trs|videresend|"
    r"vidarebefordrat|edasi|fw\s*\d*)\s*[:：]",
    re.IGNORECASE,
)
REPLY_PREFIX = re.compile(
    r"^\s*(?:\[[^\]]{0,40}\]\s*)?(?:re|aw|sv|antw|vs|ref|rif|odp|odg|vá|r|ynt|yan[ıi]t|"
    r"отв|ответ|відп|回复|回覆|答复|返信|ตอบกลับ|res|rép)\s*(?:\[\d+\])?\s*[:：]",
    re.IGNORECASE,
)

# Reply attribution: "On Mon, 23 Nov 2026 at 09:12, John <j@x> wrote:" and translations.
ATTRIBUTION_END = re.compile(
    r"(?:wrote|writes|schrieb|schreibt|a écrit|escribió|ha scritto|scrive|escreveu|schreef|"
    r"skrev|kirjoitti|kirjutas|pisze|napisał\(a\)|napisała|napisał|napsal\(a\)|napsala|napsal|"
    r"napísal\(a\)|napísala|napísal|írta|napisao je|napisala je|je napisao|je napisala|napisao|"
    r"napisala|a scris|yazdı|пишет|написал\(а\)|написала|написал|пише|написав|написала|"
    r"書きました|のメッセージ|写道|寫道|เขียนว่า)[ \t]*[:：][ \t]*$",
    re.IGNORECASE,
)
ATTRIBUTION_VERB = re.compile(
    r"(?:\bwrote|\bwrites|\bschrieb|\bschreibt|a écrit|escribió|ha scritto|\bscrive|escreveu|"
    r"\bschreef|\bskrev|kirjoitti|kirjutas|\bpisze|napisał|napsal|napísal|írta|napisao|"
    r"napisala|a scris|yazdı|пишет|написал|\bпише|написав|書きました|写道|寫道|เขียนว่า)",
    re.IGNORECASE,
)
ATTRIBUTION_START = re.compile(
    r"^[ \t]*(?:On|Am|Le|El|Il|Em|Op|Den|Dne|W dniu|Dňa|U|În|Pe|\d|20\d\d|\w+, \d)",
    re.IGNORECASE,
)
