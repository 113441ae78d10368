"""How `gridconnect serve` runs: one process, or N API workers and one scheduler.

One worker serves the app object in this process (its lifespan starts the scheduler).
Several workers are separate processes that uvicorn starts from the import string
`gridconnect.serving:worker_app` (each builds its own app and engine from the same
environment); the scheduler then runs once, in this supervising process, so a scan is not
attempted N times (extra schedulers would only wait on the scan's advisory lock). The
workers and this process count metrics into one directory (prometheus-client's
multiprocess mode), so a scrape of any worker sees all of them.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from contextlib import suppress

from fastapi import FastAPI

from gridconnect.config.settings import Settings

METRICS_DIR_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"


def worker_app() -> FastAPI:
    """The app of one API worker (no scheduler: the supervising process runs it)."""
    from gridconnect.api.app import create_app

    return create_app()


def serve_single(settings: Settings, host: str, port: int, scheduler: bool) -> None:
    import uvicorn

    from gridconnect.api.app import create_app
    from gridconnect.observability.logs import configure_logging, uvicorn_log_config

    configure_logging(settings.log_format)
    web = create_app(settings, start_scheduler=scheduler)
    uvicorn.run(web, host=host, port=port, log_config=uvicorn_log_config(settings.log_format))


def serve_multiple(settings: Settings, host: str, port: int, workers: int, scheduler: bool) -> None:
    """N worker processes on one port; the scheduler here unless `scheduler` is False."""
    import uvicorn

    own_metrics_dir = None
    if not os.environ.get(METRICS_DIR_VARIABLE):
        own_metrics_dir = tempfile.mkdtemp(prefix="gridconnect-metrics-")
        os.environ[METRICS_DIR_VARIABLE] = own_metrics_dir  # before prometheus_client loads
    from gridconnect.observability.logs import configure_logging, uvicorn_log_config

    configure_logging(settings.log_format)
    background = None
    engine = None
    try:
        if scheduler:
            from gridconnect.scheduler.jobs import build_scheduler
            from gridconnect.store.db import make_engine

            engine = make_engine(settings.database_url)
            background = build_scheduler(engine, settings)
            background.start()
        uvicorn.run(
            "gridconnect.serving:worker_app",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_config=uvicorn_log_config(settings.log_format),
        )
    finally:
        if background is not None:
            with suppress(Exception):
                background.shutdown(wait=False)
        if engine is not None:
            engine.dispose()
        if own_metrics_dir is not None:
            shutil.rmtree(own_metrics_dir, ignore_errors=True)
