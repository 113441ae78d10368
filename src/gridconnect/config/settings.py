"""Runtime settings, read once from the environment (prefix GRIDCONNECT_).

The signing secret (`GRIDCONNECT_SECRET_KEY`) signs tokens, session and CSRF values and keys
the access-code hashes. A string anyone can guess lets anyone forge a session, so a known
secret is refused everywhere and a short one wherever the server is reachable from another
machine (bound to anything but loopback) or runs in production. Development without a secret
generates one at first start and keeps it in a file beside the database (`signing.py`).
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# Strings published in examples and old defaults: a token signed with one is forgeable.
KNOWN_SECRETS = frozenset(
    {
        "change-me",
        "changeme",
        "change_me",
        "secret",
        "secret-key",
        "secretkey",
        "password",
        "gridconnect",
        "development",
        "dev",
        "test",
        "your-secret-key",
        "default",
    }
)
MIN_SECRET_LENGTH = 32


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="GRIDCONNECT_", extra="ignore")

    environment: Literal["development", "test", "production"] = "development"
    database_url: str = "sqlite:///./gridconnect.db"
    calendar_dir: Path | None = None
    policy_file: Path | None = None
    files_dir: Path = Path("./files")
    max_upload_bytes: int = Field(default=20 * 1024 * 1024, gt=0)
    max_body_bytes: int = Field(default=25 * 1024 * 1024, gt=0)
    scan_interval_seconds: int = Field(default=300, gt=0)
    outbox_interval_seconds: int = Field(default=30, gt=0)
    alert_webhooks: list[str] = Field(default_factory=list)
    # {"sgcc": [url, ...], "sgcc/西安": [url, ...]}: alerts of that company or city only.
    alert_routes: dict[str, list[str]] = Field(default_factory=dict)
    customer_webhooks: list[str] = Field(default_factory=list)
    # None: development generates one (kept beside the database); elsewhere start-up stops.
    secret_key: SecretStr | None = None
    token_hours: float = Field(default=8.0, gt=0)
    host: str = "127.0.0.1"
    port: int = Field(default=8000, gt=0, lt=65536)
    # Sign-in limits: per account, per client address, and argon2 checks at once.
    login_attempts_per_account: int = Field(default=5, gt=0)
    login_attempts_per_client: int = Field(default=20, gt=0)
    login_window_seconds: int = Field(default=900, gt=0)
    max_concurrent_password_checks: int = Field(default=2, gt=0)
    # govlink: the government platform; no URL = manual entry, as before.
    gov_platform_url: str | None = None
    gov_platform_secret: SecretStr | None = None
    gov_platform_timeout_seconds: float = Field(default=5.0, gt=0)
    # perf: operations. /metrics wants this as a bearer token; unset, only a
    # client on this machine (not through a proxy) may scrape.
    metrics_token: SecretStr | None = None
    # "json": one JSON object per log line (for a log shipper); "text" for people.
    log_format: Literal["text", "json"] = "text"

    @field_validator("database_url")
    @classmethod
    def _known_database(cls, value: str) -> str:
        if not value.startswith(("sqlite", "postgresql")):
            raise ValueError("must be a sqlite:/// or postgresql+psycopg:// URL")
        return value

    @model_validator(mode="after")
    def _gov_platform_secret(self) -> Settings:
        """govlink: a platform URL needs a shared secret anyone cannot guess."""
        if self.gov_platform_url is None:
            return self
        if not self.gov_platform_url.startswith(("http://", "https://")):
            raise ValueError("gov_platform_url must be an http:// or https:// URL")
        secret = self.gov_platform_secret.get_secret_value() if self.gov_platform_secret else ""
        if len(secret) < MIN_SECRET_LENGTH or secret.strip().lower() in KNOWN_SECRETS:
            raise ValueError(
                f"gov_platform_secret must be set, at least {MIN_SECRET_LENGTH} characters, "
                "when gov_platform_url is"
            )
        return self

    def check_for_serving(self, host: str | None = None) -> None:
        """Refuse a known secret anywhere; a short or missing one when others can reach us."""
        secret = self.secret_key.get_secret_value() if self.secret_key is not None else ""
        exposed = self.environment == "production" or not is_loopback(host or self.host)
        if not secret:
            if not exposed:
                return  # development and tests on loopback generate one (`with_secret`)
            raise SettingsError(
                "GRIDCONNECT_SECRET_KEY must be set to a secret of your own "
                "(only development and tests on loopback generate one)"
            )
        if secret.strip().lower() in KNOWN_SECRETS:
            raise SettingsError(
                "GRIDCONNECT_SECRET_KEY is a published example value: anyone could sign "
                "tokens with it; set a random secret (python -c 'import secrets; "
                "print(secrets.token_urlsafe(48))')"
            )
        if exposed and len(secret) < MIN_SECRET_LENGTH:
            raise SettingsError(
                f"GRIDCONNECT_SECRET_KEY must be at least {MIN_SECRET_LENGTH} characters "
                "when the server is reachable from another machine"
            )

    def with_secret(self) -> Settings:
        """These settings, checked, with a secret to sign with (generated when allowed)."""
        self.check_for_serving()
        if self.secret_key is not None and self.secret_key.get_secret_value():
            return self
        from gridconnect.config.signing import development_secret

        return self.model_copy(update={"secret_key": SecretStr(development_secret(self))})

    def signing_secret(self) -> str:
        """The secret itself, for HMAC and JWT; only after `with_secret`."""
        if self.secret_key is None or not self.secret_key.get_secret_value():
            raise SettingsError("GRIDCONNECT_SECRET_KEY: no signing secret (call with_secret)")
        return self.secret_key.get_secret_value()


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and localhost: nobody else can connect."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class SettingsError(RuntimeError):
    """A setting is wrong; the message names the environment variable."""


def load_settings() -> Settings:
    """Read settings, turning pydantic's report into one naming the variables."""
    try:
        return Settings()
    except ValidationError as exc:
        lines = []
        for error in exc.errors():
            field = str(error["loc"][0]) if error["loc"] else "?"
            lines.append(f"GRIDCONNECT_{field.upper()}: {error['msg']}")
        raise SettingsError("invalid settings:\n  " + "\n  ".join(lines)) from None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process's settings; tests call `get_settings.cache_clear()` after changing the env."""
    return load_settings()
