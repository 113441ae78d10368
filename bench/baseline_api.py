"""The bare baseline the API benchmark compares against: one FastAPI endpoint, one statement.

`GET /bare/applications/{id}` reads the application row with one SQLAlchemy SELECT;
`POST /bare/writes` inserts one row and commits. `GET /bare/applications` is the least a
list of 50 must do: the newest 50 application rows, their stage visits, documents and clocks
with their pauses (four SELECTs, as the product's), sent as stored, nothing computed.
`POST /bare/registrations` writes the rows a registration writes (its number from the
counter, the row, its stage visit, its two clocks, its audit event, its approval mode) as
constants, with the same statements in one commit and nothing else: the write target's
floor. Same
Python, same database (GRIDCONNECT_DATABASE_URL), same engine settings as the product
(`make_engine`), one uvicorn worker. Served by `bench/bench_api.py`; not part of the product.
"""

from __future__ import annotations

import contextlib
import os
import threading
from datetime import UTC, date, datetime, timedelta
from typing import Any

from fastapi import FastAPI, HTTPException, Response
from pydantic_core import to_json
from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table, func, insert, select
from sqlalchemy.dialects.postgresql import insert as postgres_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from gridconnect.store.db import make_engine
from gridconnect.store.gov_tables import GovApprovalRow
from gridconnect.store.repository import (
    APPLICATION,
    CLOCKS,
    COUNTERS,
    DOCUMENTS,
    EVENTS,
    PAUSES,
    VISITS,
)

engine = make_engine(os.environ["GRIDCONNECT_DATABASE_URL"])
APPROVALS = GovApprovalRow.__table__  # type: ignore[attr-defined]
scratch = MetaData()
bare_write = Table(
    "bench_bare_write",
    scratch,
    Column("id", Integer, primary_key=True),
    Column("note", String(64), nullable=False),
    Column("at", DateTime(timezone=True), server_default=func.now()),
)
scratch.create_all(engine)

app = FastAPI()


@app.get("/bare/applications/{application_id}")
def bare_read(application_id: int) -> dict[str, Any]:
    with engine.connect() as db:
        row = db.execute(select(APPLICATION).where(APPLICATION.c.id == application_id)).first()
    if row is None:
        raise HTTPException(404)
    return {key: value for key, value in row._mapping.items()}


@app.post("/bare/writes", status_code=201)
def bare_insert() -> dict[str, int]:
    with engine.begin() as db:
        new_id = db.execute(insert(bare_write).values(note="bench")).inserted_primary_key
    assert new_id is not None
    return {"id": int(new_id[0])}


@app.get("/bare/applications")
def bare_list(limit: int = 50) -> Response:
    """A page of applications with their children as stored: no view, no scope, no sign-in."""
    with engine.connect() as db:
        rows = db.execute(select(APPLICATION).order_by(APPLICATION.c.id.desc()).limit(limit))
        items = {
            row.id: {**row._mapping, "visits": [], "documents": [], "clocks": []} for row in rows
        }
        ids = list(items)
        for child, key in ((VISITS, "visits"), (DOCUMENTS, "documents")):
            for row in db.execute(select(child).where(child.c.application_id.in_(ids))):
                items[row.application_id][key].append(dict(row._mapping))
        paused = [c.label("pause_" + c.name) for c in PAUSES.c if c.name != "clock_id"]
        clocks = select(CLOCKS, *paused)
        clocks = clocks.outerjoin(PAUSES, PAUSES.c.clock_id == CLOCKS.c.id)
        for row in db.execute(clocks.where(CLOCKS.c.application_id.in_(ids))):
            items[row.application_id]["clocks"].append(dict(row._mapping))
    return Response(to_json({"items": list(items.values())}), media_type="application/json")


# What a registration of NEW_APPLICATION (bench_api.py) writes, as constants.
AT = datetime(2026, 11, 27, 6, 0, tzinfo=UTC)
DUE = AT + timedelta(days=7)
APPLICATION_ROW = {
    "company": "bare",  # its own number counter and serials
    "year": 2026,
    "kind": "lv_residential",
    "city": "西安",
    "area_class": "urban",
    "address": "西安市雁塔区测试路 1 号",
    "customer_name": "赵六",
    "customer_phone": "13800138000",
    "customer_id_number": "610102199001011234",
    "capacity": 8.0,
    "channel": "hall",
    "received_at": AT,
    "received_on": date(2026, 11, 27),
    "stage": "acceptance",
    "status": "open",
    "suspended": False,
    "three_zero": True,
    "on_site_reply": False,
    "access_code_hash": "hmac-sha256$" + "0" * 64,
    "stalls_at": DUE,
    "updated_at": AT,
    "version": 1,
    "audit_length": 1,
    "audit_head": "1" * 64,
}
CLOCK_ROWS = [
    {"kind": kind, "rule_id": rule, "limit_working_days": days, "started_at": AT, "due_at": DUE}
    | {"warn_at": DUE, "provisional": False, "state": "running", "paused_working_days": 0}
    | {"late": False}
    for kind, rule, days in (
        ("full_process", "full_process.lv_residential", 5),
        ("stage:acceptance", "stage.acceptance", 1),
    )
]
EVENT_ROW = {"seq": 1, "at": AT, "actor": "clerk", "action": "received"}
EVENT_ROW |= {"stage_after": "acceptance", "details": {"channel": "hall"}}
EVENT_ROW |= {"prev_hash": "0" * 64, "hash": "1" * 64}
upsert = postgres_insert if engine.dialect.name == "postgresql" else sqlite_insert
NEXT_SERIAL = (
    upsert(COUNTERS)
    .values(company="bare", year=2026, last_serial=1)
    .on_conflict_do_update(
        index_elements=["company", "year"], set_={"last_serial": COUNTERS.c.last_serial + 1}
    )
    .returning(COUNTERS.c.last_serial)
)
# On SQLite one writer at a time, as the product queues its units of work (store/uow.py).
writers = threading.Lock() if engine.dialect.name == "sqlite" else contextlib.nullcontext()


@app.post("/bare/registrations", status_code=201)
def bare_registration() -> dict[str, int]:
    with writers, engine.begin() as db:
        serial = db.execute(NEXT_SERIAL).scalar_one()
        number = f"BARE-2026-{serial:06d}"
        row = {**APPLICATION_ROW, "number": number, "serial": serial}
        new_id = db.execute(insert(APPLICATION).values(row)).inserted_primary_key[0]
        db.execute(
            insert(VISITS).values(
                application_id=new_id, stage="acceptance", position=0, entered_at=AT
            )
        )
        db.execute(insert(CLOCKS), [{**c, "application_id": new_id} for c in CLOCK_ROWS])
        db.execute(insert(EVENTS).values(application_id=new_id, **EVENT_ROW))
        db.execute(
            insert(APPROVALS)
            .values(application_id=new_id, mode="none", departments=[], state="chosen", attempts=0)
            .values(chosen_at=AT)
        )
    return {"id": int(new_id)}
