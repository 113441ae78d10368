"""Dependencies shared by routers and pages; tests replace them with app.dependency_overrides.

The lifespan builds the Services from the app's Settings (`gridconnect.bootstrap`); every
route obtains them, and the engine and calendar derived from them, through these
dependencies, so overriding `get_services` swaps all three.

They are `async def` because none of them blocks: FastAPI runs a plain `def` dependency in
the thread pool, one hand-off per dependency per request (anyio's
hand-off as the largest single item of a read).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import Engine

from gridconnect.calendar import WorkingCalendar
from gridconnect.config.settings import Settings
from gridconnect.services.context import Services


async def get_app_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


SettingsDep = Annotated[Settings, Depends(get_app_settings)]
ServicesDep = Annotated[Services, Depends(get_services)]


async def get_engine(services: ServicesDep) -> Engine:
    return services.engine


async def get_calendar(services: ServicesDep) -> WorkingCalendar:
    """The services' calendar (shipped notices plus GRIDCONNECT_CALENDAR_DIR, watched)."""
    return services.calendar


EngineDep = Annotated[Engine, Depends(get_engine)]
CalendarDep = Annotated[WorkingCalendar, Depends(get_calendar)]


async def bind_page_dependencies(
    request: Request, services: ServicesDep, settings: SettingsDep
) -> None:
    """Resolve Services and Settings once per page request, through Depends (so overrides
    apply), for the page helpers that take only the request (`services_of`, `settings_of`)."""
    request.state.services = services
    request.state.settings = settings


def services_of(request: Request) -> Services:
    """The Services `bind_page_dependencies` resolved for this request."""
    services: Services = request.state.services
    return services


def settings_of(request: Request) -> Settings:
    """The Settings `bind_page_dependencies` resolved for this request."""
    settings: Settings = request.state.settings
    return settings
