"""The signature, entity, task, language and note-command steps, as `parse_email` uses them.

`parse_email` assembles steps that live in their own modules (`signature`, `entities`,
`tasks`, `notecommands`, `language`). This module is the one seam between them: it adapts
each step's signature to what the email reader needs and skips a step on empty text.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from parsers import entities, language, notecommands, signature, tasks
from parsers.types import ContactCandidate, NoteCommand, TaskCandidate

Pipeline = entities.Pipeline


def split_signature(text: str) -> tuple[str, str | None]:
    if not text.strip():
        return "", None
    body, block = signature.split_signature(text)
    return body.strip(), block


def extract_signatures(
    text: str, *, sender_email: str | None, sender_name: str | None, default_region: str
) -> tuple[ContactCandidate, ...]:
    if not text.strip():
        return ()
    return signature.extract_signatures(
        text, sender_email=sender_email, sender_name=sender_name, default_region=default_region
    )


def detect_language(text: str) -> str | None:
    return language.detect_language(text) if text.strip() else None


def parse_note_commands(note: str) -> tuple[tuple[NoteCommand, ...], str]:
    """(the `Key: value` command lines atop a note, the free text after them)."""
    if not note.strip():
        return (), note
    return notecommands.parse_note_commands(note)


def commands_to_tasks(
    commands: tuple[NoteCommand, ...], *, now: datetime, tz: ZoneInfo, language: str | None
) -> tuple[TaskCandidate, ...]:
    if not commands:
        return ()
    return notecommands.commands_to_tasks(commands, now=now, tz=tz, language=language)


def extract_tasks(
    text: str, *, now: datetime, tz: ZoneInfo, language: str | None
) -> tuple[TaskCandidate, ...]:
    if not text.strip():
        return ()
    return tasks.extract_tasks(text, now=now, tz=tz, language=language)


def pipeline(language: str | None, model_name: str | None = None) -> entities.Pipeline:
    """The per-process entity pipeline for `language` (built once, cached by `entities`)."""
    return entities.get_pipeline(language or "en", model_name)
