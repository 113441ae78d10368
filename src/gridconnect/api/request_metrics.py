"""Request latency per route for `/metrics`: a plain ASGI middleware (no thread hand-off).

The route label is the path template FastAPI matched (`/api/v1/applications/{application_id}`),
never the raw path, so the number of series stays that of the routes; requests that match no
route share one label.
"""

from __future__ import annotations

import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gridconnect.observability.metrics import REQUEST_SECONDS

UNMATCHED = "unmatched"


class RequestMetrics:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_and_note(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_and_note)
        finally:
            route = scope.get("route")
            label = getattr(route, "path", None) or UNMATCHED
            REQUEST_SECONDS.labels(label, scope["method"], f"{status // 100}xx").observe(
                time.perf_counter() - started
            )
