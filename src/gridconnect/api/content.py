"""Request content types: JSON endpoints refuse anything else with 415 before reading it."""

from __future__ import annotations

from fastapi import HTTPException, Request, status

from gridconnect.api.error_statuses import can_fail
from gridconnect.errors import InvalidInput


def media_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


def is_json(kind: str) -> bool:
    return kind == "application/json" or (
        kind.startswith("application/") and kind.endswith("+json")
    )


@can_fail(415)
async def require_json(request: Request) -> None:
    """415 for a body sent as anything but JSON (a body-less request passes)."""
    kind = media_type(request)
    has_body = request.headers.get("content-length", "0") != "0" or "transfer-encoding" in (
        request.headers
    )
    if (kind or has_body) and not is_json(kind):
        raise HTTPException(
            status.HTTP_415_UNSUPPORTED_MEDIA_TYPE,
            f"send the body as application/json, not {kind or 'without a content type'}",
        )


class MalformedJson(InvalidInput):
    code = "malformed_json"


class InvalidBody(InvalidInput):
    code = "validation_error"
