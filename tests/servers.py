"""The product as a real server for the tests that kill it or run several of it."""

from __future__ import annotations

import socket
import subprocess
import sys
import time

import httpx


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_server(env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    """`gridconnect serve --no-scheduler` on `port`, once /healthz answers."""
    server = subprocess.Popen(
        [sys.executable, "-m", "gridconnect.cli", "serve", "--no-scheduler", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(600):  # up to a minute on a loaded machine
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return server
        except httpx.TransportError:
            pass
        assert server.poll() is None, "the server exited at start-up"
        time.sleep(0.1)
    server.kill()
    raise AssertionError("the server did not start")
