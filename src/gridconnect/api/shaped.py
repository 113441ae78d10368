"""Application views sent as they are built: they have their schema's shape already.

FastAPI checks every returned value against the route's `response_model` before it writes
it: for a list of 50 applications that check cost as much as loading the page from the
database (2.5 ms of about 11). The views come from one function
(`services.views.application_view`) whose output is the schema's field for field, so the
check repeats what a test pins instead (`tests/e2e/test_views_match_schemas.py`: the
bytes sent are the bytes the checked model would give). The route keeps its
`response_model`, so the OpenAPI document is unchanged.
"""

from __future__ import annotations

from typing import Any

from pydantic_core import to_json
from starlette.responses import Response


def shaped_json(view: Any, status_code: int = 200) -> Response:
    """`view`, already in its schema's shape, as the JSON FastAPI would have sent."""
    return Response(to_json(view), status_code=status_code, media_type="application/json")
