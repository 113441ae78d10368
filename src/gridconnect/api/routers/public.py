"""Customers without an account: apply online and follow the application with a code."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Path, Request, status
from starlette.concurrency import run_in_threadpool

from gridconnect.api.content import require_json
from gridconnect.api.deps import ServicesDep, SettingsDep
from gridconnect.api.error_statuses import errors
from gridconnect.api.point_reads import point_read
from gridconnect.api.schemas.applications import PublicApplicationCreate
from gridconnect.api.schemas.public import PublicReceipt, PublicStatus
from gridconnect.services.public import (
    StatusNotFound,
    TooManyAttempts,
    apply_online,
    judge_and_read,
    masked_view,
    read_proven,
    settle,
)
from gridconnect.workflow.errors import InvalidApplication

router = APIRouter(prefix="/api/v1/public/applications", tags=["public"])


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=PublicReceipt,
    dependencies=[Depends(require_json)],
    responses=errors(InvalidApplication),
)
def submit_online_application(
    body: PublicApplicationCreate, svc: ServicesDep, settings: SettingsDep
) -> dict[str, Any]:
    """Apply online, at any hour; keep the access code: it is shown only this once."""
    app, code = apply_online(svc, body.command(body.company), settings.signing_secret())
    return {
        "number": app.number,
        "access_code": code,
        "status_url": f"/api/v1/public/applications/{app.number}",
    }


@router.get(
    "/{number}",
    response_model=PublicStatus,
    responses=errors(StatusNotFound, TooManyAttempts),
)
async def read_public_status(
    number: Annotated[str, Path(max_length=32)],
    request: Request,
    svc: ServicesDep,
    settings: SettingsDep,
    access_code: Annotated[str | None, Header(alias="X-Access-Code", max_length=64)] = None,
) -> dict[str, Any]:
    """Stage, history, missing documents and deadlines (name and phone masked)."""
    client = request.client.host if request.client else "unknown"
    secret = settings.signing_secret()
    verdict, app = await point_read(
        svc.engine, judge_and_read, svc, number, access_code, secret, client
    )
    if app is None:  # a write: a wrong code under the limits' lock, or clearing the count
        await run_in_threadpool(settle, svc, verdict)
        app = await run_in_threadpool(read_proven, svc, number)
    return masked_view(svc, app)
