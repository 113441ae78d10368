"""The composition root: everything the API, the CLI and the scheduler run on, from Settings.

Nothing here reads the environment: `build_services(engine, settings)` wires the policy
file, the notice directory, the file store and the alert channels of the `Settings` it is
given, so two sets of settings in one process (tests, a second worker) never mix. Callers
obtain settings once (`get_settings()` in the CLI, `create_app(settings)` for the web).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache

from sqlalchemy import Engine

from gridconnect.calendar import WorkingCalendar
from gridconnect.config.policy import load_policy
from gridconnect.config.policy_model import Policy
from gridconnect.config.settings import Settings
from gridconnect.services.alert_routing import AlertRecipients
from gridconnect.services.calendar_source import NoticeDirectoryCalendar
from gridconnect.services.context import Services
from gridconnect.services.govlink.platform import gov_platform
from gridconnect.store.db import make_engine
from gridconnect.store.files import FileStore


def policy_source(settings: Settings) -> Callable[[], Policy]:
    """The policy of `settings.policy_file` (the shipped one when unset), read on first use.

    Read once per process: a changed policy file takes effect at the next start, followed
    by `gridconnect sla recompute` (the README says so).
    """
    path = settings.policy_file
    return cache(lambda: load_policy(path))


def calendar_source(settings: Settings) -> Callable[[], WorkingCalendar]:
    """The shipped notices plus those in `settings.calendar_dir`, watched for new files."""
    return NoticeDirectoryCalendar(settings.calendar_dir)


def alert_recipients(settings: Settings) -> AlertRecipients:
    return AlertRecipients.from_settings(settings.alert_webhooks, settings.alert_routes)


def build_services(engine: Engine, settings: Settings) -> Services:
    """Services wired from `settings` alone: policy, calendar, file store, channels."""
    return Services(
        engine=engine,
        policy_source=policy_source(settings),
        calendar_source=calendar_source(settings),
        files=FileStore(settings.files_dir, settings.max_upload_bytes),
        alert_channels=alert_recipients(settings),
        customer_channels=list(settings.customer_webhooks),
        gov_platform=gov_platform(settings),  # govlink
    )


@contextmanager
def open_services(settings: Settings) -> Iterator[Services]:
    """Services on a new engine for `settings.database_url`, disposed of on leaving."""
    engine = make_engine(settings.database_url)
    try:
        yield build_services(engine, settings)
    finally:
        engine.dispose()
