"""Administrators load the calendar notice of a new year and read the policy."""

from __future__ import annotations

from pathlib import Path
from typing import Any

NOTICE_2027 = """\
year = 2027
[notice]
title = "测试用：2027年部分节假日安排（虚构）"
published = 2026-11-05
[[holidays]]
name = "元旦"
dates = [2027-01-01, 2027-01-02, 2027-01-03]
"""


def test_an_admin_loads_next_years_notice_and_sees_it_among_the_years(
    client: Any, as_user: Any, settings: Any
) -> None:
    admin = as_user("admin")
    files = {"file": ("2027.toml", NOTICE_2027.encode(), "application/toml")}
    response = client.post("/api/v1/admin/calendar", files=files, headers=admin)
    assert response.status_code == 201, response.text
    assert response.json()["year"] == 2027
    assert response.json()["days_off"] == 3
    assert (Path(settings.calendar_dir) / "2027.toml").read_text(encoding="utf-8") == NOTICE_2027
    years = client.get("/api/v1/admin/calendar/years", headers=admin).json()
    assert {y["year"]: y["source"] for y in years}[2026] == "notice"


def test_a_malformed_notice_is_refused_with_its_lines_and_nothing_is_saved(
    client: Any, as_user: Any, settings: Any
) -> None:
    files = {"file": ("2027.toml", b"year = 2027\n[[holidays]]\nname = 1\n", "application/toml")}
    response = client.post("/api/v1/admin/calendar", files=files, headers=as_user("admin"))
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_notice_file"
    assert all("line" in problem for problem in response.json()["details"])
    assert not (Path(settings.calendar_dir) / "2027.toml").exists()


def test_the_policy_in_force_is_shown_to_admins(client: Any, as_user: Any) -> None:
    policy = client.get("/api/v1/admin/policy", headers=as_user("admin")).json()
    stages = [s["code"] for s in policy["kinds"]["hv"]["stages"]]
    assert stages[0] == "acceptance"
    assert stages[-1] == "meter_install"
    assert len(stages) == 6
    assert "commitment_letter" not in policy["documents"]
