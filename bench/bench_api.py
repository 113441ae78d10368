"""The API against a bare FastAPI endpoint, side by side, in interleaved rounds with wrk.

Run by hand (wrk from Debian: `apt-get install wrk`):

    .venv/bin/python bench/bench_api.py                          # SQLite in a temp folder
    .venv/bin/python bench/bench_api.py --database-url postgresql+psycopg://...  # emptied!
    .venv/bin/python bench/bench_api.py --workers 2 --only bare_read read  # 2 vs 1 worker

Seeds `--applications` (1,020) applications as `bench_pages.py` does, then serves the
product (`gridconnect.api.app:create_app`) and the bare baseline (`bench/baseline_api.py`:
one SELECT, one insert and commit, and the floors of a list and a registration) with
uvicorn, and loads each target for `--seconds` per round, every target once per round,
`--rounds` rounds (interleaved, so a change in the machine's load touches every target
alike). Prints requests per second, p50 and p99 (the
median over the rounds), the ratios the targets are set in, and the load average;
`--write` appends the table and the command to docs/benchmarks.md. With `--workers N` (N > 1)
a one-worker copy of the app is loaded in the same rounds (`read_1_worker`) for the ratio.

Targets: `bare_read` GET one row; `read` GET /api/v1/applications/{id} as a clerk;
`public` the customer's status read with its access code; `bare_list` the least a list of 50
must do (the page's rows and their children, sent as stored: nothing computed, no sign-in),
the list target's floor; `list` GET /api/v1/applications (50 a page); `bare_write` one
insert and commit; `bare_registration` the rows a registration writes, as constants, in one
commit (the write target's floor); `write` POST /api/v1/applications (register one
application: the row, its stage visit, its clocks and its audit event in one commit).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shlex
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from sqlalchemy import func, select, text, update

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_pages import PASSWORD, SEED, seed
from gridconnect.calendar import load_calendar
from gridconnect.config.policy import load_policy
from gridconnect.services.context import Services
from gridconnect.services.public import hash_access_code
from gridconnect.services.users import add_user
from gridconnect.store.db import is_postgres, make_engine, upgrade
from gridconnect.store.files import FileStore
from gridconnect.store.tables import ApplicationRow
from gridconnect.timesource import now
from gridconnect.workflow.model import CITIES

ROOT = Path(__file__).resolve().parents[1]
SECRET = "bench-secret-0123456789-abcdefghijklmnopqrstuv"
ACCESS_CODE = "ABCD-EFGH-JKLM-NPQR"
TARGETS = (
    "bare_read",
    "read",
    "public",
    "bare_list",
    "list",
    "bare_write",
    "bare_registration",
    "write",
)
NEW_APPLICATION = {
    "kind": "lv_residential",
    "customer": {"name": "赵六", "phone": "13800138000", "id_number": "610102199001011234"},
    "address": "西安市雁塔区测试路 1 号",
    "city": "西安",
    "area_class": "urban",
    "capacity_kw": 8,
}


@dataclass
class Sample:
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int
    load: float


@dataclass
class Target:
    name: str
    url: str
    headers: dict[str, str]
    body: str | None = None
    samples: list[Sample] = field(default_factory=list)

    def median(self, attr: str) -> float:
        return statistics.median(getattr(s, attr) for s in self.samples)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until_up(base: str) -> None:
    for _ in range(300):
        try:
            httpx.get(base + "/healthz", timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise SystemExit(f"{base} did not start")


UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _ms(value: str) -> float:
    number, unit = re.fullmatch(r"([0-9.]+)(us|ms|s)", value).groups()  # type: ignore[union-attr]
    return float(number) * UNIT_MS[unit]


def run_wrk(target: Target, seconds: float, connections: int, workdir: Path) -> Sample:
    script = workdir / f"{target.name}.lua"

    def lua(value: str) -> str:  # a long-bracket string: UTF-8 and quotes as they are
        return f"[==[{value}]==]"

    lines = [f"wrk.headers[ {lua(k)} ] = {lua(v)}" for k, v in target.headers.items()]
    if target.body is not None:
        lines += ['wrk.method = "POST"', f"wrk.body = {lua(target.body)}"]
    script.write_text("\n".join(lines) + "\n", encoding="utf-8")
    command = ["wrk", "-t", "2", "-c", str(connections), "-d", f"{int(seconds)}s", "--latency"]
    out = subprocess.run(
        [*command, "-s", str(script), target.url], capture_output=True, text=True, check=True
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([0-9.]+)", out).group(1))  # type: ignore[union-attr]
    p50 = _ms(re.search(r"\s50%\s+(\S+)", out).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"\s99%\s+(\S+)", out).group(1))  # type: ignore[union-attr]
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
    )
    errors = int(bad.group(1)) if bad else 0
    errors += sum(int(n) for n in socket_errors.groups()) if socket_errors else 0
    return Sample(rps, p50, p99, errors, os.getloadavg()[0])


def prepare(url: str, applications: int, workdir: Path) -> tuple[int, str]:
    """Seed the database; the id and number of the application the reads fetch."""
    engine = make_engine(url)
    if is_postgres(engine):
        with engine.begin() as db:
            db.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    upgrade(url)
    policy, calendar = load_policy(), load_calendar()
    svc = Services(engine, lambda: policy, lambda: calendar, FileStore(workdir / "files", 1 << 20))
    seed(svc, applications, random.Random(SEED))
    add_user(engine, "clerk", PASSWORD, "clerk", "sgcc", list(CITIES))
    table = ApplicationRow.__table__  # type: ignore[attr-defined]
    with engine.begin() as db:
        # One of the applications that went through the service layer (documents, advanced).
        app_id = db.execute(select(func.min(table.c.id)).where(table.c.id > 100)).scalar_one()
        number = db.execute(select(table.c.number).where(table.c.id == app_id)).scalar_one()
        db.execute(
            update(table)
            .where(table.c.id == app_id)
            .values(access_code_hash=hash_access_code(SECRET, ACCESS_CODE))
        )
    engine.dispose()
    return app_id, number


def serve(command: list[str], env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(command, env=env, cwd=ROOT / "bench")
    wait_until_up(f"http://127.0.0.1:{port}")
    return server


def uvicorn(app: str, port: int, args: argparse.Namespace, workers: int) -> list[str]:
    command = [sys.executable, "-m", "uvicorn", app, "--port", str(port), "--workers", str(workers)]
    command += ["--log-level", "warning", "--no-access-log", "--loop", args.loop]
    return [*command, "--http", args.http]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url")
    parser.add_argument("--applications", type=int, default=1020)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=1, help="API workers (baseline: 1)")
    parser.add_argument("--loop", default="auto", help="uvicorn --loop (auto, asyncio, uvloop)")
    parser.add_argument("--http", default="auto", help="uvicorn --http (auto, h11, httptools)")
    parser.add_argument("--only", nargs="*", choices=TARGETS, help="some targets only")
    parser.add_argument("--label", default="", help="a note for the table's heading")
    parser.add_argument("--write", action="store_true", help="append to docs/benchmarks.md")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: apt-get install wrk")
    workdir = Path(tempfile.mkdtemp(prefix="bench-api-"))
    url = args.database_url or f"sqlite:///{workdir / 'bench.db'}"
    app_id, number = prepare(url, args.applications, workdir)
    env = {
        **os.environ,
        "GRIDCONNECT_DATABASE_URL": url,
        "GRIDCONNECT_SECRET_KEY": SECRET,
        "GRIDCONNECT_FILES_DIR": str(workdir / "files"),
        "PYTHONPATH": str(ROOT / "bench"),
    }
    api_port, bare_port = free_port(), free_port()
    api_command = uvicorn("gridconnect.api.app:create_app", api_port, args, args.workers)
    servers = [
        serve([*api_command, "--factory"], env, api_port),
        serve(uvicorn("baseline_api:app", bare_port, args, 1), env, bare_port),
    ]
    one_worker_port = free_port()
    if args.workers > 1:  # the same app with one worker, loaded in the same rounds
        one_worker = uvicorn("gridconnect.api.app:create_app", one_worker_port, args, 1)
        servers.append(serve([*one_worker, "--factory"], env, one_worker_port))
    try:
        api, bare = f"http://127.0.0.1:{api_port}", f"http://127.0.0.1:{bare_port}"
        token = httpx.post(
            api + "/api/v1/auth/token", data={"username": "clerk", "password": PASSWORD}
        ).json()["access_token"]
        clerk = {"Authorization": f"Bearer {token}"}
        json_clerk = {**clerk, "Content-Type": "application/json"}
        targets = {
            "bare_read": Target("bare_read", f"{bare}/bare/applications/{app_id}", {}),
            "read": Target("read", f"{api}/api/v1/applications/{app_id}", clerk),
            "public": Target(
                "public",
                f"{api}/api/v1/public/applications/{number}",
                {"X-Access-Code": ACCESS_CODE},
            ),
            "bare_list": Target("bare_list", f"{bare}/bare/applications?limit=50", {}),
            "list": Target("list", f"{api}/api/v1/applications?limit=50", clerk),
            "bare_write": Target("bare_write", f"{bare}/bare/writes", {}, body=""),
            "bare_registration": Target(
                "bare_registration", f"{bare}/bare/registrations", {}, body=""
            ),
            "write": Target(
                "write",
                f"{api}/api/v1/applications",
                json_clerk,
                body=json.dumps(NEW_APPLICATION, ensure_ascii=False),
            ),
        }
        if args.workers > 1:
            targets["read_1_worker"] = Target(
                "read_1_worker",
                f"http://127.0.0.1:{one_worker_port}/api/v1/applications/{app_id}",
                clerk,
            )
        names = list(args.only or TARGETS)
        if args.workers > 1 and "read" in names:
            names.insert(names.index("read") + 1, "read_1_worker")
        chosen = [targets[name] for name in names]
        for target in chosen:  # warm up; a wrong request fails here, not in the table
            response = httpx.request(
                "POST" if target.body is not None else "GET",
                target.url,
                headers=target.headers,
                content=target.body,
            )
            if response.status_code >= 300:
                raise SystemExit(f"{target.name}: {response.status_code} {response.text[:300]}")
            run_wrk(target, 1, args.connections, workdir)
        for round_number in range(args.rounds):
            for target in chosen:
                target.samples.append(run_wrk(target, args.seconds, args.connections, workdir))
            print(f"round {round_number + 1}/{args.rounds} done", file=sys.stderr)
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=20)
    report(args, url, chosen)


def report(args: argparse.Namespace, url: str, chosen: list[Target]) -> None:
    by_name = {t.name: t for t in chosen}
    backend = "PostgreSQL" if url.startswith("postgresql") else "SQLite"

    def ratio(name: str) -> str:
        pairs = {
            "read": [("bare_read", "rps"), ("read_1_worker", "rps")],
            "public": [("bare_read", "rps")],
            "write": [("bare_write", "rps"), ("bare_registration", "rps")],
            "bare_registration": [("bare_write", "rps")],
            "list": [("read", "p50_ms")],
            "bare_list": [("read", "p50_ms")],
        }
        shown = []
        for other, attr in pairs.get(name, []):
            if other in by_name:
                value = by_name[name].median(attr) / by_name[other].median(attr)
                shown.append(f"{value:.2f}× {'p50 of read' if attr == 'p50_ms' else other}")
        return "; ".join(shown) or "—"

    table = [
        "| target | req/s | p50 ms | p99 ms | ratio | errors | load (1 min) |",
        "|---|---:|---:|---:|---|---:|---|",
    ]
    for t in chosen:
        loads = [s.load for s in t.samples]
        table.append(
            f"| {t.name} | {t.median('rps'):.0f} | {t.median('p50_ms'):.1f} | "
            f"{t.median('p99_ms'):.1f} | {ratio(t.name)} | {sum(s.errors for s in t.samples)} | "
            f"{min(loads):.1f}–{max(loads):.1f} |"
        )
    heading = (
        f"{backend}, {args.applications} applications, {args.workers} API worker(s), "
        f"{args.rounds} rounds × {args.seconds:g} s, {args.connections} connections, "
        f"uvicorn --loop {args.loop} --http {args.http}" + (f", {args.label}" if args.label else "")
    )
    command = " ".join(shlex.quote(a) for a in ["python", *sys.argv])
    command = re.sub(r"postgresql\+psycopg://\S+", "postgresql+psycopg://…", command)
    print(heading)
    print("\n".join(table))
    if args.write:
        with (ROOT / "docs" / "benchmarks.md").open("a", encoding="utf-8") as out:
            out.write(
                f"\n### API: {heading} ({now().date().isoformat()})\n\n`{command}`\n\n"
                + "\n".join(table)
                + "\n"
            )


if __name__ == "__main__":
    main()
