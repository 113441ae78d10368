"""Reliability indices on small cases worked out by hand (DL/T 836.1 conventions)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from gridconnect.services.outages.indices import (
    Interruption,
    MissingCustomerCount,
    figures,
    period_sums,
    rollup,
)
from gridconnect.services.outages.periods import parse_period, year
from gridconnect.timesource import SHANGHAI

KEY = ("sgcc", "西安", "urban")


def at(day: str, clock: str = "00:00") -> datetime:
    return datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=SHANGHAI).astimezone(UTC)


def outage(
    start: datetime,
    hours: float | None,
    customers: int = 100,
    kind: str = "fault",
    share: float = 1.0,
    key: tuple[str, str, str] = KEY,
) -> Interruption:
    end = None if hours is None else start + timedelta(hours=hours)
    return Interruption(*key, kind, customers, start, end, share)


def counts_for(months: list[str], customers: int = 1000, key=KEY):
    return {(key, m): customers for m in months}


def report(items, period, as_of=None, counts=None, momentary=3.0):
    months = period.months()
    sums = period_sums(
        items,
        counts if counts is not None else counts_for(months),
        months,
        period.start,
        period.end,
        as_of or period.end,
        momentary,
    )
    return {key: figures(s, period.hours) for key, s in sums.items()}


def test_a_two_hour_fault_on_100_of_1000_customers_in_october():
    october = parse_period(None, None, "2026-10")
    row = report([outage(at("2026-10-05", "08:00"), 2)], october)[KEY]
    assert row["customer_interruptions"] == 100
    assert row["customer_hours"] == 200
    assert row["aihc_hours"] == 0.2  # 200 customer-hours / 1000 customers
    assert row["aitc"] == 0.1
    assert row["caidi_hours"] == 2.0
    assert row["rs_percent"] == round((1 - 0.2 / (31 * 24)) * 100, 4)
    assert row["fault_customer_hours"] == 200
    assert row["planned_customer_hours"] == 0


def test_an_outage_across_a_month_boundary_counts_hours_in_each_month_and_one_interruption():
    # 2026-10-31 22:00 → 2026-11-01 02:00 (Shanghai): 2 h in October, 2 h in November.
    item = outage(at("2026-10-31", "22:00"), 4)
    october = report([item], parse_period(None, None, "2026-10"))[KEY]
    november = report([item], parse_period(None, None, "2026-11"))[KEY]
    assert october["customer_hours"] == 200
    assert november["customer_hours"] == 200
    assert october["customer_interruptions"] == 100
    assert november["customer_interruptions"] == 0


def test_an_outage_across_new_year_counts_in_both_years():
    item = outage(at("2025-12-31", "23:00"), 3)
    assert report([item], year(2025))[KEY]["customer_hours"] == 100
    assert report([item], year(2026))[KEY]["customer_hours"] == 200


def test_overlapping_outages_on_the_same_customers_add_up():
    items = [outage(at("2026-10-05", "08:00"), 2), outage(at("2026-10-05", "09:00"), 2)]
    row = report(items, parse_period(None, None, "2026-10"))[KEY]
    assert row["customer_interruptions"] == 200
    assert row["customer_hours"] == 400


def test_an_ongoing_outage_counts_up_to_the_as_of_time():
    october = parse_period(None, None, "2026-10")
    as_of = at("2026-10-05", "11:30")
    cut = october.as_of(as_of)
    row = report([outage(at("2026-10-05", "08:00"), None)], cut, as_of=as_of)[KEY]
    assert row["customer_hours"] == 350  # 3.5 h × 100


def test_a_momentary_interruption_is_counted_apart_and_left_out_of_the_indices():
    items = [outage(at("2026-10-05", "08:00"), 3 / 60), outage(at("2026-10-06", "08:00"), 3.5 / 60)]
    row = report(items, parse_period(None, None, "2026-10"))[KEY]
    assert row["momentary"] == 100  # the 3-minute one
    assert row["customer_interruptions"] == 100  # the 3.5-minute one
    assert row["customer_hours"] == pytest.approx(100 * 3.5 / 60, abs=1e-4)


def test_limited_supply_counts_its_restricted_share_of_the_hours():
    item = outage(at("2026-10-05", "08:00"), 4, kind="limited", share=0.25)
    row = report([item], parse_period(None, None, "2026-10"))[KEY]
    assert row["customer_hours"] == 100
    assert row["limited_customer_hours"] == 100


def test_n_is_the_mean_of_the_month_end_counts():
    q3 = parse_period(None, "2026Q3", None)
    counts = {(KEY, "2026-07"): 900, (KEY, "2026-08"): 1000, (KEY, "2026-09"): 1100}
    row = report([outage(at("2026-08-01", "10:00"), 1)], q3, counts=counts)[KEY]
    assert row["customers"] == 1000
    assert row["aihc_hours"] == 0.1


def test_a_month_without_a_count_is_an_error_naming_it():
    q3 = parse_period(None, "2026Q3", None)
    counts = {(KEY, "2026-07"): 900, (KEY, "2026-09"): 1100}
    with pytest.raises(MissingCustomerCount, match="sgcc 西安 urban 2026-08"):
        report([outage(at("2026-08-01", "10:00"), 1)], q3, counts=counts)


def test_rollups_add_customers_and_hours_before_dividing():
    other = ("sgcc", "西安", "rural")
    october = parse_period(None, None, "2026-10")
    months = october.months()
    counts = counts_for(months, 1000) | counts_for(months, 3000, other)
    items = [outage(at("2026-10-05", "08:00"), 2), outage(at("2026-10-06"), 1, key=other)]
    sums = period_sums(items, counts, months, october.start, october.end, october.end, 3)
    city = figures(rollup(sums, "city")[("西安",)], october.hours)
    assert city["customers"] == 4000
    assert city["aihc_hours"] == 300 / 4000


def test_a_month_period_covers_its_local_days():
    assert parse_period(None, None, "2026-02").last.isoformat() == "2026-02-28"
    assert year(2026).months()[0] == "2026-01"
    assert len(year(2026).months()) == 12
