"""Settings read once at start from the environment and a .env file."""

from __future__ import annotations

import re
from datetime import time
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from nudgebot.content.paths import DEFAULT_CONTENT_DIR

_TOKEN_PATTERN = re.compile(r"^\d+:[A-Za-z0-9_-]+$")
_HH_MM = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
# What Telegram accepts as a webhook secret_token.
_WEBHOOK_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


class SettingsError(Exception):
    """A setting is missing or malformed; the message is one line saying what to set."""


class Settings(BaseSettings):
    """Everything an operator can configure; docs/operations.md describes each setting."""

    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        frozen=True,
        populate_by_name=True,
    )

    # Optional here: only the commands that talk to Telegram ask for it (require_token), so
    # `db upgrade`, `stats` or `content check` run on a machine that holds no token.
    telegram_bot_token: SecretStr | None = Field(
        default=None, validation_alias="TELEGRAM_BOT_TOKEN"
    )
    database_url: str = Field(
        default="sqlite+aiosqlite:///nudgebot.db", validation_alias="NUDGEBOT_DATABASE_URL"
    )
    telegram_api_url: str = Field(
        default="https://api.telegram.org/bot", validation_alias="NUDGEBOT_TELEGRAM_API_URL"
    )
    tick_seconds: float = Field(
        default=30.0, gt=0, le=3600, validation_alias="NUDGEBOT_TICK_SECONDS"
    )
    default_timezone: str = Field(default="UTC", validation_alias="NUDGEBOT_DEFAULT_TIMEZONE")
    default_send_time: str = Field(default="09:00", validation_alias="NUDGEBOT_DEFAULT_SEND_TIME")
    admin_ids: Annotated[frozenset[int], NoDecode] = Field(
        default=frozenset(), validation_alias="NUDGEBOT_ADMIN_IDS"
    )
    send_rate: float = Field(default=30.0, gt=0, le=1000, validation_alias="NUDGEBOT_SEND_RATE")
    send_concurrency: int = Field(
        default=64, ge=1, le=1024, validation_alias="NUDGEBOT_SEND_CONCURRENCY"
    )
    # Tips claimed per transaction: a process that dies mid-batch leaves at most this many
    # claims behind, each turning 'unknown'.
    batch_size: int = Field(default=200, ge=1, le=5000, validation_alias="NUDGEBOT_BATCH_SIZE")
    paid_broadcast: bool = Field(default=False, validation_alias="NUDGEBOT_PAID_BROADCAST")
    catch_up_hours: float = Field(
        default=3.0, ge=0, le=23, validation_alias="NUDGEBOT_CATCH_UP_HOURS"
    )
    # A claim older than this belongs to a process that died mid-send: it turns 'unknown'.
    # It must outlast the slowest send (timeouts and rate-limit waits included).
    claim_lease_seconds: float = Field(
        default=600.0, gt=0, le=86400, validation_alias="NUDGEBOT_CLAIM_LEASE_SECONDS"
    )
    # Where each engine journals what it hands to Telegram, so a crash costs only what was on the
    # wire (a folder per database inside); empty: ~/.local/state/nudgebot/send-journals.
    send_journal_dir: str = Field(default="", validation_alias="NUDGEBOT_SEND_JOURNAL_DIR")
    content_dir: Path = Field(default=DEFAULT_CONTENT_DIR, validation_alias="NUDGEBOT_CONTENT_DIR")
    webhook_url: str = Field(default="", validation_alias="NUDGEBOT_WEBHOOK_URL")
    webhook_secret: SecretStr = Field(
        default=SecretStr(""), validation_alias="NUDGEBOT_WEBHOOK_SECRET"
    )
    listen: str = Field(default="127.0.0.1", min_length=1, validation_alias="NUDGEBOT_LISTEN")
    port: int = Field(default=8080, ge=0, le=65535, validation_alias="NUDGEBOT_PORT")
    # host:port for /healthz and /metrics alone; empty serves them beside /telegram.
    metrics_listen: str = Field(default="", validation_alias="NUDGEBOT_METRICS_LISTEN")
    shutdown_seconds: float = Field(
        default=20.0, gt=0, le=600, validation_alias="NUDGEBOT_SHUTDOWN_SECONDS"
    )
    # The send path's request class: the lean client, or aiohttp's to fall back on.
    http_client: Literal["lean", "aiohttp"] = Field(
        default="lean", validation_alias="NUDGEBOT_HTTP_CLIENT"
    )

    # Every Bot API call goes through this proxy; without it HTTPS_PROXY / HTTP_PROXY apply,
    # and NO_PROXY names hosts that go direct in both cases (nudgebot.telegram.proxy).
    proxy_url: str = Field(default="", validation_alias="NUDGEBOT_PROXY_URL")

    @field_validator("telegram_bot_token")
    @classmethod
    def _token_looks_like_a_token(cls, value: SecretStr | None) -> SecretStr | None:
        token = "" if value is None else value.get_secret_value().strip()
        if not token:
            return None  # `TELEGRAM_BOT_TOKEN=` in .env reads as not set
        if not _TOKEN_PATTERN.match(token):
            raise ValueError("does not look like a bot token (digits, a colon, then letters)")
        return SecretStr(token)

    @field_validator("database_url")
    @classmethod
    def _supported_database(cls, value: str) -> str:
        if not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError("must start with sqlite+aiosqlite:// or postgresql+asyncpg://")
        return value

    @field_validator("telegram_api_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be an http(s) URL such as https://api.telegram.org/bot")
        return value

    @field_validator("proxy_url")
    @classmethod
    def _proxy_url(cls, value: str) -> str:
        value = value.strip()
        if not value:
            return value
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https"):
            raise ValueError("must be an http:// or https:// proxy URL such as http://proxy:3128")
        try:
            parts.port  # noqa: B018 - raises on a port that is not a number
        except ValueError:
            raise ValueError("has a port that is not a number from 1 to 65535") from None
        if not parts.hostname:
            raise ValueError("has no host: write it as http://proxy.example:3128")
        return value

    @field_validator("webhook_url")
    @classmethod
    def _webhook_http_url(cls, value: str) -> str:
        value = value.strip()
        if value and not value.startswith(("http://", "https://")):
            raise ValueError("must be the public https URL Telegram posts to, ending in /telegram")
        return value

    @field_validator("webhook_secret")
    @classmethod
    def _telegram_secret(cls, value: SecretStr) -> SecretStr:
        secret = value.get_secret_value().strip()
        if secret and not _WEBHOOK_SECRET.match(secret):
            raise ValueError("must be 1-256 characters of A-Z, a-z, 0-9, _ and - only")
        return SecretStr(secret)

    @field_validator("metrics_listen")
    @classmethod
    def _host_and_port(cls, value: str) -> str:
        value = value.strip()
        if value and _split_host_port(value) is None:
            raise ValueError(
                "must be host:port such as 127.0.0.1:9100 (an IPv6 host in brackets: [::1]:9100)"
            )
        return value

    @field_validator("http_client", mode="before")
    @classmethod
    def _known_client(cls, value: object) -> object:
        name = value.strip().lower() if isinstance(value, str) else value
        if name not in ("lean", "aiohttp"):
            raise ValueError("must be lean (the default) or aiohttp")
        return name

    @field_validator("default_timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError("must be an IANA time zone name such as Europe/Berlin") from None
        return value

    @field_validator("default_send_time")
    @classmethod
    def _hh_mm(cls, value: str) -> str:
        match = _HH_MM.match(value.strip())
        if not match:
            raise ValueError("must be a 24-hour time HH:MM such as 09:00")
        return f"{int(match.group(1)):02d}:{match.group(2)}"

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _comma_separated_ids(cls, value: object) -> object:
        if isinstance(value, int):
            return frozenset({value})
        if isinstance(value, str):
            parts = [part.strip() for part in value.split(",") if part.strip()]
            if not all(re.fullmatch(r"-?\d+", part) for part in parts):
                raise ValueError(
                    "must be numeric Telegram user ids separated by commas, e.g. 12345,67890"
                )
            return frozenset(int(part) for part in parts)
        return value

    @property
    def token(self) -> str:
        """The bot token, or "" when none is set (see require_token)."""
        return "" if self.telegram_bot_token is None else self.telegram_bot_token.get_secret_value()

    @property
    def send_time(self) -> time:
        hours, minutes = self.default_send_time.split(":")
        return time(int(hours), int(minutes))

    @property
    def secret_token(self) -> str:
        return self.webhook_secret.get_secret_value()

    @property
    def metrics_address(self) -> tuple[str, int] | None:
        """Where /healthz and /metrics listen on their own, or None: beside /telegram."""
        return _split_host_port(self.metrics_listen) if self.metrics_listen else None


def _split_host_port(value: str) -> tuple[str, int] | None:
    host, colon, port = value.rpartition(":")
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
        if not host or ":" not in host:
            return None
    elif ":" in host:
        return None  # an IPv6 address needs brackets, or its last group reads as the port
    if not colon or not host or not port.isascii() or not port.isdigit() or int(port) > 65535:
        return None
    if any(char.isspace() or char in "/[]@" for char in host):
        return None
    return host, int(port)


_ENV_NAMES = {name: str(field.validation_alias) for name, field in Settings.model_fields.items()}
# Every variable Settings reads: an unknown NUDGEBOT_* one is most likely a typo of one of these.
SETTING_NAMES: frozenset[str] = frozenset(_ENV_NAMES.values())


def load_settings(**overrides: object) -> Settings:
    """Read settings once; a problem becomes one SettingsError line naming the variable."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as error:
        first = error.errors()[0]
        location = first["loc"][0] if first["loc"] else ""
        env_name = _ENV_NAMES.get(str(location), str(location))
        if first["type"] == "missing":
            raise SettingsError(f"{env_name} is not set") from None
        message = str(first["msg"]).removeprefix("Value error, ")
        if message[:1].isupper():
            # pydantic's own sentence ("Input should be a valid number"): after a colon.
            raise SettingsError(f"{env_name}: {message[0].lower()}{message[1:]}") from None
        raise SettingsError(f"{env_name} {message}") from None


def require_token(settings: Settings) -> None:
    """Commands that talk to Telegram need the token; the others never ask for it."""
    if not settings.token:
        raise SettingsError(
            "TELEGRAM_BOT_TOKEN is not set: get a token from @BotFather and "
            "export TELEGRAM_BOT_TOKEN=123456:ABC... (or put it in .env)"
        )


def require_webhook(settings: Settings) -> None:
    """Webhook mode needs a public URL and a secret; say which one is missing, in one line."""
    if not settings.webhook_url:
        raise SettingsError(
            "NUDGEBOT_WEBHOOK_URL is not set: --webhook needs the public https URL Telegram "
            "posts to, e.g. https://bot.example.org/telegram"
        )
    if not settings.secret_token:
        raise SettingsError(
            "NUDGEBOT_WEBHOOK_SECRET is not set: --webhook needs a secret of 1-256 characters "
            "of A-Z, a-z, 0-9, _ and -, e.g. from `openssl rand -hex 32`"
        )
