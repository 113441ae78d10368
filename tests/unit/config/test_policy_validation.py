"""A policy file is validated as a whole; each problem names its rule, kind or stage."""

from __future__ import annotations

import pytest

from gridconnect.config.policy import PolicyError, default_policy_text, parse_policy


def rule(rule_id: str, body: str) -> str:
    return f'\n[[rules]]\nid = "{rule_id}"\nsource = "test"\n{body}\n'


def problems(text: str) -> list[str]:
    with pytest.raises(PolicyError) as caught:
        parse_policy(text, "test.toml")
    error = caught.value
    assert error.status == 422
    assert error.code == "invalid_policy"
    assert "test.toml" in error.message
    assert isinstance(error.details, list)
    return list(error.details)


def only_problem(text: str) -> str:
    found = problems(text)
    assert len(found) == 1, found
    return found[0]


DEFAULT = default_policy_text()


def test_an_unknown_stage_in_a_clock_is_named() -> None:
    text = DEFAULT + rule(
        "bad.stage",
        'clock = "stage:foo"\nkinds = ["hv"]\nlimit_working_days = 3\nin_force_from = 2021-01-01',
    )
    problem = only_problem(text)
    assert "rule 'bad.stage'" in problem
    assert "unknown stage 'foo'" in problem


def test_a_stage_clock_not_belonging_to_its_kind_is_named() -> None:
    text = DEFAULT + rule(
        "lv.supply_plan",
        'clock = "stage:supply_plan"\nkinds = ["lv_residential"]\nlimit_working_days = 3\n'
        "in_force_from = 2021-01-01",
    )
    problem = only_problem(text)
    assert "rule 'lv.supply_plan'" in problem
    assert "does not belong to kind 'lv_residential'" in problem


def test_an_unknown_clock_is_named() -> None:
    text = DEFAULT + rule(
        "bad.clock",
        'clock = "whole_thing"\nkinds = ["hv"]\nlimit_working_days = 3\nin_force_from = 2021-01-01',
    )
    assert "unknown clock 'whole_thing'" in only_problem(text)


def test_an_unknown_kind_in_a_rule_is_named() -> None:
    text = DEFAULT + rule(
        "mv.rule",
        'clock = "gov_approval"\nkinds = ["mv"]\nlimit_working_days = 3\n'
        "in_force_from = 2021-01-01",
    )
    problem = only_problem(text)
    assert "rule 'mv.rule'" in problem
    assert "unknown kind 'mv'" in problem


def test_an_unknown_kind_table_is_named() -> None:
    text = DEFAULT + '\n[kinds.mv]\nname = "中压"\nstages = ["acceptance"]\n'
    problem = only_problem(text)
    assert "kind 'mv'" in problem
    assert "unknown kind" in problem


def test_an_unknown_document_code_is_named_with_kind_and_stage() -> None:
    text = DEFAULT.replace(
        'completion_inspection = ["completion_report"]',
        'completion_inspection = ["completion_report", "safety_pledge"]',
    )
    problem = only_problem(text)
    assert "kind 'hv', stage 'completion_inspection'" in problem
    assert "unknown document code 'safety_pledge'" in problem


def test_a_commitment_letter_is_refused_citing_l35() -> None:
    text = DEFAULT.replace(
        "[documents]\n", '[documents]\ncommitment_letter = "用电承诺书"\n'
    ).replace(
        "meter_install = []                                                               # L34",
        'meter_install = ["commitment_letter"]',
    )
    problem = only_problem(text)
    assert "commitment_letter" in problem
    assert "L35" in problem


def test_a_kind_without_stages_is_named() -> None:
    text = DEFAULT.replace(
        'name = "低压居民用户"\nstages = ["acceptance", "meter_install"]',
        'name = "低压居民用户"\nstages = []',
    )
    found = problems(text)
    assert any("kind 'lv_residential': has no stages" in p for p in found), found


def test_duplicate_stage_codes_in_a_kind_are_named() -> None:
    text = DEFAULT.replace(
        '    "mid_inspection",\n', '    "mid_inspection",\n    "mid_inspection",\n'
    )
    problem = only_problem(text)
    assert "kind 'hv', stage 'mid_inspection'" in problem
    assert "duplicate stage" in problem


def test_a_negative_limit_is_named() -> None:
    text = DEFAULT + rule(
        "negative",
        'clock = "gov_approval"\nkinds = ["hv"]\nlimit_working_days = -1\n'
        "in_force_from = 2030-01-01",
    )
    problem = only_problem(text)
    assert "rule 'negative'" in problem
    assert "negative limit" in problem


def test_in_force_until_before_in_force_from_is_named() -> None:
    text = DEFAULT + rule(
        "backwards",
        'clock = "gov_approval"\nkinds = ["hv"]\nlimit_working_days = 4\n'
        'in_force_from = 2030-01-01\nin_force_until = 2029-12-31\ncity = "榆林"',
    )
    problem = only_problem(text)
    assert "rule 'backwards'" in problem
    assert "in_force_until 2029-12-31 is before in_force_from 2030-01-01" in problem


def test_overlapping_rules_for_the_same_clock_and_scope_are_named() -> None:
    text = DEFAULT + rule(
        "full_process.again",
        'clock = "full_process"\nkinds = ["lv_nonresidential", "lv_residential"]\n'
        "limit_working_days = 10\nin_force_from = 2023-06-01\nin_force_until = 2023-12-31\n"
        "conditions = { three_zero = true }",
    )
    problem = only_problem(text)
    assert "rule 'full_process.again'" in problem
    assert "overlaps rule 'full_process.lv_nonresidential.three_zero.2023'" in problem


def test_rules_differing_in_city_conditions_or_dates_do_not_overlap() -> None:
    text = (
        DEFAULT
        + rule(
            "full_process.xian",
            'clock = "full_process"\nkinds = ["lv_nonresidential"]\ncity = "西安"\n'
            "limit_working_days = 10\nin_force_from = 2023-01-01\n"
            "conditions = { three_zero = true }",
        )
        + rule(
            "full_process.2020",
            'clock = "full_process"\nkinds = ["lv_nonresidential"]\n'
            "limit_working_days = 30\nin_force_from = 2020-01-01\nin_force_until = 2020-12-31\n"
            "conditions = { three_zero = true }",
        )
        + rule(
            "full_process.big",
            'clock = "full_process"\nkinds = ["lv_nonresidential"]\n'
            "limit_working_days = 15\nin_force_from = 2022-01-01\n"
            "conditions = { three_zero = true, max_capacity = 160 }",
        )
    )
    assert len(parse_policy(text).rules) == len(parse_policy(DEFAULT).rules) + 3


def test_an_unknown_condition_key_is_named() -> None:
    text = DEFAULT + rule(
        "bad.condition",
        'clock = "gov_approval"\nkinds = ["hv"]\nlimit_working_days = 4\n'
        'in_force_from = 2021-01-01\nconditions = { area_class = "rural" }',
    )
    problem = only_problem(text)
    assert "rule 'bad.condition'" in problem
    assert "unknown condition key 'area_class'" in problem


def test_a_warn_threshold_below_zero_is_refused() -> None:
    text = DEFAULT.replace("warn_working_days = 1", "warn_working_days = -1")
    assert "warn_working_days" in only_problem(text)


def test_all_problems_are_collected_and_raised_once() -> None:
    text = DEFAULT.replace("warn_working_days = 1", "warn_working_days = -2") + rule(
        "a",
        'clock = "stage:foo"\nkinds = ["hv"]\nlimit_working_days = -3\nin_force_from = 2021-01-01',
    )
    found = problems(text)
    assert len(found) == 3
    with pytest.raises(PolicyError) as caught:
        parse_policy(text, "test.toml")
    assert "3 problems" in caught.value.message
    assert "rule 'a'" in caught.value.message


def test_invalid_toml_is_a_policy_error() -> None:
    assert "not valid TOML" in only_problem_message("kinds = [")


def only_problem_message(text: str) -> str:
    with pytest.raises(PolicyError) as caught:
        parse_policy(text, "test.toml")
    return caught.value.message


def test_typos_in_rule_keys_and_an_unknown_city_are_named() -> None:
    text = DEFAULT + rule(
        "typo",
        'clock = "gov_approval"\nkinds = ["hv"]\nlimit = 4\ncity = "西安市"\n'
        "in_force_from = 2021-01-01",
    )
    found = problems(text)
    assert any("rule 'typo'" in p and "unknown key 'limit'" in p for p in found), found
    assert any("rule 'typo'" in p and "unknown city '西安市'" in p for p in found), found


def test_a_target_above_its_limit_is_named() -> None:
    text = DEFAULT.replace("target_working_days = 12", "target_working_days = 16")
    problem = only_problem(text)
    assert "rule 'full_process.lv_nonresidential.three_zero.2024'" in problem
    assert "target 16 is above the limit 15" in problem


def test_duplicate_rule_ids_are_named() -> None:
    text = DEFAULT + rule(
        "stage.design_review",
        'clock = "stage:design_review"\nkinds = ["hv"]\nlimit_working_days = 8\n'
        'in_force_from = 2021-01-01\ncity = "榆林"',
    )
    assert "rule 'stage.design_review': duplicate rule id" in only_problem(text)


def test_overlapping_three_zero_thresholds_are_named() -> None:
    text = DEFAULT + (
        "\n[[three_zero_thresholds]]\nin_force_from = 2022-06-01\nin_force_until = 2022-12-31\n"
        'area_classes = ["rural"]\nmax_capacity_kw = 200\nsource = "test"\n'
    )
    problem = only_problem(text)
    assert "three_zero_thresholds[3]" in problem
    assert "rural" in problem


def test_a_missing_kind_is_named() -> None:
    start = DEFAULT.index("# L34: high voltage, six stages.")
    end = DEFAULT.index("# -----", start)
    text = DEFAULT[:start] + DEFAULT[end:]
    found = problems(text)
    assert any(p.startswith("kind 'hv': is missing") for p in found), found


def test_each_problem_names_the_line_where_its_rule_or_section_is_declared() -> None:
    text = DEFAULT.replace("warn_working_days = 1", "warn_working_days = -1") + rule(
        "late.rule", 'clock = "gov_approval"\nkinds = ["hv"]\nin_force_from = "soon"'
    )
    lines = text.splitlines()
    found = problems(text)
    warn = next(p for p in found if p.startswith("warn_working_days"))
    assert warn.endswith(f"(line {lines.index('warn_working_days = -1') + 1})")
    late = next(p for p in found if p.startswith("rule 'late.rule'"))
    rule_line = lines.index('id = "late.rule"') + 1
    assert late.endswith(f"(line {rule_line})")
    assert "in_force_from" in late
