"""The published service standards (ledger item 52), generated from the policy."""

# No `from __future__ import annotations` here: FastAPI resolves string annotations lazily, at
# the first request, and under freezegun `dt.date` would then name its FakeDate. Evaluated at
# import, the annotation keeps the real date class.
import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Query

from gridconnect.api.deps import ServicesDep
from gridconnect.api.schemas.applications import City
from gridconnect.api.schemas.standards import ServiceStandards
from gridconnect.config.standards import service_standards
from gridconnect.timesource import local_date

router = APIRouter(prefix="/api/v1/public", tags=["public"])


@router.get(
    "/service-standards",
    response_model=ServiceStandards,
    # a three-zero scope without a capacity or city limit has no such keys: keep them absent
    response_model_exclude_unset=True,
)
def read_service_standards(
    svc: ServicesDep,
    city: Annotated[City | None, Query(description="a city's own stricter limits")] = None,
    date: Annotated[
        dt.date | None,
        Query(ge=dt.date(2020, 1, 1), le=dt.date(2035, 12, 31), description="default today"),
    ] = None,
) -> dict[str, Any]:
    """Stages, documents, time limits in force and fees of each kind of application."""
    return service_standards(svc.policy, date or local_date(svc.now()), city)
