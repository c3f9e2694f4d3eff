"""Tasks in Italian, Dutch, Spanish, French and Portuguese: sentence, now, zone -> title, due.

Each `now` is an instant (UTC) and each zone the user's; the due date is read in that zone.
The readings are the product's conventions (see parsers/date_readings.py): a weekday, bare
or with "next"/"prossimo"/"volgende"/"próximo"/"prochain"/"próxima", is the first such day
strictly after today; "next week" alone is next Monday; "this week" is this week's Friday;
no time given means 09:00; an hour from 1 to 7 means the afternoon.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from parsers.tasks import extract_tasks

MON = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # Monday 10:00 in Rome, Amsterdam, Paris
MON_LATE = datetime(2026, 11, 23, 23, 30, tzinfo=UTC)  # already Tuesday 00:30 in Madrid
WED = datetime(2026, 11, 25, 20, 0, tzinfo=UTC)  # Wednesday 17:00 in São Paulo
THU = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)  # Thursday 09:00 in Paris
SUN = datetime(2026, 11, 29, 10, 0, tzinfo=UTC)  # Sunday 11:00 in Amsterdam

CASES = [
    # Italian
    (
        "it",
        "Richiamare Giulia domani.",
        MON,
        "Europe/Rome",
        "Richiamare Giulia",
        "2026-11-24T09:00:00+01:00",
    ),
    (
        "it",
        "Ricordami di inviare il preventivo venerdì prossimo",
        MON,
        "Europe/Rome",
        "Inviare il preventivo",
        "2026-11-27T09:00:00+01:00",
    ),
    ("it", "Chiamalo domani alle 15", MON, "Europe/Rome", "Chiamalo", "2026-11-24T15:00:00+01:00"),
    (
        "it",
        "Fare follow-up tra 2 settimane",
        MON,
        "Europe/Rome",
        "Fare follow-up",
        "2026-12-07T09:00:00+01:00",
    ),
    (
        "it",
        "Per favore, manda il contratto entro lunedì",
        MON,
        "Europe/Rome",
        "Manda il contratto",
        "2026-11-30T09:00:00+01:00",
    ),
    (
        "it",
        "Puoi richiamare il cliente giovedì pomeriggio?",
        MON,
        "Europe/Rome",
        "Richiamare il cliente",
        "2026-11-26T14:00:00+01:00",
    ),
    (
        "it",
        "Sollecitare la fattura la settimana prossima",
        MON,
        "Europe/Rome",
        "Sollecitare la fattura",
        "2026-11-30T09:00:00+01:00",
    ),
    (
        "it",
        "Inviare l'ordine venerdì della prossima settimana",
        MON,
        "Europe/Rome",
        "Inviare l'ordine",
        "2026-12-04T09:00:00+01:00",
    ),
    (
        "it",
        "Telefonare a Marco oggi alle 16:30",
        MON,
        "Europe/Rome",
        "Telefonare a Marco",
        "2026-11-23T16:30:00+01:00",
    ),
    (
        "it",
        "Controllare il pagamento entro questa settimana",
        MON,
        "Europe/Rome",
        "Controllare il pagamento",
        "2026-11-27T09:00:00+01:00",
    ),
    # Dutch
    (
        "nl",
        "Offerte Q-552 graag volgende week opvolgen.",
        MON,
        "Europe/Amsterdam",
        "Offerte Q-552 opvolgen",
        "2026-11-30T09:00:00+01:00",
    ),
    (
        "nl",
        "Herinner me eraan om de offerte vrijdag te sturen",
        MON,
        "Europe/Amsterdam",
        "De offerte sturen",
        "2026-11-27T09:00:00+01:00",
    ),
    (
        "nl",
        "Bel hem morgen om 10 uur",
        MON,
        "Europe/Amsterdam",
        "Bel hem",
        "2026-11-24T10:00:00+01:00",
    ),
    (
        "nl",
        "Over 2 weken opvolgen",
        MON,
        "Europe/Amsterdam",
        "Opvolgen",
        "2026-12-07T09:00:00+01:00",
    ),
    (
        "nl",
        "Kun je Jan donderdagmiddag terugbellen?",
        MON,
        "Europe/Amsterdam",
        "Jan terugbellen",
        "2026-11-26T14:00:00+01:00",
    ),
    (
        "nl",
        "Stuur de factuur voor vrijdag",
        SUN,
        "Europe/Amsterdam",
        "Stuur de factuur",
        "2026-12-04T09:00:00+01:00",
    ),
    (
        "nl",
        "Volgende week dinsdag de klant bellen",
        SUN,
        "Europe/Amsterdam",
        "De klant bellen",
        "2026-12-01T09:00:00+01:00",
    ),
    (
        "nl",
        "Morgen om 10 uur Pieter nabellen",
        SUN,
        "Europe/Amsterdam",
        "Pieter nabellen",
        "2026-11-30T10:00:00+01:00",
    ),
    # Spanish
    (
        "es",
        "Hacer seguimiento la semana que viene, por favor.",
        MON,
        "Europe/Madrid",
        "Hacer seguimiento",
        "2026-11-30T09:00:00+01:00",
    ),
    (
        "es",
        "Recuérdame enviar el presupuesto el próximo viernes",
        MON,
        "Europe/Madrid",
        "Enviar el presupuesto",
        "2026-11-27T09:00:00+01:00",
    ),
    (
        "es",
        "Llamar a Carlos mañana a las 10",
        MON,
        "Europe/Madrid",
        "Llamar a Carlos",
        "2026-11-24T10:00:00+01:00",
    ),
    (
        "es",
        "Llamar a Carlos mañana a las 10",
        MON_LATE,
        "Europe/Madrid",
        "Llamar a Carlos",
        "2026-11-25T10:00:00+01:00",
    ),
    (
        "es",
        "¿Puedes enviar la factura el jueves por la tarde?",
        MON,
        "Europe/Madrid",
        "Enviar la factura",
        "2026-11-26T14:00:00+01:00",
    ),
    (
        "es",
        "Dar seguimiento en 2 semanas",
        MON,
        "Europe/Madrid",
        "Dar seguimiento",
        "2026-12-07T09:00:00+01:00",
    ),
    (
        "es",
        "Confirmar el pedido el viernes que viene a las 3 de la tarde",
        MON,
        "America/Mexico_City",
        "Confirmar el pedido",
        "2026-11-27T15:00:00-06:00",
    ),
    (
        "es",
        "No olvides reclamar el pago pasado mañana",
        MON,
        "Europe/Madrid",
        "Reclamar el pago",
        "2026-11-25T09:00:00+01:00",
    ),
    # French
    (
        "fr",
        "Peux-tu rappeler M. Dupont cette semaine ?",
        MON,
        "Europe/Paris",
        "Rappeler M. Dupont",
        "2026-11-27T09:00:00+01:00",
    ),
    (
        "fr",
        "Rappelle-moi d'envoyer le devis vendredi prochain",
        THU,
        "Europe/Paris",
        "Envoyer le devis",
        "2026-11-27T09:00:00+01:00",
    ),
    (
        "fr",
        "Appeler Jean demain à 15h",
        THU,
        "Europe/Paris",
        "Appeler Jean",
        "2026-11-27T15:00:00+01:00",
    ),
    (
        "fr",
        "Relancer le client dans 2 semaines",
        THU,
        "Europe/Paris",
        "Relancer le client",
        "2026-12-10T09:00:00+01:00",
    ),
    (
        "fr",
        "Merci d'envoyer la facture avant lundi",
        THU,
        "Europe/Paris",
        "Envoyer la facture",
        "2026-11-30T09:00:00+01:00",
    ),
    (
        "fr",
        "Relancer Marie mardi de la semaine prochaine à 9h30",
        THU,
        "Europe/Paris",
        "Relancer Marie",
        "2026-12-01T09:30:00+01:00",
    ),
    (
        "fr",
        "Envoyer les échantillons dans quinze jours",
        THU,
        "Europe/Paris",
        "Envoyer les échantillons",
        "2026-12-10T09:00:00+01:00",
    ),
    (
        "fr",
        "Mon collègue : rappeler Dupont demain",
        THU,
        "Europe/Paris",
        "Rappeler Dupont",
        "2026-11-27T09:00:00+01:00",
    ),  # "Mon" is "my", not Monday
    # Portuguese (pt-PT and pt-BR)
    (
        "pt",
        "Ligar para a Ana amanhã às 15h",
        WED,
        "America/Sao_Paulo",
        "Ligar para a Ana",
        "2026-11-26T15:00:00-03:00",
    ),
    (
        "pt",
        "Lembre-me de enviar a proposta na próxima sexta",
        WED,
        "America/Sao_Paulo",
        "Enviar a proposta",
        "2026-11-27T09:00:00-03:00",
    ),
    (
        "pt",
        "Fazer follow-up daqui a 2 semanas",
        WED,
        "America/Sao_Paulo",
        "Fazer follow-up",
        "2026-12-09T09:00:00-03:00",
    ),
    (
        "pt",
        "Por favor, enviar a fatura até sexta-feira",
        WED,
        "Europe/Lisbon",
        "Enviar a fatura",
        "2026-11-27T09:00:00+00:00",
    ),
    (
        "pt",
        "Cobrar o pagamento na segunda de manhã",
        WED,
        "Europe/Lisbon",
        "Cobrar o pagamento",
        "2026-11-30T09:00:00+00:00",
    ),
]


@pytest.mark.parametrize(
    ("lang", "text", "now", "tz", "title", "due"), CASES, ids=[f"{c[0]}: {c[1]}" for c in CASES]
)
def test_sentence_becomes_a_task(
    lang: str, text: str, now: datetime, tz: str, title: str, due: str
) -> None:
    tasks = extract_tasks(text, now=now, tz=tz, language=lang)
    assert [(t.title, t.due.isoformat() if t.due else None) for t in tasks] == [(title, due)]


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("it", "Abbiamo parlato venerdì."),  # a day, no action
        ("it", "Inviare il preventivo."),  # an action, no day
        ("nl", "We hebben elkaar vrijdag gesproken."),
        ("nl", "Goedemorgen Pieter, de offerte opvolgen."),  # "goedemorgen" is not tomorrow
        ("es", "Nos vimos el viernes."),
        ("es", "Esta mañana hablé con Carlos."),  # "esta mañana" is no task
        ("fr", "Nous nous sommes vus vendredi."),
        ("fr", "Venez nous voir au salon la semaine prochaine, stand B12"),  # trade fair
        ("pt", "Enviar a segunda proposta."),  # "segunda" here is "second", not Monday
        ("pt", "Visite-nos na feira na próxima semana"),
    ],
)
def test_not_a_task(lang: str, text: str) -> None:
    assert extract_tasks(text, now=MON, tz="Europe/Berlin", language=lang) == ()
