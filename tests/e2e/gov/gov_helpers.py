"""Driving the simulated platform from a test: faults and signed callbacks."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx

GOV_SECRET = "govsim-test-secret-0123456789abcdefghij"


@contextmanager
def platform_down(govsim: httpx.Client) -> Iterator[None]:
    govsim.post("/sim/faults", json={"down": True}).raise_for_status()
    try:
        yield
    finally:
        govsim.post("/sim/faults", json={"down": False}).raise_for_status()


def send(govsim: httpx.Client, path: str, body: dict[str, Any], **options: Any) -> list[Any]:
    """Have the simulator deliver a signed callback; the answers of each delivery."""
    response = govsim.post("/sim/send", json={"path": path, "body": body, **options})
    response.raise_for_status()
    answers: list[Any] = response.json()
    return answers
