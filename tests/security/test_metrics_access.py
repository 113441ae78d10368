"""`/metrics` is for the scraper only: a bearer token when one is configured,
else a client on this machine that did not come through a proxy. Everyone else gets 403
with a stable code, and nothing of the metrics."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from gridconnect.api.app import create_app
from gridconnect.config.settings import Settings

TOKEN = "scrape-token-0123456789-abcdefghij"
LOOPBACK = ("127.0.0.1", 50000)


def _client(engine: Engine, tmp_path: Path, client: tuple[str, int], **extra: str) -> TestClient:
    settings = Settings(
        environment="test",
        database_url=engine.url.render_as_string(hide_password=False),
        files_dir=tmp_path / "files",
        secret_key="metrics-test-secret-0123456789abcdef",
        **extra,  # type: ignore[arg-type]
    )
    return TestClient(create_app(settings, engine=engine), client=client)


def _refused(answer) -> None:  # type: ignore[no-untyped-def]
    assert answer.status_code == 403
    assert answer.json()["code"] == "metrics_forbidden"
    assert "gridconnect_" not in answer.text


def test_a_remote_client_without_a_token_is_refused(engine: Engine, tmp_path: Path) -> None:
    with _client(engine, tmp_path, ("203.0.113.9", 40000)) as client:
        _refused(client.get("/metrics"))


@pytest.mark.parametrize(
    "header",
    [
        {"X-Forwarded-For": "203.0.113.9"},
        {"Forwarded": "for=203.0.113.9"},
        {"X-Real-IP": "1.2.3.4"},
    ],
)
def test_a_request_a_proxy_forwarded_does_not_count_as_local(
    engine: Engine, tmp_path: Path, header: dict[str, str]
) -> None:
    with _client(engine, tmp_path, LOOPBACK) as client:
        _refused(client.get("/metrics", headers=header))


def test_with_a_token_only_the_token_opens_it_even_on_loopback(
    engine: Engine, tmp_path: Path
) -> None:
    with _client(engine, tmp_path, LOOPBACK, metrics_token=TOKEN) as client:
        _refused(client.get("/metrics"))
        _refused(client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}x"}))
        _refused(client.get("/metrics", headers={"Authorization": TOKEN}))
        answer = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/plain")


def test_a_local_scraper_sees_request_latency_per_route_and_the_outbox(
    engine: Engine, tmp_path: Path
) -> None:
    with _client(engine, tmp_path, LOOPBACK) as client:
        client.get("/healthz")
        client.get("/api/v1/applications/12345")  # 401: counted under its route template
        answer = client.get("/metrics")
    assert answer.status_code == 200
    text = answer.text
    assert (
        'gridconnect_http_request_duration_seconds_count{method="GET",route="/healthz",status="2xx"}'
        in text
    )
    assert 'route="/api/v1/applications/{application_id}",status="4xx"' in text
    assert "/api/v1/applications/12345" not in text
    for name in ("gridconnect_alerts", "gridconnect_outbox_backlog", "gridconnect_outbox_failed"):
        assert f"# TYPE {name} gauge" in text
