"""Each word list has one source; the API, the forms, the labels and the policy follow it.

A test here fails when a copy drifts: a city added to the vocabulary but not offered by the
API, a kind the policy file defines that the API does not accept, a label table missing a
code, a threshold edited in the policy file that the standards page still states the old way.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from gridconnect.api.pages import labels
from gridconnect.api.schemas.applications import ApplicationCreate, PublicApplicationCreate
from gridconnect.api.schemas.common import UserCreate
from gridconnect.config import conditions
from gridconnect.config.policy import PolicyError, default_policy_text, load_policy, parse_policy
from gridconnect.config.standards import service_standards
from gridconnect.config.vocabulary import (
    AreaClass,
    Channel,
    City,
    Company,
    DocumentSource,
    Kind,
    Supply,
)
from gridconnect.workflow import model


def enum_of(schema: dict[str, Any], field: str) -> list[str]:
    prop = schema["properties"][field]
    for option in [prop, *prop.get("anyOf", [])]:
        if "$ref" in option:
            return list(schema["$defs"][option["$ref"].split("/")[-1]]["enum"])
        if "enum" in option:
            return list(option["enum"])
    raise AssertionError(f"{field} has no enum: {prop}")


def test_the_api_offers_exactly_the_vocabulary() -> None:
    schema = PublicApplicationCreate.model_json_schema()
    assert enum_of(schema, "kind") == list(Kind.codes())
    assert enum_of(schema, "city") == list(City.codes())
    assert enum_of(schema, "area_class") == list(AreaClass.codes())
    assert enum_of(schema, "supply") == list(Supply.codes())
    assert enum_of(schema, "company") == list(Company.codes())
    assert enum_of(ApplicationCreate.model_json_schema(), "city") == list(City.codes())
    users = UserCreate.model_json_schema()
    assert users["$defs"]["City"]["enum"] == list(City.codes())


def test_the_domain_lists_are_the_vocabulary() -> None:
    assert City.codes() == model.CITIES
    assert Company.codes() == model.COMPANIES
    assert Channel.codes() == model.CHANNELS
    assert DocumentSource.codes() == model.DOCUMENT_SOURCES
    assert AreaClass.codes() == model.AREA_CLASSES


def test_every_code_has_its_chinese_label() -> None:
    for names, vocabulary in (
        (labels.COMPANY_NAMES, Company),
        (labels.AREA_NAMES, AreaClass),
        (labels.CHANNEL_NAMES, Channel),
        (labels.SUPPLY_NAMES, Supply),
        (labels.SOURCE_NAMES, DocumentSource),
    ):
        assert list(names) == list(vocabulary.codes())
        assert all(name and not name.isascii() for name in names.values())


def test_the_shipped_policy_defines_every_kind_and_nothing_else() -> None:
    assert list(load_policy().kinds) == list(Kind.codes())


def test_every_condition_checks_and_describes_itself() -> None:
    on_site = load_policy().on_site_reply
    samples = {"supply": "single", "three_zero": True, "on_site_reply": True}
    for key, condition in conditions.CONDITIONS.items():
        value = samples.get(key, 10)
        assert condition.check(value) is None, key
        assert condition.describe(value, "hv", on_site), key
    assert conditions.CONDITIONS["max_capacity"].check(True) is not None  # strict: true ≠ 1


@pytest.mark.parametrize("value", ["true", '"10"', "-1"])
def test_a_numeric_condition_must_be_a_number_not_a_boolean_or_text(value: str) -> None:
    text = default_policy_text().replace(
        "conditions = { max_voltage_kv = 10 }", f"conditions = {{ max_voltage_kv = {value} }}"
    )
    with pytest.raises(PolicyError) as caught:
        parse_policy(text, "test.toml")
    (problem,) = caught.value.details
    assert "rule 'gov_approval.hv_10kv'" in problem
    assert "max_voltage_kv" in problem


def test_the_standards_page_follows_an_edited_on_site_reply_threshold() -> None:
    text = (
        default_policy_text()
        .replace("max_capacity_kva = 1250", "max_capacity_kva = 2000")
        .replace('supply = "single"\nvoltage_kv = 10', 'supply = "single"\nvoltage_kv = 20')
    )
    page = service_standards(parse_policy(text), date(2023, 6, 1))
    hv = {e["rule_id"]: e for e in page["kinds"]["hv"]["limits"]}
    words = hv["stage.supply_plan.on_site_reply"]["conditions_text"]
    assert "2000千伏安及以下" in words
    assert "20千伏单电源" in words
    assert "1250" not in words


def test_residential_three_zero_comes_from_the_policy_file() -> None:
    text = default_policy_text().replace(
        '[three_zero_always]\nkinds = ["lv_residential"]', "[three_zero_always]\nkinds = []"
    )
    policy = parse_policy(text)
    assert not policy.is_three_zero("lv_residential", "urban", 8, date(2023, 6, 1))
    assert load_policy().is_three_zero("lv_residential", "urban", 8, date(2023, 6, 1))
    page = service_standards(load_policy(), date(2023, 6, 1))
    assert page["kinds"]["lv_residential"]["three_zero_scope"][0]["source"] == "L1, L37"
