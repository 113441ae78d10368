"""One reading of every 完成时间: a target due by end of year Y binds receipts from 1 Jan Y+1.

Each rule is checked on the last day the earlier rule holds and the first day it binds.
"""

from __future__ import annotations

from datetime import date

import pytest

from gridconnect.config.policy import SlaRule, load_policy

POLICY = load_policy()


def _rule(clock: str, kind: str, received_on: date, **facts: object) -> SlaRule | None:
    defaults: dict[str, object] = {
        "city": "宝鸡",
        "company": "sgcc",
        "capacity": 50.0,
        "area_class": "urban",
        "voltage_kv": 10.0 if kind == "hv" else None,
        "supply": "single" if kind == "hv" else None,
    }
    defaults.update(facts)
    application = POLICY.application_facts(kind=kind, received_on=received_on, **defaults)  # type: ignore[arg-type]
    return POLICY.rule_for(clock, application)


def _limit(clock: str, kind: str, received_on: date, **facts: object) -> tuple[int | None, ...]:
    rule = _rule(clock, kind, received_on, **facts)
    if rule is None:
        return (None, None)
    return (rule.limit_working_days, rule.target_working_days)


@pytest.mark.parametrize(
    ("received_on", "expected"),
    [
        (date(2021, 12, 31), None),  # L3 not yet binding
        (date(2022, 1, 1), (20, None)),  # L3: by end 2021
        (date(2022, 12, 31), (20, None)),
        (date(2023, 1, 1), (15, None)),  # L6: by end 2022
        (date(2023, 12, 31), (15, None)),
        (date(2024, 1, 1), (15, 12)),  # L8: by end 2023, a target 1–3 days fewer
    ],
)
def test_full_process_limit_of_three_zero_non_residential(
    received_on: date, expected: tuple[int, int | None] | None
) -> None:
    if expected is None:
        # before L3 binds there is no 三零 for non-residential customers: the company's
        # own commitment for customers without 三零 applies, not a ledger limit
        rule = _rule("full_process", "lv_nonresidential", received_on)
        assert rule is not None
        assert rule.source == "company service commitment (configurable default)"
    else:
        assert _limit("full_process", "lv_nonresidential", received_on) == expected


@pytest.mark.parametrize(
    ("received_on", "area_class", "capacity", "three_zero"),
    [
        (date(2021, 12, 31), "urban", 100.0, False),  # L4 not yet binding
        (date(2022, 1, 1), "urban", 160.0, True),  # L4: urban ≤160 kW
        (date(2022, 1, 1), "rural", 100.0, True),  # L4: rural ≤100 kW
        (date(2022, 12, 31), "rural", 120.0, False),
        (date(2023, 1, 1), "rural", 160.0, True),  # L6: ≤160 kW everywhere
        (date(2023, 1, 1), "rural", 161.0, False),
    ],
)
def test_three_zero_threshold_by_receipt_date(
    received_on: date, area_class: str, capacity: float, three_zero: bool
) -> None:
    assert (
        POLICY.is_three_zero("lv_nonresidential", area_class, capacity, received_on) is three_zero
    )


@pytest.mark.parametrize(
    ("received_on", "on_site"),
    [(date(2022, 12, 31), False), (date(2023, 1, 1), True)],  # L26: by end 2022
)
def test_on_site_supply_plan_reply_binds_from_2023(received_on: date, on_site: bool) -> None:
    assert POLICY.is_on_site_reply("hv", 1250.0, 10.0, "single", received_on) is on_site
    limit, _ = _limit("stage:supply_plan", "hv", received_on, capacity=1250.0)
    assert limit == (0 if on_site else 15)


@pytest.mark.parametrize(
    ("received_on", "limit"),
    [(date(2020, 12, 31), None), (date(2021, 1, 1), 5)],  # L2: by end 2020
)
def test_low_voltage_government_approval_binds_from_2021(
    received_on: date, limit: int | None
) -> None:
    assert _limit("gov_approval", "lv_residential", received_on)[0] == limit
