"""Reliability figures against the ledger's targets; the customer registry (masked)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query

from gridconnect.api.auth import AuthUser, require, user_scope
from gridconnect.api.content import require_json
from gridconnect.api.deps import ServicesDep
from gridconnect.api.error_statuses import errors
from gridconnect.api.permissions import Permission
from gridconnect.api.schemas.outages import (
    ConnectionIn,
    CustomerOut,
    CustomerPage,
    NoticeFailureOut,
    ReliabilityAlertOut,
)
from gridconnect.errors import InvalidInput, NotFound
from gridconnect.services.outages.connections import NotConnected, account_from_application
from gridconnect.services.outages.imports import local_instant
from gridconnect.services.outages.indices import MissingCustomerCount
from gridconnect.services.outages.periods import parse_period
from gridconnect.services.outages.queries import list_customers as find_customers
from gridconnect.services.outages.queries import (
    list_reliability_alerts,
    mask_phone,
    notice_failures,
)
from gridconnect.services.outages.report import reliability_report

router = APIRouter(prefix="/api/v1/reliability", tags=["reliability"])
customers_router = APIRouter(prefix="/api/v1/customers", tags=["customers"])

Supervisor = Annotated[AuthUser, Depends(require(Permission.READ_REPORTS))]
CustomerReader = Annotated[AuthUser, Depends(require(Permission.READ_CUSTOMERS))]
Connector = Annotated[AuthUser, Depends(require(Permission.RECORD_CONNECTIONS))]
Period = Annotated[str | None, Query(max_length=8)]


@router.get("", responses=errors(InvalidInput, MissingCustomerCount))
def read_reliability(
    user: Supervisor,
    svc: ServicesDep,
    year: Period = None,
    quarter: Period = None,
    month: Period = None,
    as_of: Annotated[str | None, Query(max_length=40, description="ISO 8601; default now")] = None,
) -> dict[str, Any]:
    """AIHC (SAIDI), AITC (SAIFI), CAIDI, RS per company, city and area class, with targets."""
    period = parse_period(year, quarter, month)
    moment = svc.now()
    if as_of:
        try:
            moment = local_instant(datetime.fromisoformat(as_of))
        except ValueError:
            raise InvalidInput(
                "as_of is not an ISO 8601 time",
                [{"field": "as_of", "message": "expected e.g. 2026-10-31T24:00:00+08:00"}],
            ) from None
    return reliability_report(svc.engine, svc.policy.reliability, period, moment, user_scope(user))


@router.get("/alerts", response_model=list[ReliabilityAlertOut])
def read_reliability_alerts(user: Supervisor, svc: ServicesDep) -> list[dict[str, Any]]:
    """Late notices and yearly budgets running ahead, newest first."""
    return list_reliability_alerts(svc, user_scope(user))


@router.get("/notice-failures", response_model=list[NoticeFailureOut])
def read_notice_failures(user: Supervisor, svc: ServicesDep) -> list[dict[str, Any]]:
    """Outage notices the customer gateway refused: given up, or retrying after an error."""
    return notice_failures(svc, user_scope(user))


@customers_router.get("", response_model=CustomerPage)
def list_customers(
    user: CustomerReader,
    svc: ServicesDep,
    feeder: Annotated[str | None, Query(max_length=64)] = None,
    account: Annotated[str | None, Query(max_length=32)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> dict[str, Any]:
    """Customer accounts of your company and cities; phones masked."""
    items, total = find_customers(svc, user_scope(user), feeder, account, limit, offset)
    return {"items": items, "total": total, "limit": limit, "offset": offset}


@customers_router.post(
    "/from-application/{application_id}",
    response_model=CustomerOut,
    dependencies=[Depends(require_json)],
    responses=errors(NotFound, NotConnected, InvalidInput),
)
def record_connection(
    application_id: Annotated[int, Path(ge=1, le=2_147_483_647)],
    body: ConnectionIn,
    user: Connector,
    svc: ServicesDep,
) -> dict[str, Any]:
    """The feeder and transformer area of a connected application: its customer account."""
    row = account_from_application(
        svc, application_id, body.feeder, body.transformer_area, user_scope(user)
    )
    return row.model_dump() | {"phone": mask_phone(row.phone)}
