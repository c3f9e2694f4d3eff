"""Every forward fixture parses, through `crm parse --json`, to its reviewed golden."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli import run_crm

FOLDER = Path(__file__).parent / "data" / "forwards"
FIXTURES = sorted(FOLDER.glob("*.eml"))
CLIENTS = (
    "gmail",
    "outlook_old",
    "outlook_new",
    "outlook365",
    "apple",
    "thunderbird",
    "yahoo",
    "hubspot",
    "missive",
    "mailmate",
    "ionos",
)
LANGUAGES = (
    "en",
    "de",
    "fr",
    "es",
    "it",
    "pt-PT",
    "pt-BR",
    "nl",
    "da",
    "no",
    "sv",
    "fi",
    "et",
    "pl",
    "cs",
    "sk",
    "hu",
    "hr",
    "ro",
    "tr",
    "ru",
    "uk",
    "ja",
    "zh",
    "th",
)


@pytest.mark.parametrize("eml", FIXTURES, ids=[p.stem for p in FIXTURES])
def test_crm_parse_matches_the_golden(capsys: pytest.CaptureFixture[str], eml: Path) -> None:
    result = run_crm(
        capsys,
        "parse",
        str(eml),
        "--json",
        "--now",
        "2026-11-23T09:00:00+00:00",
        "--tz",
        "Europe/Berlin",
    )
    assert result.code == 0, result.err
    expected = json.loads(eml.with_suffix(".json").read_text(encoding="utf-8"))
    assert json.loads(result.out) == expected


def test_every_client_and_language_has_a_fixture() -> None:
    stems = [p.stem for p in FIXTURES]
    for client in CLIENTS:
        assert any(s.startswith(client + "_") for s in stems), client
    for lang in LANGUAGES:
        assert any(s.endswith("_" + lang) for s in stems), lang


def test_every_fixture_is_a_forward_with_its_original_sender() -> None:
    for eml in FIXTURES:
        golden = json.loads(eml.with_suffix(".json").read_text(encoding="utf-8"))
        assert golden["forwarded"] is not None, eml.name
        sender = golden["forwarded"]["from"]
        assert sender["email"] and not sender["email"].endswith("@ourco.com"), eml.name
        assert golden["contacts"][0]["email"] == sender["email"], eml.name
