"""The bare baseline the API benchmark compares against: one FastAPI endpoint, one statement.

`GET /bare/applications/{id}` reads the application row with one SQLAlchemy SELECT;
`POST /bare/writes` inserts one row and commits. Same Python, same database
(GRIDCONNECT_DATABASE_URL), same engine settings as the product (`make_engine`), one
uvicorn worker. Served by `bench/bench_api.py`; not part of the product.
"""

from __future__ import annotations

import os
from typing import Any

from fastapi import FastAPI, HTTPException
from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table, func, insert, select

from gridconnect.store.db import make_engine
from gridconnect.store.tables import ApplicationRow

engine = make_engine(os.environ["GRIDCONNECT_DATABASE_URL"])
application = ApplicationRow.__table__  # type: ignore[attr-defined]
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
        row = db.execute(select(application).where(application.c.id == application_id)).first()
    if row is None:
        raise HTTPException(404)
    return {key: value for key, value in row._mapping.items()}


@app.post("/bare/writes", status_code=201)
def bare_insert() -> dict[str, int]:
    with engine.begin() as db:
        new_id = db.execute(insert(bare_write).values(note="bench")).inserted_primary_key
    assert new_id is not None
    return {"id": int(new_id[0])}
