"""The regulator data interface (L31–32): changes since a cursor, as JSON Lines."""

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response
from pydantic import BaseModel, Field

from gridconnect.api.auth import AuthUser, require
from gridconnect.api.deps import ServicesDep
from gridconnect.api.error_statuses import errors
from gridconnect.api.permissions import Permission
from gridconnect.services.export import DEFAULT_LIMIT, MAX_LIMIT, export_changes, export_log
from gridconnect.services.export_cursor import InvalidCursor

router = APIRouter(prefix="/api/v1/exports", tags=["exports"])

Admin = Annotated[AuthUser, Depends(require(Permission.EXPORT_REGULATOR))]


class ExportLogEntry(BaseModel):
    """One export: who ran it, when, and which cursor range it covered."""

    id: int
    actor: str
    at: str = Field(description="ISO 8601 instant in UTC")
    cursor_from: str
    cursor_to: str
    applications: int
    events: int
    lines: int
    channel: Literal["api", "cli"]


@router.get(
    "/regulator",
    response_class=Response,
    responses={
        200: {
            "description": "JSON Lines: applications, then outages, then the next cursor",
            "content": {
                "application/x-ndjson": {
                    "schema": {
                        "type": "string",
                        "description": "one JSON object a line; each line validates against "
                        "docs/regulator-export.schema.json",
                    }
                }
            },
            "headers": {"X-Next-Cursor": {"schema": {"type": "string"}}},
        },
        **errors(InvalidCursor),
    },
)
def export_regulator_changes(
    user: Admin,
    svc: ServicesDep,
    cursor: Annotated[str, Query(description="next_cursor of the previous export")] = "",
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
) -> Response:
    """Applications changed since the cursor (docs/regulator-export.md); recorded in the
    export log."""
    batch = export_changes(svc, cursor, actor=user.username, channel="api", limit=limit)
    return Response(
        batch.text(),
        media_type="application/x-ndjson; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="regulator-{batch.next_cursor}.jsonl"',
            "X-Next-Cursor": str(batch.next_cursor),
        },
    )


@router.get("/log", response_model=list[ExportLogEntry])
def list_exports(
    user: Admin, svc: ServicesDep, limit: Annotated[int, Query(ge=1, le=500)] = 100
) -> list[dict[str, Any]]:
    """Who exported what and when, newest first (the audit record of exports)."""
    return [{**row, "at": row["at"].isoformat()} for row in export_log(svc, limit)]
