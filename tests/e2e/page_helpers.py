"""Helpers for the page tests: read the CSRF token of a page, post its forms, sign in."""

from __future__ import annotations

import re
from typing import Any

from api_helpers import PASSWORD
from fastapi.testclient import TestClient

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')

LV_FORM = {
    "kind": "lv_nonresidential",
    "company": "sgcc",
    "city": "西安",
    "area_class": "urban",
    "address": "西安市雁塔区科技路 1 号",
    "customer.name": "张三丰",
    "customer.phone": "13800138000",
    "customer.id_number": "610102199001011234",
    "capacity": "100",
}


def csrf_of(client: TestClient, path: str) -> str:
    page = client.get(path)
    assert page.status_code == 200, page.text
    found = TOKEN.search(page.text)
    assert found, f"no CSRF token on {path}"
    return found.group(1)


def post_form(
    client: TestClient, path: str, data: dict[str, Any], from_page: str | None = None, **kwargs: Any
) -> Any:
    token = csrf_of(client, from_page or path)
    return client.post(path, data={**data, "csrf_token": token}, follow_redirects=False, **kwargs)


def page_sign_in(client: TestClient, username: str, password: str = PASSWORD) -> None:
    response = post_form(client, "/login", {"username": username, "password": password})
    assert response.status_code == 303, response.text


def apply_online(client: TestClient, **overrides: str) -> tuple[str, str]:
    """Apply through the page; the number and access code it shows."""
    response = post_form(client, "/apply", {**LV_FORM, **overrides})
    assert response.status_code == 303, response.text
    done = client.get("/apply/done")
    number = re.search(r'id="application-number">([^<]+)<', done.text)
    code = re.search(r'id="access-code">([^<]+)<', done.text)
    assert number, done.text
    assert code, done.text
    return number.group(1), code.group(1)
