"""Contact rows read and cleaned a batch at a time, here or in a second process.

Reading a file and cleaning its rows (addresses, phone numbers, names, tags) needs
nothing from the store and is a third of a large import's work. For a large file a
second process does it (`python -m store.imports.contact_prep`) while this one looks
up and writes the batch before, so an import keeps two cores busy. The helper speaks
over its standard output: length-prefixed pickles of flat tuples, which cost a tenth
of what pickled objects cost to load. It only ever reads the file it is given.
"""

from __future__ import annotations

import gc
import os
import pickle
import signal
import struct
import subprocess
import sys
from collections.abc import Generator, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from itertools import islice
from pathlib import Path
from typing import IO, Any

from store.contact_fields import ContactError
from store.imports.contact_readers import ContactFileError, read_contact_file
from store.imports.contact_rows import CleanRow, ContactRow, clean_row

# Below this size a file is read in-process: starting the helper costs more than it saves.
WORKER_MIN_BYTES = 1_000_000
_FRAME = struct.Struct("!I")
_CUT_SHORT = "the reading process stopped before the end of the file"


@dataclass(slots=True)
class Prepared:
    """One batch of the file: how many rows were read, the clean ones, the refused ones."""

    count: int
    cleaned: list[CleanRow]
    rejected: list[tuple[int, str]]  # (line, reason)


def prepare(
    rows: Iterable[ContactRow], *, now: datetime, region: str, batch_size: int
) -> Iterator[Prepared]:
    """Rows cleaned in batches of `batch_size`, in file order.

    When the reader stops at a line it cannot get past (ContactFileError), the rows
    read before it are given as a last batch first, then the error is raised."""
    it = iter(rows)
    while True:
        with gc_paused():
            batch, failure = _take(it, batch_size)
            cleaned: list[CleanRow] = []
            rejected: list[tuple[int, str]] = []
            for row in batch:
                try:
                    cleaned.append(clean_row(row, now, region))
                except ContactError as exc:
                    rejected.append((row.line, str(exc)))
        if batch:
            yield Prepared(len(batch), cleaned, rejected)
        if failure is not None:
            raise failure
        if len(batch) < batch_size:
            return


def _take(it: Iterator[ContactRow], size: int) -> tuple[list[ContactRow], Exception | None]:
    """Up to `size` rows, and the reader's error if it stopped at a bad line."""
    batch: list[ContactRow] = []
    try:
        batch.extend(islice(it, size))
    except ContactFileError as exc:
        return batch, exc
    return batch, None


@dataclass(slots=True)
class PreparedFile:
    """A file's warnings (known once its header is read) and its prepared batches.

    `close()` when done, however it ends: it stops a reading process at once, where
    waiting for the batches' generator to be collected could leave it running."""

    warnings: tuple[str, ...]
    batches: Iterator[Prepared]

    def close(self) -> None:
        if isinstance(self.batches, Generator):
            self.batches.close()


def prepare_file(
    path: Path, *, now: datetime, region: str, batch_size: int, worker: bool | None = None
) -> PreparedFile:
    """`path` read and cleaned: by a helper process for a large file (or `worker=True`).

    ContactFileError when the file as a whole cannot be read, before any row is given."""
    if worker is None:
        worker = path.stat().st_size >= WORKER_MIN_BYTES
    if not worker:
        contact_file = read_contact_file(path)
        batches = prepare(contact_file.rows, now=now, region=region, batch_size=batch_size)
        return PreparedFile(contact_file.warnings, batches)
    return _from_helper(path, now=now, region=region, batch_size=batch_size)


def _from_helper(path: Path, *, now: datetime, region: str, batch_size: int) -> PreparedFile:
    here = str(Path(__file__).resolve().parents[2])  # the directory holding `store`
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [here, env.get("PYTHONPATH")]))
    args = [str(path), now.isoformat(), region, str(batch_size)]
    proc = subprocess.Popen(
        [sys.executable, "-m", "store.imports.contact_prep", *args],
        stdout=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        env=env,
    )
    assert proc.stdout is not None
    try:
        kind, payload = _receive(proc.stdout)
        if kind == "refused":
            raise ContactFileError(payload)
        if kind != "header":
            raise _failed(kind, payload)
    except BaseException:
        _stop(proc)
        raise
    return PreparedFile(tuple(payload), _batches(proc))


def _batches(proc: subprocess.Popen[bytes]) -> Iterator[Prepared]:
    assert proc.stdout is not None
    try:
        while True:
            with gc_paused():
                kind, payload = _receive(proc.stdout)
                if kind == "done":
                    return
                if kind == "refused":
                    raise ContactFileError(payload)
                if kind != "batch":
                    raise _failed(kind, payload)
                batch = _decode(payload)
            yield batch
    finally:
        _stop(proc)


@contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic GC passes inside the block: a batch allocates many short-lived objects
    (none in cycles) and the collector's passes over them cost about a tenth of the
    import. Bounded by the batch size."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class ReaderFailed(RuntimeError):
    """The reading process stopped or failed: the batches before it are imported."""


def _failed(kind: str, payload: Any) -> ReaderFailed:
    detail = payload if kind == "error" else f"unexpected {kind!r}"
    return ReaderFailed(f"reading the contact file failed: {detail}")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """The helper is done or no longer wanted; never leave it behind."""
    if proc.stdout is not None:
        proc.stdout.close()
    if proc.poll() is None:
        proc.kill()
    proc.wait()


def _receive(stream: IO[bytes]) -> tuple[str, Any]:
    head = stream.read(_FRAME.size)
    if len(head) < _FRAME.size:
        return "error", _CUT_SHORT
    (size,) = _FRAME.unpack(head)
    blob = stream.read(size)
    if len(blob) < size:
        return "error", _CUT_SHORT
    kind, payload = pickle.loads(blob)
    return str(kind), payload


def _send(stream: IO[bytes], kind: str, payload: Any) -> None:
    blob = pickle.dumps((kind, payload), protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_FRAME.pack(len(blob)))
    stream.write(blob)


def _encode(batch: Prepared) -> tuple[Any, ...]:
    """Flat tuples of strings: pickled dicts, lists and datetimes load ten times slower.
    Consent times repeat (`now`, a few dates), so each is sent once per batch."""
    consents: dict[datetime, int] = {}
    rows = []
    for r in batch.cleaned:
        v = r.values
        consent = None if r.consent_at is None else consents.setdefault(r.consent_at, len(consents))
        rows.append(
            (
                r.line,
                v["name"],
                v["title"],
                v["website"],
                v["address"],
                tuple(r.emails),
                tuple(r.phones),
                tuple(r.tags),
                r.company,
                consent,
                tuple(r.custom.items()) if r.custom else None,
                r.key,
                r.domain,
            )
        )
    return batch.count, rows, batch.rejected, list(consents)


def _decode(payload: tuple[Any, ...]) -> Prepared:
    count, rows, rejected, consents = payload
    cleaned = [
        CleanRow(
            line,
            {"name": name, "title": title, "website": website, "address": address},
            list(emails),
            list(phones),
            list(tags),
            company,
            None if consent is None else consents[consent],
            dict(custom) if custom else {},
            key,
            domain,
        )
        for (
            line,
            name,
            title,
            website,
            address,
            emails,
            phones,
            tags,
            company,
            consent,
            custom,
            key,
            domain,
        ) in rows
    ]
    return Prepared(count, cleaned, rejected)


def _serve(path: str, now: str, region: str, batch_size: str) -> int:
    """The helper: the header's verdict first, then every batch, then `done`."""
    out = sys.stdout.buffer
    # Ctrl-C reaches the whole process group: the importer decides, and stops this one.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    gc.disable()  # short-lived objects only, freed batch by batch
    try:
        try:
            contact_file = read_contact_file(Path(path))
        except (ContactFileError, OSError) as exc:
            _send(out, "refused", str(exc))
            return 0
        _send(out, "header", list(contact_file.warnings))
        when, size = datetime.fromisoformat(now), int(batch_size)
        try:
            for batch in prepare(contact_file.rows, now=when, region=region, batch_size=size):
                _send(out, "batch", _encode(batch))
        except ContactFileError as exc:  # a line nothing after can be read past
            _send(out, "refused", str(exc))
            out.flush()
            return 0
        _send(out, "done", None)
        out.flush()
    except BrokenPipeError:  # the importer stopped reading: nothing more to say
        os.dup2(os.open(os.devnull, os.O_WRONLY), out.fileno())  # nor at exit
        return 0
    except Exception as exc:  # reported to the importer, which raises it
        _send(out, "error", f"{type(exc).__name__}: {exc}")
        out.flush()
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(_serve(*sys.argv[1:5]))
