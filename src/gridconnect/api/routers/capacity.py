"""The network's open capacity and restricted areas (可开放容量, L52): import, edit, publish."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel, Field

from gridconnect.api.auth import AuthUser, require, user_scope
from gridconnect.api.content import require_json
from gridconnect.api.deps import ServicesDep
from gridconnect.api.error_statuses import errors
from gridconnect.api.permissions import Permission
from gridconnect.api.routers.applications import AppId, Reader
from gridconnect.api.schemas.applications import City
from gridconnect.api.schemas.common import Strict
from gridconnect.services.applications import get_application
from gridconnect.services.supply_plans.capacity import (
    CapacityLine,
    CapacityNotFound,
    InvalidCapacityFile,
    capacity_at,
    import_capacity_csv,
    list_capacity,
    public_capacity,
    update_capacity,
)

router = APIRouter(tags=["capacity"])
Manager = Annotated[AuthUser, Depends(require(Permission.MANAGE_CAPACITY))]
JSON_ONLY = [Depends(require_json)]
Area = Annotated[str | None, Query(max_length=100, description="an area as published")]


class CapacityImportIn(Strict):
    csv: Annotated[str, Field(min_length=1, max_length=2_000_000)]


class CapacityImportOut(BaseModel):
    lines: int
    added: int
    updated: int


@router.get("/api/v1/public/open-capacity", response_model=list[dict[str, Any]])
def read_open_capacity(
    svc: ServicesDep, city: City | None = None, area: Area = None
) -> list[dict[str, Any]]:
    """Open capacity per city and area; other fields as the company chooses to publish."""
    return public_capacity(svc, str(city) if city else None, area)


@router.get("/api/v1/capacity", response_model=list[dict[str, Any]])
def list_network_capacity(
    user: Manager, svc: ServicesDep, city: City | None = None, area: Area = None
) -> list[dict[str, Any]]:
    """Every row in your company and cities, with all fields."""
    return list_capacity(svc, user_scope(user), str(city) if city else None, area)


@router.post(
    "/api/v1/capacity/import",
    response_model=CapacityImportOut,
    dependencies=JSON_ONLY,
    responses=errors(InvalidCapacityFile),
)
def import_network_capacity(
    body: CapacityImportIn, user: Manager, svc: ServicesDep
) -> dict[str, int]:
    """Import a CSV as a whole: every line valid (errors numbered by line) or nothing."""
    return import_capacity_csv(svc, body.csv, user.username, user_scope(user))


@router.put(
    "/api/v1/capacity/{capacity_id}",
    response_model=dict[str, Any],
    dependencies=JSON_ONLY,
    responses=errors(CapacityNotFound, InvalidCapacityFile),
)
def edit_network_capacity(
    capacity_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
    body: CapacityLine,
    user: Manager,
    svc: ServicesDep,
) -> dict[str, Any]:
    """Edit one substation and feeder: capacity, restriction, reason, relief date."""
    return update_capacity(svc, capacity_id, body, user.username, user_scope(user))


@router.get("/api/v1/applications/{application_id}/capacity", response_model=dict[str, Any])
def read_capacity_at_application(
    application_id: AppId, user: Reader, svc: ServicesDep
) -> dict[str, Any]:
    """The capacity where the application's address lies; a restricted area flags a likely
    transitional plan (L27)."""
    return capacity_at(svc, get_application(svc, application_id, user_scope(user)))
