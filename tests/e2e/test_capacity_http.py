"""The network's open capacity (L52): import as a whole, edit, publish per the policy's
switches, and flag a restricted area at the clerk's application."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest
from api_helpers import count_rows, hv_body
from fastapi.testclient import TestClient
from page_helpers import page_sign_in, post_form
from sqlalchemy import Engine
from typer.testing import CliRunner

from gridconnect.cli import app as cli
from gridconnect.config.plans_policy import CapacityPublication
from gridconnect.config.settings import get_settings
from gridconnect.services.context import Services
from gridconnect.services.supply_plans.capacity import COLUMNS

HEADER = ",".join(COLUMNS)
GOOD = "\n".join(
    [
        HEADER,
        "sgcc,西安,雁塔区,110kV 科技路变,10kV 科技I线,3200,否,,",
        "sgcc,西安,未央区,110kV 凤城变,10kV 凤城II线,0,是,主变满载,2027-06-30",
        "sgcc,咸阳,秦都区,110kV 渭滨变,10kV 渭滨I线,5000,no,,",
    ]
)
BAD = "\n".join(
    [
        HEADER,
        "sgcc,西安,雁塔区,110kV 科技路变,10kV 科技I线,3200,否,,",
        "sgcc,西安,未央区,110kV 凤城变,10kV 凤城II线,lots,是,,2027-06-30",
        "sgcc,北京,朝阳区,110kV 甲变,10kV 甲线,10,否,,",
        "sgcc,西安,雁塔区,110kV 科技路变,10kV 科技I线,100,否,,",
    ]
)
IMPORT = "/api/v1/capacity/import"


def test_a_valid_file_is_imported_and_published_per_city_and_area(
    client: TestClient, as_user: Any
) -> None:
    response = client.post(IMPORT, json={"csv": GOOD}, headers=as_user("admin"))
    assert response.json() == {"lines": 3, "added": 3, "updated": 0}
    again = client.post(IMPORT, json={"csv": GOOD}, headers=as_user("admin"))
    assert again.json() == {"lines": 3, "added": 0, "updated": 3}

    xian = client.get("/api/v1/public/open-capacity", params={"city": "西安"}).json()
    assert [r["area"] for r in xian] == ["未央区", "雁塔区"]
    assert xian[0]["restricted"] is True
    assert xian[0]["restriction_reason"] == "主变满载"
    assert xian[0]["expected_relief_on"] == "2027-06-30"
    page = client.get("/capacity", params={"city": "西安", "area": "未央区"})
    assert "主变满载" in page.text
    assert "科技路变" not in page.text


def test_a_file_with_errors_is_refused_whole_with_every_line_numbered(
    client: TestClient, as_user: Any, engine: Engine
) -> None:
    response = client.post(IMPORT, json={"csv": BAD}, headers=as_user("admin"))
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_capacity_file"
    problems = {(p["line"], p["field"]) for p in response.json()["details"]}
    assert problems == {
        (3, "available_kva"),
        (4, "city"),
        (5, "feeder"),  # the same substation and feeder as line 2
    }
    assert count_rows(engine, "network_capacity") == 0


def test_only_the_published_fields_are_shown(
    client: TestClient, as_user: Any, services: Services
) -> None:
    client.post(IMPORT, json={"csv": GOOD}, headers=as_user("admin"))
    policy = services.policy
    hidden = CapacityPublication(frozenset({"available_kva", "restricted"}))
    services.policy_source = lambda: dataclasses.replace(policy, capacity_publication=hidden)
    [row] = client.get("/api/v1/public/open-capacity", params={"area": "未央区"}).json()
    assert set(row) == {"company", "city", "area", "available_kva", "restricted"}
    assert "凤城变" not in client.get("/capacity").text


def test_a_supervisor_imports_and_edits_only_in_their_cities_and_a_clerk_not_at_all(
    client: TestClient, as_user: Any, engine: Engine
) -> None:
    assert client.post(IMPORT, json={"csv": GOOD}, headers=as_user("clerk_xa")).status_code == 403
    outside = client.post(IMPORT, json={"csv": GOOD}, headers=as_user("supervisor_xa"))
    assert outside.status_code == 422  # the 咸阳 line is not theirs
    assert count_rows(engine, "network_capacity") == 0
    client.post(IMPORT, json={"csv": GOOD}, headers=as_user("admin"))
    rows = client.get("/api/v1/capacity", headers=as_user("supervisor_xa")).json()
    assert {r["city"] for r in rows} == {"西安"}
    restricted = next(r for r in rows if r["restricted"])
    edited = {
        **{k: restricted[k] for k in ("company", "city", "area", "substation", "feeder")},
        "available_kva": 800,
        "restricted": False,
    }
    response = client.put(
        f"/api/v1/capacity/{restricted['id']}", json=edited, headers=as_user("supervisor_xa")
    )
    assert response.status_code == 200, response.text
    assert response.json()["restricted"] is False
    no_reason = {**edited, "restricted": True}
    refused = client.put(
        f"/api/v1/capacity/{restricted['id']}", json=no_reason, headers=as_user("supervisor_xa")
    )
    assert refused.status_code == 422
    assert refused.json()["details"][0]["field"] == "restriction_reason"


def test_the_clerk_sees_a_restricted_area_as_a_likely_transitional_plan(
    client: TestClient, as_user: Any
) -> None:
    client.post(IMPORT, json={"csv": GOOD}, headers=as_user("admin"))
    clerk = as_user("clerk_xa")
    app = client.post(
        "/api/v1/applications", json=hv_body(address="西安市未央区凤城八路 8 号"), headers=clerk
    ).json()
    found = client.get(f"/api/v1/applications/{app['id']}/capacity", headers=clerk).json()
    assert found["likely_transitional_plan"] is True
    assert found["rows"][0]["substation"] == "110kV 凤城变"
    page_sign_in(client, "clerk_xa")
    page = client.get(f"/workbench/applications/{app['id']}")
    assert 'id="likely-transitional"' in page.text


@pytest.fixture
def cli_env(services: Services, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Services:
    monkeypatch.setenv("GRIDCONNECT_DATABASE_URL", services.engine.url.render_as_string(False))
    monkeypatch.setenv("GRIDCONNECT_FILES_DIR", str(tmp_path / "files"))
    get_settings.cache_clear()
    yield services  # type: ignore[misc]
    get_settings.cache_clear()


def test_the_command_line_imports_a_file_or_names_every_bad_line(
    cli_env: Services, tmp_path: Path, engine: Engine
) -> None:
    bad, good = tmp_path / "bad.csv", tmp_path / "good.csv"
    bad.write_text(BAD, encoding="utf-8")
    good.write_text(GOOD, encoding="utf-8")
    refused = CliRunner().invoke(cli, ["capacity", "import", str(bad)])
    assert refused.exit_code == 1
    assert f"{bad}:3: available_kva" in refused.output
    assert "nothing imported" in refused.output
    done = CliRunner().invoke(cli, ["capacity", "import", str(good)])
    assert done.exit_code == 0, done.output
    assert "imported 3 line(s): 3 added, 0 updated" in done.output
    assert count_rows(engine, "network_capacity") == 3


def test_a_supervisor_imports_and_edits_on_the_page(client: TestClient, staff: Any) -> None:
    page_sign_in(client, "supervisor_xa")
    xian_only = "\n".join(GOOD.splitlines()[:3])
    bad = post_form(
        client,
        "/capacity/manage/import",
        {},
        "/capacity/manage",
        files={"file": ("capacity.csv", BAD.encode(), "text/csv")},
    )
    assert bad.status_code == 422
    assert "第 3 行 available_kva" in bad.text
    good = post_form(
        client,
        "/capacity/manage/import",
        {},
        "/capacity/manage",
        files={"file": ("capacity.csv", xian_only.encode(), "text/csv")},
    )
    assert good.status_code == 303, good.text
    page = client.get("/capacity/manage")
    row_id = page.text.split('action="/capacity/manage/')[2].split('"')[0]
    edited = post_form(
        client,
        f"/capacity/manage/{row_id}",
        {"available_kva": "1200", "restricted": "on", "restriction_reason": "线路重载"},
        "/capacity/manage",
    )
    assert edited.status_code == 303, edited.text
    assert "线路重载" in client.get("/capacity").text
