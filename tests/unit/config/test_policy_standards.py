"""The public service standards page (L52): stages, documents, limits in force, fees."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from gridconnect.config.policy import (
    Policy,
    default_policy_text,
    load_policy,
    parse_policy,
    service_standards,
)


@pytest.fixture(scope="module")
def policy() -> Policy:
    return load_policy()


def limits_of(standards: dict[str, Any], kind: str) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = {}
    for entry in standards["kinds"][kind]["limits"]:
        out.setdefault(entry["clock"], []).append(entry["limit_working_days"])
    return out


def test_every_kind_is_published_with_its_stages_in_order_and_chinese_names(
    policy: Policy,
) -> None:
    page = service_standards(policy, date(2022, 3, 1))
    assert page["source"] == "L52"
    assert list(page["kinds"]) == ["lv_residential", "lv_nonresidential", "hv"]
    hv = page["kinds"]["hv"]
    assert hv["name"] == "高压用户"
    assert [s["name"] for s in hv["stages"]] == [
        "业务受理",
        "供电方案答复",
        "设计审查",
        "中间检查",
        "竣工检验",
        "装表接电",
    ]
    assert [d["name"] for d in hv["stages"][0]["documents"]] == [
        "用电人有效身份证件",
        "用电地址物权证件",
        "用电工程项目批准文件",
    ]
    assert page["kinds"]["lv_residential"]["stage_count"] == 2


def sgcc(policy: Policy, on: date, city: str | None = None) -> dict[str, Any]:
    return service_standards(policy, on, city, company="sgcc")


def test_limits_are_those_in_force_on_the_date(policy: Policy) -> None:
    in_2022 = limits_of(sgcc(policy, date(2022, 6, 1)), "lv_nonresidential")
    in_2023 = limits_of(sgcc(policy, date(2023, 6, 1)), "lv_nonresidential")
    # the ledger's 三零 limit first, then the company's commitment for the others
    assert in_2022 == {
        "full_process": [20, 15],
        "gov_approval": [5],
        "stage:acceptance": [1],
        "stage:meter_install": [5],
    }
    assert in_2023 == {
        "full_process": [15, 15],
        "gov_approval": [5],
        "stage:acceptance": [1],
        "stage:meter_install": [5],
    }
    assert service_standards(policy, date(2020, 6, 1))["kinds"]["hv"]["limits"] == []


def test_each_company_publishes_its_own_assessment_limits(policy: Policy) -> None:
    every = service_standards(policy, date(2022, 6, 1))["kinds"]["hv"]["limits"]
    design = [
        (e["company"], e["limit_working_days"])
        for e in every
        if e["clock"] == "stage:design_review"
    ]
    assert design == [("sgcc", 10), ("local", 10)]
    local = limits_of(service_standards(policy, date(2022, 6, 1), company="local"), "hv")
    assert local["stage:design_review"] == [10]


def test_the_full_process_limit_shows_its_target_and_conditions_in_chinese(
    policy: Policy,
) -> None:
    page = service_standards(policy, date(2024, 6, 1))
    entry = page["kinds"]["lv_nonresidential"]["limits"][0]
    assert entry["clock_name"] == "全过程办电时间"
    assert entry["limit_text"] == "15个工作日以内"
    assert entry["target_working_days"] == 12
    assert entry["target_text"] == "力争12个工作日以内"
    assert entry["conditions_text"] == "实行“三零”服务"
    assert entry["source"] == "L6, L8"


def test_hv_limits_explain_voltage_supply_and_on_site_reply(policy: Policy) -> None:
    page = sgcc(policy, date(2023, 6, 1))
    by_id = {e["rule_id"]: e for e in page["kinds"]["hv"]["limits"]}
    assert by_id["gov_approval.hv_10kv"]["conditions_text"] == "供电电压10千伏及以下"
    assert by_id["gov_approval.hv_35kv"]["conditions_text"] == "供电电压35千伏及以上"
    assert by_id["gov_approval.hv_35kv"]["limit_text"] == "未设定时限（由各地市确定）"
    assert by_id["stage.supply_plan.dual"]["conditions_text"] == "双电源"
    on_site = by_id["stage.supply_plan.on_site_reply"]
    assert on_site["limit_text"] == "当日办结"
    assert on_site["clock_name"] == "供电方案答复环节"
    assert "现场答复" in on_site["conditions_text"]
    supply_plan = page["kinds"]["hv"]["stages"][1]
    assert [e["limit_working_days"] for e in supply_plan["limits"]] == [15, 30, 0]
    assert [e["limit_working_days"] for e in page["kinds"]["hv"]["stages"][0]["limits"]] == [1]


def test_the_on_site_reply_rule_is_not_published_before_2023(policy: Policy) -> None:
    page = sgcc(policy, date(2022, 6, 1))
    assert limits_of(page, "hv")["stage:supply_plan"] == [15, 30]


def test_fees_are_zero_for_three_zero_customers(policy: Policy) -> None:
    kinds = service_standards(policy, date(2022, 6, 1))["kinds"]
    assert kinds["lv_residential"]["fees"]["three_zero"].startswith("零投资")
    assert kinds["lv_nonresidential"]["fees"]["three_zero"].startswith("零投资")
    assert "按国家规定" in kinds["lv_nonresidential"]["fees"]["other"]
    assert kinds["hv"]["fees"]["three_zero"] is None
    assert "按国家规定" in kinds["hv"]["fees"]["other"]


def test_the_three_zero_scope_follows_the_date(policy: Policy) -> None:
    def scope(on: date) -> list[str]:
        page = service_standards(policy, on)
        return [s["text"] for s in page["kinds"]["lv_nonresidential"]["three_zero_scope"]]

    assert scope(date(2022, 6, 1)) == [
        "市中心、市区、城镇地区报装容量160千瓦及以下",
        "农村地区报装容量100千瓦及以下",
    ]
    assert scope(date(2023, 6, 1)) == ["市中心、市区、城镇、农村地区报装容量160千瓦及以下"]
    assert scope(date(2021, 6, 1)) == []


def test_a_city_page_shows_its_own_rules_instead_of_the_province_ones() -> None:
    policy = parse_policy(
        default_policy_text()
        + """
[[rules]]
id = "gov_approval.hv_35kv.xian"
clock = "gov_approval"
kinds = ["hv"]
city = "西安"
limit_working_days = 20
in_force_from = 2021-07-01
source = "西安 test"
conditions = { min_voltage_kv = 35 }
"""
    )
    xian = service_standards(policy, date(2022, 6, 1), city="西安")
    # the province's 10 kV rule still applies in 西安; its 35 kV rule is replaced
    assert limits_of(xian, "hv")["gov_approval"] == [10, 20]
    assert xian["city"] == "西安"
    province = service_standards(policy, date(2022, 6, 1))
    assert limits_of(province, "hv")["gov_approval"] == [10, None]
    yulin = service_standards(policy, date(2022, 6, 1), city="榆林")
    assert limits_of(yulin, "hv")["gov_approval"] == [10, None]


def test_a_city_rule_without_conditions_replaces_all_province_rules_of_its_clock() -> None:
    policy = parse_policy(
        default_policy_text()
        + """
[[rules]]
id = "stage.supply_plan.yulin"
clock = "stage:supply_plan"
kinds = ["hv"]
city = "榆林"
limit_working_days = 8
in_force_from = 2021-01-01
in_force_until = 2022-12-31
source = "榆林 test"
"""
    )
    yulin = service_standards(policy, date(2022, 6, 1), city="榆林")
    assert limits_of(yulin, "hv")["stage:supply_plan"] == [8]
