"""The policy marks documents asked for only where they apply, and lists the reasons."""

from __future__ import annotations

import pytest

from gridconnect.config.policy import PolicyError, default_policy_text, parse_policy

SHIPPED = default_policy_text()
WHERE = 'acceptance = ["project_approval"]  # L34: 用电工程项目批准文件, where a project needs one'


def problems(text: str) -> list[str]:
    with pytest.raises(PolicyError) as refused:
        parse_policy(text, "edited.toml")
    return refused.value.details


def test_hv_project_approval_is_where_applicable_and_identity_always_required() -> None:
    policy = parse_policy(SHIPPED)
    acceptance = policy.kind("hv").stage("acceptance")

    assert [d.code for d in acceptance.required] == ["identity_document", "property_certificate"]
    assert [d.code for d in acceptance.if_applicable] == ["project_approval"]
    assert policy.kind("lv_residential").stage("acceptance").if_applicable == ()
    assert policy.not_applicable_reason("capacity_increase_no_new_works") is not None
    assert policy.stall_working_days == 5


def test_a_where_applicable_document_off_the_stages_whitelist_is_named_with_its_line() -> None:
    text = SHIPPED.replace(WHERE, 'acceptance = ["design_documents"]')

    [problem] = problems(text)

    assert "kind 'hv', stage 'acceptance'" in problem
    assert "'design_documents' is not on the whitelist" in problem
    assert "(line " in problem


def test_a_reason_code_listed_twice_is_named_with_its_line() -> None:
    text = SHIPPED.replace('code = "temporary_supply"', 'code = "existing_building"')

    [problem] = problems(text)

    uses = [i for i, line in enumerate(text.splitlines()) if line == 'code = "existing_building"']
    expected_line = uses[-1] + 1  # the second declaration
    assert problem == (
        "not_applicable_reasons: reason code 'existing_building' listed twice "
        f"(line {expected_line})"
    )
