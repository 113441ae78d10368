"""The default policy and rule selection: by date, city, specificity; 三零 and on-site reply."""

from __future__ import annotations

from datetime import date

import pytest

from gridconnect.config.policy import (
    ApplicationFacts,
    Policy,
    SlaRule,
    default_policy_text,
    load_policy,
    parse_policy,
)
from gridconnect.errors import InvalidInput

XIAN_RULES = """
[[rules]]
id = "gov_approval.hv_35kv.xian"
clock = "gov_approval"
kinds = ["hv"]
city = "西安"
limit_working_days = 20
in_force_from = 2021-07-01
source = "西安 test"
conditions = { min_voltage_kv = 35 }

[[rules]]
id = "gov_approval.lv.xian"
clock = "gov_approval"
kinds = ["lv_residential", "lv_nonresidential"]
city = "西安"
limit_working_days = 3
in_force_from = 2022-01-01
source = "西安 test (L11-12)"
"""


@pytest.fixture(scope="module")
def policy() -> Policy:
    return load_policy()


@pytest.fixture(scope="module")
def xian_policy() -> Policy:
    return parse_policy(default_policy_text() + XIAN_RULES, "xian.toml")


def lv_nonres(
    received_on: date, three_zero: bool = True, city: str = "宝鸡", company: str = "sgcc"
) -> ApplicationFacts:
    return ApplicationFacts(
        kind="lv_nonresidential",
        city=city,
        received_on=received_on,
        capacity=80,
        voltage_kv=0.4,
        supply="single",
        three_zero=three_zero,
        on_site_reply=False,
        company=company,
    )


def hv(
    policy: Policy,
    received_on: date,
    capacity_kva: float = 1000,
    voltage_kv: float = 10,
    supply: str = "single",
    city: str = "宝鸡",
    company: str = "sgcc",
) -> ApplicationFacts:
    return policy.application_facts(
        kind="hv",
        city=city,
        received_on=received_on,
        capacity=capacity_kva,
        area_class="urban",
        voltage_kv=voltage_kv,
        supply=supply,
        company=company,
    )


def limit(rule: SlaRule | None) -> int | None:
    assert rule is not None
    return rule.limit_working_days


def test_the_default_policy_loads_with_three_kinds_and_cited_rules(policy: Policy) -> None:
    assert set(policy.kinds) == {"lv_residential", "lv_nonresidential", "hv"}
    assert policy.warn_working_days == 1
    assert policy.stall_working_days == 5
    assert len(policy.rules) == 28
    assert all(rule.source for rule in policy.rules)


def test_low_voltage_has_two_stages_and_high_voltage_six_in_order(policy: Policy) -> None:
    assert policy.stage_codes("lv_residential") == ("acceptance", "meter_install")
    assert policy.stage_codes("lv_nonresidential") == ("acceptance", "meter_install")
    assert policy.stage_codes("hv") == (
        "acceptance",
        "supply_plan",
        "design_review",
        "mid_inspection",
        "completion_inspection",
        "meter_install",
    )
    assert policy.kinds["hv"].stages[1].name == "供电方案答复"


def test_whitelists_are_exactly_those_of_the_ledger(policy: Policy) -> None:
    def codes(kind: str, stage: str) -> list[str]:
        return [d.code for d in policy.whitelist(kind, stage)]

    for kind in ("lv_residential", "lv_nonresidential"):
        assert codes(kind, "acceptance") == ["identity_document", "property_certificate"]
        assert codes(kind, "meter_install") == []
    assert codes("hv", "acceptance") == [
        "identity_document",
        "property_certificate",
        "project_approval",
    ]
    assert codes("hv", "supply_plan") == []
    assert codes("hv", "design_review") == ["designer_qualification", "design_documents"]
    assert codes("hv", "mid_inspection") == [
        "constructor_qualification",
        "concealed_works_records",
    ]
    assert codes("hv", "completion_inspection") == ["completion_report"]
    assert codes("hv", "meter_install") == []
    assert policy.document_name("completion_report") == "工程竣工报告（含竣工图纸）"


def test_no_commitment_letter_is_on_any_whitelist(policy: Policy) -> None:
    for kind in policy.kinds.values():
        for stage in kind.stages:
            for document in stage.documents:
                assert "承诺书" not in document.name
                assert "commitment" not in document.code
    assert all("承诺书" not in d.name for d in policy.documents.values())


def test_unknown_kind_stage_document_and_reason_are_invalid_input(policy: Policy) -> None:
    with pytest.raises(InvalidInput):
        policy.stage_codes("mv")
    with pytest.raises(InvalidInput):
        policy.whitelist("lv_residential", "design_review")
    with pytest.raises(InvalidInput):
        policy.document_name("commitment_letter")
    with pytest.raises(InvalidInput):
        policy.reason("bad_weather")


def test_suspension_reasons_are_the_fixed_four(policy: Policy) -> None:
    assert [r.code for r in policy.suspension_reasons] == [
        "customer_construction",
        "customer_requested_wait",
        "customer_unreachable",
        "force_majeure",
    ]
    assert policy.reason("force_majeure").name == "不可抗力"


def test_full_process_is_20_days_for_2022_receipts_and_15_with_target_12_from_2024(
    policy: Policy,
) -> None:
    assert limit(policy.rule_for("full_process", lv_nonres(date(2022, 12, 31)))) == 20
    assert limit(policy.rule_for("full_process", lv_nonres(date(2023, 12, 31)))) == 15
    rule = policy.rule_for("full_process", lv_nonres(date(2024, 1, 1)))
    assert rule is not None
    assert (rule.limit_working_days, rule.target_working_days) == (15, 12)
    assert rule.source == "L6, L8"


def test_full_process_limits_are_not_retroactive(policy: Policy) -> None:
    assert policy.rule_for("full_process", lv_nonres(date(2021, 12, 31))) is None
    # an application received in 2022 keeps its 20 days even if looked at later
    assert limit(policy.rule_for("full_process", lv_nonres(date(2022, 6, 1)))) == 20


def test_a_customer_without_three_zero_gets_the_company_commitment(policy: Policy) -> None:
    rule = policy.rule_for("full_process", lv_nonres(date(2022, 3, 1), three_zero=False))
    assert rule is not None
    assert (rule.id, rule.limit_working_days) == ("full_process.lv_nonresidential", 15)
    assert rule.source == "company service commitment (configurable default)"


def test_every_kind_has_a_full_process_clock(policy: Policy) -> None:
    day = date(2021, 3, 1)
    residential = policy.application_facts(
        kind="lv_residential", city="汉中", received_on=day, capacity=8, area_class="rural"
    )
    assert limit(policy.rule_for("full_process", residential)) == 5
    assert limit(policy.rule_for("full_process", lv_nonres(day, three_zero=False))) == 15
    assert limit(policy.rule_for("full_process", hv(policy, day, supply="single"))) == 22
    assert limit(policy.rule_for("full_process", hv(policy, day, supply="dual"))) == 32


def test_gov_approval_is_5_for_low_and_10_for_high_voltage_of_10_kv(policy: Policy) -> None:
    assert limit(policy.rule_for("gov_approval", lv_nonres(date(2021, 3, 1)))) == 5
    assert limit(policy.rule_for("gov_approval", hv(policy, date(2021, 3, 1)))) == 10


def test_35_kv_gov_approval_has_a_province_rule_without_a_limit(policy: Policy) -> None:
    rule = policy.rule_for("gov_approval", hv(policy, date(2022, 3, 1), 8000, 35, "dual"))
    assert rule is not None
    assert rule.id == "gov_approval.hv_35kv"
    assert rule.limit_working_days is None
    assert rule.conditions == {"min_voltage_kv": 35}


def test_a_city_rule_wins_over_the_province_rule(xian_policy: Policy) -> None:
    facts = hv(xian_policy, date(2022, 3, 1), 8000, 35, "dual", city="西安")
    assert limit(xian_policy.rule_for("gov_approval", facts)) == 20
    lv = lv_nonres(date(2022, 3, 1), city="西安")
    assert limit(xian_policy.rule_for("gov_approval", lv)) == 3


def test_a_city_rule_applies_only_in_its_city_and_from_its_date(xian_policy: Policy) -> None:
    elsewhere = hv(xian_policy, date(2022, 3, 1), 8000, 35, "dual", city="榆林")
    assert limit(xian_policy.rule_for("gov_approval", elsewhere)) is None
    before = hv(xian_policy, date(2021, 6, 30), 8000, 35, "dual", city="西安")
    assert xian_policy.rule_for("gov_approval", before).id == "gov_approval.hv_35kv"  # type: ignore[union-attr]
    lv_2021 = lv_nonres(date(2021, 12, 31), city="西安")
    assert limit(xian_policy.rule_for("gov_approval", lv_2021)) == 5


def test_on_site_reply_makes_the_supply_plan_due_the_same_day_from_2023(policy: Policy) -> None:
    facts = hv(policy, date(2023, 3, 1), 1000, 10, "single")
    assert facts.on_site_reply
    rule = policy.rule_for("stage:supply_plan", facts)
    assert rule is not None
    assert (rule.id, rule.limit_working_days) == ("stage.supply_plan.on_site_reply", 0)


def test_supply_plan_for_a_2022_receipt_of_1000_kva_is_15_days(policy: Policy) -> None:
    facts = hv(policy, date(2022, 12, 31), 1000, 10, "single")
    assert not facts.on_site_reply
    assert limit(policy.rule_for("stage:supply_plan", facts)) == 15


def test_supply_plan_for_2000_kva_single_supply_is_15_days(policy: Policy) -> None:
    facts = hv(policy, date(2022, 3, 1), 2000, 10, "single")
    assert limit(policy.rule_for("stage:supply_plan", facts)) == 15


def test_supply_plan_for_dual_supply_is_30_days(policy: Policy) -> None:
    facts = hv(policy, date(2022, 3, 1), 1000, 10, "dual")
    assert limit(policy.rule_for("stage:supply_plan", facts)) == 30


def test_on_site_reply_needs_hv_1250_kva_single_10_kv_and_a_2023_receipt(policy: Policy) -> None:
    d = date(2023, 1, 1)
    assert policy.is_on_site_reply("hv", 1250, 10, "single", d)
    assert not policy.is_on_site_reply("hv", 1251, 10, "single", d)
    assert not policy.is_on_site_reply("hv", 1000, 35, "single", d)
    assert not policy.is_on_site_reply("hv", 1000, 10, "dual", d)
    assert not policy.is_on_site_reply("hv", 1000, 10, "single", date(2022, 12, 31))
    assert not policy.is_on_site_reply("lv_nonresidential", 100, 10, "single", d)


def test_meter_install_limits_by_kind(policy: Policy) -> None:
    d = date(2022, 3, 1)
    residential = policy.application_facts(
        kind="lv_residential",
        city="汉中",
        received_on=d,
        capacity=8,
        area_class="rural",
        company="sgcc",
    )
    assert limit(policy.rule_for("stage:meter_install", residential)) == 3
    assert limit(policy.rule_for("stage:meter_install", lv_nonres(d))) == 5
    assert limit(policy.rule_for("stage:meter_install", hv(policy, d))) == 5


def test_acceptance_has_a_one_day_company_clock(policy: Policy) -> None:
    rule = policy.rule_for("stage:acceptance", hv(policy, date(2022, 3, 1)))
    assert rule is not None
    assert rule.limit_working_days == 1
    assert rule.source == "company assessment default (configurable default)"


def test_state_grid_assessment_rules_bind_state_grid_and_local_power_has_its_own(
    policy: Policy,
) -> None:
    sgcc = policy.rule_for("stage:design_review", hv(policy, date(2022, 3, 1)))
    local = policy.rule_for("stage:design_review", hv(policy, date(2022, 3, 1), company="local"))
    assert sgcc is not None
    assert local is not None
    assert (sgcc.company, sgcc.limit_working_days) == ("sgcc", 10)
    assert (local.company, local.limit_working_days) == ("local", 10)
    assert local.source == "Shaanxi Local Power assessment rule (configurable default)"


def test_a_company_assessment_rule_never_displaces_the_ledgers_on_site_reply(
    policy: Policy,
) -> None:
    for company in ("sgcc", "local"):
        facts = hv(policy, date(2023, 3, 1), 1000, 10, "single", company=company)
        rule = policy.rule_for("stage:supply_plan", facts)
        assert rule is not None
        assert (rule.id, rule.limit_working_days) == ("stage.supply_plan.on_site_reply", 0)


def test_clocks_for_lists_every_applicable_clock(policy: Policy) -> None:
    clocks = policy.clocks_for(hv(policy, date(2023, 3, 1), 1000, 10, "single"))
    assert [(r.clock, r.limit_working_days) for r in clocks] == [
        ("full_process", 22),
        ("gov_approval", 10),
        ("stage:acceptance", 1),
        ("stage:supply_plan", 0),
        ("stage:design_review", 10),
        ("stage:mid_inspection", 5),
        ("stage:completion_inspection", 5),
        ("stage:meter_install", 5),
    ]
    clocks = policy.clocks_for(lv_nonres(date(2023, 3, 1)))
    assert [(r.clock, r.limit_working_days) for r in clocks] == [
        ("full_process", 15),
        ("gov_approval", 5),
        ("stage:acceptance", 1),
        ("stage:meter_install", 5),
    ]


def test_clocks_for_includes_rules_without_a_limit(policy: Policy) -> None:
    clocks = policy.clocks_for(hv(policy, date(2022, 3, 1), 8000, 35, "dual"))
    assert ("gov_approval", None) in [(r.clock, r.limit_working_days) for r in clocks]


def test_rural_120_kw_is_not_three_zero_in_2022_but_is_in_2023(policy: Policy) -> None:
    assert not policy.is_three_zero("lv_nonresidential", "rural", 120, date(2022, 6, 1))
    assert policy.is_three_zero("lv_nonresidential", "rural", 120, date(2023, 6, 1))


def test_urban_areas_have_160_kw_in_2022(policy: Policy) -> None:
    for area in ("city_center", "urban", "town"):
        assert policy.is_three_zero("lv_nonresidential", area, 160, date(2022, 6, 1))
    assert policy.is_three_zero("lv_nonresidential", "rural", 100, date(2022, 6, 1))


def test_170_kw_is_never_three_zero(policy: Policy) -> None:
    assert not policy.is_three_zero("lv_nonresidential", "urban", 170, date(2022, 6, 1))
    assert not policy.is_three_zero("lv_nonresidential", "urban", 170, date(2023, 6, 1))


def test_residential_is_always_three_zero_and_hv_never(policy: Policy) -> None:
    assert policy.is_three_zero("lv_residential", "rural", 500, date(2020, 6, 1))
    assert not policy.is_three_zero("hv", "urban", 100, date(2022, 6, 1))


def test_no_non_residential_three_zero_before_2022(policy: Policy) -> None:
    assert not policy.is_three_zero("lv_nonresidential", "urban", 50, date(2021, 12, 31))


def test_an_unknown_area_class_is_invalid_input(policy: Policy) -> None:
    with pytest.raises(InvalidInput):
        policy.is_three_zero("lv_nonresidential", "suburb", 50, date(2022, 1, 1))


def test_fees_are_zero_for_three_zero_and_per_national_rules_otherwise(policy: Policy) -> None:
    assert "零投资" in (policy.fee("lv_residential", True) or "")
    assert "零投资" in (policy.fee("lv_nonresidential", True) or "")
    assert "按国家规定" in (policy.fee("lv_nonresidential", False) or "")
    assert "按国家规定" in (policy.fee("hv", False) or "")


def test_the_most_specific_rule_wins_whatever_the_declaration_order() -> None:
    text = default_policy_text().replace(
        'id = "stage.supply_plan.single"', 'id = "stage.supply_plan.single.moved"'
    )
    text += """
[[rules]]
id = "stage.supply_plan.single.small"
clock = "stage:supply_plan"
kinds = ["hv"]
limit_working_days = 7
in_force_from = 2021-01-01
source = "test"
conditions = { supply = "single", max_capacity = 500 }
"""
    policy = parse_policy(text)
    assert limit(policy.rule_for("stage:supply_plan", hv(policy, date(2021, 3, 1), 400))) == 7
    assert limit(policy.rule_for("stage:supply_plan", hv(policy, date(2021, 3, 1), 600))) == 15


def test_policy_objects_are_immutable_and_hashable(policy: Policy) -> None:
    rule = policy.rules[0]
    with pytest.raises(AttributeError):
        rule.limit_working_days = 99  # type: ignore[misc]
    with pytest.raises(TypeError):
        policy.kinds["x"] = policy.kinds["hv"]  # type: ignore[index]
    assert hash(rule) == hash(rule)
    assert hash(policy) == hash(load_policy())
