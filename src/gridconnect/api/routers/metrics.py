"""`/metrics` for Prometheus; not public.

With `GRIDCONNECT_METRICS_TOKEN` set the scraper sends `Authorization: Bearer <token>`
(compared in constant time); without it only a client on this machine may scrape, and a
request a reverse proxy forwarded (X-Forwarded-For, Forwarded, X-Real-IP) does not count as
one: behind a proxy on the same machine every request would otherwise come from loopback.
"""

from __future__ import annotations

import hmac

from fastapi import Request, Response
from starlette.concurrency import run_in_threadpool
from starlette.routing import Route

from gridconnect.config.settings import Settings, is_loopback
from gridconnect.errors import GridconnectError
from gridconnect.observability.metrics import CONTENT_TYPE, render
from gridconnect.services.context import Services

FORWARDING_HEADERS = ("x-forwarded-for", "forwarded", "x-real-ip")


class MetricsForbidden(GridconnectError):
    status = 403
    code = "metrics_forbidden"


def _allowed(request: Request, token: str | None) -> bool:
    if token:
        given = request.headers.get("authorization", "")
        return hmac.compare_digest(given.encode(), f"Bearer {token}".encode())
    client = request.client.host if request.client else ""
    forwarded = any(name in request.headers for name in FORWARDING_HEADERS)
    return is_loopback(client) and not forwarded


async def metrics(request: Request) -> Response:
    """Every metric in the Prometheus text format (403 `metrics_forbidden` for others)."""
    settings: Settings = request.app.state.settings
    token = settings.metrics_token.get_secret_value() if settings.metrics_token else None
    if not _allowed(request, token):
        raise MetricsForbidden(
            "metrics are for the scraper: send GRIDCONNECT_METRICS_TOKEN as a bearer token "
            "(Authorization), or scrape from this machine without a proxy",
            {"field": "Authorization"},
        )
    services: Services = request.app.state.services
    body = await run_in_threadpool(render, services.engine)
    return Response(body, media_type=CONTENT_TYPE)


# A plain Starlette route: not part of the JSON API (no role permission, not in OpenAPI);
# it is guarded by the token or loopback check above instead.
route = Route("/metrics", metrics, methods=["GET"], include_in_schema=False)
