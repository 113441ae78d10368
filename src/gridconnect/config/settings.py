"""Runtime settings, read once from the environment (prefix GRIDCONNECT_)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_SECRET = "change-me"


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
    secret_key: str = DEFAULT_SECRET
    token_hours: float = Field(default=8.0, gt=0)
    host: str = "127.0.0.1"
    port: int = Field(default=8000, gt=0, lt=65536)

    @field_validator("database_url")
    @classmethod
    def _known_database(cls, value: str) -> str:
        if not value.startswith(("sqlite", "postgresql")):
            raise ValueError("must be a sqlite:/// or postgresql+psycopg:// URL")
        return value

    def check_for_serving(self) -> None:
        """Refuse to serve outside development with the default or an empty signing secret."""
        if self.environment != "development" and self.secret_key in ("", DEFAULT_SECRET):
            raise SettingsError(
                "GRIDCONNECT_SECRET_KEY must be set to a secret of your own outside development"
            )


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
