"""The simulated government platform as a real server, and gridconnect served beside it.

`govsim` runs `python -m tools.govsim` in its own process on a free port for the session
(reset before each test); `product_url` serves the test's app with uvicorn on another port,
linked to the simulator both ways.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from api_helpers import PASSWORD
from fastapi import FastAPI
from gov_helpers import GOV_SECRET

from gridconnect.services.context import Services
from gridconnect.services.govlink.platform import GovPlatform
from servers import free_port

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="session")
def govsim_server() -> Iterator[str]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "tools.govsim", "--port", str(port), "--secret", GOV_SECRET],
        cwd=REPO,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                httpx.get(f"{url}/sim/requests", timeout=0.5)
                break
            except httpx.HTTPError:
                time.sleep(0.05)
        else:
            pytest.fail("the simulated platform did not start")
        yield url
    finally:
        process.terminate()
        try:
            process.wait(5)
        except subprocess.TimeoutExpired:  # a delivery still retrying: no graceful end
            process.kill()
            process.wait(5)


@pytest.fixture
def govsim(govsim_server: str) -> Iterator[httpx.Client]:
    """A client of the simulator's controls, reset to a healthy platform."""
    with httpx.Client(base_url=govsim_server, timeout=30) as sim:
        sim.post("/sim/reset").raise_for_status()
        yield sim


@pytest.fixture
def linked(services: Services, govsim_server: str) -> Services:
    """The test's services, talking to the simulator (short timeout: down is quick)."""
    services.gov_platform = GovPlatform(govsim_server, GOV_SECRET, timeout_seconds=2.0)
    return services


@pytest.fixture
def product_url(app: FastAPI, linked: Services, staff: Any, govsim: httpx.Client) -> Iterator[str]:
    """The app on a free port of 127.0.0.1; the simulator's callbacks go there."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        for _ in range(500):
            if server.started:
                break
            thread.join(0.01)
        assert server.started, "uvicorn did not start"
        url = f"http://127.0.0.1:{port}"
        govsim.post("/sim/faults", json={"callback_url": url}).raise_for_status()
        yield url
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


@pytest.fixture
def staff_client(product_url: str) -> Iterator[Callable[[str], httpx.Client]]:
    """`staff_client("clerk_xa")`: an httpx client of the product, signed in."""
    clients: list[httpx.Client] = []

    def make(name: str) -> httpx.Client:
        client = httpx.Client(base_url=product_url, timeout=30)
        token = client.post(
            "/api/v1/auth/token", data={"username": name, "password": PASSWORD}
        ).json()["access_token"]
        client.headers["Authorization"] = f"Bearer {token}"
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()
