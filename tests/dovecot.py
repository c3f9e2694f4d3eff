"""A private Dovecot IMAP server for a test session (config from the shared TESTING notes)."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from tests.services import free_port, port_open

CONFIG = """protocols = imap
listen = 127.0.0.1
base_dir = {d}/run
state_dir = {d}/state
log_path = {d}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {d}/users
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {d}/users
  default_fields = uid=5000 gid=5000 home={d}/home/%u
}}
mail_location = maildir:~/Maildir
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
"""


@dataclass
class Dovecot:
    directory: Path
    port: int
    process: subprocess.Popen[bytes] | None = None
    user: str = "bot"
    password: str = "secret"

    @property
    def url(self) -> str:
        return f"imap://{self.user}:{self.password}@127.0.0.1:{self.port}/INBOX"

    def start(self) -> None:
        d = self.directory
        for sub in ("run", "state", f"home/{self.user}"):
            (d / sub).mkdir(parents=True, exist_ok=True)
        (d / "users").write_text(f"{self.user}:{{PLAIN}}{self.password}:5000:5000::{d}/home/bot\n")
        (d / "dovecot.conf").write_text(CONFIG.format(d=d, port=self.port))
        if os.geteuid() == 0:
            subprocess.run(["chown", "-R", "5000:5000", str(d / "home")], check=True)
        binary = shutil.which("dovecot")
        assert binary is not None
        self.process = subprocess.Popen([binary, "-F", "-c", str(d / "dovecot.conf")])
        deadline = time.monotonic() + 10
        while not port_open("127.0.0.1", self.port):
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise RuntimeError(f"dovecot did not start: {(d / 'dovecot.log').read_text()}")
            time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
            self.process = None


def new_dovecot(directory: Path) -> Dovecot:
    return Dovecot(directory=directory, port=free_port())
