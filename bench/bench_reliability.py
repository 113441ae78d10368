"""Benchmark the outage ledger on PostgreSQL: a province-sized registry, a year of outages.

Run by hand (drops and recreates the schema of the database given):
    .venv/bin/python bench/bench_reliability.py --postgres URL [--customers N] [--outages N]

Builds, with a fixed seed:
  * the registry: N customers (default 2,000,000) over 88 (company, city, area class) keys,
    500 per feeder, inserted with generate_series (not timed: it is set-up);
  * month-end counts for 2025 and 2026 for every key (`customers counts` path);
  * a year of 20,000 outages in 2025 and of M outages (default 200,000) in 2026, each
    touching 50–5,000 customers, lasting 1 minute to 12 hours, imported through the
    `outages import` code path from CSV text (timed: the issue asks < 60 s for 200,000);
  * the yearly report for the whole province (as of 2027-01-01): 2025 (20,000 outages)
    and 2026 (M outages), median of 3 runs each (< 2 s, and < 3× the small year);
  * a fault on a feeder of 5,000 customers with phones: notices enqueued (< 1 s).
"""

from __future__ import annotations

import argparse
import io
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, text

from bench_scan import fresh_engine
from gridconnect.config.policy import load_policy
from gridconnect.config.vocabulary import AreaClass, City, Company
from gridconnect.services.context import Services
from gridconnect.services.outages.imports import OUTAGE_COLUMNS, import_counts, import_outages
from gridconnect.services.outages.ledger import AreaInput, NewOutage, register
from gridconnect.services.outages.periods import year
from gridconnect.services.outages.report import reliability_report
from gridconnect.store.files import FileStore
from gridconnect.timesource import SHANGHAI

SEED = 20_261_127
KEYS = [(c.value, city.value, a.value) for c in Company for city in City for a in AreaClass]
PER_FEEDER = 500
NOW = datetime(2027, 1, 1, tzinfo=UTC)


def fill_registry(engine: Engine, customers: int) -> int:
    """`customers` accounts, 500 per feeder, feeders dealt round the keys."""
    feeders = customers // PER_FEEDER
    keys = "ARRAY[" + ",".join(f"'{c}|{city}|{a}'" for c, city, a in KEYS) + "]"
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO customer_account (account, company, city, area_class, feeder, "
                "transformer_area, phone, connected_on, updated_at) "
                "SELECT 'C' || n, split_part(k, '|', 1), split_part(k, '|', 2), "
                "split_part(k, '|', 3), 'F' || (n / :per), 'T' || (n / 50), "
                "'138' || lpad((n % 100000000)::text, 8, '0'), DATE '2020-01-01', now() "
                f"FROM generate_series(0, :count - 1) AS n, "
                f"LATERAL (SELECT ({keys})[((n / :per) % {len(KEYS)}) + 1] AS k) AS key"
            ),
            {"count": customers, "per": PER_FEEDER},
        )
        connection.execute(text("ANALYZE customer_account"))
    return feeders


def counts_csv(customers: int) -> str:
    per_key = customers // len(KEYS)
    lines = ["company,city,area_class,month,customers"]
    for company, city, area in KEYS:
        for y in (2025, 2026):
            lines += [f"{company},{city},{area},{y}-{m:02d},{per_key}" for m in range(1, 13)]
    return "\n".join(lines) + "\n"


def outages_csv(rng: random.Random, how_many: int, in_year: int, feeders: int, tag: str) -> str:
    out = io.StringIO()
    out.write(",".join(OUTAGE_COLUMNS) + "\n")
    start_of_year = datetime(in_year, 1, 1, tzinfo=SHANGHAI)
    kinds = ("fault", "fault", "planned", "limited")
    for i in range(how_many):
        feeder = rng.randrange(feeders)
        company, city, area = KEYS[feeder % len(KEYS)]
        start = start_of_year + timedelta(minutes=rng.randrange(365 * 24 * 60 - 720))
        end = start + timedelta(minutes=rng.randint(1, 720))
        out.write(
            f"{tag}{i},{company},{city},{area},{rng.choice(kinds)},"
            f"{start.isoformat()},{end.isoformat()},{rng.randint(50, 5000)},故障,F{feeder}\n"
        )
    return out.getvalue()


def timed(action, repeats: int = 1):  # type: ignore[no-untyped-def]
    times, result = [], None
    for _ in range(repeats):
        started = time.perf_counter()
        result = action()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--postgres", required=True)
    parser.add_argument("--customers", type=int, default=2_000_000)
    parser.add_argument("--outages", type=int, default=200_000)
    args = parser.parse_args()
    rng = random.Random(SEED)
    with tempfile.TemporaryDirectory() as folder:
        engine = fresh_engine("postgresql", args.postgres, Path(folder))
        policy = load_policy()
        svc = Services(
            engine=engine,
            policy_source=lambda: policy,
            calendar_source=lambda: None,  # type: ignore[arg-type,return-value]
            files=FileStore(Path(folder) / "files", 1024),
            customer_channels=["http://127.0.0.1:9/gateway"],
            now=lambda: NOW,
        )
        print(f"python {sys.version.split()[0]}, PostgreSQL; {args.customers:,} customers")
        seconds, feeders = timed(lambda: fill_registry(engine, args.customers))
        print(f"registry: {args.customers:,} accounts on {feeders:,} feeders ({seconds:.1f} s)")
        import_counts(engine, counts_csv(args.customers), NOW)
        small = outages_csv(rng, 20_000, 2025, feeders, "S")
        large = outages_csv(rng, args.outages, 2026, feeders, "L")
        seconds, result = timed(lambda: import_outages(engine, small, NOW, "bench"))
        print(f"import 20,000 outages: {seconds:.1f} s ({result.created:,} created)")
        seconds, result = timed(lambda: import_outages(engine, large, NOW, "bench"))
        print(f"import {args.outages:,} outages: {seconds:.1f} s ({result.created:,} created)")
        seconds, result = timed(lambda: import_outages(engine, large, NOW, "bench"))
        print(f"re-import (all unchanged): {seconds:.1f} s ({result.unchanged:,} unchanged)")
        reports = {}
        for y in (2025, 2026):
            seconds, report = timed(
                lambda y=y: reliability_report(engine, policy.reliability, year(y), NOW), 3
            )
            reports[y] = seconds
            province = report["rollups"]["province"][0]
            print(
                f"yearly report {y}: {seconds * 1000:.0f} ms (median of 3); "
                f"{len(report['rows'])} rows, province AIHC {province['aihc_hours']} h"
            )
        print(f"ratio 2026/2025: {reports[2026] / reports[2025]:.2f}")
        big_feeder = "BIG"
        with engine.begin() as connection:
            connection.execute(
                text(
                    "UPDATE customer_account SET feeder = :f WHERE id IN "
                    "(SELECT id FROM customer_account ORDER BY id LIMIT 5000)"
                ),
                {"f": big_feeder},
            )
        company, city, area = KEYS[0]
        fault = NewOutage(
            company, city, area, "fault", "雷击", NOW - timedelta(minutes=5),
            areas=(AreaInput(big_feeder),),
        )  # fmt: skip
        seconds, change = timed(lambda: register(svc, fault, "bench"))
        print(
            f"fault on a feeder of {change.outage.customers:,} customers: "
            f"{change.notices} notice batches enqueued in {seconds * 1000:.0f} ms"
        )
        engine.dispose()


if __name__ == "__main__":
    main()
