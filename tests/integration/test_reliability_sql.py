"""The database's sums equal the Python reference's, on random outages of both backends.

On PostgreSQL the report sums outages in one SQL aggregate (`sql_sums`) and leaves the
partly restored ones to Python; this test stores random outages (crossing the period's
edges, ongoing, momentary, limited, partly restored) and compares the report's sums with
`indices.sum_interruptions` over every interruption read back.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import insert
from sqlmodel import Session

from gridconnect.services.outages.indices import sum_interruptions
from gridconnect.services.outages.periods import parse_period
from gridconnect.services.outages.report import EVERYTHING, _sums_for, load_interruptions
from gridconnect.store.outage_tables import OutageAreaRow, OutageRow

KEYS = [("sgcc", "西安", "urban"), ("sgcc", "宝鸡", "rural"), ("local", "宝鸡", "rural")]


def store_random_outages(engine, rng: random.Random, count: int) -> None:
    base = datetime(2026, 2, 20, tzinfo=UTC)
    stamp = datetime(2026, 11, 1, tzinfo=UTC)
    with engine.begin() as connection:
        for i in range(count):
            company, city, area_class = rng.choice(KEYS)
            start = base + timedelta(minutes=rng.randrange(60 * 24 * 50))
            minutes = rng.choice([None, rng.randint(0, 6), rng.randint(0, 3000)])
            kind = rng.choice(["planned", "fault", "limited"])
            customers = rng.randint(1, 900)
            outage_id = connection.execute(
                insert(OutageRow).returning(OutageRow.id),  # type: ignore[arg-type]
                {
                    "external_id": f"R{i}", "company": company, "city": city,
                    "area_class": area_class, "kind": kind, "cause": "随机",
                    "customers": customers, "start_at": start,
                    "end_at": None if minutes is None else start + timedelta(minutes=minutes),
                    "restricted_share": rng.choice([0.5, 1.0]) if kind == "limited" else 1.0,
                    "notice_breach": False, "progress_count": 0, "created_by": "t",
                    "created_at": stamp, "updated_at": stamp, "version": 1,
                },
            ).scalar_one()  # fmt: skip
            if rng.random() < 0.2:  # a partial restoration of part of the customers
                part = rng.randint(1, customers)
                back = start + timedelta(minutes=rng.randint(1, 90))
                connection.execute(
                    insert(OutageAreaRow),
                    {"outage_id": outage_id, "feeder": "A", "transformer_area": "",
                     "customers": part, "restored_at": back},
                )  # fmt: skip


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_report_sums_equal_the_python_reference(engine, seed):
    store_random_outages(engine, random.Random(seed), 120)
    march = parse_period(None, None, "2026-03")
    as_of = datetime(2026, 3, 20, tzinfo=UTC) if seed == 3 else march.end
    with Session(engine) as session:
        got = _sums_for(session, march.as_of(as_of), as_of, 3, EVERYTHING, strict=False)
        items = load_interruptions(session, march.start, march.end)
    cut = min(as_of, march.end)
    expected = sum_interruptions(items, march.start, march.end, cut, 3)
    assert set(expected) <= set(got)
    for key, sums in expected.items():
        assert got[key].customer_interruptions == sums.customer_interruptions
        assert got[key].momentary == sums.momentary
        assert got[key].outages == sums.outages
        assert got[key].customer_hours == pytest.approx(sums.customer_hours, rel=1e-9)
        for kind, hours in sums.by_kind.items():
            assert got[key].by_kind[kind] == pytest.approx(hours, rel=1e-9)
