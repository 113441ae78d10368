"""Every error answer the e2e suite sees must be one its operation's OpenAPI lists.

The middleware sits around the app in the e2e fixture and records, for each response with
an error status, whether the matched route declares that status; the client fixture fails
the test on any that does not. Generated clients rely on the declared set.
"""

from __future__ import annotations

from typing import Any

from fastapi.routing import APIRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gridconnect.api.error_statuses import error_statuses


class DeclaredErrorCheck:
    def __init__(self, app: ASGIApp, undeclared: list[str]) -> None:
        self.app = app
        self.undeclared = undeclared

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        answered: dict[str, Any] = {}

        async def remember(message: Message) -> None:
            if message["type"] == "http.response.start":
                answered["status"] = message["status"]
            await send(message)

        await self.app(scope, receive, remember)
        route = scope.get("route")
        status = answered.get("status", 200)
        if (
            status >= 400
            and isinstance(route, APIRoute)
            and route.include_in_schema
            and scope["method"] in route.methods
            and status not in error_statuses(route)
        ):
            self.undeclared.append(f"{scope['method']} {route.path} answered {status}")
