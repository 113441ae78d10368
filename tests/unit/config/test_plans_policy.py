"""The policy's LV ceilings, charge catalogue and publication switches."""

from __future__ import annotations

from datetime import date

import pytest

from gridconnect.config.plans_policy import lv_ceiling
from gridconnect.config.policy import PolicyError, default_policy_text, parse_policy

DEFAULT = default_policy_text()
PILOT = """
[[lv_capacity_ceilings]]
in_force_from = 2027-01-01
max_capacity_kw = 200
city = "西安"
source = "L41"
"""


def refused(text: str) -> str:
    with pytest.raises(PolicyError) as caught:
        parse_policy(text, "test.toml")
    return "; ".join(caught.value.details)


def test_the_shipped_policy_caps_lv_at_160_kw_everywhere_citing_the_ledger() -> None:
    policy = parse_policy(DEFAULT)
    ceiling = lv_ceiling(policy.lv_capacity_ceilings, "榆林", date(2026, 11, 27))
    assert ceiling is not None
    assert ceiling.max_capacity_kw == 160
    assert "L36" in ceiling.source


def test_a_pilot_city_raises_its_own_ceiling_from_its_date_only() -> None:
    policy = parse_policy(DEFAULT + PILOT)
    ceilings = policy.lv_capacity_ceilings
    assert lv_ceiling(ceilings, "西安", date(2026, 12, 31)).max_capacity_kw == 160  # type: ignore[union-attr]
    assert lv_ceiling(ceilings, "西安", date(2027, 1, 1)).max_capacity_kw == 200  # type: ignore[union-attr]
    assert lv_ceiling(ceilings, "咸阳", date(2027, 1, 1)).max_capacity_kw == 160  # type: ignore[union-attr]


def test_a_ceiling_that_is_not_a_positive_number_is_refused() -> None:
    text = DEFAULT + PILOT.replace("max_capacity_kw = 200", "max_capacity_kw = 0")
    assert "max_capacity_kw" in refused(text)


def test_a_charge_item_listed_twice_or_without_its_boundary_is_refused() -> None:
    twice = (
        DEFAULT
        + DEFAULT[
            DEFAULT.index("[[charge_items]]") : DEFAULT.index(
                "[[charge_items]]", DEFAULT.index("[[charge_items]]") + 1
            )
        ]
    )
    assert "listed twice" in refused(twice)
    missing = DEFAULT.replace("inside_investment_boundary = true", "", 1)
    assert "inside_investment_boundary" in refused(missing)


def test_an_unknown_publication_switch_is_refused() -> None:
    assert "customer_names" in refused(DEFAULT + "customer_names = true\n")
