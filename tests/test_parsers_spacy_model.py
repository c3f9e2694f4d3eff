"""A statistical spaCy pipeline named by CRM_SPACY_MODEL: loaded, and its PERSON/ORG used.

No trained pipeline can be downloaded here, so the test trains a tiny one: `spacy.blank`
with an "ner" component fitted on four signature lines, saved with `nlp.to_disk`. It is
then loaded the way the product loads a model, by the name in the settings (a pipeline
directory works as well as an installed package), never by the test's own object.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from parsers.email import parse_email
from parsers.entities import Pipeline, get_pipeline
from tests.cli import run_crm

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
TRAIN = [
    ("Kind regards, Mary Major, Globex Corp", [(14, 24, "PERSON"), (26, 37, "ORG")]),
    ("Best, Tom Becker from Initech", [(6, 16, "PERSON"), (22, 29, "ORG")]),
    ("Thanks, Lena Park of Umbrella Group", [(8, 17, "PERSON"), (21, 35, "ORG")]),
    ("Regards, Omar Khan, Vandelay Industries", [(9, 18, "PERSON"), (20, 39, "ORG")]),
]


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import spacy
    from spacy.training import Example
    from spacy.util import fix_random_seed

    fix_random_seed(0)
    nlp = spacy.blank("en")
    ner = nlp.add_pipe("ner")
    for label in ("PERSON", "ORG"):
        ner.add_label(label)  # type: ignore[attr-defined]
    examples = [Example.from_dict(nlp.make_doc(t), {"entities": e}) for t, e in TRAIN]
    optimizer = nlp.initialize(lambda: examples)
    for _ in range(30):
        nlp.update(examples, sgd=optimizer, drop=0.0)
    path = tmp_path_factory.mktemp("model") / "crm_test_ner"
    nlp.to_disk(path)
    return path


def forward(sender: str, signature: str) -> bytes:
    return (
        "From: Ann Lee <ann.lee@ourco.com>\nTo: crm@ourco.com\nSubject: Fwd: Quote\n"
        "Date: Mon, 23 Nov 2026 10:00:00 +0100\nMessage-ID: <ner@ourco.com>\n\n"
        "FYI\n\n---------- Forwarded message ---------\n"
        f"From: {sender}\nDate: Mon, 23 Nov 2026 at 09:12\nSubject: Quote\n"
        "To: Ann Lee <ann.lee@ourco.com>\n\n"
        f"Hi Ann,\n\nplease send the revised quote.\n\n{signature}\n"
    ).encode()


def contacts(raw: bytes, nlp: Pipeline | None) -> list[tuple[str | None, str | None, str | None]]:
    parsed = parse_email(raw, now=NOW, tz="Europe/Berlin", nlp=nlp)
    return [(c.name, c.email, c.company) for c in parsed.contacts]


def test_the_model_directory_loads_as_the_statistical_pipeline(model_dir: Path) -> None:
    pipeline = get_pipeline("en", str(model_dir))
    assert pipeline.statistical and "ner" in pipeline.nlp.pipe_names
    found = pipeline.people_and_orgs("Regards, Omar Khan, Vandelay Industries")
    assert [(e.label, e.text) for e in found] == [
        ("PERSON", "Omar Khan"),
        ("ORG", "Vandelay Industries"),
    ]
    # the product's own rules still run inside the loaded pipeline
    labels = {e.label for e in pipeline.entities("Order SO-1042, call +1 415 555 0100")}
    assert {"REFERENCE", "PHONE"} <= labels


def test_an_org_the_rules_miss_becomes_the_senders_company(model_dir: Path) -> None:
    raw = forward("Omar Khan <omar@vandelay.com>", "Regards, Omar Khan, Vandelay Industries")
    assert contacts(raw, None) == [("Omar Khan", "omar@vandelay.com", None)]
    assert contacts(raw, get_pipeline("en", str(model_dir))) == [
        ("Omar Khan", "omar@vandelay.com", "Vandelay Industries"),
    ]


def test_a_person_gives_the_name_an_address_alone_lacks(model_dir: Path) -> None:
    raw = forward("info@initech.com", "Best, Tom Becker from Initech")
    assert contacts(raw, None) == [(None, "info@initech.com", None)]
    assert contacts(raw, get_pipeline("en", str(model_dir))) == [
        ("Tom Becker", "info@initech.com", "Initech"),
    ]


def test_another_signer_is_a_candidate_without_an_address(model_dir: Path) -> None:
    raw = forward("Omar Khan <omar@vandelay.com>", "Best, Tom Becker from Initech")
    assert contacts(raw, None) == [("Omar Khan", "omar@vandelay.com", None)]
    assert contacts(raw, get_pipeline("en", str(model_dir))) == [
        ("Omar Khan", "omar@vandelay.com", "Initech"),
        ("Tom Becker", None, "Initech"),
    ]


def test_crm_parse_uses_the_model_named_in_the_settings(
    model_dir: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    eml = tmp_path / "fwd.eml"
    eml.write_bytes(forward("info@initech.com", "Best, Tom Becker from Initech"))
    monkeypatch.setenv("CRM_SPACY_MODEL", str(model_dir))
    result = run_crm(capsys, "parse", str(eml), "--json", "--now", NOW.isoformat())
    assert result.code == 0, result.err
    [contact] = json.loads(result.out)["contacts"]
    assert (contact["name"], contact["email"], contact["company"]) == (
        "Tom Becker",
        "info@initech.com",
        "Initech",
    )


def test_a_model_that_is_not_there_leaves_the_rules(tmp_path: Path) -> None:
    pipeline = Pipeline("en", str(tmp_path / "no-such-model"))
    assert not pipeline.statistical
    assert pipeline.people_and_orgs("Regards, Omar Khan, Vandelay Industries") == ()


def test_the_intake_files_what_the_model_reads(
    model_dir: Path,
    crm_env: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`crm ingest` (the path SMTP and IMAP mail takes) uses the model named in the settings."""
    import os

    from sqlalchemy import select

    from store.db import Database
    from store.models import Contact, ContactEmail

    assert run_crm(capsys, "user", "add", "ann.lee@ourco.com", "--name", "Ann Lee").code == 0
    eml = crm_env / "fwd.eml"
    eml.write_bytes(forward("info@initech.com", "Best, Tom Becker from Initech"))
    monkeypatch.setenv("CRM_SPACY_MODEL", str(model_dir))
    result = run_crm(capsys, "ingest", str(eml), "--as", "ann.lee@ourco.com")
    assert result.code == 0, result.err
    db = Database(os.environ["CRM_DATABASE_URL"])
    with db.read() as session:
        name = session.scalar(
            select(Contact.name)
            .join(ContactEmail, ContactEmail.contact_id == Contact.id)
            .where(ContactEmail.email == "info@initech.com")
        )
    db.dispose()
    assert name == "Tom Becker"
