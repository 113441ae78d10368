"""A policy that is looser than the ledger is refused, each finding naming rule and item."""

from __future__ import annotations

from dataclasses import replace

import pytest

from gridconnect.config.ledger_check import check_against_ledger
from gridconnect.config.policy import PolicyError, default_policy_text, load_policy, parse_policy
from gridconnect.config.policy_model import CITIES, SlaRule

SHIPPED = default_policy_text()

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


def _without_rule(text: str, rule_id: str) -> str:
    rule = text.index(f'[[rules]]\nid = "{rule_id}"')
    rule_end = text.index("[[rules]]", rule + 1)
    return text[:rule] + text[rule_end:]


def _without_mid_inspection() -> str:
    text = _without_rule(SHIPPED, "stage.mid_inspection")
    text = _without_rule(text, "stage.mid_inspection.local")
    text = text.replace('    "mid_inspection",\n', "", 1)
    return text.replace(
        'mid_inspection = ["constructor_qualification", "concealed_works_records"]', "", 1
    )


def findings(text: str) -> list[str]:
    """Every problem loading the policy reports (the ledger check runs at every load)."""
    try:
        parse_policy(text, "edited.toml")
    except PolicyError as exc:
        return exc.details
    return []


def edited(old: str, new: str, count: int = 1) -> str:
    assert old in SHIPPED, old
    return SHIPPED.replace(old, new, count)


def test_the_shipped_policy_complies_with_the_ledger() -> None:
    assert findings(SHIPPED) == []


LV_STAGES = 'name = "低压居民用户"\nstages = ["acceptance", "meter_install"]'
HV_DOCS = 'design_review = ["designer_qualification", "design_documents"]'
FULL_15 = "limit_working_days = 15\nin_force_from = 2023-01-01"
THRESHOLD_2022 = 'area_classes = ["city_center", "urban", "town", "rural"]\nmax_capacity_kw = 160'

VIOLATIONS = {
    "extra LV stage with an extra document": (
        edited(
            LV_STAGES,
            'name = "低压居民用户"\nstages = ["acceptance", "site_check", "meter_install"]',
        )
        .replace(
            "meter_install = []                                          # L33: no documents",
            'site_check = ["completion_report"]\nmeter_install = []',
            1,
        )
        .replace("[stages]\n", '[stages]\nsite_check = "现场核查"\n'),
        ["kind 'lv_residential'", "L35", "(line "],
    ),
    "三零 threshold lowered to 50 kW": (
        edited(THRESHOLD_2022, THRESHOLD_2022.replace("160", "50")),
        ["three_zero_thresholds[2]", "L38", "L6", "50 kW"],
    ),
    "full-process limit relaxed to 40": (
        edited(FULL_15, FULL_15.replace("15", "40")),
        ["rule 'full_process.lv_nonresidential.three_zero.2023'", "L6", "40 个工作日", "(line "],
    ),
    "a 西安 rule of 30 days wins over the province's 15": (
        SHIPPED + XIAN_30,
        ["full_process.xian", "L6", "L12", "30 个工作日"],
    ),
    "a high-voltage stage removed": (
        _without_mid_inspection(),
        ["kind 'hv'", "L34"],
    ),
    "high-voltage stages reordered": (
        edited(
            '    "design_review",\n    "mid_inspection",',
            '    "mid_inspection",\n    "design_review",',
        ),
        ["kind 'hv'", "不得增加、减少或调换顺序"],
    ),
    "a document beyond the stage's list": (
        edited(
            HV_DOCS,
            'design_review = ["designer_qualification", "design_documents", "project_approval"]',
        ),
        ["kind 'hv', stage 'design_review'", "project_approval", "L35"],
    ),
    "LV government approval relaxed to 7 days": (
        edited(
            'limit_working_days = 5\nin_force_from = 2021-01-01\nsource = "L2"',
            'limit_working_days = 7\nin_force_from = 2021-01-01\nsource = "L2"',
        ),
        ["gov_approval.lv", "L2", "7 个工作日"],
    ),
    "HV 10 kV government approval with no limit": (
        edited(
            'limit_working_days = 10\nin_force_from = 2021-01-01\nsource = "L2"\n'
            "conditions = { max_voltage_kv = 10 }",
            'in_force_from = 2021-01-01\nsource = "L2"\nconditions = { max_voltage_kv = 10 }',
        ),
        ["gov_approval", "没有时限", "L2"],
    ),
    "on-site reply narrowed to 1000 kVA": (
        edited("max_capacity_kva = 1250", "max_capacity_kva = 1000"),
        ["on_site_reply", "L26", "1000"],
    ),
    "on-site reply postponed to 2024": (
        edited(
            "voltage_kv = 10\nin_force_from = 2023-01-01",
            "voltage_kv = 10\nin_force_from = 2024-01-01",
        ),
        ["on_site_reply", "L26", "2024-01-01"],
    ),
    "rural 三零 ends after 2022": (
        edited(THRESHOLD_2022, THRESHOLD_2022.replace(', "rural"', "")),
        ["three_zero_thresholds", "rural", "L38"],
    ),
}


@pytest.mark.parametrize("name", list(VIOLATIONS))
def test_each_violation_is_refused_naming_rule_and_item(name: str) -> None:
    text, expected = VIOLATIONS[name]
    found = "\n".join(findings(text))
    assert found, f"{name}: no finding"
    for fragment in expected:
        assert fragment in found, f"{name}: {fragment!r} not in\n{found}"


def test_every_violation_is_reported_at_once() -> None:
    text = edited(FULL_15, FULL_15.replace("15", "40")) + XIAN_30.replace("= 30", "= 45")
    text = text.replace("max_capacity_kva = 1250", "max_capacity_kva = 1000")
    found = "\n".join(findings(text))
    for item in ("L6", "L12", "L26"):
        assert item in found


def test_a_stricter_city_rule_is_accepted() -> None:
    assert findings(SHIPPED + XIAN_30.replace("= 30", "= 10")) == []


def test_each_violation_carries_the_path_of_its_place_in_the_file() -> None:
    # the check itself, on a policy built without it (as the engine holds it)
    policy = load_policy()
    loose = replace(policy, rules=tuple(_relaxed(r) for r in policy.rules))
    found = check_against_ledger(loose, CITIES)
    index = next(i for i, r in enumerate(policy.rules) if r.id == "gov_approval.lv")
    assert [(v.where, v.item) for v in found] == [(("rules", index), "L2")]
    assert str(found[0]).startswith(f"rules[{index}]: ")


def _relaxed(rule: SlaRule) -> SlaRule:
    return replace(rule, limit_working_days=7) if rule.id == "gov_approval.lv" else rule


def test_company_assessment_limits_may_be_any_positive_number() -> None:
    text = edited(
        'id = "stage.design_review"\nclock = "stage:design_review"\nkinds = ["hv"]\n'
        "limit_working_days = 10",
        'id = "stage.design_review"\nclock = "stage:design_review"\nkinds = ["hv"]\n'
        "limit_working_days = 25",
    )
    assert findings(text) == []
