"""The development signing secret: random, made at first start, kept beside the database.

A fixed default ("change-me") let anyone forge an administrator's token. A
random secret per installation is as convenient and forges nothing; keeping it in a file
keeps sessions and access codes valid across restarts and between the `serve` and CLI
processes. The file is created with O_EXCL and mode 0600, so two processes starting at once
agree on one secret and other local users cannot read it. Tests (`environment=test`) without
a secret get one in memory.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from gridconnect.config.settings import Settings

SECRET_FILE_SUFFIX = ".secret"


def secret_file(settings: Settings) -> Path:
    """`gridconnect.db.secret` beside a SQLite file; `.gridconnect.secret` otherwise."""
    url = settings.database_url
    if url.startswith("sqlite:///") and ":memory:" not in url:
        database = Path(url.removeprefix("sqlite:///"))
        return database.with_name(database.name + SECRET_FILE_SUFFIX)
    return Path(".gridconnect" + SECRET_FILE_SUFFIX)


def development_secret(settings: Settings) -> str:
    """The installation's secret, made on first use; in memory only for tests."""
    if settings.environment != "development":
        return secrets.token_urlsafe(48)
    path = secret_file(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read(path)
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(secrets.token_urlsafe(48) + "\n")
    return _read(path)


def _read(path: Path) -> str:
    value = path.read_text(encoding="ascii").strip()
    if len(value) < 32:  # half-written by a process that died, or edited by hand
        raise RuntimeError(f"{path} holds no usable secret: delete it to make a new one")
    return value
