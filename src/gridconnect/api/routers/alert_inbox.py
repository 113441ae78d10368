"""The alert inbox (command centre): open alerts filtered and paged, bulk acknowledgement."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from gridconnect.api.auth import AuthUser, require, user_scope
from gridconnect.api.content import require_json
from gridconnect.api.deps import ServicesDep
from gridconnect.api.permissions import Permission
from gridconnect.api.schemas.common import Strict
from gridconnect.api.schemas.public import AlertOut
from gridconnect.config.vocabulary import City, NoControl
from gridconnect.services.alert_inbox import AlertFilters, acknowledge_many, find_alerts
from gridconnect.workflow.events import AlertLevel

router = APIRouter(prefix="/api/v1/alerts", tags=["alerts"])

Supervisor = Annotated[AuthUser, Depends(require(Permission.HANDLE_ALERTS))]
ClockName = Annotated[str, NoControl, Field(min_length=1, max_length=48)]


class AlertPage(BaseModel):
    items: list[AlertOut]
    total: int
    limit: int
    offset: int


class AcknowledgeIn(Strict):
    ids: Annotated[
        list[Annotated[int, Field(strict=True, ge=1, le=2**31 - 1)]],
        Field(min_length=1, max_length=500),
    ]
    note: Annotated[str, NoControl, Field(max_length=500)] = ""


class AcknowledgedOut(BaseModel):
    acknowledged: list[int] = Field(description="the alerts acknowledged by this request")


@router.get("/inbox", response_model=AlertPage)
def alert_inbox(
    user: Supervisor,
    svc: ServicesDep,
    city: City | None = None,
    clock: Annotated[
        str | None,
        Query(min_length=1, max_length=48, description="full_process, stage:<code>, stall..."),
    ] = None,
    level: AlertLevel | None = None,
    min_age_days: Annotated[int | None, Query(ge=0, le=3650)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> dict[str, Any]:
    """Open alerts of your company and cities, the longest waiting first, paged."""
    filters = AlertFilters(
        city=str(city) if city else None,
        clock=clock,
        level=str(level) if level else None,
        min_age_days=min_age_days,
    )
    items, total = find_alerts(svc, user_scope(user), filters, limit, offset)
    return {"items": items, "total": total, "limit": limit, "offset": offset}


@router.post("/acknowledge", response_model=AcknowledgedOut, dependencies=[Depends(require_json)])
def acknowledge_selection(body: AcknowledgeIn, user: Supervisor, svc: ServicesDep) -> Any:
    """Acknowledge a selection of alerts in one step, with one note (first one stands)."""
    done = acknowledge_many(svc, body.ids, user.username, body.note, user_scope(user))
    return {"acknowledged": done}
