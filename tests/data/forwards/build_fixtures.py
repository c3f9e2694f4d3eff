"""Write the forward fixtures (.eml) of this folder: one per client x language spread.

Each message is laid out the way its client writes a forward (separator line, header
labels in the client's language, date format), encoded the way such mail arrives
(quoted-printable, base64, 8bit; legacy charsets; HTML-only). Run it after changing a
fixture here, then `tests/data/regen_goldens.py`, and read every golden.

    .venv/bin/python tests/data/forwards/build_fixtures.py
"""

from __future__ import annotations

import base64
import quopri
from email.header import Header
from pathlib import Path

HERE = Path(__file__).parent
DATE = "Mon, 23 Nov 2026 09:12:41 +0100"


def _encode(text: str, charset: str, cte: str) -> tuple[str, str]:
    data = text.replace("\n", "\r\n").encode(charset)
    if cte == "base64":
        body = base64.encodebytes(data).decode("ascii")
    elif cte == "quoted-printable":
        body = quopri.encodestring(data).decode("ascii")
    else:
        body = data.decode("latin-1")  # the raw 8-bit bytes, carried through str
    return body.replace("\r\n", "\n"), cte


def leaf(
    ctype: str,
    text: str,
    charset: str = "utf-8",
    cte: str = "quoted-printable",
    label: str | None = None,
    extra: str = "",
) -> str:
    body, cte = _encode(text, charset, cte)
    return (
        f'Content-Type: {ctype}; charset="{label or charset}"\n'
        f"Content-Transfer-Encoding: {cte}\n{extra}\n{body}"
    )


def multipart(kind: str, boundary: str, *parts: str) -> str:
    inner = "".join(f"--{boundary}\n{p.rstrip()}\n\n" for p in parts)
    return f'Content-Type: multipart/{kind}; boundary="{boundary}"\n\n{inner}--{boundary}--\n'


def message(
    name: str,
    *,
    sender: str,
    to: str,
    subject: str,
    body: str,
    charset: str = "utf-8",
    msgid: str | None = None,
    date: str = DATE,
    mailer: str = "",
    extra: str = "",
) -> None:
    subj = Header(subject, charset).encode() if not subject.isascii() else subject
    headers = (
        f"Return-Path: <{sender.split('<')[-1].rstrip('>')}>\n"
        f"From: {sender}\nTo: {to}\nSubject: {subj}\nDate: {date}\n"
        f"Message-ID: {msgid or f'<{name}.1f3a@mail.ourco.com>'}\nMIME-Version: 1.0\n"
        f"{mailer}{extra}"
    )
    (HERE / f"{name}.eml").write_bytes((headers + body).encode("latin-1"))


def html(text: str) -> str:
    rows = "".join(f"<div>{line or '<br>'}</div>" for line in text.split("\n"))
    return f"<html><head><style>p{{margin:0}}</style></head><body>{rows}</body></html>"


ANN = "Ann Lee <ann.lee@ourco.com>"
BOT = "crm@ourco.com"
ANN_SIG = "\n\n-- \nAnn Lee | Account Executive | OurCo\n+1 646 555 0199"


def gmail_en() -> None:
    note = (
        "Task: Send revised quote\nDue: Friday\n\n"
        "John wants the volume discount applied to SO-1042. Please follow up next Friday." + ANN_SIG
    )
    fwd = (
        "---------- Forwarded message ---------\n"
        "From: John Doe <john.doe@acme.com>\n"
        "Date: Mon, 23 Nov 2026 at 09:12\n"
        "Subject: Pricing\n"
        "To: Ann Lee <ann.lee@ourco.com>\n"
        "Cc: bessie@acme.com\n\n\n"
        "Hi Ann,\n\n"
        "Could you send us a revised quote for order SO-1042? We are looking at about\n"
        "€1,250.00 per month for 40 seats.\n\n"
        "Thanks,\nJohn\n\n"
        "John Doe\nHead of Purchasing\nAcme Inc\n+1 415 555 0100\nwww.acme.com\n"
    )
    text = f"{note}\n\n{fwd}"
    body = multipart(
        "alternative",
        "000000000000a1b2c3d4e5f6",
        leaf("text/plain", text),
        leaf("text/html", html(text)),
    )
    message(
        "gmail_en",
        sender=ANN,
        to=BOT,
        subject="Fwd: Pricing",
        body=body,
        msgid="<CAH8x=Z1kq9e+YgM3fU@mail.gmail.com>",
    )


def gmail_de() -> None:
    text = (
        "Bitte erinnere mich morgen daran, das Angebot an Frau Schmidt zu schicken.\n\n"
        "Gruß\nMark\n\n"
        "---------- Weitergeleitete Nachricht ---------\n"
        "Von: Petra Schmidt <p.schmidt@mueller-maschinenbau.de>\n"
        "Date: Mo., 23. Nov. 2026 um 09:12 Uhr\n"
        "Subject: Anfrage zur Bestellung 4471\n"
        "To: Mark Weber <mark.weber@ourco.com>\n\n\n"
        "Sehr geehrter Herr Weber,\n\n"
        "vielen Dank für Ihr Angebot. Wir möchten die Bestellung Nr. 4471 um 20 Stück\n"
        "erweitern. Der Gesamtbetrag von 12.500,00 € passt für uns.\n\n"
        "Mit freundlichen Grüßen\n\nPetra Schmidt\nEinkaufsleiterin\n"
        "Müller Maschinenbau GmbH\nIndustriestraße 12, 70565 Stuttgart\n"
        "Tel.: +49 711 123456-0\nwww.mueller-maschinenbau.de\n"
    )
    message(
        "gmail_de",
        sender="Mark Weber <mark.weber@ourco.com>",
        to=BOT,
        subject="Fwd: Anfrage zur Bestellung 4471",
        charset="iso-8859-15",
        body=leaf("text/plain", text, "iso-8859-15"),
        msgid="<CAF3k2=pQ7wRt@mail.gmail.com>",
    )


def gmail_ja() -> None:
    text = (
        "Please call Tanaka-san tomorrow at 3pm about the quote.\n\n"
        "---------- Forwarded message ---------\n"
        "差出人: 田中 太郎 <tanaka@yamato-shoji.co.jp>\n"
        "Date: 2026年11月23日(月) 9:12\n"
        "Subject: お見積りのお願い\n"
        "To: <ann.lee@ourco.com>\n\n\n"
        "リー様\n\nいつもお世話になっております。\n"
        "注文番号 SO-2231 について、見積書を再送していただけますでしょうか。\n"
        "金額は 36,000円 で問題ございません。\n\nよろしくお願いいたします。\n\n"
        "田中 太郎\n大和商事株式会社 営業部 部長\nTEL: 03-1234-5678\n"
        "https://www.yamato-shoji.co.jp\n"
    )
    body = multipart(
        "alternative",
        "0000000000004d5e6f",
        leaf("text/plain", text, "shift_jis", "base64"),
        leaf("text/html", html(text), "shift_jis", "base64"),
    )
    message(
        "gmail_ja",
        sender=ANN,
        to=BOT,
        subject="Fwd: お見積りのお願い",
        charset="shift_jis",
        body=body,
        msgid="<CAJ9q-mT4x@mail.gmail.com>",
    )


def gmail_th() -> None:
    text = (
        "Call Somchai tomorrow at 3pm about the payment.\n\n"
        "---------- Forwarded message ---------\n"
        "จาก: สมชาย ใจดี <somchai@siamtrading.co.th>\n"
        "Date: จ. 23 พ.ย. 2026 09:12\n"
        "Subject: ใบแจ้งหนี้ INV-2026-0031\n"
        "To: Ann Lee <ann.lee@ourco.com>\n\n\n"
        "เรียน คุณแอน\n\n"
        "ขอบคุณสำหรับใบแจ้งหนี้ INV-2026-0031 จำนวน 45,000 บาท เราจะชำระภายในสัปดาห์หน้า\n\n"
        "ขอแสดงความนับถือ\nสมชาย ใจดี\nผู้จัดการฝ่ายจัดซื้อ\nบริษัท สยามเทรดดิ้ง จำกัด\n"
        "โทร. 02-123-4567\n"
    )
    message(
        "gmail_th",
        sender=ANN,
        to=BOT,
        subject="Fwd: ใบแจ้งหนี้ INV-2026-0031",
        charset="tis-620",
        body=leaf("text/plain", text, "tis-620", "base64"),
        msgid="<CAK1t-th88@mail.gmail.com>",
    )


def gmail_hr() -> None:
    text = (
        "Follow up in 2 weeks.\n\n"
        "---------- Proslijeđena poruka ---------\n"
        "Od: Ivana Horvat <ivana.horvat@jadranplast.hr>\n"
        "Date: pon, 23. stu 2026. u 09:12\n"
        "Subject: Narudžba 2026-301\n"
        "To: Ann Lee <ann.lee@ourco.com>\n\n\n"
        "Poštovana gospođo Lee,\n\n"
        "u privitku šaljemo narudžbu br. 2026-301 u iznosu od 8.400,00 EUR.\n"
        "Molimo potvrdu do petka.\n\n"
        "Srdačan pozdrav,\nIvana Horvat\nVoditeljica nabave\nJadran Plast d.o.o.\n"
        "Tel: +385 1 4567 890\nwww.jadranplast.hr\n"
    )
    message(
        "gmail_hr",
        sender=ANN,
        to=BOT,
        subject="Fwd: Narudžba 2026-301",
        body=leaf("text/plain", text, "utf-8", "base64"),
        msgid="<CAL2hr-x9@mail.gmail.com>",
    )


def nested_gmail_en() -> None:
    text = (
        "Bob passed this on to me. Remind me to send the quote next Friday.\n\n"
        "---------- Forwarded message ---------\n"
        "From: Bob Stone <bob.stone@ourco.com>\n"
        "Date: Sun, 22 Nov 2026 at 18:40\n"
        "Subject: Fwd: Quote for 200 units\n"
        "To: Ann Lee <ann.lee@ourco.com>\n\n\n"
        "Ann, this one is yours now.\n\n"
        "---------- Forwarded message ---------\n"
        "From: Lisa Park <lisa.park@globex.com>\n"
        "Date: Fri, 20 Nov 2026 at 16:05\n"
        "Subject: Quote for 200 units\n"
        "To: Bob Stone <bob.stone@ourco.com>\n\n\n"
        "Hello Bob,\n\n"
        "We need a quote for 200 units of the X200 controller, quote Q-552 was\n"
        "for 150. Our budget is USD 3,400.\n\n"
        "Best regards,\nLisa Park\nProcurement Manager | Globex Corporation\n"
        "Phone: (312) 555-0148\nglobex.com\n"
    )
    message(
        "nested_gmail_en",
        sender=ANN,
        to=BOT,
        subject="Fwd: Fwd: Quote for 200 units",
        body=leaf("text/plain", text),
        msgid="<CAN3st-77@mail.gmail.com>",
    )


OUTLOOK = "X-Mailer: Microsoft Outlook 16.0\nThread-Index: AdnJ3kq0w9Yx\n"


def outlook_old_fr() -> None:
    text = (
        "Peux-tu rappeler M. Dupont cette semaine ?\n\n"
        "Ann\n\n"
        "-----Message d'origine-----\n"
        "De : Jean Dupont <jean.dupont@laboiteafromage.fr> \n"
        "Envoyé : lundi 23 novembre 2026 09:12\n"
        "À : Ann Lee <ann.lee@ourco.com>\n"
        "Cc : Marie Curie <marie@laboiteafromage.fr>\n"
        "Objet : Commande n° 88213\n\n"
        "Bonjour Ann,\n\n"
        "Suite à notre échange, je vous confirme la commande n° 88213 pour un montant\n"
        "de 3 400,00 €. Pourriez-vous nous envoyer la facture ?\n\n"
        "Cordialement,\n\nJean Dupont\nDirecteur des achats\nLa Boîte à Fromage SARL\n"
        "Tél. : +33 1 42 68 53 00\nwww.laboiteafromage.fr\n"
    )
    message(
        "outlook_old_fr",
        sender=ANN,
        to=BOT,
        subject="TR: Commande n° 88213",
        charset="windows-1252",
        mailer=OUTLOOK,
        body=leaf("text/plain", text, "windows-1252"),
        msgid="<000001d9c1a2$4b5c6d70$e2154850$@ourco.com>",
    )


def outlook_old_en() -> None:
    # Exchange shows colleagues in the directory by display name only ("To: Bessie Smith").
    text = (
        "Please send Mary the revised quote on Friday.\n\n"
        "-----Original Message-----\n"
        "From: Mary Major <mary.major@globex.com> \n"
        "Sent: Monday, November 23, 2026 9:12 AM\n"
        "To: Ann Lee; Bessie Smith <bessie@globex.com>\n"
        "Cc: Purchasing Team; Smith, Bob; Dana White;\n"
        "  Chris Green <chris.green@globex.com>\n"
        "Subject: Revised quote Q-8812\n\n"
        "Hi Ann,\n\n"
        "could you send us the revised quote Q-8812 with the 5% discount?\n\n"
        "Thanks,\n\nMary Major\nHead of Purchasing\nGlobex Corp\n"
        "+1 415 555 0142\nwww.globex.com\n"
    )
    message(
        "outlook_old_en",
        sender=ANN,
        to=BOT,
        subject="FW: Revised quote Q-8812",
        mailer=OUTLOOK,
        body=leaf("text/plain", text, "us-ascii", "7bit"),
        msgid="<000401d9c1a5$bb22cc33$dd44ee55$@ourco.com>",
    )


def outlook_old_ru() -> None:
    text = (
        "Напомни мне позвонить Ивану в пятницу.\n\n"
        "-----Исходное сообщение-----\n"
        "От: Иван Петров <ivan.petrov@stroymash.ru> \n"
        "Отправлено: понедельник, 23 ноября 2026 г. 9:12\n"
        "Кому: Ann Lee <ann.lee@ourco.com>\n"
        "Тема: Счёт N 2026-117\n\n"
        "Добрый день, Анна!\n\n"
        "Прошу выставить счёт N 2026-117 на сумму 1 200 000 руб. по заказу N 5521.\n\n"
        "С уважением,\nИван Петров\nРуководитель отдела закупок\nООО 'СтройМаш'\n"
        "Тел.: +7 495 123-45-67\nwww.stroymash.ru\n"
    )
    message(
        "outlook_old_ru",
        sender=ANN,
        to=BOT,
        subject="FW: Счёт N 2026-117",
        charset="koi8-r",
        mailer=OUTLOOK,
        body=leaf("text/plain", text, "koi8-r", "base64"),
        msgid="<000201d9c1a3$11aa22bb$33cc44dd$@ourco.com>",
    )


def outlook_old_pl() -> None:
    text = (
        "Follow up tomorrow.\n\n"
        "-----Wiadomość oryginalna-----\n"
        "Od: Krzysztof Nowak [mailto:k.nowak@polbud.pl] \n"
        "Wysłano: poniedziałek, 23 listopada 2026 09:12\n"
        "Do: Ann Lee\n"
        "Temat: Zamówienie nr 4411\n\n"
        "Dzień dobry,\n\n"
        "w nawiązaniu do rozmowy przesyłam zamówienie nr 4411 na kwotę 15 600,00 zł netto.\n"
        "Proszę o potwierdzenie terminu dostawy.\n\n"
        "Pozdrawiam\nKrzysztof Nowak\nKierownik Zakupów\nPolbud Sp. z o.o.\n"
        "tel. +48 22 123 45 67\nwww.polbud.pl\n"
    )
    message(
        "outlook_old_pl",
        sender=ANN,
        to=BOT,
        subject="PD: Zamówienie nr 4411",
        charset="iso-8859-2",
        mailer=OUTLOOK,
        body=leaf("text/plain", text, "iso-8859-2"),
        msgid="<000301d9c1a4$aa11bb22$cc33dd44$@ourco.com>",
    )


def outlook_zh() -> None:
    text = (
        "下周五跟进报价。\n\n"
        "-----原始邮件-----\n"
        "发件人: 王伟 <wang.wei@huaxin-tech.cn>\n"
        "发送时间: 2026年11月23日 9:12\n"
        "收件人: Ann Lee <ann.lee@ourco.com>\n"
        "主题: 订单 SO-3321 报价\n\n"
        "Ann 您好，\n\n关于订单 SO-3321，请再发一份报价单。预算为 ￥36,000。\n\n"
        "谢谢！\n王伟\n采购经理\n华信科技有限公司\n电话：+86 10 1234 5678\n"
    )
    message(
        "outlook_old_zh",
        sender=ANN,
        to=BOT,
        subject="转发: 订单 SO-3321 报价",
        charset="gb2312",
        mailer=OUTLOOK,
        body=leaf("text/plain", text, "gb2312", "base64"),
        msgid="<000401d9c1a5$01020304$05060708$@ourco.com>",
    )


def _outlook_html(note: str, header: list[tuple[str, str]], body: str) -> str:
    rows = "<br>".join(
        f"<b>{k}:</b> {v.replace('<', '&lt;').replace('>', '&gt;')}" for k, v in header
    )
    paras = "".join(f"<div>{line or '&nbsp;'}</div>" for line in body.split("\n"))
    return (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">'
        '<style type="text/css" style="display:none;"> P {margin-top:0;margin-bottom:0;} '
        '</style></head><body dir="ltr">'
        f'<div style="font-family: Aptos, sans-serif; font-size: 12pt;">{note}</div>'
        '<div id="appendonsend"></div>'
        '<hr style="display:inline-block;width:98%" tabindex="-1">'
        '<div id="divRplyFwdMsg" dir="ltr"><font face="Calibri, sans-serif" '
        f'style="font-size:11pt" color="#000000">{rows}</font><div>&nbsp;</div></div>'
        f'<div dir="ltr">{paras}</div></body></html>'
    )


def outlook_new_es() -> None:
    page = _outlook_html(
        "Hacer seguimiento la semana que viene, por favor.",
        [
            ("De", "Carlos García <cgarcia@distribuciones-iberia.es>"),
            ("Enviado", "lunes, 23 de noviembre de 2026 9:12"),
            ("Para", "Ann Lee <ann.lee@ourco.com>"),
            (
                "CC",
                "Lucía Martín <lmartin@distribuciones-iberia.es>; compras@distribuciones-iberia.es",
            ),
            ("Asunto", "Pedido 7781 - presupuesto"),
        ],
        "Hola Ann,\n\nTe confirmo el pedido n.º 7781 por un importe de 2.350,00 €.\n"
        "¿Podrías enviarnos la factura esta semana?\n\nUn saludo,\n\nCarlos García\n"
        "Responsable de Compras\nDistribuciones Iberia S.L.\nTel. +34 912 345 678\n"
        "www.distribuciones-iberia.es",
    )
    message(
        "outlook_new_es",
        sender=ANN,
        to=BOT,
        subject="RV: Pedido 7781 - presupuesto",
        mailer="X-MS-Exchange-Organization-SCL: -1\n",
        body=leaf("text/html", page, "utf-8", "base64"),
        msgid="<AM9PR04MB8241C1D2E3F4@AM9PR04MB8241.eurprd04.prod.outlook.com>",
    )


def outlook365_nl() -> None:
    page = _outlook_html(
        "Offerte Q-552 graag volgende week opvolgen.",
        [
            ("Van", "Pieter de Vries <pieter@vandijk-logistiek.nl>"),
            ("Verzonden", "maandag 23 november 2026 09:12"),
            ("Aan", "Ann Lee <ann.lee@ourco.com>"),
            ("Onderwerp", "Offerte Q-552"),
        ],
        "Beste Ann,\n\nBedankt voor de offerte Q-552. Het totaalbedrag van € 4.800,00 is\n"
        "akkoord; graag ontvangen wij de orderbevestiging.\n\nMet vriendelijke groet,\n\n"
        "Pieter de Vries\nInkoper\nVan Dijk Logistiek B.V.\nT: +31 20 123 4567\n"
        "www.vandijk-logistiek.nl",
    )
    message(
        "outlook365_nl",
        sender=ANN,
        to=BOT,
        subject="FW: Offerte Q-552",
        body=leaf("text/html", page, "utf-8", "quoted-printable"),
        msgid="<DB9PR10MB5120A1B2C3D4@DB9PR10MB5120.EURPRD10.PROD.OUTLOOK.COM>",
    )


def outlook365_et() -> None:
    page = _outlook_html(
        "Follow up on Monday.",
        [
            ("Saatja", "Mari Tamm <mari.tamm@balticwood.ee>"),
            ("Saadetud", "esmaspäev, 23. november 2026 09:12"),
            ("Adressaat", "Ann Lee <ann.lee@ourco.com>"),
            ("Teema", "Arve 2026-88"),
        ],
        "Tere, Ann!\n\nSaadan arve nr 2026-88 summas 3 250,00 EUR. Palun kinnitage tellimus.\n\n"
        "Lugupidamisega\nMari Tamm\nOstujuht\nBaltic Wood OÜ\nTel +372 512 3456\n"
        "www.balticwood.ee",
    )
    message(
        "outlook365_et",
        sender=ANN,
        to=BOT,
        subject="FW: Arve 2026-88",
        body=leaf("text/html", page, "utf-8", "base64"),
        msgid="<VI1PR07MB6400E5F6A7B8@VI1PR07MB6400.eurprd07.prod.outlook.com>",
    )


APPLE = "X-Mailer: iPhone Mail (21G93)\n"


def apple_it() -> None:
    text = (
        "Richiamare Giulia domani.\n\nInviato da iPhone\n\n"
        "Inizio messaggio inoltrato:\n\n"
        "Da: Giulia Rossi <giulia.rossi@ferraritessuti.it>\n"
        "Oggetto: Ordine 2026/118 e fattura\n"
        "Data: 23 novembre 2026 alle ore 09:12:41 CET\n"
        "A: Ann Lee <ann.lee@ourco.com>\n\n"
        "Buongiorno Ann,\n\n"
        "confermiamo l'ordine n. 2026/118 per un totale di 1.250,00 €. Attendiamo la fattura.\n\n"
        "Cordiali saluti,\nGiulia Rossi\nResponsabile Acquisti\nFerrari Tessuti S.p.A.\n"
        "Tel. +39 02 1234 5678\nwww.ferraritessuti.it\n"
    )
    body = multipart(
        "alternative",
        "Apple-Mail-5E7A1B2C-3D4E",
        leaf("text/plain", text),
        leaf("text/html", html(text)),
    )
    message(
        "apple_it",
        sender=ANN,
        to=BOT,
        subject="I: Ordine 2026/118 e fattura",
        mailer=APPLE,
        body=body,
        msgid="<5E7A1B2C-3D4E-4F50-8A9B-0C1D2E3F4A5B@ourco.com>",
    )


def apple_pt_br() -> None:
    text = (
        "Follow up next Friday about the order.\n\n"
        "Início da mensagem encaminhada:\n\n"
        "De: Rafael Souza <rafael@construtoraaurora.com.br>\n"
        "Assunto: Pedido 3301\n"
        "Data: 23 de novembro de 2026 09:12:41 BRT\n"
        "Para: ann.lee@ourco.com\n\n"
        "Olá Ann,\n\nSegue o pedido nº 3301 no valor de R$ 1.234,56. Aguardo a nota fiscal.\n\n"
        "Abraços,\nRafael Souza\nGerente de Compras\nConstrutora Aurora Ltda.\n"
        "Tel: +55 11 3456-7890\nwww.construtoraaurora.com.br\n"
    )
    message(
        "apple_pt-BR",
        sender=ANN,
        to=BOT,
        subject="Fwd: Pedido 3301",
        mailer="X-Mailer: Apple Mail (2.3774.600.62)\n",
        body=leaf("text/plain", text),
        msgid="<9A8B7C6D-5E4F-4A3B-9C2D-1E0F9A8B7C6D@ourco.com>",
    )


def apple_sv() -> None:
    text = (
        "Ring Erik på fredag om offerten.\n\n"
        "Vidarebefordrat mejl:\n\n"
        "Från: Erik Lindqvist <erik.lindqvist@nordvarme.se>\n"
        "Ämne: Offert 2026-44\n"
        "Datum: 23 november 2026 09:12:41 CET\n"
        "Till: Ann Lee <ann.lee@ourco.com>\n\n"
        "Hej Ann,\n\nTack för offerten. Vi beställer enligt offert nr 2026-44 för 12 500,00 kr.\n\n"
        "Med vänliga hälsningar\nErik Lindqvist\nInköpschef\nNordvärme AB\n"
        "Tel: +46 8 123 456 78\nwww.nordvarme.se\n"
    )
    message(
        "apple_sv",
        sender=ANN,
        to=BOT,
        subject="VB: Offert 2026-44",
        mailer="X-Mailer: Apple Mail (2.3774.600.62)\n",
        body=leaf("text/plain", text, "utf-8", "base64"),
        msgid="<1B2C3D4E-5F60-4718-92A3-B4C5D6E7F809@ourco.com>",
    )


def apple_uk() -> None:
    text = (
        "Follow up tomorrow.\n\n"
        "Початок пересланого листа:\n\n"
        "Від: Олена Коваленко <olena@dniprosteel.com.ua>\n"
        "Тема: Рахунок № 2026-55\n"
        "Дата: 23 листопада 2026 р. о 09:12:41 EET\n"
        "Кому: Ann Lee <ann.lee@ourco.com>\n\n"
        "Добрий день, Енн!\n\nНадсилаємо рахунок № 2026-55 на суму 48 000,00 грн. "
        "Просимо підтвердити отримання.\n\n"
        "З повагою,\nОлена Коваленко\nМенеджер з закупівель\nТОВ «Дніпросталь»\n"
        "Тел.: +380 56 123 4567\nwww.dniprosteel.com.ua\n"
    )
    message(
        "apple_uk",
        sender=ANN,
        to=BOT,
        subject="Fwd: Рахунок № 2026-55",
        charset="windows-1251",
        mailer="X-Mailer: Apple Mail (2.3774.600.62)\n",
        body=leaf("text/plain", text, "windows-1251", "quoted-printable"),
        msgid="<7D6C5B4A-3928-4716-A5B4-C3D2E1F0A9B8@ourco.com>",
    )


TB = "User-Agent: Mozilla Thunderbird\n"


def thunderbird_en() -> None:
    text = (
        "Sarah needs the delivery date for PO 4411-B. Follow up on Wednesday.\n\n"
        "-------- Forwarded Message --------\n"
        "Subject: \tRe: Delivery of PO 4411-B\n"
        "Date: \tMon, 23 Nov 2026 09:12:41 +0000\n"
        "From: \tSarah Connor <sarah.connor@cyberdyne-parts.co.uk>\n"
        "To: \tAnn Lee <ann.lee@ourco.com>\n"
        "CC: \tlogistics@cyberdyne-parts.co.uk\n\n\n\n"
        "Hi Ann,\n\nAny news on the delivery date? The invoice INV-2026-0031 for £2,400.00 is\n"
        "already approved on our side.\n\n"
        "Kind regards,\nSarah Connor\nOperations Director\nCyberdyne Parts Ltd\n"
        "Tel: 020 7946 0958\nwww.cyberdyne-parts.co.uk\n\n"
        "On 20/11/2026 14:03, Ann Lee wrote:\n"
        "> Hi Sarah, the parts for PO 4411-B ship next week.\n"
        "> Ann\n"
    )
    message(
        "thunderbird_en",
        sender=ANN,
        to=BOT,
        subject="Fwd: Re: Delivery of PO 4411-B",
        mailer=TB,
        body=leaf("text/plain", text, "utf-8", "8bit"),
        msgid="<b3f1c2d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d@ourco.com>",
    )


def thunderbird_cs() -> None:
    text = (
        "Follow up on Friday.\n\n"
        "-------- Přeposlaná zpráva --------\n"
        "Předmět: \tObjednávka 2026-0931\n"
        "Datum: \tMon, 23 Nov 2026 09:12:41 +0100\n"
        "Od: \tJan Novák <jan.novak@strojirny-brno.cz>\n"
        "Komu: \tAnn Lee <ann.lee@ourco.com>\n\n\n\n"
        "Dobrý den,\n\nposílám objednávku č. 2026-0931 v hodnotě 85 000 Kč bez DPH.\n\n"
        "S pozdravem\nJan Novák\nvedoucí nákupu\nStrojírny Brno a.s.\n"
        "Tel.: +420 541 123 456\nwww.strojirny-brno.cz\n"
    )
    message(
        "thunderbird_cs",
        sender=ANN,
        to=BOT,
        subject="Fwd: Objednávka 2026-0931",
        charset="iso-8859-2",
        mailer=TB,
        body=leaf("text/plain", text, "iso-8859-2", "8bit"),
        msgid="<4c5d6e7f-8091-4a2b-b3c4-d5e6f708192a@ourco.com>",
    )


def thunderbird_sk() -> None:
    text = (
        "Follow up in 3 days.\n\n"
        "-------- Preposlaná správa --------\n"
        "Predmet: \tFaktúra 2026-145\n"
        "Dátum: \tMon, 23 Nov 2026 09:12:41 +0100\n"
        "Od: \tPeter Horváth <peter.horvath@tatrastav.sk>\n"
        "Komu: \tann.lee@ourco.com\n\n\n\n"
        "Dobrý deň,\n\nv prílohe posielame faktúru č. 2026-145 na sumu 6 780,00 €.\n\n"
        "S pozdravom\nPeter Horváth\nobchodný riaditeľ\nTatrastav s.r.o.\n"
        "Tel.: +421 2 1234 5678\nwww.tatrastav.sk\n"
    )
    message(
        "thunderbird_sk",
        sender=ANN,
        to=BOT,
        subject="Fwd: Faktúra 2026-145",
        charset="windows-1250",
        mailer=TB,
        body=leaf("text/plain", text, "windows-1250", "quoted-printable"),
        msgid="<5d6e7f80-91a2-4b3c-84d5-e6f708192a3b@ourco.com>",
    )


YAHOO = "X-Mailer: WebService/1.1.22876 YMailNorrin\n"


def yahoo_pt_pt() -> None:
    text = (
        "Follow up next week.\n\n\n"
        "----- Mensagem reencaminhada -----\n"
        "De: Ana Ferreira <ana.ferreira@vinhosdouro.pt>\n"
        "Para: Ann Lee <ann.lee@ourco.com>\n"
        "Enviado: segunda-feira, 23 de novembro de 2026 09:12:41 WET\n"
        "Assunto: Encomenda n.º 5120\n\n"
        "Boa tarde Ann,\n\nEnvio em anexo a encomenda n.º 5120 no valor de 1.250,00 €.\n"
        "Agradeço a confirmação.\n\n"
        "Com os melhores cumprimentos,\nAna Ferreira\nDiretora de Compras\n"
        "Vinhos do Douro, Lda.\nTel.: +351 22 123 4567\nwww.vinhosdouro.pt\n"
    )
    message(
        "yahoo_pt-PT",
        sender="Ann Lee <annlee@yahoo.com>",
        to=BOT,
        subject="Fwd: Encomenda n.º 5120",
        mailer=YAHOO,
        body=leaf("text/plain", text),
        msgid="<1234567890.98765.1732350761@mail.yahoo.com>",
    )


def yahoo_tr() -> None:
    text = (
        "Follow up on Thursday.\n\n\n"
        "----- İletilen Mesaj -----\n"
        "Kimden: Mehmet Yılmaz <mehmet.yilmaz@anadolutekstil.com.tr>\n"
        "Kime: Ann Lee <ann.lee@ourco.com>\n"
        "Gönderildi: 23 Kasım 2026 Pazartesi 09:12:41 GMT+3\n"
        "Konu: Sipariş No. 7720\n\n"
        "Merhaba Ann,\n\nSipariş No. 7720 için toplam tutar 24.500,00 TL'dir. "
        "Faturayı bekliyoruz.\n\n"
        "Saygılarımla,\nMehmet Yılmaz\nSatın Alma Müdürü\nAnadolu Tekstil A.Ş.\n"
        "Tel: +90 212 123 45 67\nwww.anadolutekstil.com.tr\n"
    )
    body = multipart(
        "alternative",
        "----=_Part_123456_7890.1732350761",
        leaf("text/plain", text, "windows-1254"),
        leaf("text/html", html(text), "windows-1254"),
    )
    message(
        "yahoo_tr",
        sender="Ann Lee <annlee@yahoo.com>",
        to=BOT,
        subject="Fwd: Sipariş No. 7720",
        charset="windows-1254",
        mailer=YAHOO,
        body=body,
        msgid="<2345678901.12345.1732350762@mail.yahoo.com>",
    )


def hubspot_da() -> None:
    text = (
        "Follow up on Tuesday.\n\n"
        "---------- Videresendt besked ----------\n"
        "Fra: Lars Jensen <lars@nordiskdesign.dk>\n"
        "Dato: man. 23. nov. 2026 kl. 09.12\n"
        "Emne: Tilbud 2026-77\n"
        "Til: Ann Lee <ann.lee@ourco.com>\n\n"
        "Hej Ann,\n\nVi accepterer tilbud nr. 2026-77 på 12.500,00 kr. ekskl. moms.\n\n"
        "Med venlig hilsen\nLars Jensen\nIndkøbschef\nNordisk Design ApS\n"
        "Tlf.: +45 33 12 34 56\nwww.nordiskdesign.dk\n"
    )
    body = multipart(
        "alternative",
        "hs-boundary-9f8e7d6c",
        leaf("text/plain", text),
        leaf("text/html", html(text)),
    )
    message(
        "hubspot_da",
        sender=ANN,
        to=BOT,
        subject="Fwd: Tilbud 2026-77",
        mailer="X-HubSpot-Message-Id: 48213377\n",
        body=body,
        msgid="<1732350761.48213377@bf1.hubspot.com>",
    )


def missive_no() -> None:
    # Mislabelled on purpose: declared us-ascii, written in ISO-8859-1.
    text = (
        "Follow up in 1 week.\n\n"
        "---------- Videresendt melding ----------\n"
        "Fra: Ingrid Hansen <ingrid@fjordfisk.no>\n"
        "Dato: 23. november 2026 kl. 09:12\n"
        "Emne: Bestilling 3390\n"
        "Til: ann.lee@ourco.com\n\n"
        "Hei Ann,\n\nTakk for tilbudet. Vi bekrefter bestilling nr. 3390 på 9 800,00 NOK.\n"
        "Kan dere levere før jul? Vi trenger også fakturaen på e-post.\n\n"
        "Med vennlig hilsen\nIngrid Hansen\nInnkjøpssjef\nFjordfisk AS\n"
        "Tlf: +47 22 12 34 56\nwww.fjordfisk.no\n"
    )
    message(
        "missive_no",
        sender=ANN,
        to=BOT,
        subject="Fwd: Bestilling 3390",
        mailer="X-Mailer: Missive\n",
        body=leaf("text/plain", text, "iso-8859-1", "8bit", label="us-ascii"),
        msgid="<a1b2c3d4-e5f6-4789-9abc-def012345678@missiveapp.com>",
    )


def mailmate_fi() -> None:
    text = (
        "See below, call Mikko tomorrow.\n\n"
        "Forwarded message:\n\n"
        "> From: Mikko Virtanen <mikko.virtanen@suomenpuu.fi>\n"
        "> To: Ann Lee <ann.lee@ourco.com>\n"
        "> Subject: Tilaus 6612\n"
        "> Date: 23 Nov 2026, at 09:12\n"
        ">\n"
        "> Hei Ann,\n>\n"
        "> Vahvistamme tilauksen nro 6612, yhteensä 5 400,00 €. Lähetättekö laskun?\n>\n"
        "> Ystävällisin terveisin\n> Mikko Virtanen\n> Ostopäällikkö\n> Suomen Puu Oy\n"
        "> Puh. +358 9 123 4567\n> www.suomenpuu.fi\n"
    )
    message(
        "mailmate_fi",
        sender=ANN,
        to=BOT,
        subject="Fwd: Tilaus 6612",
        mailer="X-Mailer: MailMate (1.14r5937)\n",
        body=leaf("text/plain", text),
        msgid="<8F1E2D3C-4B5A-4697-8877-665544332211@ourco.com>",
    )


OX = "X-Mailer: Open-Xchange Mailer v7.10.6-Rev61\nX-Originating-Client: open-xchange-appsuite\n"


def ionos_hu() -> None:
    text = (
        "Follow up on Friday.\n\n"
        "> ---------- Eredeti üzenet ----------\n"
        "> Feladó: Kovács Péter <kovacs.peter@dunaker.hu>\n"
        "> Címzett: Ann Lee <ann.lee@ourco.com>\n"
        "> Dátum: 2026. 11. 23. 09:12\n"
        "> Tárgy: Megrendelés 2026/415\n"
        ">\n"
        "> Tisztelt Lee Asszony!\n>\n"
        "> Mellékelten küldjük a 2026/415 számú megrendelést, összesen 1 250 000 Ft értékben.\n>\n"
        "> Üdvözlettel:\n> Kovács Péter\n> beszerzési vezető\n> Dunaker Kft.\n"
        "> Tel.: +36 1 234 5678\n> www.dunaker.hu\n"
    )
    message(
        "ionos_hu",
        sender="Ann Lee <ann.lee@ourco.de>",
        to=BOT,
        subject="Fwd: Megrendelés 2026/415",
        charset="iso-8859-2",
        mailer=OX,
        body=leaf("text/plain", text, "iso-8859-2"),
        msgid="<1385416047.123456.1732350761@email.ionos.de>",
    )


def ionos_ro() -> None:
    text = (
        "Follow up tomorrow.\n\n"
        "---------- Mesaj original ----------\n"
        "De la: Andrei Popescu <andrei.popescu@carpatiagro.ro>\n"
        "Către: Ann Lee <ann.lee@ourco.com>\n"
        "Data: 23.11.2026 09:12\n"
        "Subiect: Comanda 8812\n\n"
        "Bună ziua,\n\nVă trimitem comanda nr. 8812 în valoare de 14.500,00 lei.\n"
        "Vă rugăm să confirmați termenul de livrare.\n\n"
        "Cu stimă,\nAndrei Popescu\nDirector achiziții\nCarpați Agro SRL\n"
        "Tel: +40 21 123 4567\nwww.carpatiagro.ro\n"
    )
    message(
        "ionos_ro",
        sender="Ann Lee <ann.lee@ourco.de>",
        to=BOT,
        subject="Fwd: Comanda 8812",
        charset="iso-8859-16",
        mailer=OX,
        body=leaf("text/plain", text, "iso-8859-16", "quoted-printable"),
        msgid="<1385416048.123457.1732350762@email.ionos.de>",
    )


def attached_rfc822_en() -> None:
    note = "Forwarding Tom's order as an attachment. Remind me to call him tomorrow at 3pm."
    inner_text = (
        "Hi Ann,\n\nPlease find our order ORD-7781 attached; total EUR 9,800.00 including\n"
        "shipping. Could you confirm the delivery date?\n\nRegards,\nTom Becker\n"
        "Purchasing Lead\nInitech GmbH\nPhone +49 30 1234 5678\nwww.initech.de\n"
    )
    inner = (
        'From: "Becker, Tom" <tom.becker@initech.de>\n'
        "To: Ann Lee <ann.lee@ourco.com>\n"
        "Subject: Order ORD-7781\n"
        "Date: Fri, 20 Nov 2026 15:30:00 +0100\n"
        "Message-ID: <20261120153000.4411@initech.de>\n"
        "MIME-Version: 1.0\n"
        + multipart(
            "alternative",
            "inner-alt-42",
            leaf("text/plain", inner_text),
            leaf("text/html", html(inner_text)),
        )
    )
    vcard = (
        "BEGIN:VCARD\nVERSION:3.0\nN:Becker;Tom;;;\nFN:Tom Becker\nORG:Initech GmbH;\n"
        "TITLE:Purchasing Lead\nTEL;TYPE=WORK,VOICE:+49 30 1234 5678\n"
        "EMAIL;TYPE=INTERNET:tom.becker@initech.de\nURL:https://www.initech.de\n"
        "ADR;TYPE=WORK:;;Friedrichstraße 1;Berlin;;10117;Germany\nEND:VCARD\n"
    )
    body = multipart(
        "mixed",
        "_004_AM9PR04MB8241_",
        leaf("text/plain", note + "\n\nAnn"),
        "Content-Type: message/rfc822\nContent-Disposition: attachment;\n"
        ' filename="Order ORD-7781.eml"\n\n' + inner,
        leaf(
            "text/vcard",
            vcard,
            "utf-8",
            "base64",
            extra='Content-Disposition: attachment; filename="Tom Becker.vcf"\n',
        ),
    )
    message(
        "attached_rfc822_en",
        sender=ANN,
        to=BOT,
        subject="FW: Order ORD-7781",
        mailer=OUTLOOK,
        body=body,
        msgid="<AM9PR04MB8241F00DBA11@AM9PR04MB8241.eurprd04.prod.outlook.com>",
    )


ALL = [
    gmail_en,
    gmail_de,
    gmail_ja,
    gmail_th,
    gmail_hr,
    nested_gmail_en,
    outlook_old_fr,
    outlook_old_en,
    outlook_old_ru,
    outlook_old_pl,
    outlook_zh,
    outlook_new_es,
    outlook365_nl,
    outlook365_et,
    apple_it,
    apple_pt_br,
    apple_sv,
    apple_uk,
    thunderbird_en,
    thunderbird_cs,
    thunderbird_sk,
    yahoo_pt_pt,
    yahoo_tr,
    hubspot_da,
    missive_no,
    mailmate_fi,
    ionos_hu,
    ionos_ro,
    attached_rfc822_en,
]

if __name__ == "__main__":
    for build in ALL:
        build()
    print(f"wrote {len(ALL)} fixtures to {HERE}")
