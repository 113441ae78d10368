"""Bad text and numbers get a 4xx naming the field, never a 500, and are not stored.

A NUL byte made PostgreSQL fail (500) on public and staff routes (item 8); the
page forms skipped the API's length limits, so a huge note, name or address was stored
whole (item 9); `capacity_kw: true` was taken as 1 (item 10). Each case runs on SQLite and,
with GRIDCONNECT_TEST_DATABASE_URL, on PostgreSQL.
"""

from __future__ import annotations

from typing import Any

import pytest
from api_helpers import count_rows, hv_body, lv_body
from page_helpers import LV_FORM, page_sign_in, post_form
from sqlalchemy import Engine

APPS = "/api/v1/applications"
PUBLIC = "/api/v1/public/applications"
NUL = "\x00"
HUGE = "x" * 100_000  # far over every limit, under the test app's 256 KiB body limit


def stored(engine: Engine) -> tuple[int, int, int]:
    return tuple(count_rows(engine, t) for t in ("application", "event", "document"))  # type: ignore[return-value]


def names_field(response: Any, field: str) -> bool:
    body = response.json()
    return field in body["message"] or any(field in d["field"] for d in body["details"] or [])


@pytest.fixture
def clerk(as_user: Any) -> dict[str, str]:
    return dict(as_user("clerk_xa"))


@pytest.fixture
def app_id(client: Any, clerk: dict[str, str]) -> int:
    response = client.post(APPS, json=lv_body(), headers=clerk)
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


# -- 8: control characters --------------------------------------------------------------
def _public_apply(client: Any, _h: Any, _id: int) -> tuple[Any, str]:
    body = lv_body(
        customer={"name": f"张{NUL}三", "phone": "13800138000", "id_number": "610102199001011234"},
        channel="online",
        company="sgcc",
    )
    return client.post(PUBLIC, json=body), "customer.name"


def _public_status(client: Any, _h: Any, _id: int) -> tuple[Any, str]:
    return client.get(f"{PUBLIC}/%00", headers={"X-Access-Code": "x"}), "path"


def _token(client: Any, _h: Any, _id: int) -> tuple[Any, str]:
    return client.post("/api/v1/auth/token", data={"username": f"a{NUL}", "password": "x"}), (
        "username"
    )


def _stage_filter(client: Any, h: Any, _id: int) -> tuple[Any, str]:
    return client.get(f"{APPS}?stage=%00", headers=h), "stage"


def _suspend_note(client: Any, h: Any, app_id: int) -> tuple[Any, str]:
    body = {"reason_code": "customer_construction", "note": f"wait{NUL}"}
    return client.post(f"{APPS}/{app_id}/suspend", json=body, headers=h), "note"


def _elicence_reference(client: Any, h: Any, app_id: int) -> tuple[Any, str]:
    body = {"doc_type": "identity_document", "source": "e_license", "reference": f"EL{NUL}1"}
    return client.post(f"{APPS}/{app_id}/documents", json=body, headers=h), "reference"


API_CASES = {
    "public apply: name": _public_apply,
    "public status: number in the path": _public_status,
    "auth token: username": _token,
    "applications: ?stage=": _stage_filter,
    "suspend: note": _suspend_note,
    "e-licence: reference": _elicence_reference,
}


@pytest.mark.parametrize("case", list(API_CASES))
def test_a_nul_byte_in_an_api_input_gets_422_naming_the_field(
    case: str, client: Any, clerk: dict[str, str], app_id: int, engine: Engine
) -> None:
    before = stored(engine)
    response, field = API_CASES[case](client, clerk, app_id)
    assert response.status_code == 422, response.text
    assert response.json()["code"] in ("validation_error", "control_character")
    assert names_field(response, field), response.json()
    assert stored(engine) == before


def test_a_nul_byte_in_a_new_user_gets_422(client: Any, as_user: Any) -> None:
    body = {"username": f"eve{NUL}", "password": "long enough 123", "role": "admin"}
    response = client.post("/api/v1/users", json=body, headers=as_user("admin"))
    assert response.status_code == 422, response.text
    assert names_field(response, "username")


PAGE_CASES = {
    "/login": ("/login", {"username": f"clerk{NUL}", "password": "whatever"}),
    "/status": ("/status", {"number": f"GC{NUL}", "code": "abc"}),
    "/apply": ("/apply", {**LV_FORM, "customer.name": f"张{NUL}三"}),
}


@pytest.mark.parametrize("case", list(PAGE_CASES))
def test_a_nul_byte_in_a_public_page_form_is_refused(
    case: str, client: Any, engine: Engine
) -> None:
    path, data = PAGE_CASES[case]
    before = stored(engine)
    response = post_form(client, path, data)
    assert response.status_code == 422, response.text[:500]
    assert stored(engine) == before


def test_the_apply_page_says_which_field_has_a_control_character(client: Any) -> None:
    response = post_form(client, "/apply", {**LV_FORM, "address": f"西安{NUL}"})
    assert response.status_code == 422
    assert "控制字符" in response.text


# -- 9: the page forms keep the API's limits --------------------------------------------
PAGE_LIMIT_CASES = {
    "/apply name": ("/apply", {**LV_FORM, "customer.name": HUGE}),
    "/apply address": ("/apply", {**LV_FORM, "address": "西" * 5000}),
    "/apply capacity 10^12 kW": ("/apply", {**LV_FORM, "capacity": "1e12"}),
    "/status number": ("/status", {"number": HUGE, "code": "abc"}),
    "/login username": ("/login", {"username": HUGE, "password": "whatever"}),
}


@pytest.mark.parametrize("case", list(PAGE_LIMIT_CASES))
def test_page_forms_refuse_what_the_api_refuses(case: str, client: Any, engine: Engine) -> None:
    path, data = PAGE_LIMIT_CASES[case]
    before = stored(engine)
    response = post_form(client, path, data)
    assert response.status_code == 422, response.text[:500]
    assert stored(engine) == before


def test_a_huge_suspend_note_on_the_workbench_is_refused_and_not_stored(
    client: Any, staff: Any, app_id: int, engine: Engine
) -> None:
    page_sign_in(client, "clerk_xa")
    page = f"/workbench/applications/{app_id}"
    before = stored(engine)
    data = {"reason_code": "customer_construction", "note": HUGE}
    response = post_form(client, f"{page}/actions/suspend", data, from_page=page)
    assert response.status_code == 422, response.text[:500]
    assert stored(engine) == before


# -- 10 (half): strict numbers ----------------------------------------------------------
STRICT_CASES = {
    "capacity_kw": lambda: lv_body(capacity_kw=True),
    "capacity_kva": lambda: hv_body(capacity_kva=True),
}


@pytest.mark.parametrize("field", list(STRICT_CASES))
def test_true_is_not_a_number(field: str, client: Any, clerk: Any, engine: Engine) -> None:
    before = stored(engine)
    response = client.post(APPS, json=STRICT_CASES[field](), headers=clerk)
    assert response.status_code == 422, response.text
    assert names_field(response, field)
    public = client.post(
        PUBLIC, json={**STRICT_CASES[field](), "channel": "online", "company": "sgcc"}
    )
    assert public.status_code == 422, public.text
    assert stored(engine) == before


def test_true_is_not_an_expected_version(client: Any, clerk: Any, app_id: int) -> None:
    body = {"reason_code": "customer_construction", "expected_version": True}
    response = client.post(f"{APPS}/{app_id}/suspend", json=body, headers=clerk)
    assert response.status_code == 422, response.text
    assert names_field(response, "expected_version")


def test_an_id_past_the_database_integer_range_is_a_422_not_a_500(
    client: Any, as_user: Any
) -> None:
    # Found by the generated requests on PostgreSQL: a lead id of 2**31 reached the
    # database ("integer out of range") and answered 500.
    too_big = 2**31
    closed = client.post(
        f"/api/v1/gov/leads/{too_big}/close", json={"reason": "x"}, headers=as_user("clerk_xa")
    )
    drafted = client.get(f"/api/v1/gov/leads/{too_big}/draft", headers=as_user("clerk_xa"))
    assert (closed.status_code, drafted.status_code) == (422, 422)
    assert closed.json()["details"][0]["field"] == "lead_id"


def test_a_page_with_an_id_past_the_integer_range_is_refused_not_a_500(
    client: Any, staff: Any
) -> None:
    page_sign_in(client, "clerk_xa")
    response = client.get(f"/workbench/applications/{2**31}")
    assert 400 <= response.status_code < 500
