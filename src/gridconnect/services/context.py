"""What the service layer needs, built once by the composition root (`gridconnect.bootstrap`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Engine

from gridconnect.calendar import WorkingCalendar
from gridconnect.config.policy_model import Policy
from gridconnect.services.alert_routing import AlertRecipients
from gridconnect.store.files import FileStore
from gridconnect.store.reading import read_application, read_only
from gridconnect.store.uow import UnitOfWork
from gridconnect.timesource import now as system_now
from gridconnect.workflow.model import Application

if TYPE_CHECKING:  # govlink
    from gridconnect.services.govlink.platform import GovPlatform


@dataclass
class Services:
    engine: Engine
    policy_source: Callable[[], Policy]
    calendar_source: Callable[[], WorkingCalendar]
    files: FileStore
    # A plain list of channels, or AlertRecipients routing by company and city.
    alert_channels: Sequence[str] | AlertRecipients = field(default_factory=list)
    customer_channels: list[str] = field(default_factory=list)
    now: Callable[[], datetime] = system_now
    # govlink: the government platform (None: not configured, manual entry as before).
    gov_platform: GovPlatform | None = None

    @property
    def policy(self) -> Policy:
        return self.policy_source()

    @property
    def calendar(self) -> WorkingCalendar:
        return self.calendar_source()

    def unit_of_work(self) -> UnitOfWork:
        return UnitOfWork(self.engine)

    def read_application(self, application_id: int) -> Application | None:
        """An application to show, read without a unit of work (`store.reading`)."""
        with read_only(self.engine) as connection:
            return read_application(connection, application_id)


@dataclass(frozen=True)
class Scope:
    """Which applications a user may see: a company and its cities; None means all."""

    company: str | None = None
    cities: tuple[str, ...] | None = None

    def admits(self, company: str, city: str) -> bool:
        if self.company is not None and company != self.company:
            return False
        return self.cities is None or city in self.cities


EVERYTHING = Scope()
