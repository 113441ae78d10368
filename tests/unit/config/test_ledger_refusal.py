"""Four edited policy files are refused by `policy check` and at start-up.

Each used to be answered "ok". Now the CLI exits 1 and prints every violation, each naming
its rule (or section), the ledger item it breaks and the line of the file where that rule
is declared; `load_policy` (start-up, the admin page) refuses the same file.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gridconnect.commands.policy import policy_app
from gridconnect.config.policy import PolicyError, default_policy_text, load_policy

SHIPPED = default_policy_text()
runner = CliRunner()

EXTRA_LV_STAGE = (
    SHIPPED.replace(
        'name = "低压居民用户"\nstages = ["acceptance", "meter_install"]',
        'name = "低压居民用户"\nstages = ["acceptance", "site_check", "meter_install"]',
        1,
    )
    .replace(
        "meter_install = []                                          # L33: no documents",
        'site_check = ["completion_report"]\nmeter_install = []',
        1,
    )
    .replace("[stages]\n", '[stages]\nsite_check = "现场核查"\n', 1)
)
THRESHOLD_2023 = 'area_classes = ["city_center", "urban", "town", "rural"]\nmax_capacity_kw = 160'
FULL_15 = "limit_working_days = 15\nin_force_from = 2023-01-01"
XIAN_30 = """
[[rules]]
id = "full_process.xian"
clock = "full_process"
kinds = ["lv_nonresidential"]
city = "西安"
limit_working_days = 30
in_force_from = 2023-01-01
source = "西安"
conditions = { three_zero = true }
"""


def line_of(text: str, fragment: str) -> int:
    return text.splitlines().index(fragment) + 1


#: name -> (file, what each reported violation must say)
FILES: dict[str, tuple[str, list[list[str]]]] = {
    "an extra LV stage with an extra document": (
        EXTRA_LV_STAGE,
        [
            [
                "kind 'lv_residential'",
                "不得增加、减少或调换顺序",
                "L33, L35",
                f"(line {line_of(EXTRA_LV_STAGE, '[kinds.lv_residential]')})",
            ],
            [
                "kind 'lv_residential', stage 'site_check'",
                "completion_report",
                "L33, L35",
                f"(line {line_of(EXTRA_LV_STAGE, '[kinds.lv_residential]')})",
            ],
        ],
    ),
    "the 2023 三零 threshold lowered to 50 kW": (
        SHIPPED.replace(THRESHOLD_2023, THRESHOLD_2023.replace("160", "50"), 1),
        [
            ["three_zero_thresholds[2]", "city_center 50 kW", "160 kW", "L4"],
            ["three_zero_thresholds[2]", "rural 50 kW", "100 kW", "L4"],
            ["three_zero_thresholds[2]", "低于台账的 160 kW", "L6"],
            ["three_zero_thresholds[2]", "范围缩小", "L38"],
        ],
    ),
    "the full-process limit relaxed to 40": (
        SHIPPED.replace(FULL_15, FULL_15.replace("15", "40"), 1),
        [
            ["rule 'full_process.lv_nonresidential.three_zero.2023'", "40", "20", "L3"],
            ["rule 'full_process.lv_nonresidential.three_zero.2023'", "40", "15", "L6"],
        ],
    ),
    "a 西安 rule of 30 days over the province's 15": (
        SHIPPED + XIAN_30,
        [
            ["rule 'full_process.xian'", "30", "20 个工作日", "L3"],
            ["rule 'full_process.xian'", "30", "15 个工作日", "L6"],
            ["rule 'full_process.xian'", "three_zero.2023", "L12"],
            ["rule 'full_process.xian'", "three_zero.2024", "L12"],
        ],
    ),
}


def _lines_of_threshold(text: str) -> int:
    return [i for i, line in enumerate(text.splitlines()) if line == "[[three_zero_thresholds]]"][
        2
    ] + 1


@pytest.mark.parametrize("name", list(FILES))
def test_policy_check_refuses_the_file_with_every_violation_by_rule_item_and_line(
    name: str, tmp_path: Path
) -> None:
    text, expected = FILES[name]
    path = tmp_path / "policy.toml"
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(policy_app, ["check", str(path)])
    assert result.exit_code == 1
    assert "ok:" not in result.output
    errors = [line for line in result.output.splitlines() if line.startswith("error: ")]
    assert result.output.startswith(f"{len(expected)} problem(s) in {path}:")
    assert len(errors) == len(expected), result.output
    for error, fragments in zip(errors, expected, strict=True):
        for fragment in fragments:
            assert fragment in error, f"{fragment!r} not in {error!r}"
        assert "违反台账" in error
        assert re.search(r"\(line \d+\)$", error), error


def test_the_lowered_threshold_is_reported_at_its_own_line(tmp_path: Path) -> None:
    text = FILES["the 2023 三零 threshold lowered to 50 kW"][0]
    path = tmp_path / "policy.toml"
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(policy_app, ["check", str(path)])
    assert f"(line {_lines_of_threshold(text)})" in result.output


def test_the_relaxed_rule_is_reported_at_the_line_of_its_id(tmp_path: Path) -> None:
    text = FILES["the full-process limit relaxed to 40"][0]
    path = tmp_path / "policy.toml"
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(policy_app, ["check", str(path)])
    rule_line = line_of(text, 'id = "full_process.lv_nonresidential.three_zero.2023"')
    assert result.output.count(f"(line {rule_line})") == 2


@pytest.mark.parametrize("name", list(FILES))
def test_start_up_refuses_the_file_too(name: str, tmp_path: Path) -> None:
    text, expected = FILES[name]
    path = tmp_path / "policy.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PolicyError) as refused:
        load_policy(path)
    assert len(refused.value.details) == len(expected)
    assert str(path) in str(refused.value)


def test_the_shipped_policy_is_answered_ok(tmp_path: Path) -> None:
    path = tmp_path / "policy.toml"
    path.write_text(SHIPPED, encoding="utf-8")
    result = runner.invoke(policy_app, ["check", str(path)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("ok:")


def test_the_server_does_not_start_on_a_looser_policy(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient
    from sqlalchemy import create_engine

    from gridconnect.api.app import create_app
    from gridconnect.config.settings import Settings

    path = tmp_path / "policy.toml"
    path.write_text(FILES["a 西安 rule of 30 days over the province's 15"][0], encoding="utf-8")
    settings = Settings(
        environment="test",
        database_url="sqlite://",
        files_dir=tmp_path / "files",
        secret_key="ledger-test-secret-0123456789abcdef",
        policy_file=path,
    )
    app = create_app(settings, engine=create_engine("sqlite://"))
    with pytest.raises(PolicyError) as refused, TestClient(app):
        pass
    assert any("rule 'full_process.xian'" in p and "L12" in p for p in refused.value.details)
