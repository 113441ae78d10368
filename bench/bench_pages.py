"""Time every page with 10,000 applications in the database, against a real uvicorn.

Run by hand (nothing else running):

    .venv/bin/python bench/bench_pages.py                      # SQLite in a temp folder
    .venv/bin/python bench/bench_pages.py --database-url postgresql+psycopg://...  # emptied!

Seeding: 200 applications go through the service layer (mixed kinds and cities, some
documents recorded, some advanced, some connected); then their rows (application, stage
visits, clocks, first audit event) are copied in bulk with shifted receipt times until there
are `--applications` in all. Then uvicorn serves the app in a subprocess and httpx fetches
each page `--requests` times after 5 warm-up requests; median and p95 are printed and, with
`--write`, appended to docs/benchmarks.md as the "Pages" section.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import httpx
from sqlalchemy import Engine, func, insert, select, text, update

from gridconnect.calendar import load_calendar
from gridconnect.config.policy import load_policy
from gridconnect.services.applications import DocumentInput, perform, receive_application
from gridconnect.services.context import Services
from gridconnect.services.users import add_user
from gridconnect.store.db import is_postgres, make_engine, upgrade
from gridconnect.store.files import FileStore
from gridconnect.store.tables import (
    ApplicationRow,
    ClockRow,
    EventRow,
    NumberCounterRow,
    StageVisitRow,
)
from gridconnect.timesource import local_date, now
from gridconnect.workflow.intake import NewApplication
from gridconnect.workflow.model import CITIES, Customer

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "bench password 1"
SEED = 20260302
T = {
    name: table.__table__
    for name, table in (  # type: ignore[attr-defined]
        ("application", ApplicationRow),
        ("visit", StageVisitRow),
        ("clock", ClockRow),
        ("event", EventRow),
    )
}


def seed(svc: Services, total: int, rng: random.Random) -> None:
    kinds = ["lv_residential", "lv_nonresidential", "lv_nonresidential", "hv"]
    for i in range(200):
        kind = kinds[i % len(kinds)]
        new = NewApplication(
            kind=kind,
            company="sgcc",
            city=CITIES[i % len(CITIES)],
            area_class="urban",
            address=f"测试路 {i} 号",
            customer=Customer("王五", "13800138000", "610102199001011234"),
            capacity=800.0 if kind == "hv" else 50.0,
            channel="hall",
            voltage_kv=10.0 if kind == "hv" else None,
            supply="single" if kind == "hv" else None,
        )
        app = receive_application(svc, new, "bench")
        assert app.id is not None
        if i % 3:
            for doc in svc.policy.whitelist(app.kind, app.stage):
                app = _record(svc, app.id, doc.code)
            if i % 3 == 2:
                app = perform(svc, app.id, "advance", "bench")
    _copy(svc.engine, total - 200, rng)


def _record(svc: Services, app_id: int, code: str):  # type: ignore[no-untyped-def]
    from gridconnect.services.applications import record_document

    return record_document(svc, app_id, DocumentInput(code, "e_license", reference="EL"), "bench")


def _copy_children(
    batch: dict[str, list[dict]],
    app_id: int,
    shift: timedelta,
    visit: dict | None,
    clocks: list[dict],
    event: dict | None,
) -> None:
    """Queue the template's visit, clocks and first event for the copy `app_id`, moved by shift."""
    if visit:
        batch["visit"].append(
            {
                **visit,
                "id": None,
                "application_id": app_id,
                "entered_at": visit["entered_at"] + shift,
                "left_at": visit["left_at"] and visit["left_at"] + shift,
            }
        )
    for c in clocks:
        batch["clock"].append(
            {
                **c,
                "id": None,
                "application_id": app_id,
                **{k: c[k] + shift for k in ("started_at", "due_at", "warn_at") if c[k]},
                **{
                    k: c[k] and c[k] + shift
                    for k in ("stopped_at", "breached_at", "warned_at", "paused_at")
                },
            }
        )
    if event:
        batch["event"].append(
            {**event, "id": None, "application_id": app_id, "at": event["at"] + shift}
        )


def _copy(engine: Engine, count: int, rng: random.Random) -> None:
    with engine.begin() as db:
        apps = [dict(r._mapping) for r in db.execute(select(T["application"]))]
        visits = [dict(r._mapping) for r in db.execute(select(T["visit"]))]
        clocks = [dict(r._mapping) for r in db.execute(select(T["clock"]))]
        events = [
            dict(r._mapping) for r in db.execute(select(T["event"]).where(T["event"].c.seq == 1))
        ]
        by_app = lambda rows: {r["application_id"]: r for r in rows}  # noqa: E731
        visit_of, event_of = by_app(visits), by_app(events)
        clocks_of: dict[int, list[dict]] = {}
        for c in clocks:
            clocks_of.setdefault(c["application_id"], []).append(c)
        next_id = {
            name: (db.execute(select(func.max(T[name].c.id))).scalar() or 0) + 1 for name in T
        }
        serials: dict[tuple[str, int], int] = {}
        for a in apps:
            key = (a["company"], a["year"])
            serials[key] = max(serials.get(key, 0), a["serial"])
        batch: dict[str, list[dict]] = {name: [] for name in T}
        for i in range(count):
            template = apps[i % len(apps)]
            shift = -timedelta(days=rng.uniform(0, 40))
            received = template["received_at"] + shift
            year = local_date(received).year
            serials[(template["company"], year)] = serial = (
                serials.get((template["company"], year), 0) + 1
            )
            app_id = next_id["application"] + i
            batch["application"].append(
                {
                    **template,
                    "id": app_id,
                    "year": year,
                    "serial": serial,
                    "number": f"{template['company'].upper()}-{year}-{serial:06d}",
                    "city": CITIES[rng.randrange(len(CITIES))],
                    "received_at": received,
                    "received_on": local_date(received),
                    "updated_at": received,
                }
            )
            _copy_children(
                batch,
                app_id,
                shift,
                visit_of.get(template["id"]),
                clocks_of.get(template["id"], []),
                event_of.get(template["id"]),
            )
        for name in ("application", "visit", "clock", "event"):
            rows = batch[name]
            if name != "application":
                rows = [{k: v for k, v in r.items() if k != "id"} for r in rows]
            for start in range(0, len(rows), 2000):
                db.execute(insert(T[name]), rows[start : start + 2000])
        for (company, year), serial in serials.items():
            counter = NumberCounterRow.__table__  # type: ignore[attr-defined]
            found = db.execute(
                update(counter)
                .where(counter.c.company == company, counter.c.year == year)
                .values(last_serial=serial)
            )
            if found.rowcount == 0:
                db.execute(insert(counter).values(company=company, year=year, last_serial=serial))
        if is_postgres(engine):
            db.execute(
                text("SELECT setval('application_id_seq', (SELECT max(id) FROM application))")
            )
    # Fresh statistics, as autovacuum would have after this many inserts: without them
    # PostgreSQL's planner takes the 10,000 new rows for one and picks a nested loop.
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as db:
        db.execute(text("ANALYZE"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def timed(client: httpx.Client, path: str, n: int) -> tuple[float, float, int]:
    for _ in range(5):
        client.get(path, timeout=60)
    samples, status = [], 0
    for _ in range(n):
        start = time.perf_counter()
        response = client.get(path)
        samples.append((time.perf_counter() - start) * 1000)
        status = response.status_code
    samples.sort()
    return statistics.median(samples), samples[int(0.95 * (len(samples) - 1))], status


def sign_in(client: httpx.Client, username: str) -> None:
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text).group(1)  # type: ignore[union-attr]
    client.post("/login", data={"username": username, "password": PASSWORD, "csrf_token": token})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url")
    parser.add_argument("--applications", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument(
        "--write", action="store_true", help="append the table to docs/benchmarks.md"
    )
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="bench-pages-"))
    url = args.database_url or f"sqlite:///{workdir / 'bench.db'}"
    engine = make_engine(url)
    if is_postgres(engine):
        with engine.begin() as db:
            db.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    upgrade(url)
    policy, calendar = load_policy(), load_calendar()
    svc = Services(engine, lambda: policy, lambda: calendar, FileStore(workdir / "files", 1 << 20))
    started = time.perf_counter()
    seed(svc, args.applications, random.Random(SEED))
    with engine.connect() as db:
        count = db.execute(select(func.count()).select_from(T["application"])).scalar_one()
    print(f"seeded {count} applications in {time.perf_counter() - started:.1f} s")
    add_user(engine, "clerk", PASSWORD, "clerk", "sgcc", list(CITIES))
    add_user(engine, "supervisor", PASSWORD, "supervisor", "sgcc", list(CITIES))
    add_user(engine, "admin", PASSWORD, "admin")
    engine.dispose()
    port = free_port()
    env = {
        **os.environ,
        "GRIDCONNECT_DATABASE_URL": url,
        "GRIDCONNECT_SECRET_KEY": "bench-secret-0123456789-abcdefghijklmnopqrstuv",
        "GRIDCONNECT_FILES_DIR": str(workdir / "files"),
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "gridconnect.api.app:create_app",
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        env=env,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                httpx.get(base + "/", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        rows = []
        customer = httpx.Client(base_url=base)
        token = re.search(r'name="csrf_token" value="([^"]+)"', customer.get("/apply").text).group(
            1
        )  # type: ignore[union-attr]
        customer.post(
            "/apply",
            data={
                "csrf_token": token,
                "kind": "lv_residential",
                "company": "sgcc",
                "city": "西安",
                "area_class": "urban",
                "address": "西安市",
                "customer.name": "赵六",
                "customer.phone": "13800138000",
                "customer.id_number": "610102199001011234",
                "capacity": "8",
            },
        )
        for path in ("/", "/standards", "/apply", "/status", "/my"):
            rows.append((path, "—", *timed(customer, path, args.requests)))
        some_id = args.applications // 2
        for user, paths in (
            (
                "clerk",
                (
                    "/workbench",
                    "/workbench?stage=meter_install",
                    "/workbench?status=all",
                    f"/workbench/applications/{some_id}",
                    "/workbench/new",
                ),
            ),
            ("supervisor", ("/supervisor",)),
            ("admin", ("/admin",)),
        ):
            client = httpx.Client(base_url=base)
            sign_in(client, user)
            for path in paths:
                rows.append((path, user, *timed(client, path, args.requests)))
    finally:
        server.terminate()
        server.wait(timeout=10)
    backend = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    table = ["| page | user | median ms | p95 ms | status |", "|---|---|---:|---:|---|"]
    for path, user, median, p95, status in rows:
        table.append(f"| `{path}` | {user} | {median:.1f} | {p95:.1f} | {status} |")
    print(f"{backend}, {count} applications, {args.requests} requests per page")
    print("\n".join(table))
    if args.write:
        with (ROOT / "docs" / "benchmarks.md").open("a", encoding="utf-8") as out:
            out.write(
                f"\n### {backend}, {count} applications, {args.requests} requests per page "
                f"({now().date().isoformat()})\n\n" + "\n".join(table) + "\n"
            )


if __name__ == "__main__":
    main()
