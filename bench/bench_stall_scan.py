"""Benchmark the stall scan: 100 applications newly stalled among 10,000 and 200,000 open ones.

Run by hand (SQLite, a temporary file; `--postgres URL` also runs PostgreSQL, dropping and
recreating that database's schema):

    .venv/bin/python bench/bench_stall_scan.py [--postgres URL]

N open applications whose `stalls_at` lies in the future, and 100, spread over the id
range, whose quiet period ended an hour before the scan. `scan_stalls()` runs with one alert
channel (each stall also writes its outbox row). Between runs the 100 are re-armed
(`stalls_at` back from `stalled_since`, their alerts and messages deleted). Prints the
median of the runs and of idle scans (nothing to claim): the cost should follow the
applications that stall, not the open ones.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import Engine, text

from bench_scan import NUMBER, SCAN_AT, SERIES, fresh_engine, stamp
from gridconnect.services.stall_scan import scan_stalls

SIZES = (10_000, 200_000)
STALLED = 100
RUNS = 9
CHANNELS = ["http://127.0.0.1:9/robot"]


def build(engine: Engine, size: int) -> None:
    dialect = engine.dialect.name
    received = SCAN_AT - timedelta(days=3)
    step = size // STALLED
    insert = text(
        "INSERT INTO application (id, number, company, year, serial, kind, city, area_class, "
        "address, customer_name, customer_phone, customer_id_number, capacity, channel, "
        "received_at, received_on, stage, status, suspended, three_zero, on_site_reply, "
        "updated_at, version, stalls_at) "
        f"SELECT n, {NUMBER[dialect]}, 'sgcc', 2026, n, 'hv', '西安', 'urban', "
        "'西安市雁塔区科技路 1 号', '张三', '13800138000', '610102199001011234', 800.0, 'hall', "
        ":received, :received_on, 'acceptance', 'open', false, false, false, :received, 1, "
        f"CASE WHEN n % {step} = 0 THEN :stalled ELSE :later END "
        f"FROM ({SERIES[dialect]}) AS series"
    ).bindparams(stamp("received"), stamp("stalled"), stamp("later"), received_on=received.date())
    with engine.begin() as connection:
        connection.execute(
            insert,
            {
                "count": size,
                "received": received,
                "stalled": SCAN_AT - timedelta(hours=1),
                "later": SCAN_AT + timedelta(days=4),
            },
        )


def rearm(engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM outbox"))
        connection.execute(text("DELETE FROM alert"))
        connection.execute(
            text(
                "UPDATE application SET stalls_at = stalled_since, stalled_since = NULL "
                "WHERE stalled_since IS NOT NULL"
            )
        )


def timed(engine: Engine) -> tuple[float, int]:
    started = time.perf_counter()
    result = scan_stalls(engine, now=SCAN_AT, alert_channels=CHANNELS)
    return (time.perf_counter() - started) * 1000, result.stalled


def run(backend: str, postgres_url: str, folder: Path) -> None:
    for size in SIZES:
        engine = fresh_engine(backend, postgres_url, folder)
        build(engine, size)
        runs, idle = [], []
        for _ in range(RUNS):
            rearm(engine)
            elapsed, stalled = timed(engine)
            assert stalled == STALLED, stalled
            runs.append(elapsed)
            idle.append(timed(engine)[0])
        engine.dispose()
        print(
            f"{backend:10} {size:>8} open: {STALLED} stalled in "
            f"{statistics.median(runs):.1f} ms, idle scan {statistics.median(idle):.1f} ms"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--postgres", help="a PostgreSQL URL whose schema may be dropped")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        run("sqlite", "", Path(folder))
        if args.postgres:
            run("postgresql", args.postgres, Path(folder))


if __name__ == "__main__":
    main()
