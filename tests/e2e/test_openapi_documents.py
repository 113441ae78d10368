"""The JSON documents the API publishes match their OpenAPI description, and nothing is
dropped on the way: service standards, the policy in force, the monthly and quarterly
reports, validated with jsonschema against the schema the API itself serves."""

from __future__ import annotations

import datetime as dt
from typing import Any

from freezegun import freeze_time
from jsonschema import Draft202012Validator

from factories import advance_to_end, receive
from gridconnect.config.policy import policy_to_dict
from gridconnect.config.standards import service_standards
from gridconnect.config.vocabulary import City
from gridconnect.services.context import Services


def _validator(client: Any, component: str) -> Draft202012Validator:
    spec = client.get("/openapi.json").json()
    root = {"$ref": f"#/components/schemas/{component}", "components": spec["components"]}
    return Draft202012Validator(root)


def _problems(validator: Draft202012Validator, document: Any) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(document)]


def test_service_standards_match_their_schema_and_keep_every_key(
    client: Any, services: Services
) -> None:
    validator = _validator(client, "ServiceStandards")
    for city in (None, *City):
        query = {"date": "2026-11-27", **({"city": city} if city else {})}
        response = client.get("/api/v1/public/service-standards", params=query)
        assert response.status_code == 200, response.text
        published = response.json()
        assert _problems(validator, published) == [], city
        assert published == service_standards(services.policy, dt.date(2026, 11, 27), city)


def test_the_policy_in_force_matches_its_schema_and_keeps_every_key(
    client: Any, services: Services, as_user: Any
) -> None:
    response = client.get("/api/v1/admin/policy", headers=as_user("admin"))
    assert response.status_code == 200, response.text
    assert _problems(_validator(client, "PolicyInForce"), response.json()) == []
    assert response.json() == policy_to_dict(services.policy)


def test_monthly_and_quarterly_reports_match_the_published_report_schema(
    client: Any, services: Services, as_user: Any
) -> None:
    admin = as_user("admin")
    with freeze_time("2026-10-12 02:00:00"):
        advance_to_end(services, receive(services, city="西安"))
        receive(services, "hv", city="榆林")
        receive(services, "lv_residential", company="local", city="西安")
    validator = _validator(client, "Report")
    monthly = client.get("/api/v1/reports/monthly?month=2026-10", headers=admin).json()
    quarterly = client.get("/api/v1/reports/quarterly?quarter=2026Q4", headers=admin).json()
    assert monthly["summary"]["city"], "the scenario fills the per-city rows"
    assert quarterly["longest_open"], "the scenario leaves applications open"
    assert _problems(validator, monthly) == []
    assert _problems(validator, quarterly) == []


def test_the_report_schema_catches_a_figure_of_the_wrong_type(client: Any) -> None:
    validator = _validator(client, "Report")
    broken = {
        "period": {"kind": "month", "label": "2026-10", "first_day": "x", "last_day": "y"},
        "generated_at": "2026-10-31T00:00:00+00:00",
        "scope": {"company": None, "cities": None},
        "provisional": False,
        "summary": {"total": [{"scope": "total", "received": "three"}], "company": []},
        "stages": {},
        "clocks": {},
        "suspensions": {},
    }
    problems = " ".join(_problems(validator, broken))
    assert "'three' is not of type 'integer'" in problems
    assert "'city' is a required property" in problems
