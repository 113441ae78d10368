"""`gridconnect policy check|show|standards` through typer's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from gridconnect.commands.policy import policy_app
from gridconnect.config.policy import default_policy_text

runner = CliRunner()

BAD_RULE = """
[[rules]]
id = "bad.rule"
clock = "stage:foo"
kinds = ["hv"]
limit_working_days = -1
in_force_from = 2021-01-01
source = "test"
"""


def test_check_of_a_good_file_prints_ok_with_counts(tmp_path: Path) -> None:
    path = tmp_path / "policy.toml"
    path.write_text(default_policy_text(), encoding="utf-8")
    result = runner.invoke(policy_app, ["check", str(path)])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "ok: 3 kinds, 28 rules"


def test_check_of_a_bad_file_prints_each_error_and_exits_1(tmp_path: Path) -> None:
    path = tmp_path / "policy.toml"
    path.write_text(default_policy_text() + BAD_RULE, encoding="utf-8")
    result = runner.invoke(policy_app, ["check", str(path)])
    assert result.exit_code == 1
    assert "rule 'bad.rule': unknown stage 'foo' in clock 'stage:foo'" in result.output
    assert "rule 'bad.rule': negative limit" in result.output
    assert "ok:" not in result.output


def test_check_of_a_missing_file_exits_1(tmp_path: Path) -> None:
    result = runner.invoke(policy_app, ["check", str(tmp_path / "nope.toml")])
    assert result.exit_code == 1
    assert "cannot read policy file" in result.output


def test_show_prints_the_effective_policy_as_json() -> None:
    result = runner.invoke(policy_app, ["show"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["warn_working_days"] == 1
    assert [s["code"] for s in data["kinds"]["lv_residential"]["stages"]] == [
        "acceptance",
        "meter_install",
    ]
    assert {r["id"] for r in data["rules"]} >= {"gov_approval.hv_35kv"}
    assert data["on_site_reply"]["max_capacity_kva"] == 1250


def test_standards_prints_the_service_standards_of_a_date() -> None:
    result = runner.invoke(policy_app, ["standards", "--on", "2022-06-01"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["date"] == "2022-06-01"
    limits = data["kinds"]["lv_nonresidential"]["limits"]
    assert limits[0]["limit_working_days"] == 20


def test_standards_of_one_company_show_only_its_assessment_limits() -> None:
    result = runner.invoke(policy_app, ["standards", "--on", "2022-06-01", "--company", "local"])
    assert result.exit_code == 0, result.output
    limits = json.loads(result.output)["kinds"]["hv"]["limits"]
    assert {e["company"] for e in limits} == {None, "local"}


def test_schema_prints_the_policy_files_json_schema_for_editors() -> None:
    result = runner.invoke(policy_app, ["schema"])
    assert result.exit_code == 0, result.output
    schema = json.loads(result.output)
    assert schema["title"] == "gridconnect policy"
    assert schema["additionalProperties"] is False  # an editor flags a typo in a key
    assert {"rules", "kinds", "on_site_reply", "three_zero_always"} <= set(schema["properties"])
    assert schema["properties"]["stall_working_days"]["minimum"] == 1
    assert schema["properties"]["stall_working_days"]["default"] == 5
    rule = schema["$defs"]["RuleFile"]
    assert rule["additionalProperties"] is False
    assert "limit_working_days" in rule["properties"]
    assert "company" in rule["properties"]
    assert "city" in schema["$defs"]["ThresholdFile"]["properties"]
    assert "西安" in json.dumps(schema["$defs"]["City"], ensure_ascii=False)
