"""Helpers for the API tests: request bodies, signing in, recording documents, counting rows."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import jwt
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from gridconnect.timesource import now

SECRET = "test-secret-key-of-sufficient-length-0123456789"
PASSWORD = "correct horse battery"
PDF = b"%PDF-1.4\n% gridconnect test document\n"


def bearer_of(secret: str, **claims: object) -> dict[str, str]:
    """An Authorization header with a token signed by `secret` (user 1, generation 0,
    valid an hour, unless `claims` says otherwise)."""
    body = {"sub": "1", "gen": 0, "exp": now() + timedelta(hours=1), **claims}
    return {"Authorization": f"Bearer {jwt.encode(body, secret, algorithm='HS256')}"}


def sign_in(client: TestClient, username: str, password: str = PASSWORD) -> dict[str, str]:
    response = client.post("/api/v1/auth/token", data={"username": username, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def lv_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "kind": "lv_nonresidential",
        "customer": {"name": "张三", "phone": "13800138000", "id_number": "610102199001011234"},
        "address": "西安市雁塔区科技路 1 号",
        "city": "西安",
        "area_class": "urban",
        "capacity_kw": 100,
        "channel": "hall",
    }
    body.update(overrides)
    return body


def hv_body(**overrides: Any) -> dict[str, Any]:
    body = lv_body(kind="hv", capacity_kva=800, voltage_kv=10, supply="single")
    del body["capacity_kw"]
    body.update(overrides)
    return body


def count_rows(engine: Engine, table: str) -> int:
    with engine.connect() as connection:
        return int(connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())


def provide_documents(client: TestClient, headers: dict[str, str], app: dict[str, Any]) -> Any:
    """Record every missing document, where-applicable ones too: the first by e-licence
    (JSON), the rest as PDF uploads."""
    wanted = app["missing_documents"] + app.get("documents_if_applicable", [])
    for index, missing in enumerate(wanted):
        url = f"/api/v1/applications/{app['id']}/documents"
        if index == 0:
            body = {"doc_type": missing["doc_type"], "source": "e_license", "reference": "EL-1"}
            response = client.post(url, json=body, headers=headers)
        else:
            files = {"file": (f"{missing['doc_type']}.pdf", PDF, "application/pdf")}
            data = {"doc_type": missing["doc_type"]}
            response = client.post(url, data=data, files=files, headers=headers)
        assert response.status_code == 201, response.text
        app = response.json()
    return app
