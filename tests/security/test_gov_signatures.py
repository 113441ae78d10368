"""Callbacks of the government platform: only a fresh signature over the exact body counts."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from fastapi.testclient import TestClient

from gridconnect.services.context import Services
from gridconnect.services.govlink.platform import GovPlatform
from gridconnect.services.govlink.signing import signed_headers

SECRET = "gov-signature-test-secret-0123456789abcdef"
PATH = "/api/v1/gov/callbacks/leads"
LEAD = {
    "source": "project_approval",
    "reference": "XM-2026-1",
    "name": "宝鸡高新项目",
    "city": "宝鸡",
    "address": "宝鸡市高新区 1 号",
}


@pytest.fixture
def linked_client(client: TestClient, services: Services) -> TestClient:
    services.gov_platform = GovPlatform("http://127.0.0.1:9", SECRET)
    return client


def _post(client: TestClient, body: bytes, headers: dict[str, str]) -> Any:
    return client.post(PATH, content=body, headers={**headers, "Content-Type": "application/json"})


def _signed(
    body: bytes, message_id: str = "m-1", age: int = 0, secret: str = SECRET
) -> dict[str, str]:
    return signed_headers(secret, int(time.time()) - age, body, message_id)


def test_a_callback_is_refused_while_the_link_is_off(client: TestClient) -> None:
    body = json.dumps(LEAD).encode()
    response = _post(client, body, _signed(body))
    assert response.status_code == 409
    assert response.json()["code"] == "gov_link_off"


@pytest.mark.parametrize(
    ("tamper", "code"),
    [
        ("wrong_secret", "gov_signature_invalid"),
        ("body_changed", "gov_signature_invalid"),
        ("no_signature", "gov_signature_missing"),
        ("too_old", "gov_timestamp_out_of_window"),
        ("from_the_future", "gov_timestamp_out_of_window"),
    ],
)
def test_a_forged_or_stale_callback_is_refused_and_changes_nothing(
    linked_client: TestClient, tamper: str, code: str
) -> None:
    body = json.dumps(LEAD).encode()
    headers = {
        "wrong_secret": _signed(body, secret="another-secret-of-the-same-length-000000"),
        "body_changed": _signed(json.dumps({**LEAD, "name": "x"}).encode()),
        "no_signature": {k: v for k, v in _signed(body).items() if k != "X-Gov-Signature"},
        "too_old": _signed(body, age=301),
        "from_the_future": _signed(body, age=-310),  # the check runs a moment later
    }[tamper]
    response = _post(linked_client, body, headers)
    assert response.status_code == 401
    assert response.json()["code"] == code
    fresh = _post(linked_client, body, _signed(body))  # the same id, now signed: applied
    assert fresh.status_code == 200
    assert fresh.json()["lead_id"] == 1


def test_a_replay_inside_the_window_gets_the_same_answer_and_changes_nothing(
    linked_client: TestClient,
) -> None:
    body = json.dumps(LEAD).encode()
    first = _post(linked_client, body, _signed(body, "m-2"))
    replay = _post(linked_client, body, _signed(body, "m-2"))
    assert first.json() == replay.json() == {"lead_id": 1, "state": "open"}
    other = _post(linked_client, body, _signed(body, "m-3"))
    assert other.json()["lead_id"] == 2
