"""The SMTP sink both sides of a mail benchmark send to: Postfix's C `smtp-sink` when it can
be had, else a bare aiosmtpd sink (with a printed note).

A Python sink on the same two cores takes CPU the sender under test needs; Postfix's
`smtp-sink` costs almost none, so the figures measure the sender. It is taken from Debian's
postfix package without installing it (`apt-get download` from the local package cache or
mirror, `dpkg -x` into a temporary directory). Both our sender and the bare loop send to the
same sink in the same run, so the comparison stays fair either way.

Run alone (`python benchmarks/sinks.py`) it only says which sink a benchmark would use.
"""

from __future__ import annotations

import contextlib
import glob
import multiprocessing as mp
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CACHE = Path(tempfile.gettempdir()) / "crm-bench-postfix"


@dataclass(frozen=True)
class Sink:
    port: int
    name: str


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _postfix_dir() -> Path | None:
    """Where an extracted postfix package lives, extracting it first when needed."""
    binary = CACHE / "usr/sbin/smtp-sink"
    if binary.exists():
        return CACHE
    if not (shutil.which("apt-get") and shutil.which("dpkg")):
        return None
    work = Path(tempfile.mkdtemp(prefix="crm-pf-"))
    try:
        debs = glob.glob("/var/cache/apt/archives/postfix_*.deb")
        if not debs:
            subprocess.run(
                ["apt-get", "download", "postfix"],
                cwd=work,
                check=True,
                capture_output=True,
                timeout=120,
            )
            debs = glob.glob(str(work / "postfix_*.deb"))
        if not debs:
            return None
        subprocess.run(["dpkg", "-x", debs[0], str(CACHE)], check=True, capture_output=True)
    except (OSError, subprocess.SubprocessError):
        return None
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return CACHE if binary.exists() else None


def _wait_for(port: int, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
            return True
        time.sleep(0.05)
    return False


def _aiosmtpd_sink(port: int, ready: Any) -> None:
    from aiosmtpd.controller import Controller

    class Accept:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            return "250 OK"

    controller = Controller(Accept(), hostname="127.0.0.1", port=port)
    controller.start()
    ready.set()
    while True:
        time.sleep(3600)


@contextlib.contextmanager
def smtp_sink(prefer_postfix: bool = True) -> Iterator[Sink]:
    """A running sink on a free loopback port, stopped on exit."""
    port = free_port()
    pf = _postfix_dir() if prefer_postfix and os.geteuid() == 0 else None
    if pf is not None:
        env = {**os.environ, "LD_LIBRARY_PATH": str(pf / "usr/lib/postfix")}
        cmd = [str(pf / "usr/sbin/smtp-sink"), "-u", "nobody", f"127.0.0.1:{port}", "100"]
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        if _wait_for(port):
            try:
                yield Sink(port, "Postfix smtp-sink (C)")
            finally:
                proc.terminate()
                proc.wait(10)
            return
        proc.kill()
        print("note: Postfix smtp-sink did not start; using the aiosmtpd sink")
    elif prefer_postfix:
        print("note: Postfix smtp-sink not available (needs root and apt); using aiosmtpd")
    ready = mp.Event()
    server = mp.Process(target=_aiosmtpd_sink, args=(port, ready), daemon=True)
    server.start()
    ready.wait(30)
    try:
        yield Sink(port, "aiosmtpd sink (Python)")
    finally:
        server.terminate()
        server.join(5)


if __name__ == "__main__":
    with smtp_sink() as found:
        print(f"benchmarks send to: {found.name} on 127.0.0.1:{found.port}")
