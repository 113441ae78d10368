"""Domain errors. Each carries an HTTP status and a stable code; the API maps them in one place."""

from __future__ import annotations

from typing import Any


class GridconnectError(Exception):
    """Base of every error a user can be shown."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str, details: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class NotFound(GridconnectError):
    status = 404
    code = "not_found"


class InvalidInput(GridconnectError):
    status = 422
    code = "invalid_input"


class Conflict(GridconnectError):
    status = 409
    code = "conflict"
