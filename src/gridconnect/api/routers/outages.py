"""The outage ledger for dispatchers and supervisors; the public read of outages."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, status

from gridconnect.api.auth import AuthUser, require, user_scope
from gridconnect.api.content import require_json
from gridconnect.api.deps import ServicesDep
from gridconnect.api.error_statuses import errors
from gridconnect.api.permissions import Permission
from gridconnect.api.schemas.outages import (
    CorrectionIn,
    OutageChange,
    OutageCreate,
    OutageDetail,
    OutagePage,
    ProgressIn,
    PublicOutage,
    RestorationIn,
)
from gridconnect.config.vocabulary import City, OutageKind
from gridconnect.errors import NotFound
from gridconnect.services.context import Services
from gridconnect.services.outages.ledger import (
    Change,
    InvalidOutage,
    OutageNotFound,
    correct,
    post_progress,
    register,
    restore,
)
from gridconnect.services.outages.queries import (
    list_outages as find_outages,
)
from gridconnect.services.outages.queries import (
    outage_detail,
    outages_of_account,
    public_outages,
)
from gridconnect.workflow.errors import VersionConflict

router = APIRouter(prefix="/api/v1/outages", tags=["outages"])
public_router = APIRouter(prefix="/api/v1/public/outages", tags=["public"])

Reader = Annotated[AuthUser, Depends(require(Permission.READ_OUTAGES))]
Dispatcher = Annotated[AuthUser, Depends(require(Permission.RECORD_OUTAGES))]
OutageId = Annotated[int, Path(ge=1, le=2_147_483_647)]
JSON_ONLY = [Depends(require_json)]


def _changed(svc: Services, change: Change, user: AuthUser) -> dict[str, Any]:
    assert change.outage.id is not None
    return {
        "outage": outage_detail(svc, change.outage.id, user_scope(user)),
        "notices_queued": change.notices,
        "alerts": change.alerts,
    }


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=OutageChange,
    dependencies=JSON_ONLY,
    responses=errors(InvalidOutage),
)
def create_outage(body: OutageCreate, user: Dispatcher, svc: ServicesDep) -> dict[str, Any]:
    """Register a planned outage, or record a fault / limited supply (in your cities)."""
    change = register(svc, body.command(), user.username, user_scope(user))
    return _changed(svc, change, user)


@router.get("", response_model=OutagePage)
def list_outages(
    user: Reader,
    svc: ServicesDep,
    state: Literal["current", "planned", "restored", "all"] = "all",
    city: City | None = None,
    kind: OutageKind | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> dict[str, Any]:
    """Outages of your company and cities, newest first."""
    items, total = find_outages(
        svc,
        user_scope(user),
        state,
        str(city) if city else None,
        str(kind) if kind else None,
        limit,
        offset,
    )
    return {"items": items, "total": total, "limit": limit, "offset": offset}


@router.get("/{outage_id}", response_model=OutageDetail, responses=errors(OutageNotFound))
def read_outage(outage_id: OutageId, user: Reader, svc: ServicesDep) -> dict[str, Any]:
    """One outage with its feeders, partial restorations and every event."""
    return outage_detail(svc, outage_id, user_scope(user))


@router.post(
    "/{outage_id}/progress",
    response_model=OutageChange,
    dependencies=JSON_ONLY,
    responses=errors(OutageNotFound, InvalidOutage, VersionConflict),
)
def post_outage_progress(
    outage_id: OutageId, body: ProgressIn, user: Dispatcher, svc: ServicesDep
) -> dict[str, Any]:
    """Repair progress and the expected restoration, pushed to the customers (L50)."""
    change = post_progress(
        svc, outage_id, body.version, body.note, body.expected_restoration, user.username,
        user_scope(user),
    )  # fmt: skip
    return _changed(svc, change, user)


@router.post(
    "/{outage_id}/restoration",
    response_model=OutageChange,
    dependencies=JSON_ONLY,
    responses=errors(OutageNotFound, InvalidOutage, VersionConflict),
)
def restore_outage(
    outage_id: OutageId, body: RestorationIn, user: Dispatcher, svc: ServicesDep
) -> dict[str, Any]:
    """Power back on: all feeders, or some (a partial restoration)."""
    change = restore(
        svc, outage_id, body.version, body.restored_at, user.username, body.feeders,
        user_scope(user),
    )  # fmt: skip
    return _changed(svc, change, user)


@router.post(
    "/{outage_id}/corrections",
    response_model=OutageChange,
    dependencies=JSON_ONLY,
    responses=errors(OutageNotFound, InvalidOutage, VersionConflict),
)
def correct_outage(
    outage_id: OutageId, body: CorrectionIn, user: Dispatcher, svc: ServicesDep
) -> dict[str, Any]:
    """Correct an outage: an audited event with the values before and after."""
    change = correct(
        svc, outage_id, body.version, body.changes(), body.reason, user.username,
        user_scope(user),
    )  # fmt: skip
    return _changed(svc, change, user)


@public_router.get("", response_model=list[PublicOutage])
def read_public_outages(svc: ServicesDep, city: City | None = None) -> list[dict[str, Any]]:
    """Current and planned outages (停电信息), without personal data."""
    return public_outages(svc, str(city) if city else None)


@public_router.get(
    "/account/{account}", response_model=list[PublicOutage], responses=errors(NotFound)
)
def read_account_outages(
    account: Annotated[str, Path(min_length=1, max_length=32, pattern=r"^\S+$")],
    svc: ServicesDep,
) -> list[dict[str, Any]]:
    """This year's outages that touched the account's feeder or transformer area."""
    return outages_of_account(svc, account)
