"""Sign-in attempts are limited per account and per client, in the database, and
argon2 checks are bounded; the excess gets 429 with Retry-After."""

from __future__ import annotations

import threading
from datetime import timedelta

from api_helpers import PASSWORD
from fastapi.testclient import TestClient
from freezegun import freeze_time
from page_helpers import post_form

from gridconnect.api.app import create_app

TOKEN = "/api/v1/auth/token"


def _try(client: TestClient, username: str, password: str) -> int:
    return client.post(TOKEN, data={"username": username, "password": password}).status_code


def test_after_five_wrong_passwords_even_the_right_one_waits_out_the_window(client, staff):
    with freeze_time("2026-11-02 09:00:00", tick=False) as clock:
        assert [_try(client, "clerk_xa", f"wrong-{i}") for i in range(5)] == [401] * 5
        refused = client.post(TOKEN, data={"username": "clerk_xa", "password": PASSWORD})
        assert refused.status_code == 429
        assert refused.json()["code"] == "too_many_attempts"
        assert 0 < int(refused.headers["Retry-After"]) <= 15 * 60
        # Another account from elsewhere is not affected by this account's limit.
        assert _try(client, "clerk_yl", PASSWORD) == 200
        clock.tick(timedelta(minutes=15, seconds=1))
        assert _try(client, "clerk_xa", PASSWORD) == 200


def test_a_success_clears_the_account_count(client, staff):
    with freeze_time("2026-11-02 09:00:00", tick=False):
        for _ in range(4):
            assert _try(client, "clerk_xa", "wrong-password") == 401
        assert _try(client, "clerk_xa", PASSWORD) == 200
        for _ in range(4):
            assert _try(client, "clerk_xa", "wrong-password") == 401
        assert _try(client, "clerk_xa", PASSWORD) == 200


def test_one_client_guessing_many_accounts_is_stopped_too(client, staff):
    with freeze_time("2026-11-02 09:00:00", tick=False):
        answers = [_try(client, f"guess-{i}", "wrong-password") for i in range(20)]
        assert answers == [401] * 20
        refused = client.post(TOKEN, data={"username": "admin", "password": PASSWORD})
        assert refused.status_code == 429
        assert "Retry-After" in refused.headers


def test_the_count_is_shared_by_every_worker(client, settings, engine, services, staff):
    other = create_app(settings, engine=engine)
    other.state.services = services
    with freeze_time("2026-11-02 09:00:00", tick=False), TestClient(other) as second:
        for _ in range(5):
            assert _try(client, "clerk_xa", "wrong-password") == 401
        assert _try(second, "clerk_xa", PASSWORD) == 429


def test_when_every_password_check_slot_is_busy_the_excess_gets_429_at_once(app, client, staff):
    gate = threading.BoundedSemaphore(1)
    app.state.password_gate = gate
    gate.acquire()  # another sign-in is being checked
    try:
        busy = client.post(TOKEN, data={"username": "clerk_xa", "password": PASSWORD})
    finally:
        gate.release()
    assert busy.status_code == 429
    assert busy.json()["code"] == "sign_in_busy"
    assert busy.headers["Retry-After"] == "1"
    assert _try(client, "clerk_xa", PASSWORD) == 200


def test_the_login_page_obeys_the_same_limit(client, staff):
    with freeze_time("2026-11-02 09:00:00", tick=False):
        for _ in range(5):
            wrong = post_form(client, "/login", {"username": "clerk_xa", "password": "nope-nope"})
            assert wrong.status_code == 401
        page = post_form(client, "/login", {"username": "clerk_xa", "password": PASSWORD})
        assert page.status_code == 429
        assert "Retry-After" in page.headers
        assert "请" in page.text
        assert "秒后再试" in page.text
