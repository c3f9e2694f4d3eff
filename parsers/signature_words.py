"""The words of a signature block, per language: closing phrases, phone-footer lines,
disclaimer markers, job titles and company legal forms. `parsers.signature` reads the
block with them; adding a language is adding its words here.
"""

from __future__ import annotations

import re

__all__ = [
    "CLOSING", "COMPANY_CJK", "DISCLAIMER", "DISCLAIMER_HINTS", "MOBILE_FOOTER", "has_company",
    "has_title",
]

_CLOSINGS = (
    "best regards|kind regards|warm regards|regards|best wishes|best|cheers|thanks|thank you|"
    "many thanks|sincerely|yours sincerely|yours truly|all the best|br|"
    "mit freundlichen grüßen|mit freundlichen grüssen|freundliche grüße|viele grüße|"
    "beste grüße|liebe grüße|herzliche grüße|mfg|lg|gruß|grüße|"
    "med vänliga hälsningar|vänliga hälsningar|vänligen|hälsningar|mvh|med venlig hilsen|"
    "venlig hilsen|med vennlig hilsen|vennlig hilsen|hilsen|"
    "cordialement|bien cordialement|bien à vous|salutations|saludos|un saludo|atentamente|"
    "saludos cordiales|cordiali saluti|distinti saluti|saluti|atenciosamente|cumprimentos|"
    "abraços|met vriendelijke groet|vriendelijke groet|groeten|ystävällisin terveisin|"
    "terveisin|lugupidamisega|parimate soovidega|pozdrawiam|z poważaniem|s pozdravem|"
    "s pozdravom|üdvözlettel|lijep pozdrav|srdačan pozdrav|s poštovanjem|cu stimă|"
    "cu respect|toate cele bune|saygılarımla|iyi çalışmalar|с уважением|всего доброго|"
    "з повагою|よろしくお願いします|よろしくお願いいたします|宜しくお願い致します|"
    "此致|敬礼|此致敬礼|祝好|顺祝商祺|谢谢|ขอแสดงความนับถือ|ด้วยความเคารพ|ขอบคุณครับ|ขอบคุณค่ะ"
)
CLOSING = re.compile(
    rf"^\s*(?P<phrase>{_CLOSINGS})(?![^\W\d_])\s*[,.!！，]?\s*(?P<rest>.*)$", re.IGNORECASE
)
MOBILE_FOOTER = re.compile(
    r"^\s*(?:sent\s+from\s+my\s+\w+|sent\s+from\s+(?:outlook|mail|yahoo)\b.*|"
    r"get\s+outlook\s+for\s+\w+.*|von\s+meinem\s+\w+\s+gesendet|gesendet\s+von\s+.*|"
    r"skickat\s+från\s+min\s+\w+|sendt\s+fra\s+min\s+\w+|envoyé\s+de\s+mon\s+\w+|"
    r"enviado\s+desde\s+mi\s+\w+|inviato\s+da\s+\w+|отправлено\s+с\s+\w+|"
    r"发自我的\s*\w+|從我的\s*\w+\s*傳送|ส่งจาก\s*\w+).*$",
    re.IGNORECASE,
)
DISCLAIMER = re.compile(
    r"confidential|intended\s+recipient|privileged|disclaimer|if\s+you\s+have\s+received\s+this|"
    r"vertraulich|diese\s+e-?mail\s+(?:enthält|kann)|irrtümlich|konfidentiell|fortrolig|"
    r"konfidensiell|confidentiel|confidencial|riservat|vertrouwelijk|luottamuksellinen|"
    r"poufn|důvěrn|dôvern|bizalmas|povjerljiv|конфиденциальн|конфіденційн|机密|保密|"
    r"機密|ความลับ|please\s+consider\s+the\s+environment|think\s+before\s+you\s+print",
    re.IGNORECASE,
)
# Plain substrings, checked before the regex above (substring search is much cheaper).
DISCLAIMER_HINTS = (
    "confiden", "intended", "privileged", "disclaimer", "received this", "vertraulich",
    "e-mail enthält", "email enthält", "e-mail kann", "irrtümlich", "konfiden", "fortrolig",
    "riservat", "vertrouwelijk", "luottamuksellinen", "poufn", "důvěrn", "dôvern", "bizalmas",
    "povjerljiv", "конфиденциальн", "конфіденційн", "机密", "保密", "機密", "ความลับ",
    "environment", "before you print",
)

# Titles and company forms are looked up word by word in sets: far cheaper than one
# big case-insensitive alternation per line.
_TITLE_TEXT = """
manager director ceo cto cfo coo cmo founder co-founder owner partner president vp officer
lead specialist assistant coordinator engineer consultant executive buyer purchasing
procurement sales account representative analyst controller accountant administrator
advisor architect developer designer geschäftsführer geschäftsführerin leiter leiterin
einkauf vertrieb prokurist inhaber inhaberin sachbearbeiter sachbearbeiterin referent
referentin vd inköpare inköpschef säljare försäljningschef chef ansvarig directeur
directrice responsable gérant jefe gerente direttore responsabile diretor inkoper verkoper
hoofd johtaja myyntipäällikkö juhataja kierownik dyrektor ředitel vedoucí riaditeľ vezető
igazgató direktor voditelj müdür менеджер директор руководитель начальник специалист
керівник diretora directora direttrice compras acquisti einkaufsleiter einkaufsleiterin
voditeljica indkøbschef innkjøpssjef ostopäällikkö päällikkö ostujuht müdürü
"""
_TITLE_SET = frozenset(_TITLE_TEXT.split())
_TITLE_PHRASES = ("head of", "vice president")
_TITLE_CJK = ("经理", "總監", "总监", "主管", "总裁", "董事", "采购", "销售", "部長", "課長",
              "係長", "主任", "担当", "取締役", "社長", "マネージャー", "営業部", "購買部",
              "ผู้จัดการ", "ผู้อำนวยการ", "ฝ่ายขาย", "ฝ่ายจัดซื้อ")
_COMPANY_TEXT = """
inc ltd llc gmbh ag ab as a/s aps oy oyj sa s.a sarl srl s.r.l spa s.p.a bv b.v nv n.v plc
kg ohg e.k corp corporation co company group holding limited s.r.o kft zrt d.o.o a.ş aş ltda
oü ооо оао зао ао пао тов s.l s.l.u slu sas s.a.s a.s spol lda s.a.r.l sàrl sagl mbh ug
ooo ltd. sp.j sp.k
"""
_COMPANY_SET = frozenset(_COMPANY_TEXT.split())
_COMPANY_PHRASES = ("sp. z o.o", "sp.z o.o")
COMPANY_CJK = ("有限公司", "株式会社", "有限会社", "合同会社", "บริษัท", "จำกัด")
_WORD_RE = re.compile(r"[^\W_]+(?:[./'’-][^\W_]+)*")


def _words(line: str) -> set[str]:
    return {w.lower() for w in _WORD_RE.findall(line)}


def has_title(line: str) -> bool:
    if not _TITLE_SET.isdisjoint(_words(line)):
        return True
    low = line.lower()
    return any(p in low for p in _TITLE_PHRASES) or (
        not line.isascii() and any(p in line for p in _TITLE_CJK)
    )


def has_company(line: str) -> bool:
    if not _COMPANY_SET.isdisjoint(_words(line)):
        return True
    low = line.lower()
    return any(p in low for p in _COMPANY_PHRASES) or (
        not line.isascii() and any(p in line for p in COMPANY_CJK)
    )
