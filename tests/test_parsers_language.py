"""Language detection: script rules and Latin-script scoring, one row per language."""

from __future__ import annotations

import pytest

from parsers.language import SUPPORTED, detect_language

SAMPLES = [
    ("en", "Hi Ann, thanks for the call. Could you send us the price list for next year?"),
    ("de", "Hallo Herr Müller, vielen Dank für Ihre Anfrage. Anbei finden Sie das Angebot."),
    ("fr", "Bonjour Madame, merci pour votre message. Nous vous envoyons le devis cette semaine."),
    ("es", "Hola Juan, gracias por tu correo. Te envío el presupuesto para el pedido."),
    ("it", "Buongiorno, grazie per la richiesta. Vi invio il preventivo della fornitura."),
    ("pt", "Olá João, obrigado pelo contato. Segue em anexo a cotação que você pediu."),
    ("nl", "Hallo Jan, bedankt voor je bericht. Graag ontvangen wij de offerte van deze week."),
    ("da", "Hej Lars, tak for din mail. Jeg sender dig tilbuddet i næste uge. Venlig hilsen"),
    ("no", "Hei Ola, takk for meldingen. Jeg sender deg tilbudet neste uke. Vennlig hilsen"),
    ("sv", "Hej Anna, tack för ditt mejl. Jag skickar offerten nästa vecka. Vänliga hälsningar"),
    ("fi", "Hei Matti, kiitos viestistä. Lähetän tarjouksen ensi viikolla. Ystävällisin terveisin"),
    ("et", "Tere Mari, aitäh kirja eest. Saadan pakkumise järgmisel nädalal. Lugupidamisega"),
    ("pl", "Dzień dobry, dziękuję za wiadomość. Przesyłam ofertę w załączniku. Pozdrawiam"),
    ("cs", "Dobrý den, děkuji za zprávu. Posílám nabídku v příloze. S pozdravem"),
    ("sk", "Dobrý deň, ďakujem za správu. Posielam ponuku v prílohe. S pozdravom"),
    ("hu", "Jó napot, köszönöm a levelet. Csatolva küldöm az árajánlatot. Üdvözlettel"),
    ("hr", "Dobar dan, hvala na poruci. U prilogu šaljem ponudu. Lijep pozdrav"),
    ("ro", "Bună ziua, vă mulțumesc pentru mesaj. Vă trimit oferta în atașament. Cu stimă"),
    ("tr", "Merhaba, mesajınız için teşekkürler. Teklifi ekte gönderiyorum. Saygılarımla"),
    ("ru", "Добрый день! Спасибо за письмо. Высылаю коммерческое предложение. С уважением"),
    ("uk", "Добрий день! Дякую за лист. Надсилаю комерційну пропозицію. З повагою"),
    ("ja", "お世話になっております。見積書を添付いたしますので、ご確認ください。"),
    ("zh", "您好，感谢您的来信。附件是我们的报价单，请查收。此致敬礼"),
    ("th", "สวัสดีครับ ขอบคุณสำหรับอีเมล แนบใบเสนอราคามาให้แล้วครับ"),
]


def test_every_supported_language_has_a_sample() -> None:
    assert sorted(lang for lang, _ in SAMPLES) == sorted(SUPPORTED)


@pytest.mark.parametrize(("expected", "text"), SAMPLES, ids=[lang for lang, _ in SAMPLES])
def test_detects_the_language_of_a_business_email(expected: str, text: str) -> None:
    assert detect_language(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", None),
        ("12345 +49 30 1234567", None),
        ("Order SO-1042 请尽快发货，谢谢", "zh"),  # a few Latin letters do not outvote Han
        ("見積もりの件、Acme様にご連絡ください", "ja"),  # kana makes it Japanese, not Chinese
        ("Привіт, їжак", "uk"),
        ("Ring Erik på fredag om offerten.", "sv"),  # a tie among neighbours goes to Swedish
    ],
)
def test_edge_cases(text: str, expected: str | None) -> None:
    assert detect_language(text) == expected
