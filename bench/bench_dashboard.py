# ruff: noqa: E501  (Markdown table lines read better unbroken)
"""Benchmark the supervisor's dashboard (`/supervisor`) on 1,000,000 applications.

Run by hand (it drops and recreates the PostgreSQL database's `public` schema):
  .venv/bin/python bench/bench_dashboard.py --postgres postgresql+psycopg://postgres@127.0.0.1:5432/bench_dashboard

Data: the applications of `bench/bench_reports.py` (the same INSERT ... SELECT loader),
then the product's own ANALYZE helper (`store.maintenance.analyse`). `--reuse` skips the
load and times the database as it is (for a second look at the same data).

Timed, median of `--runs` after one warm-up, in one process, for a supervisor of every city:
- "report figures, computed": the month's report core, on-time rates and twelve-month trend
  as the page computed them on every load before (`period_report` + `on_time_rates` +
  `city_trend`), which is what a refresh of the snapshot costs now;
- "report figures, from the snapshot": what the page reads now while its figures are younger
  than the scan interval (`dashboard_snapshot.month_figures`);
- every other service call of the page (alerts, breaches, orders, risks);
- the whole page, `GET /supervisor` through the app in-process (TestClient).
"""

from __future__ import annotations

import argparse
import platform
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import text

from bench_reports import build, reset_postgres
from gridconnect.api.app import create_app
from gridconnect.api.deps import get_services
from gridconnect.calendar import load_calendar
from gridconnect.config.policy import load_policy
from gridconnect.config.settings import Settings
from gridconnect.services import dashboard
from gridconnect.services.alert_inbox import AlertFilters, find_alerts
from gridconnect.services.breach_risk.riskiest import riskiest_clocks
from gridconnect.services.context import Scope, Services
from gridconnect.services.orders.service import order_statistics
from gridconnect.services.reports.monthly import period_report
from gridconnect.services.reports.periods import month_of
from gridconnect.services.reports.trend import city_trend
from gridconnect.services.users import add_user
from gridconnect.store.db import make_engine, upgrade
from gridconnect.store.files import FileStore
from gridconnect.store.maintenance import analyse
from gridconnect.timesource import local_date
from gridconnect.workflow.model import CITIES

PASSWORD = "bench password 1"
SECRET = "bench-secret-0123456789-abcdefghijklmnopqrstuv"


def median_of(call: Callable[[], Any], runs: int) -> tuple[float, list[float]]:
    call()  # warm-up: caches, the calendar table, the plan cache
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return statistics.median(times), times


def load(url: str, n: int) -> float:
    reset_postgres(url)
    upgrade(url)
    engine = make_engine(url)
    seconds = build(engine, n)
    started = time.perf_counter()
    analyse(engine)
    seconds += time.perf_counter() - started
    add_user(engine, "supervisor", PASSWORD, "supervisor", "sgcc", list(CITIES))
    engine.dispose()
    return seconds


def timings(url: str, runs: int, page_only: bool) -> dict[str, Any]:
    engine = make_engine(url)
    policy, calendar = load_policy(), load_calendar()
    workdir = Path(tempfile.mkdtemp(prefix="bench-dashboard-"))
    svc = Services(engine, lambda: policy, lambda: calendar, FileStore(workdir / "files", 1 << 20))
    scope = Scope(company="sgcc", cities=tuple(CITIES))
    this_month = month_of(local_date(svc.now()))
    interval = timedelta(seconds=Settings().scan_interval_seconds)

    def month_figures(*args: Any) -> Any:  # imported late: `--page-only` times older code
        from gridconnect.services.dashboard_snapshot import month_figures

        return month_figures(*args)

    calls: dict[str, Callable[[], Any]] = {
        "report figures, computed (every load before; the refresh now)": lambda: (
            dashboard.on_time_rates(svc, scope, period_report(svc, this_month, scope)),
            city_trend(svc, scope, this_month),
        ),
        "report figures, from the snapshot (the page now)": lambda: month_figures(
            svc, scope, interval
        ),
        "open alerts": lambda: find_alerts(svc, scope, AlertFilters(), 50, 0),
        "breached clocks": lambda: dashboard.breached(svc, scope),
        "supervision orders": lambda: order_statistics(
            svc, this_month.start, this_month.end, scope
        ),
        "breach risks": lambda: riskiest_clocks(svc, scope),
    }
    result: dict[str, Any] = {}
    if not page_only:
        result = {name: median_of(call, runs) for name, call in calls.items()}
    with engine.connect() as connection:
        result["applications"] = connection.execute(
            text("SELECT count(*) FROM application")
        ).scalar_one()
    settings = Settings(
        environment="test", database_url=url, secret_key=SECRET, files_dir=workdir / "files"
    )
    app = create_app(settings, engine=engine)
    app.dependency_overrides[get_services] = lambda: svc
    with TestClient(app) as client:
        login = client.get("/login").text
        token = re.search(r'name="csrf_token" value="([^"]+)"', login).group(1)  # type: ignore[union-attr]
        signed = client.post(
            "/login",
            data={"username": "supervisor", "password": PASSWORD, "csrf_token": token},
            follow_redirects=False,
        )
        assert signed.status_code == 303, signed.text

        def page() -> None:
            response = client.get("/supervisor")
            assert response.status_code == 200, response.status_code

        result["GET /supervisor (whole page)"] = median_of(page, runs)
    engine.dispose()
    return result


def markdown(result: dict[str, Any], command: str, load_seconds: float | None) -> str:
    lines = [
        "## Supervisor dashboard",
        "",
        f"What is measured: the supervisor's dashboard (`/supervisor`) on {result['applications']:,}",
        "applications in PostgreSQL, loaded as for the reports (`bench/bench_reports.py`), then",
        "ANALYZE. Each figure is the median of "
        f"{len(result['GET /supervisor (whole page)'][1])} calls after a warm-up, in one process;",
        "the whole page goes through the app in-process (TestClient), signed in as a supervisor",
        "of every city. The first row is what the page computed on every load before (the",
        "month's report core and the twelve-month trend, here with this commit's faster",
        "queries), timed in the same run; now the refresh job computes it, and the page",
        "reads the snapshot.",
        "",
        "Command (from the repository root; it drops and recreates the PostgreSQL `public` schema):",
        "",
        "```",
        command,
        "```",
        "",
        f"Machine: {platform.machine()}, 2 cores shared, Linux {platform.release()}; Python "
        f"{platform.python_version()}, PostgreSQL 15."
        + (f" Load and ANALYZE: {load_seconds:.0f} s." if load_seconds else ""),
        "",
        "| call | median | runs (ms) |",
        "|---|---:|---|",
    ]
    for name, value in result.items():
        if not isinstance(value, tuple):
            continue
        median, times = value
        runs = ", ".join(f"{t * 1000:.0f}" for t in times)
        lines.append(f"| {name} | {median * 1000:.0f} ms | {runs} |")
    lines.append("")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--postgres", required=True)
    parser.add_argument("-n", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--reuse", action="store_true", help="time the data already loaded")
    parser.add_argument(
        "--page-only",
        action="store_true",
        help="time the whole page alone (e.g. an older checkout's code through PYTHONPATH)",
    )
    args = parser.parse_args()
    load_seconds = None if args.reuse else load(args.postgres, args.n)
    if load_seconds is not None:
        print(f"loaded in {load_seconds:.0f} s", file=sys.stderr)
    result = timings(args.postgres, args.runs, args.page_only)
    command = f".venv/bin/python bench/bench_dashboard.py --postgres {args.postgres}"
    print(markdown(result, command, load_seconds))


if __name__ == "__main__":
    main()
