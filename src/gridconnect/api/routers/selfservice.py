"""Customers recover a lost access code by proving the phone on the application."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request, status
from pydantic import BaseModel, Field

from gridconnect.api.content import require_json
from gridconnect.api.deps import ServicesDep, SettingsDep
from gridconnect.api.error_statuses import errors
from gridconnect.api.schemas.public import PublicReceipt
from gridconnect.services.attempts import TooManyAttempts
from gridconnect.services.selfservice.recovery import (
    RecoveryFailed,
    request_recovery,
    verify_recovery,
)

router = APIRouter(prefix="/api/v1/public/recovery", tags=["public"])


class RecoveryIn(BaseModel):
    number: str = Field(min_length=1, max_length=32, description="the application number")


class RecoveryChallenge(BaseModel):
    challenge: str = Field(description="give it back with the code from the text message")
    message: str


class RecoveryVerifyIn(BaseModel):
    one_time_code: str = Field(min_length=1, max_length=16, description="from the text message")


def client_of(request: Request) -> str:
    return request.client.host if request.client else "unknown"


@router.post(
    "",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=RecoveryChallenge,
    dependencies=[Depends(require_json)],
    responses=errors(TooManyAttempts),
)
def ask_for_one_time_code(
    body: RecoveryIn, request: Request, svc: ServicesDep, settings: SettingsDep
) -> dict[str, Any]:
    """Send a one-time code to the phone of the application (the same answer for any number)."""
    challenge = request_recovery(svc, body.number, client_of(request), settings.signing_secret())
    return {
        "challenge": challenge,
        "message": "if the number exists, a one-time code was sent to its phone (10 minutes)",
    }


@router.post(
    "/{challenge}/verify",
    response_model=PublicReceipt,
    dependencies=[Depends(require_json)],
    responses=errors(RecoveryFailed, TooManyAttempts),
)
def replace_access_code(
    challenge: Annotated[str, Path(max_length=64)],
    body: RecoveryVerifyIn,
    request: Request,
    svc: ServicesDep,
    settings: SettingsDep,
) -> dict[str, Any]:
    """The one-time code, once: a new access code; the old one stops working."""
    recovered = verify_recovery(
        svc, challenge, body.one_time_code, client_of(request), settings.signing_secret()
    )
    return {
        "number": recovered.number,
        "access_code": recovered.access_code,
        "status_url": f"/api/v1/public/applications/{recovered.number}",
    }
