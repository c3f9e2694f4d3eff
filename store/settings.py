"""One settings object for every `CRM_` variable, read and validated once at start-up.

Settings live in `store` because every layer needs them and `store` is the lowest layer
that may be imported by all the others.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict


class SettingsError(Exception):
    """A configuration value is wrong; the message names the variable."""


def _toml_file() -> Path:
    return Path("crm.toml")


class TomlSource(PydanticBaseSettingsSource):
    """Reads an optional `crm.toml` whose keys are the variable names without `CRM_`."""

    def __init__(self, settings_cls: type[BaseSettings]) -> None:
        super().__init__(settings_cls)
        path = _toml_file()
        self._data: dict[str, Any] = {}
        if path.exists():
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
            self._data = {str(k).lower(): v for k, v in raw.items()}

    def get_field_value(self, field: Any, field_name: str) -> tuple[Any, str, bool]:
        return self._data.get(field_name), field_name, False

    def __call__(self) -> dict[str, Any]:
        return {k: v for k, v in self._data.items() if k in self.settings_cls.model_fields}


class Settings(BaseSettings):
    """The product's configuration. Field names map to `CRM_<NAME>` variables."""

    model_config = SettingsConfigDict(env_prefix="CRM_", extra="ignore", frozen=True)

    database_url: str = "sqlite:///crm.db"
    mail_domain: str = "crm.localhost"
    smtp_host: str = "127.0.0.1"
    smtp_port: int = Field(2525, ge=0, le=65535)
    smtp_max_bytes: int = Field(26214400, gt=0)
    smtp_tls_cert: str | None = None
    smtp_tls_key: str | None = None
    smtp_auth_user: str | None = None
    smtp_auth_password: str | None = None
    http_host: str = "127.0.0.1"
    http_port: int = Field(8080, ge=0, le=65535)
    public_url: str | None = None
    relay_url: str | None = None
    relay_rate: float = Field(20.0, gt=0, description="messages per second to the relay")
    maildir: str = "./outbox-maildir"
    mail_from: str | None = None
    slack_bot_token: str | None = None
    slack_signing_secret: str | None = None
    slack_app_token: str | None = None
    slack_api_url: str = "https://slack.com/api/"
    imap_url: str | None = None
    imap_move_to: str | None = None
    imap_delete: bool = False
    timezone: str = "UTC"
    default_region: str = "US"
    spacy_model: str | None = None
    erp_database_url: str | None = None
    erp_mapping: str | None = None
    dunning_levels: str = "3,10,20,30"
    dunning_quiet_days: int = Field(7, ge=0)
    digest_hour: int = Field(7, ge=0, le=23)
    stale_days: int = Field(30, ge=1)
    replies_per_sender_per_hour: int = Field(20, ge=1)
    scheduler: bool = True
    jobs_interval: float = Field(60.0, gt=0, description="seconds between scheduled sweeps")
    mailer_interval: float = Field(5.0, gt=0, description="seconds between outbox deliveries")
    campaign_rate: float = Field(10.0, ge=0, description="campaign messages/s; 0 = no limit")
    campaign_hourly_limit: int = Field(0, ge=0, description="campaign messages per hour; 0 = none")
    campaign_error_limit: int = Field(10, ge=1, description="consecutive errors that pause a send")
    campaign_connections: int = Field(1, ge=1, le=32, description="parallel relay connections")

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings, TomlSource(settings_cls))

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @field_validator("database_url")
    @classmethod
    def _known_database(cls, value: str) -> str:
        scheme = value.split(":", 1)[0]
        if not (scheme.startswith("sqlite") or scheme.startswith("postgresql")):
            raise ValueError("must be a sqlite:/// or postgresql+psycopg:// URL")
        return value

    @field_validator("relay_url")
    @classmethod
    def _relay(cls, value: str | None) -> str | None:
        if value:
            parts = urlsplit(value)
            if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
                raise ValueError("must look like smtp://user:pass@host:port or smtps://…")
        return value or None

    @field_validator("imap_url")
    @classmethod
    def _imap(cls, value: str | None) -> str | None:
        if value:
            parts = urlsplit(value)
            if parts.scheme not in ("imap", "imaps") or not parts.hostname:
                raise ValueError("must look like imap://user:pass@host:port/INBOX or imaps://…")
        return value or None

    @field_validator("dunning_levels")
    @classmethod
    def _levels(cls, value: str) -> str:
        try:
            days = [int(p) for p in value.split(",") if p.strip()]
        except ValueError as exc:
            raise ValueError("must be comma-separated whole days, e.g. 3,10,20,30") from exc
        if not days or days != sorted(set(days)) or days[0] < 1:
            raise ValueError("must be increasing whole days >= 1, e.g. 3,10,20,30")
        return value

    @model_validator(mode="after")
    def _tls_pair(self) -> Settings:
        if bool(self.smtp_tls_cert) != bool(self.smtp_tls_key):
            raise ValueError("CRM_SMTP_TLS_CERT and CRM_SMTP_TLS_KEY go together")
        return self

    @property
    def base_url(self) -> str:
        """The base of links put in emails."""
        if self.public_url:
            return self.public_url.rstrip("/")
        return f"http://{self.http_host}:{self.http_port}"

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def bot_address(self) -> str:
        """The From address of everything the product sends."""
        return self.mail_from or f"crm@{self.mail_domain}"

    @property
    def dunning_days(self) -> list[int]:
        return [int(p) for p in self.dunning_levels.split(",") if p.strip()]


def load_settings(**overrides: Any) -> Settings:
    """Build the settings or raise SettingsError naming the offending variable."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            loc = err.get("loc") or ()
            name = f"CRM_{str(loc[0]).upper()}" if loc else "configuration"
            lines.append(f"{name}: {err.get('msg', 'invalid value')}")
        raise SettingsError("; ".join(lines)) from None
