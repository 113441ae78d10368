"""Benchmark the SLA scan: 100 clocks newly due among 10,000 and 1,000,000 open applications.

Run by hand, with nothing else using the database (it drops and recreates its schema):

    .venv/bin/python bench/bench_scan.py \
        --postgres postgresql+psycopg://postgres@127.0.0.1:5432/test_sla

Each case builds a fresh migrated database (SQLite: a temporary file; PostgreSQL: the
given database, schema `public` dropped first) and fills it with INSERT ... SELECT over a
generated series: N open applications, one running full_process clock each, due in the
future; one clock in 20 already warned (its warning instant passed, due still ahead), and
100 clocks, spread over the id range, whose due passed an hour before the scan (warned the
day before, so each run raises exactly 100 breaches). `scan()` runs with one alert channel
(so every breach also writes its outbox row) and the default batch of 500. Between runs
the 100 clocks are re-armed (back to running, their alerts and messages deleted). The
figure is the median of the runs; the 1,000,000 case must be under 1 s and under 3 times
the 10,000 case. The results replace the `## SLA breach scan` section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import sqlite3
import statistics
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, bindparam, text

from gridconnect.services.sla_scan import scan
from gridconnect.store.db import make_engine, upgrade
from gridconnect.store.types import UtcDateTime

SIZES = (10_000, 1_000_000)
NEWLY_DUE = 100
RUNS = 15
SCAN_AT = datetime(2026, 10, 24, 1, 0, tzinfo=UTC)
CHANNELS = ["http://127.0.0.1:9/robot"]
DOC = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"
HEADING = "## SLA breach scan"
LOAD = [0.0]  # the 1-minute load average when the run started

SERIES = {
    "sqlite": "WITH RECURSIVE series(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM series "
    "WHERE n < :count) SELECT n FROM series",
    "postgresql": "SELECT generate_series(1, :count) AS n",
}
NUMBER = {
    "sqlite": "'SGCC-2026-' || printf('%07d', n)",
    "postgresql": "'SGCC-2026-' || lpad(n::text, 7, '0')",
}


@dataclass
class Case:
    backend: str
    size: int
    build_seconds: float
    median_ms: float
    runs_ms: list[float]
    idle_ms: float  # median of scans with nothing to do


def fresh_engine(backend: str, postgres_url: str, folder: Path) -> Engine:
    if backend == "sqlite":
        url = f"sqlite:///{folder / 'bench.db'}"
        (folder / "bench.db").unlink(missing_ok=True)
    else:
        url = postgres_url
        engine = make_engine(url)
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    upgrade(url)
    return make_engine(url)


def stamp(name: str) -> object:
    return bindparam(name, type_=UtcDateTime())


def build(engine: Engine, size: int) -> list[int]:
    """Fill the tables; the ids of the clocks that fall due just before the scan."""
    dialect = engine.dialect.name
    received = SCAN_AT - timedelta(days=20)
    applications = text(
        "INSERT INTO application (id, number, company, year, serial, kind, city, area_class, "
        "address, customer_name, customer_phone, customer_id_number, capacity, channel, "
        "received_at, received_on, stage, status, suspended, three_zero, on_site_reply, "
        "updated_at, version) "
        f"SELECT n, {NUMBER[dialect]}, 'sgcc', 2026, n, 'lv_nonresidential', '西安', 'urban', "
        "'西安市雁塔区科技路 1 号', '张三', '13800138000', '610102199001011234', 100.0, 'hall', "
        ":received, :received_on, 'acceptance', 'open', false, true, false, :received, 1 "
        f"FROM ({SERIES[dialect]}) AS series"
    ).bindparams(stamp("received"), received_on=received.date())
    clocks = text(
        "INSERT INTO sla_clock (id, application_id, kind, rule_id, limit_working_days, "
        "started_at, due_at, warn_at, provisional, state, paused_working_days, warned_at, late) "
        "SELECT n, n, 'full_process', 'full_process.lv_nonresidential.three_zero.2022', 15, "
        ":received, :due, CASE WHEN n % 20 = 0 THEN :warned ELSE :warn END, false, 'running', 0, "
        "CASE WHEN n % 20 = 0 THEN :warned ELSE NULL END, false "
        f"FROM ({SERIES[dialect]}) AS series"
    ).bindparams(stamp("received"), stamp("due"), stamp("warn"), stamp("warned"))
    future = {"received": received, "due": SCAN_AT + timedelta(days=10)}
    with engine.begin() as connection:
        connection.execute(applications, {"count": size, "received": received})
        connection.execute(
            clocks,
            {
                "count": size,
                **future,
                "warn": SCAN_AT + timedelta(days=9),
                "warned": SCAN_AT - timedelta(hours=10),
            },
        )
        if dialect == "postgresql":
            # Keep the id sequences ahead of the explicit ids, as a real database would be.
            for table in ("application", "sla_clock"):
                connection.execute(
                    text(f"SELECT setval('{table}_id_seq', (SELECT max(id) FROM {table}))")
                )
    due_ids = [1 + i * (size // NEWLY_DUE) for i in range(NEWLY_DUE)]
    rearm(engine, due_ids)
    with engine.begin() as connection:
        connection.execute(text("ANALYZE"))
    return due_ids


def rearm(engine: Engine, due_ids: list[int]) -> None:
    """Put the 100 clocks back to 'due an hour ago, warned yesterday', without alerts."""
    statement = text(
        "UPDATE sla_clock SET state = 'running', breached_at = NULL, due_at = :due, "
        "warn_at = :warn, warned_at = :warn WHERE id IN :ids"
    ).bindparams(stamp("due"), stamp("warn"), bindparam("ids", expanding=True))
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM outbox"))
        connection.execute(text("DELETE FROM alert"))
        connection.execute(
            statement,
            {
                "due": SCAN_AT - timedelta(hours=1),
                "warn": SCAN_AT - timedelta(days=1),
                "ids": due_ids,
            },
        )


def measure(backend: str, size: int, postgres_url: str, folder: Path) -> Case:
    engine = fresh_engine(backend, postgres_url, folder)
    try:
        started = time.perf_counter()
        due_ids = build(engine, size)
        build_seconds = time.perf_counter() - started
        runs = []
        for _ in range(RUNS):
            rearm(engine, due_ids)
            started = time.perf_counter()
            result = scan(engine, SCAN_AT, alert_channels=CHANNELS)
            runs.append((time.perf_counter() - started) * 1000)
            assert (result.breached, result.warned) == (NEWLY_DUE, 0), result.summary()
        idle = []
        for _ in range(RUNS):
            started = time.perf_counter()
            assert scan(engine, SCAN_AT, alert_channels=CHANNELS).alerts == []
            idle.append((time.perf_counter() - started) * 1000)
        return Case(
            backend, size, build_seconds, statistics.median(runs), runs, statistics.median(idle)
        )
    finally:
        engine.dispose()


def postgres_version(url: str) -> str:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return str(connection.execute(text("SHOW server_version")).scalar_one()).split()[0]
    finally:
        engine.dispose()


def report(cases: list[Case], postgres_url: str, command: str) -> str:
    by = {(c.backend, c.size): c for c in cases}
    lines = [
        HEADING,
        "",
        "What is measured: one `gridconnect.services.sla_scan.scan()` at a fixed instant when",
        f"{NEWLY_DUE} clocks have just passed their due, among N open applications with one",
        "running clock each (one clock in 20 already warned, all others due in ten days).",
        "Each scan raises the 100 breaches, writes their alerts and outbox rows (one channel)",
        "and bumps the 100 applications' versions, in batches of 500; no calendar arithmetic.",
        f"Figures are the median of {RUNS} scans, the 100 clocks re-armed between scans;",
        "databases are built with INSERT ... SELECT over a generated series, then ANALYZE.",
        "",
        "Command (from the repository root, nothing else running; it drops and recreates",
        "the PostgreSQL database's `public` schema):",
        "",
        "```",
        command,
        "```",
        "",
        f"Machine: {platform.machine()}, {_cores()} cores, Linux {platform.release()}; "
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
        f"PostgreSQL {postgres_version(postgres_url)}. Load average during the run: "
        f"{LOAD[0]:.1f} at the start, {os.getloadavg()[0]:.1f} at the end (other work shared "
        "the two cores, so single runs vary; compare the medians).",
        "",
        "| backend | open applications | build | scan, 100 newly due (median) | "
        "scan, nothing due (median) | all runs with 100 due (ms) |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for case in cases:
        runs = ", ".join(f"{ms:.0f}" for ms in case.runs_ms)
        lines.append(
            f"| {case.backend} | {case.size:,} | {case.build_seconds:.0f} s | "
            f"{case.median_ms:.1f} ms | {case.idle_ms:.2f} ms | {runs} |"
        )
    lines += [
        "",
        "Against the targets (1,000,000 case under 1 s and under 3× the 10,000 case):",
        "",
    ]
    for backend in ("sqlite", "postgresql"):
        small, large = by[(backend, SIZES[0])], by[(backend, SIZES[1])]
        ratio = large.median_ms / small.median_ms
        verdict = "met" if large.median_ms < 1000 and ratio < 3 else "NOT met"
        lines.append(
            f"- {backend}: {large.median_ms:.1f} ms for 1,000,000, {ratio:.2f}× the 10,000 "
            f"case — {verdict}."
        )
    lines += [
        "",
        "Why it does not grow with the open applications: both levels claim their clocks",
        "with one conditional UPDATE whose row source is an index range scan —",
        "`ix_clock_due (state, due_at)` for `state = 'running' AND due_at <= now`,",
        "`ix_clock_warn (state, warned_at, warn_at)` for `state = 'running' AND warned_at IS",
        "NULL AND warn_at <= now` — so the rows read are the rows that change (plus the",
        "application of each by primary key). A scan with nothing to do is those two index",
        "probes.",
        "",
    ]
    return "\n".join(lines)


def _cores() -> int:
    return os.cpu_count() or 1


def write_section(section: str) -> None:
    """Replace (or append) the `## SLA breach scan` section, leaving the others alone."""
    current = DOC.read_text(encoding="utf-8") if DOC.exists() else "# Benchmarks\n"
    start = current.find(HEADING + "\n")
    if start == -1:
        updated = current.rstrip("\n") + "\n\n" + section
    else:
        following = current.find("\n## ", start + len(HEADING))
        rest = current[following + 1 :] if following != -1 else ""
        updated = current[:start] + section + ("\n" + rest if rest else "")
    DOC.write_text(updated, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", required=True, help="a PostgreSQL URL it may wipe")
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    LOAD[0] = os.getloadavg()[0]
    cases = []
    with tempfile.TemporaryDirectory() as folder:
        for backend in ("sqlite", "postgresql"):
            for size in SIZES:
                case = measure(backend, size, args.postgres, Path(folder))
                print(
                    f"{backend:10} {size:>9,}  build {case.build_seconds:6.1f} s  "
                    f"scan median {case.median_ms:7.1f} ms  idle {case.idle_ms:.2f} ms",
                    flush=True,
                )
                cases.append(case)
    command = f".venv/bin/python bench/bench_scan.py --postgres {args.postgres}"
    section = report(cases, args.postgres, command)
    print(section)
    if not args.no_write:
        write_section(section)


if __name__ == "__main__":
    main()
