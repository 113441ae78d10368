"""Every error leaves the API as JSON {"code", "message", "details"} with a stable code."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from gridconnect.errors import GridconnectError

HTTP_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "body_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "too_many_attempts",
}


def error_body(code: str, message: str, details: Any = None) -> dict[str, Any]:
    return {"code": code, "message": message, "details": details}


def _field_name(location: tuple[Any, ...] | list[Any]) -> str:
    parts = [str(p) for p in location if p not in ("body", "query", "path", "header", "form")]
    return ".".join(parts) or "body"


async def _domain_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, GridconnectError)
    retry = exc.details.get("retry_after_seconds") if isinstance(exc.details, dict) else None
    headers = {"Retry-After": str(retry)} if exc.status == 429 and retry is not None else None
    body = error_body(exc.code, exc.message, exc.details)
    return JSONResponse(body, status_code=exc.status, headers=headers)


async def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    details = []
    for error in exc.errors():
        details.append(
            {"field": _field_name(error.get("loc", ())), "message": str(error.get("msg", ""))}
        )
    if any(e.get("type") == "json_invalid" for e in exc.errors()):
        return JSONResponse(
            error_body("malformed_json", "the request body is not valid JSON", details), 422
        )
    fields = ", ".join(sorted({d["field"] for d in details}))
    return JSONResponse(
        error_body("validation_error", f"invalid value for: {fields}", details), status_code=422
    )


async def _http_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = HTTP_CODES.get(exc.status_code, "http_error")
    message = exc.detail if isinstance(exc.detail, str) else code.replace("_", " ")
    return JSONResponse(error_body(code, message), status_code=exc.status_code, headers=exc.headers)


async def _data_error(_request: Request, exc: Exception) -> JSONResponse:
    # The database refused a value no schema bound (PostgreSQL: an id past 2**31 - 1 in a
    # path, "integer out of range"): the request's fault, answered as such, not a 500.
    assert isinstance(exc, DataError)
    return JSONResponse(
        error_body("value_out_of_range", "a value in the request is out of range"),
        status_code=422,
    )


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(DataError, _data_error)
    app.add_exception_handler(GridconnectError, _domain_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
