"""The signature, entity, task, language and command steps, reached by name.

`parse_email` assembles steps that live in their own modules (`signature`, `entities`,
`tasks`, `dates`, `language`, `command`). This module is the one seam between them: each
function calls the step when it is available and otherwise answers "nothing found", so
the email reader keeps working (and its tests stay meaningful) while a step is absent.
"""

from __future__ import annotations

import importlib
from datetime import datetime
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from parsers.types import ContactCandidate, NoteCommand, TaskCandidate


@cache
def _step(module: str, name: str) -> Any:
    try:
        mod = importlib.import_module(f"parsers.{module}")
    except ImportError:
        return None
    return getattr(mod, name, None)


def split_signature(text: str) -> tuple[str, str | None]:
    fn = _step("signature", "split_signature")
    if fn is None or not text:
        return text.strip(), None
    body, signature = fn(text)
    return str(body).strip(), signature


def extract_signatures(
    text: str, *, sender_email: str | None, sender_name: str | None, default_region: str
) -> tuple[ContactCandidate, ...]:
    fn = _step("signature", "extract_signatures")
    if fn is None or not text.strip():
        return ()
    return tuple(
        fn(text, sender_email=sender_email, sender_name=sender_name, default_region=default_region)
    )


def detect_language(text: str) -> str | None:
    fn = _step("language", "detect_language")
    if fn is None or not text.strip():
        return None
    result = fn(text)
    return str(result) if result else None


def parse_note_commands(note: str) -> tuple[tuple[NoteCommand, ...], str]:
    """(the `Key: value` command lines atop a note, the free text after them)."""
    fn = _step("notecommands", "parse_note_commands")
    if fn is None or not note.strip():
        return (), note
    commands, rest = fn(note)
    return tuple(commands), str(rest)


def commands_to_tasks(
    commands: tuple[NoteCommand, ...], *, now: datetime, tz: ZoneInfo, language: str | None
) -> tuple[TaskCandidate, ...]:
    fn = _step("notecommands", "commands_to_tasks")
    if fn is None or not commands:
        return ()
    return tuple(fn(commands, now=now, tz=tz, language=language))


def extract_tasks(
    text: str, *, now: datetime, tz: ZoneInfo, language: str | None
) -> tuple[TaskCandidate, ...]:
    fn = _step("tasks", "extract_tasks")
    if fn is None or not text.strip():
        return ()
    return tuple(fn(text, now=now, tz=tz, language=language))


def pipeline(language: str | None, model_name: str | None = None) -> Any:
    """The per-process entity pipeline for `language` (built once, cached by the step)."""
    fn = _step("entities", "get_pipeline")
    if fn is None:
        return None
    return fn(language or "en", model_name)
