"""Browser tests: Debian's Chromium through Playwright against a real uvicorn on 127.0.0.1.

The server runs in a thread of this process on a socket bound to port 0, on the test
database. Its services read time from a `ControlledClock` (a fixed Monday morning plus the
real time elapsed, plus any jump a test makes), so deadlines do not depend on today's date
and a test can move the server past a due without sleeping.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from sqlalchemy import Engine

from gridconnect.api.app import create_app
from gridconnect.api.deps import get_services
from gridconnect.config.settings import Settings
from gridconnect.services.context import Services
from gridconnect.services.users import add_user

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]
# The README's screenshots are refreshed only when asked for
# (GRIDCONNECT_SCREENSHOTS=docs/screenshots); a plain test run leaves the tree untouched.
SCREENSHOTS_DIR = os.environ.get("GRIDCONNECT_SCREENSHOTS")
PASSWORD = "correct horse battery"
SECRET = "browser-test-secret-0123456789-abcdefghijklmnop"
# Monday 2 March 2026, 10:00 in Xi'an: a working day in a year with a published notice.
START = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
USERS = {
    "clerk": ("clerk", "sgcc", ["西安", "咸阳"]),
    "supervisor": ("supervisor", "sgcc", ["西安", "咸阳"]),
    "admin": ("admin", None, []),
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "/browser/" in str(item.path):
            item.add_marker(pytest.mark.browser)


@dataclass
class ControlledClock:
    """START plus the real time elapsed since the test began, plus `jump`."""

    origin: float = field(default_factory=time.monotonic)
    jump: timedelta = timedelta(0)

    def __call__(self) -> datetime:
        return START + timedelta(seconds=time.monotonic() - self.origin) + self.jump

    def move(self, **delta: float) -> None:
        self.jump += timedelta(**delta)


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing (apt-get install chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"browser tests must run under CI: {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@dataclass
class LiveServer:
    url: str
    services: Services
    clock: ControlledClock
    engine: Engine


@pytest.fixture
def live(engine: Engine, services: Services, tmp_path: Path) -> Iterator[LiveServer]:
    settings = Settings(
        environment="test",
        database_url=engine.url.render_as_string(hide_password=False),
        secret_key=SECRET,
        files_dir=tmp_path / "files",
        calendar_dir=tmp_path / "calendar",
    )
    for name, (role, company, cities) in USERS.items():
        add_user(engine, name, PASSWORD, role, company, cities)
    clock = ControlledClock()
    services.now = clock
    app = create_app(settings, engine=engine)
    app.dependency_overrides[get_services] = lambda: services
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    try:
        yield LiveServer(f"http://127.0.0.1:{port}", services, clock, engine)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


@pytest.fixture
def page(chromium: Any, live: LiveServer) -> Iterator[Any]:
    context = chromium.new_context(
        base_url=live.url, locale="zh-CN", viewport={"width": 1280, "height": 900}
    )
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    yield tab
    context.close()


def _shoot(tab: Any, name: str) -> None:
    """Take a full-page screenshot; saved as <name>.png when GRIDCONNECT_SCREENSHOTS is set."""
    image = tab.screenshot(full_page=True)
    assert image.startswith(b"\x89PNG")
    if SCREENSHOTS_DIR:
        folder = Path(SCREENSHOTS_DIR)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{name}.png").write_bytes(image)


def _sign_in(tab: Any, username: str) -> None:
    tab.goto("/login")
    tab.fill("#f-username", username)
    tab.fill("#f-password", PASSWORD)
    tab.click("button[type=submit]:has-text('登录')")
    tab.wait_for_url(lambda url: "/login" not in url)


@pytest.fixture
def shoot() -> Any:
    return _shoot


@pytest.fixture
def sign_in() -> Any:
    return _sign_in
