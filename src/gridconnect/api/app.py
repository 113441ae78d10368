"""The composition root of the web service: engine, scheduler and routers meet here."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.routing import APIRoute
from sqlalchemy import Engine

from gridconnect import __version__
from gridconnect.api.docs import install_docs
from gridconnect.api.error_statuses import describe_errors
from gridconnect.api.errors import install_error_handlers
from gridconnect.api.input_guard import ControlCharacterGuard
from gridconnect.api.limits import BodySizeLimit
from gridconnect.api.pages import install_pages
from gridconnect.api.request_metrics import RequestMetrics
from gridconnect.api.routers import (  # outages capability
    admin,
    alert_inbox,  # command centre
    alerts,
    applications,
    auth,
    calendar,
    customer,  # selfservice
    document_files,  # selfservice
    documents,
    exports,
    health,
    metrics,
    outages,
    public,
    reliability,
    reports,
    selfservice,  # selfservice
    standards,
    users,
)
from gridconnect.api.routers import capacity as capacity  # open capacity (L52)
from gridconnect.api.routers import gov as gov_router  # govlink
from gridconnect.api.routers import orders as supervision_orders  # command centre
from gridconnect.api.routers import plans_public as plans_public  # customer, catalogue
from gridconnect.api.routers import supply_plans as supply_plans  # plans, charges
from gridconnect.api.security_headers import SecurityHeaders
from gridconnect.bootstrap import build_services
from gridconnect.config.settings import Settings, get_settings
from gridconnect.store.db import make_engine


def operation_id(route: APIRoute) -> str:
    """The route function's name: short, stable ids (`list_applications`) for generated
    clients, instead of FastAPI's path-derived default."""
    return route.name


def _freeze_startup_objects() -> None:
    """Move the objects start-up built (the policy, the calendar, the routes and their
    models, compiled statements), which live as long as the process, out of the garbage
    collector's sight: every full collection walked all of them again. Measured on a
    registration under load: the time in collections halved (0.33 to 0.16 ms a request)."""
    gc.collect()
    gc.freeze()


def create_app(
    settings: Settings | None = None,
    engine: Engine | None = None,
    start_scheduler: bool = False,
    freeze_startup_objects: bool | None = None,
) -> FastAPI:
    """Build the app. Nothing is connected or loaded until the lifespan starts.

    The lifespan builds the Services from `settings` alone; routes obtain them through
    `api.deps` (tests override those with `app.dependency_overrides`).
    `freeze_startup_objects` (by default: when the app builds its own engine, as a served
    process does) hides what start-up built from the garbage collector, see
    `_freeze_startup_objects`; a test process that builds many apps leaves it off, since a
    frozen object is never freed.
    """
    # Refuses a known or (when reachable) short secret; generates one in development.
    settings = (settings or get_settings()).with_secret()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = engine is None
        app_engine = engine if engine is not None else make_engine(settings.database_url)
        services = build_services(app_engine, settings)
        services.policy  # noqa: B018 - a bad policy file stops start-up, not the first request
        app.state.engine, app.state.services = app_engine, services
        if owned if freeze_startup_objects is None else freeze_startup_objects:
            _freeze_startup_objects()
        scheduler = None
        if start_scheduler:
            from gridconnect.scheduler.jobs import build_scheduler

            scheduler = build_scheduler(app_engine, settings)
            scheduler.start()
        try:
            yield
        finally:
            if scheduler is not None:
                scheduler.shutdown(wait=False)
            if owned:
                app_engine.dispose()

    app = FastAPI(
        title="gridconnect",
        version=__version__,
        summary="Power-connection applications under the Getting Electricity rules",
        lifespan=lifespan,
        generate_unique_id_function=operation_id,
        docs_url=None,  # served from the package by install_docs, not from CDNs
        redoc_url=None,
    )
    app.state.settings = settings
    install_error_handlers(app)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(ControlCharacterGuard)
    app.include_router(health.router)
    for module in (
        auth,
        applications,
        documents,
        public,
        standards,
        alerts,
        admin,
        users,
        calendar,
        reports,
        exports,
        # supply plans, charges and open capacity
        supply_plans,
        plans_public,
        capacity,
        gov_router,  # govlink
        supervision_orders,  # command centre
        alert_inbox,  # command centre
        selfservice,  # selfservice
        document_files,  # selfservice
        customer,  # selfservice
    ):
        describe_errors(module.router)
        app.include_router(module.router)
    # outages capability: the outage ledger, reliability figures, the customer registry
    for extra in (
        outages.router,
        outages.public_router,
        reliability.router,
        reliability.customers_router,
    ):
        describe_errors(extra)
        app.include_router(extra)
    install_pages(app)
    install_docs(app)
    # perf: /metrics (not public) and the request latency it reports
    app.router.routes.append(metrics.route)
    app.add_middleware(RequestMetrics)
    return app
