"""`Key: value` command lines at the top of a forwarder's note.

    Task: send the revised quote
    Due: Friday
    Tags: vip, fair-2026
    Owner: bob@ourco.com

    Anything below is the free text of the note, still read for tasks and references.

Keys are case-insensitive, in the product's languages (Aufgabe/Fällig, Uppgift/Förfallodatum,
Задача/Срок, 任务/截止 …), and come out canonical: task, due, tag (one command per tag),
owner, order, invoice, company, note. Reading stops at the first line that is not a known
`Key: value` (so "Re: …" or a greeting ends the block); blank lines before it are skipped.
"""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from parsers.dates import find_date, resolve_due
from parsers.tasks import task_title
from parsers.types import NoteCommand, TaskCandidate

__all__ = ["KEYS", "commands_to_tasks", "parse_note_commands"]

_KEY_WORDS: dict[str, str] = {
    "task": "task todo to-do aufgabe uppgift opgave oppgave tâche tarea compito tarefa taak "
    "tehtävä ülesanne zadanie úkol úloha feladat zadatak sarcină görev задача завдання 任务 "
    "任務 タスク งาน",
    "due": "due|due date|deadline|fällig|fälligkeit|frist|termin|förfallodatum|senast|"
    "forfald|échéance|vencimiento|scadenza|prazo|vervaldatum|määräaika|tähtaeg|termín|"
    "határidő|rok|scadență|son tarih|срок|термін|截止|截止日期|期限|กำหนด|ครบกำหนด",
    "tag": "tag tags label labels schlagwort schlagwörter etikett etiketter etiket étiquette "
    "étiquettes etiqueta etiquetas etichetta tagi štítek címke oznaka etichetă тег теги метка "
    "мітка 标签 タグ แท็ก",
    "owner": "owner|assignee|assign to|assigned to|zuständig|verantwortlich|besitzer|ansvarig|"
    "ägare|ejer|eier|responsable|propietario|proprietario|responsável|eigenaar|vastuuhenkilö|"
    "omanik|właściciel|vlastník|felelős|vlasnik|proprietar|sorumlu|ответственный|владелец|"
    "відповідальний|负责人|担当|ผู้รับผิดชอบ",
    "order": "order bestellung auftrag ordre commande pedido ordine encomenda bestelling "
    "tilaus tellimus zamówienie objednávka rendelés narudžba comandă sipariş заказ "
    "замовлення 订单 注文 คำสั่งซื้อ",
    "invoice": "invoice rechnung faktura facture factura fattura fatura factuur lasku arve "
    "számla račun factură счёт счет рахунок 发票 請求書 ใบแจ้งหนี้",
    "company": "company|account|customer|firma|unternehmen|kunde|företag|bolag|kund|"
    "virksomhed|selskap|société|entreprise|client|empresa|cliente|azienda|bedrijf|klant|yritys|"
    "ettevõte|spółka|firma|společnost|spoločnosť|cég|tvrtka|companie|şirket|компания|клиент|"
    "компанія|公司|客户|会社|บริษัท|ลูกค้า",
    "note": "note notes notiz anmerkung notering anteckning bemærkning merknad remarque nota "
    "notitie huomautus märkus notatka poznámka megjegyzés bilješka notă not заметка "
    "примечание нотатка 备注 メモ หมายเหตุ",
}
KEYS: dict[str, str] = {
    word: key
    for key, words in _KEY_WORDS.items()
    for word in (words.split("|") if "|" in words else words.split())
}
_LINE = re.compile(
    r"^\s*(?P<key>[^\W\d_][^\W\d_ \-]*(?:[ -][^\W\d_]+)?)\s*[:：]\s*(?P<value>.*\S)\s*$"
)
_MAX_COMMAND_LINES = 20


def parse_note_commands(note: str) -> tuple[tuple[NoteCommand, ...], str]:
    """(commands from the leading `Key: value` lines, the rest of the note as free text)."""
    lines = note.splitlines()
    commands: list[NoteCommand] = []
    i = 0
    while i < len(lines) and not lines[i].strip():
        i += 1
    while i < len(lines) and len(commands) < _MAX_COMMAND_LINES:
        m = _LINE.match(lines[i])
        key = KEYS.get(m.group("key").casefold()) if m else None
        if m is None or key is None:
            break
        value = m.group("value").strip()
        if key == "tag":
            commands.extend(
                NoteCommand("tag", t.strip().lstrip("#"))
                for t in re.split(r"[,;]|\s+(?=#)", value) if t.strip().lstrip("#")
            )
        else:
            commands.append(NoteCommand(key, value))
        i += 1
    return tuple(commands), "\n".join(lines[i:]).strip()


def commands_to_tasks(
    commands: tuple[NoteCommand, ...], *, now: datetime, tz: str | ZoneInfo,
    language: str | None = None,
) -> tuple[TaskCandidate, ...]:
    """Each `Task:` line as a task; a `Due:` line gives them their date."""
    due_text = next((c.value for c in commands if c.key == "due"), None)
    due = resolve_due(due_text, now=now, tz=tz, language=language) if due_text else None
    tasks = []
    for command in commands:
        if command.key != "task":
            continue
        title, when = command.value, due
        if when is None:  # "Task: call Bob on Friday" carries its own date
            match = find_date(title, now=now, tz=tz, language=language)
            if match:
                when = match.due
                title = task_title(title, match, language) or title
        tasks.append(TaskCandidate(title=title[:1].upper() + title[1:], due=when, source="command"))
    return tuple(tasks)
