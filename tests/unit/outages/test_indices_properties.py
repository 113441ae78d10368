"""The index computation against a slow, obvious reference: walk every minute of the period.

Random outages on a minute grid, crossing the period's edges, some ongoing, some momentary,
some limited; the reference counts each minute each outage is off inside the period (up to
the as-of time) and divides at the end.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gridconnect.services.outages.indices import Interruption, figures, period_sums, rollup

START = datetime(2026, 2, 28, 16, 0, tzinfo=UTC)  # 2026-03-01 00:00 Shanghai
END = datetime(2026, 3, 31, 16, 0, tzinfo=UTC)  # 2026-04-01 00:00 Shanghai
MONTHS = ["2026-03"]
KEYS = [("sgcc", "西安", "urban"), ("sgcc", "宝鸡", "rural"), ("local", "宝鸡", "rural")]
MOMENTARY = 3


@st.composite
def interruptions(draw: st.DrawFn) -> Interruption:
    start = START + timedelta(minutes=draw(st.integers(-3000, 44640 + 600)))
    minutes = draw(st.one_of(st.integers(0, 6), st.integers(0, 4000), st.none()))
    kind = draw(st.sampled_from(["planned", "fault", "limited"]))
    share = draw(st.sampled_from([0.25, 0.5, 1.0])) if kind == "limited" else 1.0
    return Interruption(
        *draw(st.sampled_from(KEYS)),
        kind,
        draw(st.integers(1, 5000)),
        start,
        None if minutes is None else start + timedelta(minutes=minutes),
        share,
    )


def reference(items: list[Interruption], as_of: datetime) -> dict[tuple[str, str, str], dict]:
    out: dict = {key: {"ci": 0, "ch": 0.0, "mom": 0} for key in KEYS}
    for item in items:
        stop = min(item.end or as_of, as_of)
        if item.start >= min(END, as_of):
            continue
        minutes_off = 0
        moment = item.start
        while moment < stop:
            minutes_off += 1
            moment += timedelta(minutes=1)
        if minutes_off <= MOMENTARY:
            if item.start >= START:
                out[item.key]["mom"] += item.customers
            continue
        if item.start >= START:
            out[item.key]["ci"] += item.customers
        moment, inside = item.start, 0
        while moment < stop:
            if START <= moment < END:
                inside += 1
            moment += timedelta(minutes=1)
        out[item.key]["ch"] += inside / 60 * item.customers * item.share
    return out


@settings(max_examples=150, deadline=None)
@given(
    items=st.lists(interruptions(), max_size=12),
    customers=st.integers(1, 100_000),
    as_of_minutes=st.integers(1, 44640 + 2000),
)
def test_the_indices_match_a_minute_by_minute_reference(items, customers, as_of_minutes):
    as_of = START + timedelta(minutes=as_of_minutes)
    counts = {(key, m): customers for key in KEYS for m in MONTHS}
    sums = period_sums(items, counts, MONTHS, START, END, min(as_of, END), MOMENTARY)
    expected = reference(items, min(as_of, END))
    hours = (END - START).total_seconds() / 3600
    for key in KEYS:
        row = figures(sums[key], hours)
        assert row["customer_interruptions"] == expected[key]["ci"]
        assert row["momentary"] == expected[key]["mom"]
        assert row["customer_hours"] == pytest.approx(expected[key]["ch"], abs=1e-3)
        assert row["aihc_hours"] == pytest.approx(expected[key]["ch"] / customers, abs=1e-4)
        assert row["aitc"] == pytest.approx(expected[key]["ci"] / customers, abs=1e-4)
    province = figures(rollup(sums, "province")[()], hours)
    total = sum(v["ch"] for v in expected.values())
    assert province["aihc_hours"] == pytest.approx(total / (3 * customers), abs=1e-4)
