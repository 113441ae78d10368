"""Warnings and breaches of the SLA clocks, for supervisors."""

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query

from gridconnect.api.auth import AuthUser, require, user_scope
from gridconnect.api.deps import ServicesDep
from gridconnect.api.error_statuses import errors
from gridconnect.api.permissions import Permission
from gridconnect.api.schemas.public import AlertOut
from gridconnect.services.alerts import AlertNotFound, acknowledge, list_alerts

router = APIRouter(prefix="/api/v1/alerts", tags=["alerts"])

Supervisor = Annotated[AuthUser, Depends(require(Permission.HANDLE_ALERTS))]


@router.get("", response_model=list[AlertOut])
def read_alerts(
    user: Supervisor,
    svc: ServicesDep,
    state: Literal["open", "acknowledged", "all"] = "open",
    limit: Annotated[int, Query(ge=1, le=500)] = 200,
) -> list[dict[str, Any]]:
    """Alerts of your company and cities, newest first (open: not yet acknowledged)."""
    return list_alerts(svc, user_scope(user), state, limit)


@router.post("/{alert_id}/ack", response_model=AlertOut, responses=errors(AlertNotFound))
def acknowledge_alert(
    alert_id: Annotated[int, Path(ge=1, le=2_147_483_647)], user: Supervisor, svc: ServicesDep
) -> dict[str, Any]:
    """Acknowledge an alert: who and when are recorded; the first acknowledgement stands."""
    return acknowledge(svc, alert_id, user.username, user_scope(user))
