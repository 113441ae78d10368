"""What a CLI command runs on: the process's settings and Services built from them.

Every command that touches the database goes through `cli_services()`, so none rebuilds
settings or an engine by hand; the engine is disposed of when the command ends.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from gridconnect.bootstrap import open_services
from gridconnect.config.settings import Settings, get_settings
from gridconnect.services.context import Services


def cli_settings() -> Settings:
    """The settings of this invocation (`gridconnect` checked them before any command)."""
    return get_settings()


@contextmanager
def cli_services(settings: Settings | None = None) -> Iterator[Services]:
    """`with cli_services() as svc:` Services on a fresh engine, disposed of on leaving."""
    with open_services(settings or cli_settings()) as services:
        yield services
