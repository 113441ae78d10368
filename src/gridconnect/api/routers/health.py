"""Liveness and readiness."""

from typing import Any, Literal

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import text

from gridconnect.api.deps import EngineDep
from gridconnect.api.schemas.common import ErrorBody
from gridconnect.store.db import migrations_current
from gridconnect.store.maintenance import autovacuum_off

router = APIRouter(tags=["health"])


class Ready(BaseModel):
    status: Literal["ready"]
    # Ready, but something an operator should fix: "autovacuum_off" (PostgreSQL keeps no
    # fresh statistics, so report queries slow down by orders of magnitude).
    warnings: list[Literal["autovacuum_off"]] = []


NOT_READY: dict[int | str, dict[str, Any]] = {
    503: {
        "model": ErrorBody,
        "description": "database unreachable (`database_unreachable`) or not migrated "
        "(`migrations_pending`)",
    }
}


@router.get("/healthz")
def healthz() -> dict[str, str]:
    """The process is up."""
    return {"status": "ok"}


@router.get("/readyz", response_model=Ready, responses=NOT_READY)
def readyz(engine: EngineDep) -> JSONResponse:
    """The database answers and its migrations are current."""
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        current = migrations_current(engine)
        warnings = ["autovacuum_off"] if autovacuum_off(engine) else []
    except Exception as exc:  # any driver error means "not ready", never a 500
        return JSONResponse(
            {"code": "database_unreachable", "message": str(exc).splitlines()[0], "details": None},
            status_code=503,
        )
    if not current:
        return JSONResponse(
            {
                "code": "migrations_pending",
                "message": "run `gridconnect db upgrade`",
                "details": None,
            },
            status_code=503,
        )
    return JSONResponse({"status": "ready", **({"warnings": warnings} if warnings else {})})
