"""A real uvicorn on 127.0.0.1: a whole flow, and two advances racing each other."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
import uvicorn
from api_helpers import PASSWORD, PDF, lv_body
from fastapi import FastAPI
from sqlalchemy import Engine

from gridconnect.services.audit import verify_chains


@pytest.fixture
def base_url(app: FastAPI, staff: Any) -> Iterator[str]:
    """Serve the app on a free port of 127.0.0.1 for the test, then stop."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        for _ in range(500):
            if server.started:
                break
            thread.join(0.01)
        assert server.started, "uvicorn did not start"
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()
    assert not thread.is_alive()


@contextmanager
def signed_in(base_url: str, username: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base_url, timeout=30) as client:
        token = client.post(
            "/api/v1/auth/token", data={"username": username, "password": PASSWORD}
        ).json()["access_token"]
        client.headers["Authorization"] = f"Bearer {token}"
        yield client


def test_a_clerk_connects_an_application_through_a_real_server(base_url: str) -> None:
    with signed_in(base_url, "clerk_xa") as http:
        assert http.get("/healthz").json() == {"status": "ok"}
        app = http.post("/api/v1/applications", json=lv_body()).json()
        url = f"/api/v1/applications/{app['id']}"
        http.post(
            f"{url}/documents",
            json={"doc_type": "identity_document", "source": "e_license", "reference": "EL-1"},
        )
        uploaded = http.post(
            f"{url}/documents",
            data={"doc_type": "property_certificate"},
            files={"file": ("deed.pdf", PDF, "application/pdf")},
        )
        assert uploaded.status_code == 201, uploaded.text
        assert http.post(f"{url}/advance").json()["stage"] == "meter_install"
        assert http.post(f"{url}/advance").json()["status"] == "connected"
        assert http.get("/openapi.json").json()["info"]["title"] == "gridconnect"


def test_two_concurrent_advances_give_one_200_and_one_409(base_url: str, engine: Engine) -> None:
    with signed_in(base_url, "clerk_xa") as http:
        app = http.post("/api/v1/applications", json=lv_body()).json()
        url = f"/api/v1/applications/{app['id']}"
        http.post(
            f"{url}/documents",
            json={"doc_type": "identity_document", "source": "e_license", "reference": "EL-1"},
        )
        ready = http.post(
            f"{url}/documents",
            json={"doc_type": "property_certificate", "source": "e_license", "reference": "EL-2"},
        ).json()
    version = ready["version"]
    start = threading.Barrier(2)
    statuses: list[int] = []
    codes: list[str | None] = []

    def advance() -> None:
        with signed_in(base_url, "clerk_xa") as http:
            start.wait(10)
            response = http.post(f"{url}/advance", json={"expected_version": version})
            statuses.append(response.status_code)
            codes.append(response.json().get("code"))

    racers = [threading.Thread(target=advance) for _ in range(2)]
    for racer in racers:
        racer.start()
    for racer in racers:
        racer.join(60)
    assert sorted(statuses) == [200, 409], codes
    assert "version_conflict" in codes
    with signed_in(base_url, "clerk_xa") as http:
        final = http.get(url).json()
        events = http.get(f"{url}/events").json()
    assert final["stage"] == "meter_install"
    assert final["version"] == version + 1
    assert [e["action"] for e in events].count("advanced") == 1
    checked, breaks = verify_chains(engine)
    assert checked > 0
    assert breaks == []
