"""Rules scoped to a company, 三零 thresholds of pilot cities, and the stall key."""

from __future__ import annotations

from datetime import date

import pytest

from gridconnect.config.policy import (
    ApplicationFacts,
    PolicyError,
    default_policy_text,
    parse_policy,
    policy_schema,
)

SHIPPED = default_policy_text()


def problems(text: str) -> list[str]:
    with pytest.raises(PolicyError) as refused:
        parse_policy(text, "test.toml")
    return refused.value.details


def design_review(company: str, city: str = "宝鸡") -> ApplicationFacts:
    return ApplicationFacts(
        kind="hv",
        city=city,
        received_on=date(2024, 3, 1),
        capacity=2000,
        voltage_kv=10,
        supply="single",
        three_zero=False,
        on_site_reply=False,
        company=company,
    )


def rule(rule_id: str, limit: int, **scope: str) -> str:
    lines = "".join(f'{key} = "{value}"\n' for key, value in scope.items())
    return (
        f'\n[[rules]]\nid = "{rule_id}"\nclock = "stage:design_review"\nkinds = ["hv"]\n'
        f'limit_working_days = {limit}\nin_force_from = 2024-01-01\nsource = "test"\n{lines}'
    )


SCOPED = parse_policy(
    SHIPPED
    + rule("dr.sgcc.xian", 6, company="sgcc", city="西安")
    + rule("dr.xian", 7, city="西安")
    + rule("dr.local.yulin", 8, company="local", city="榆林")
)


@pytest.mark.parametrize(
    ("company", "city", "expected"),
    [
        ("sgcc", "西安", "dr.sgcc.xian"),  # the company's rule for the city
        ("local", "西安", "dr.xian"),  # the city's rule for every company
        ("local", "榆林", "dr.local.yulin"),
        ("sgcc", "榆林", "stage.design_review"),  # the company's province-wide rule
        ("local", "宝鸡", "stage.design_review.local"),
    ],
)
def test_company_and_city_beat_city_beat_company(company: str, city: str, expected: str) -> None:
    chosen = SCOPED.rule_for("stage:design_review", design_review(company, city))
    assert chosen is not None
    assert chosen.id == expected


def test_an_application_of_no_known_company_gets_only_rules_for_every_company() -> None:
    facts = design_review("sgcc")
    unknown = ApplicationFacts(**{**facts.__dict__, "company": None})
    assert SCOPED.rule_for("stage:design_review", unknown) is None
    assert SCOPED.rule_for("gov_approval", unknown) is not None


def test_an_unknown_company_is_named() -> None:
    found = problems(SHIPPED + rule("dr.bad", 6, company="cnpc"))
    assert any("rule 'dr.bad'" in p and "unknown company 'cnpc'" in p for p in found), found


def test_the_same_scope_for_two_companies_does_not_overlap_but_twice_for_one_does() -> None:
    assert parse_policy(SHIPPED + rule("a", 6, company="sgcc", city="西安")).rules
    found = problems(
        SHIPPED
        + rule("a", 6, company="sgcc", city="西安")
        + rule("b", 5, company="sgcc", city="西安")
    )
    assert any("rule 'b': overlaps rule 'a'" in p for p in found), found


def test_a_city_rule_looser_than_its_companys_province_rule_is_refused() -> None:
    found = problems(SHIPPED + rule("dr.local.xian", 12, company="local", city="西安"))
    assert any(
        "rule 'dr.local.xian'" in p and "L12" in p and "stage.design_review.local" in p
        for p in found
    ), found


def test_a_city_rule_is_not_compared_with_another_companys_province_rule() -> None:
    text = SHIPPED.replace(
        'id = "stage.design_review.local"\nclock = "stage:design_review"\nkinds = ["hv"]\n'
        "limit_working_days = 10",
        'id = "stage.design_review.local"\nclock = "stage:design_review"\nkinds = ["hv"]\n'
        "limit_working_days = 20",
    )
    # the local company's own 12 is stricter than its 20; State Grid's 10 does not bind it
    assert parse_policy(text + rule("dr.local.xian", 12, company="local", city="西安")).rules


# -- 三零 thresholds of pilot cities (L11, L36, L41) ---------------------------------


def threshold(city: str, capacity: int, since: str = "2023-01-01", classes: str = '"rural"') -> str:
    return (
        f"\n[[three_zero_thresholds]]\nin_force_from = {since}\narea_classes = [{classes}]\n"
        f'max_capacity_kw = {capacity}\nsource = "test"\ncity = "{city}"\n'
    )


def test_a_city_threshold_wins_in_its_city_only() -> None:
    policy = parse_policy(SHIPPED + threshold("西安", 200))
    day = date(2023, 6, 1)
    assert policy.is_three_zero("lv_nonresidential", "rural", 200, day, city="西安")
    assert not policy.is_three_zero("lv_nonresidential", "rural", 200, day, city="宝鸡")
    assert not policy.is_three_zero("lv_nonresidential", "rural", 200, day)
    facts = policy.application_facts(
        kind="lv_nonresidential",
        city="西安",
        received_on=day,
        capacity=180,
        area_class="rural",
        company="sgcc",
    )
    assert facts.three_zero
    assert facts.company == "sgcc"


def test_a_city_threshold_below_the_provinces_is_refused() -> None:
    found = problems(SHIPPED + threshold("榆林", 150))
    assert any("three_zero_thresholds[3]" in p and "低于台账的 160 kW" in p for p in found), found
    assert any("three_zero_thresholds[3]" in p and "L12, L38" in p for p in found), found


def test_a_city_threshold_that_later_shrinks_is_refused() -> None:
    earlier = threshold("西安", 250).replace(
        "in_force_from = 2023-01-01", "in_force_from = 2023-01-01\nin_force_until = 2023-12-31"
    )
    found = problems(SHIPPED + earlier + threshold("西安", 200, since="2024-01-01"))
    assert any("three_zero_thresholds[4]" in p and "L38" in p for p in found), found


def test_city_thresholds_of_two_cities_do_not_overlap_but_twice_in_one_city_do() -> None:
    assert parse_policy(SHIPPED + threshold("西安", 200) + threshold("榆林", 200))
    found = problems(SHIPPED + threshold("西安", 200) + threshold("西安", 300))
    assert any("three_zero_thresholds[4]" in p and "overlaps" in p for p in found), found


def test_a_city_page_shows_the_citys_threshold_where_it_has_one() -> None:
    from gridconnect.config.standards import service_standards

    policy = parse_policy(SHIPPED + threshold("西安", 200))
    xian = service_standards(policy, date(2023, 6, 1), city="西安")
    texts = [s["text"] for s in xian["kinds"]["lv_nonresidential"]["three_zero_scope"]]
    assert texts == ["农村地区报装容量200千瓦及以下"]


# -- the stall rule's key ------------------------------------------------------------


def test_stall_working_days_defaults_to_5_and_is_read_from_the_file() -> None:
    assert parse_policy(SHIPPED).stall_working_days == 5
    text = SHIPPED.replace("stall_working_days = 5", "stall_working_days = 3")
    assert parse_policy(text).stall_working_days == 3
    assert parse_policy(SHIPPED.replace("stall_working_days = 5", "")).stall_working_days == 5


@pytest.mark.parametrize("value", ["0", "-2", '"five"', "2.5"])
def test_a_stall_period_that_is_not_a_positive_whole_number_is_named_with_its_line(
    value: str,
) -> None:
    text = SHIPPED.replace("stall_working_days = 5", f"stall_working_days = {value}")
    [problem] = problems(text)
    line = text.splitlines().index(f"stall_working_days = {value}") + 1
    assert problem.startswith("stall_working_days")
    assert problem.endswith(f"(line {line})")


def test_the_schema_documents_the_stall_key() -> None:
    field = policy_schema()["properties"]["stall_working_days"]
    assert field["type"] == "integer"
    assert "stall" in field["description"]
