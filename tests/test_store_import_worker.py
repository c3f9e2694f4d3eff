"""A large contact file is read and cleaned by a second process while this one writes:
the store, the report and the warnings must be exactly those of reading it in-process."""

from __future__ import annotations

import io
import subprocess
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar

import pytest
from sqlalchemy import event

from store import migrate
from store.db import Database
from store.imports import contact_prep
from store.imports.contact_files import write_csv
from store.imports.contact_prep import ReaderFailed
from store.imports.contact_readers import ContactFileError
from store.imports.contacts import import_contact_file

DATA = Path(__file__).parent / "data" / "contacts"

HEADER = "name,email,phone,title,company,tags,marketing_consent,shoe size\n"
LINES = [
    "Jane Doe,Jane.Doe@Acme.com,(415) 555-0100,CFO,Acme Inc,vip;lead,yes,38",
    "Jane Doe,jane.doe@acme.com;jd@gmail.com,+49 30 1234567,,,partner,,",
    'John Roe,john@acme.com,+44 20 7946 0958,,,,2026-01-15,"4,5"',
    '"Wong, Mia",mia@gmail.com,,Buyer,Globex,,no,',
    "Bad Address,x@,,,,,,",
    ",,,Title Only,,,,",
    "Bad Phone,bp@acme.com,+49 1,,,,,",
    "Bad Consent,bc@acme.com,,,,,maybe,",
    "Ana Silva,ana@initech.io,,,,,2025-03-01,",
    "Ana Silva,,,,Initech,vip,,",
]


def big_file(folder: Path, copies: int) -> Path:
    """The lines above, then `copies` people more, so several batches carry every case."""
    path = folder / "contacts.csv"
    extra = [
        f"Person {i},p{i}@firm{i % 37}.com,+1 212 555 {i % 10000:04d},,Firm {i % 37},t{i % 5},yes,"
        for i in range(copies)
    ]
    path.write_text(HEADER + "\n".join(LINES + extra + LINES) + "\n", encoding="utf-8")
    return path


def exported(db: Database) -> str:
    out = io.StringIO()
    with db.read() as session:
        write_csv(session, out)
    return out.getvalue()


@pytest.mark.parametrize("batch_size", [3, 1000])
def test_reading_in_a_second_process_stores_what_reading_here_stores(
    db: Database, sqlite_db: Database, tmp_path: Path, now: datetime, batch_size: int
) -> None:
    if db is sqlite_db:
        other = Database(f"sqlite:///{tmp_path / 'other.db'}")
        migrate.upgrade(other)
    else:
        other = sqlite_db
    path = big_file(tmp_path, 40)
    here = import_contact_file(other, path, now=now, batch_size=batch_size, worker=False)
    there = import_contact_file(db, path, now=now, batch_size=batch_size, worker=True)
    assert there.summary() == here.summary() == "created 44, updated 2, unchanged 6, rejected 8"
    assert there.details() == here.details()
    assert "warning: extra columns kept as custom fields: shoe size" in there.details()
    assert "line 8: invalid phone '+49 1'" in there.details()
    assert exported(db) == exported(other)
    again = import_contact_file(db, path, now=now, batch_size=batch_size, worker=True)
    assert again.summary() == "created 0, updated 0, unchanged 52, rejected 8"


def test_vcards_go_through_the_second_process_too(db: Database, now: datetime) -> None:
    report = import_contact_file(db, DATA / "cards.vcf", now=now, worker=True)
    assert (report.created, [str(r) for r in report.rejected]) == (
        3,
        ["line 31: invalid email 'broken@'"],
    )


def test_a_file_without_a_header_is_refused_before_anything_is_written(
    db: Database, tmp_path: Path, now: datetime
) -> None:
    path = tmp_path / "empty.csv"
    path.write_text("\n\n", encoding="utf-8")
    with pytest.raises(ContactFileError, match="a header row is needed"):
        import_contact_file(db, path, now=now, worker=True)
    assert exported(db).count("\n") == 1  # the header line only


class Recorded(subprocess.Popen[bytes]):
    made: ClassVar[list[Recorded]] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        Recorded.made.append(self)


@pytest.fixture
def helpers(monkeypatch: pytest.MonkeyPatch) -> list[Recorded]:
    """The reading processes the test starts, as they are started."""
    monkeypatch.setattr(contact_prep.subprocess, "Popen", Recorded)
    Recorded.made.clear()
    return Recorded.made


def test_an_import_that_stops_leaves_no_reading_process_behind(
    db: Database, tmp_path: Path, now: datetime, helpers: list[Recorded]
) -> None:
    def stop_after_first_batch(count: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        path = big_file(tmp_path, 5000)
        import_contact_file(
            db, path, now=now, batch_size=100, worker=True, progress=stop_after_first_batch
        )
    (helper,) = helpers
    assert helper.returncode is not None  # reaped, not left running
    # The first batch is committed, as an in-process import stopped there would leave it.
    assert exported(db).count("\n") > 50


def test_a_reading_process_that_dies_is_an_error_not_a_short_import(
    db: Database, tmp_path: Path, now: datetime, helpers: list[Recorded]
) -> None:
    def kill_it(count: int) -> None:
        helpers[0].kill()

    with pytest.raises(ReaderFailed, match="stopped before the end of the file"):
        path = big_file(tmp_path, 5000)
        import_contact_file(db, path, now=now, batch_size=100, worker=True, progress=kill_it)
    assert 50 < exported(db).count("\n") < 5000


def test_small_files_are_read_here_and_large_ones_in_a_second_process(
    db: Database,
    tmp_path: Path,
    now: datetime,
    monkeypatch: pytest.MonkeyPatch,
    helpers: list[Recorded],
) -> None:
    small = big_file(tmp_path, 10)
    import_contact_file(db, small, now=now)
    assert helpers == []
    monkeypatch.setattr(contact_prep, "WORKER_MIN_BYTES", small.stat().st_size)
    import_contact_file(db, small, now=now)
    assert len(helpers) == 1


@pytest.mark.parametrize("worker", [False, True])
def test_a_line_the_reader_cannot_get_past_stops_the_import_naming_it(
    db: Database, tmp_path: Path, now: datetime, worker: bool
) -> None:
    path = tmp_path / "huge.csv"
    huge = "x" * 200_000
    path.write_text(f"{HEADER}{LINES[0]}\nJohn Roe,john@acme.com,,{huge},,,,\n", encoding="utf-8")
    with pytest.raises(ContactFileError, match=r"^line 3: field larger than field limit"):
        import_contact_file(db, path, now=now, batch_size=1, worker=worker)
    assert "jane.doe@acme.com" in exported(db)  # the line before it is kept


def test_an_interrupt_in_the_middle_of_a_statement_stays_an_interrupt(
    db: Database, tmp_path: Path, now: datetime, helpers: list[Recorded]
) -> None:
    inserts = {"contacts": 0}

    def ctrl_c_in_third_batch(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.startswith("INSERT INTO contacts "):
            inserts["contacts"] += 1
            if inserts["contacts"] == 3:
                raise KeyboardInterrupt  # as SIGINT lands inside the driver's call

    event.listen(db.engine, "before_cursor_execute", ctrl_c_in_third_batch)
    try:
        with pytest.raises(KeyboardInterrupt):
            path = big_file(tmp_path, 5000)
            import_contact_file(db, path, now=now, batch_size=100, worker=True)
    finally:
        event.remove(db.engine, "before_cursor_execute", ctrl_c_in_third_batch)
    assert helpers[0].returncode is not None
    # Two batches committed: 200 rows, of which 4 are refused and 2 repeat a person.
    assert exported(db).count("\n") == 1 + 194


@pytest.mark.parametrize("worker", [False, True])
def test_the_rows_before_a_line_the_reader_cannot_get_past_are_kept(
    db: Database, tmp_path: Path, now: datetime, worker: bool
) -> None:
    path = tmp_path / "huge.csv"
    good = [f"Person {i},p{i}@firm.com,,,,,," for i in range(5)]
    huge = "x" * 200_000
    path.write_text(HEADER + "\n".join([*good, f"Bad,bad@firm.com,,{huge},,,,"]) + "\n")
    with pytest.raises(ContactFileError, match=r"^line 7: field larger"):
        import_contact_file(db, path, now=now, batch_size=1000, worker=worker)
    assert exported(db).count("\n") == 1 + 5
