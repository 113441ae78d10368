"""Refuse control characters in the decoded path and query string, before any route runs.

A NUL byte in `/api/v1/public/applications/%00` or `?stage=%00` reached PostgreSQL, which
cannot store or compare it (a 500). Body fields are refused by the shared text type
(`gridconnect.config.vocabulary.NoControl`) in the schemas and the form model; the path and
the query are checked here once for every route, page and API alike: 422 with the stable
code `control_character` and the parameter named.
"""

from __future__ import annotations

import json
from urllib.parse import parse_qsl

from starlette.types import ASGIApp, Receive, Scope, Send

from gridconnect.config.vocabulary import CONTROL_CHARACTERS


def _offending_field(scope: Scope) -> str | None:
    if CONTROL_CHARACTERS.search(scope.get("path", "")):
        return "path"
    query = scope.get("query_string", b"").decode("latin-1")
    for key, value in parse_qsl(query, keep_blank_values=True, encoding="utf-8"):
        if CONTROL_CHARACTERS.search(key) or CONTROL_CHARACTERS.search(value):
            return key if not CONTROL_CHARACTERS.search(key) else "query"
    return None


class ControlCharacterGuard:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        field = _offending_field(scope) if scope["type"] == "http" else None
        if field is None:
            await self.app(scope, receive, send)
            return
        body = json.dumps(
            {
                "code": "control_character",
                "message": f"{field} must not contain control characters",
                "details": [{"field": field, "message": "must not contain control characters"}],
            }
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 422,
                "headers": [(b"content-type", b"application/json")],
            }
        )
        await send({"type": "http.response.body", "body": body})
