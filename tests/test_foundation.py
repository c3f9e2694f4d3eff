"""The foundation as a newcomer meets it: settings, `crm init`, `crm user add`, `crm serve`."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from store.settings import SettingsError, load_settings
from tests.cli import run_crm
from tests.services import free_port

ROOT = Path(__file__).resolve().parents[1]


def test_settings_have_the_documented_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in list(os.environ):
        if key.startswith("CRM_"):
            monkeypatch.delenv(key)
    s = load_settings()
    assert s.database_url == "sqlite:///crm.db"
    assert s.mail_domain == "crm.localhost"
    assert (s.smtp_host, s.smtp_port, s.smtp_max_bytes) == ("127.0.0.1", 2525, 26214400)
    assert s.base_url == "http://127.0.0.1:8080"
    assert s.maildir == "./outbox-maildir"


def test_public_url_follows_http_host_and_port(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CRM_HTTP_PORT", "9000")
    monkeypatch.delenv("CRM_PUBLIC_URL", raising=False)
    assert load_settings().base_url == "http://127.0.0.1:9000"
    monkeypatch.setenv("CRM_PUBLIC_URL", "https://crm.example.com/")
    assert load_settings().base_url == "https://crm.example.com"


@pytest.mark.parametrize(
    ("var", "value"),
    [
        ("CRM_SMTP_PORT", "not-a-port"),
        ("CRM_SMTP_PORT", "70000"),
        ("CRM_TIMEZONE", "Mars/Olympus"),
        ("CRM_DATABASE_URL", "mysql://x"),
        ("CRM_RELAY_URL", "http://relay"),
        ("CRM_DUNNING_LEVELS", "10,3"),
    ],
)
def test_a_bad_setting_stops_start_up_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, var: str, value: str
) -> None:
    monkeypatch.setenv(var, value)
    with pytest.raises(SettingsError, match=var):
        load_settings()


def test_crm_toml_is_read_and_environment_wins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "crm.toml").write_text('mail_domain = "crm.acme.test"\nsmtp_port = 2626\n')
    monkeypatch.delenv("CRM_MAIL_DOMAIN", raising=False)
    monkeypatch.setenv("CRM_SMTP_PORT", "2727")
    s = load_settings()
    assert s.mail_domain == "crm.acme.test"
    assert s.smtp_port == 2727


def test_init_is_safe_to_repeat(crm_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_crm(capsys, "init").code == 0
    assert run_crm(capsys, "init").code == 0


def test_user_add_prints_the_forwarding_address_last(
    crm_env: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CRM_MAIL_DOMAIN", "crm.ourco.test")
    result = run_crm(
        capsys,
        "user",
        "add",
        "Ann@OurCo.com",
        "--name",
        "Ann Lee",
        "--tz",
        "Europe/Berlin",
        "--role",
        "admin",
        "--slack-id",
        "U0ANN",
    )
    assert result.code == 0, result.err
    assert result.last_line.startswith("crm+")
    assert result.last_line.endswith("@crm.ourco.test")
    other = run_crm(capsys, "user", "add", "bob@ourco.com", "--name", "Bob")
    assert other.last_line != result.last_line


def test_user_add_refuses_duplicates_and_bad_input(
    crm_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_crm(capsys, "user", "add", "ann@ourco.com", "--name", "Ann").code == 0
    dup = run_crm(capsys, "user", "add", "ANN@ourco.com", "--name", "Ann again")
    assert dup.code == 1
    assert dup.err.strip().splitlines() == ["error: ann@ourco.com is already a team member"]
    assert run_crm(capsys, "user", "add", "x@ourco.com", "--name", "X", "--role", "boss").code == 2
    bad_tz = run_crm(capsys, "user", "add", "y@ourco.com", "--name", "Y", "--tz", "Nowhere/X")
    assert bad_tz.code == 1 and "time zone" in bad_tz.err
    assert run_crm(capsys, "user", "add").code == 2


def test_bad_setting_makes_crm_exit_1_with_one_line(
    crm_env: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CRM_SMTP_PORT", "abc")
    result = run_crm(capsys, "init")
    assert result.code == 1
    assert len(result.err.strip().splitlines()) == 1
    assert "CRM_SMTP_PORT" in result.err


def _get(url: str) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=2) as resp:
        return resp.status, resp.read()


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_serve_answers_healthz_and_stops_cleanly(crm_env: Path, sig: signal.Signals) -> None:
    port = free_port()
    env = {**os.environ, "CRM_HTTP_PORT": str(port), "CRM_SMTP_PORT": str(free_port())}
    crm = [sys.executable, "-c", "from bot.cli.app import main; main()"]
    proc = subprocess.Popen(
        [*crm, "serve"], env=env, cwd=crm_env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        deadline = time.monotonic() + 90
        status = None
        while time.monotonic() < deadline:
            try:
                status, body = _get(f"http://127.0.0.1:{port}/healthz")
                break
            except OSError:
                time.sleep(0.1)
        assert status == 200
        assert b'"ok"' in body
        proc.send_signal(sig)
        assert proc.wait(timeout=60) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
    output = proc.stdout.read().decode() if proc.stdout else ""
    assert "stopped" in output
