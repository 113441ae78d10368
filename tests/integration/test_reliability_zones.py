"""High-reliability demonstration zones (L51): AIHC of the zone's feeders against ≤ 1 h.

Computed by hand. Zone 高新示范区 (西安, feeders Z1 and Z2, ceiling 1 h); the registry holds
60 accounts on Z1, 40 on Z2 (N = 100 every month) and 50 on F9 outside the zone.

- fault 2026-03-01 08:00–10:00 on Z1 (60) and F9 (50): the zone's part is 60 × 2 h = 120
- planned 2026-05-01 09:00–12:00 on Z2 (40), Z2 restored apart at 10:30: 40 × 1.5 h = 60
- a 2-minute fault on Z1 (60): momentary, no hours
- a fault 2025-12-31 23:00 – 2026-01-01 01:00 on Z2 (40): 40 × 1 h inside 2026 = 40, but it
  started in 2025 so it is not one of 2026's interruptions
- a fault in 宝鸡 on a feeder also called Z1 (100 customers, 5 h): another city, not the zone

Customer-hours 220, N 100: AIHC 2.2 h > 1 h (not met); AITC (60 + 40) / 100 = 1.0;
CAIDI 2.2; RS (1 − 2.2 / 8760) × 100.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import openpyxl
import pytest
from pydantic import ValidationError
from sqlalchemy import insert

from gridconnect.config.reliability import ReliabilityPolicy, ReliabilityZone
from gridconnect.services.context import Scope
from gridconnect.services.outages.periods import parse_period, year
from gridconnect.services.outages.render import reliability_csv, reliability_xlsx
from gridconnect.services.outages.report import reliability_report
from gridconnect.store.outage_tables import OutageAreaRow, OutageRow
from integration.outage_helpers import add_counts, add_customers, local

ZONE = ReliabilityZone(item="L51", name="高新示范区", city="西安", feeders=["Z1", "Z2"], hours=1)  # type: ignore[arg-type]
POLICY = ReliabilityPolicy(zones=[ZONE])
STAMP = datetime(2026, 11, 1, tzinfo=UTC)


def store(engine, city, kind, start, end, areas) -> None:  # type: ignore[no-untyped-def]
    with engine.begin() as connection:
        outage_id = connection.execute(
            insert(OutageRow).returning(OutageRow.id),  # type: ignore[arg-type]
            {
                "company": "sgcc", "city": city, "area_class": "urban", "kind": kind,
                "cause": "测试", "customers": sum(a[1] for a in areas),
                "start_at": local(start), "end_at": local(end), "restricted_share": 1.0,
                "notice_breach": False, "progress_count": 0, "created_by": "t",
                "created_at": STAMP, "updated_at": STAMP, "version": 1,
            },
        ).scalar_one()  # fmt: skip
        connection.execute(
            insert(OutageAreaRow),
            [
                {"outage_id": outage_id, "feeder": feeder, "transformer_area": "",
                 "customers": customers, "restored_at": local(back) if back else None}
                for feeder, customers, back in areas
            ],
        )  # fmt: skip


def the_ledger(engine) -> None:  # type: ignore[no-untyped-def]
    add_customers(engine, "Z1", 60)
    add_customers(engine, "Z2", 40)
    add_customers(engine, "F9", 50)
    add_customers(engine, "Z1", 100, city="宝鸡", prefix="BJ-Z1")
    months = [f"{y}-{m:02d}" for y in (2025, 2026) for m in range(1, 13)]
    add_counts(engine, months, 150)
    add_counts(engine, months, 100, city="宝鸡")
    store(engine, "西安", "fault", "2026-03-01T08:00", "2026-03-01T10:00",
          [("Z1", 60, None), ("F9", 50, None)])  # fmt: skip
    store(engine, "西安", "planned", "2026-05-01T09:00", "2026-05-01T12:00",
          [("Z2", 40, "2026-05-01T10:30")])  # fmt: skip
    store(engine, "西安", "fault", "2026-06-01T08:00", "2026-06-01T08:02", [("Z1", 60, None)])
    store(engine, "西安", "fault", "2025-12-31T23:00", "2026-01-01T01:00", [("Z2", 40, None)])
    store(engine, "宝鸡", "fault", "2026-07-01T08:00", "2026-07-01T13:00", [("Z1", 100, None)])


def test_a_zone_year_is_computed_from_its_feeders_and_judged_against_its_ceiling(engine):
    the_ledger(engine)
    report = reliability_report(engine, POLICY, year(2026), datetime(2027, 1, 5, tzinfo=UTC))
    [zone] = report["zones"]
    assert zone["zone"] == "高新示范区"
    assert zone["city"] == "西安"
    assert zone["feeders"] == "Z1、Z2"
    assert zone["customers"] == 100
    assert zone["customer_hours"] == 220
    assert zone["customer_interruptions"] == 100
    assert zone["outages"] == 2
    assert zone["momentary"] == 60
    assert zone["aihc_hours"] == 2.2
    assert zone["aitc"] == 1.0
    assert zone["caidi_hours"] == 2.2
    assert zone["rs_percent"] == round((1 - 2.2 / 8760) * 100, 4)
    assert zone["planned_customer_hours"] == 60
    assert zone["fault_customer_hours"] == 160
    assert (zone["target_hours"], zone["target_item"], zone["met"]) == (1, "L51", False)
    assert zone["budget_used_percent"] is None  # the whole year is over


def test_year_to_date_shows_the_budget_used_and_a_quarter_is_not_judged(engine):
    the_ledger(engine)
    ytd = reliability_report(engine, POLICY, year(2026), local("2026-04-01T00:00"))["zones"][0]
    # to the end of March: Z1's fault (120) and the hour of the new year's night (40)
    assert ytd["customer_hours"] == 160
    assert ytd["aihc_hours"] == 1.6
    assert ytd["budget_used_percent"] == 160.0
    assert ytd["met"] is False
    quarter = reliability_report(
        engine, POLICY, parse_period(None, "2026Q2", None), datetime(2027, 1, 5, tzinfo=UTC)
    )["zones"][0]
    assert quarter["aihc_hours"] == 0.6
    assert quarter["momentary"] == 60
    assert (quarter["met"], quarter["budget_used_percent"]) == (None, None)


def test_a_zone_outside_the_scope_is_not_shown_and_no_zones_means_an_empty_list(engine):
    the_ledger(engine)
    period, at = year(2026), datetime(2027, 1, 5, tzinfo=UTC)
    baoji = Scope(cities=("宝鸡",))
    assert reliability_report(engine, POLICY, period, at, baoji)["zones"] == []
    assert reliability_report(engine, ReliabilityPolicy(), period, at)["zones"] == []


def test_the_csv_and_the_workbook_carry_the_zone(engine):
    the_ledger(engine)
    report = reliability_report(engine, POLICY, year(2026), datetime(2027, 1, 5, tzinfo=UTC))
    lines = list(csv.reader(io.StringIO(reliability_csv(report))))
    gap = lines.index([])
    header, row = lines[gap + 1], lines[gap + 2]
    by_header = dict(zip(header, row, strict=True))
    assert by_header["高可靠性示范区"] == "高新示范区"
    assert by_header["用户平均停电时间(小时)[SAIDI]"] == "2.2"
    assert by_header["是否达标"] == "未达标"
    book = openpyxl.load_workbook(io.BytesIO(reliability_xlsx(report)))
    sheet = book["示范区"]
    values = dict(zip([c.value for c in sheet[1]], [c.value for c in sheet[2]], strict=True))
    assert values["线路"] == "Z1、Z2"
    assert values["目标(小时)"] == 1


def test_a_zone_name_declared_twice_is_refused_by_the_policy():
    with pytest.raises(ValidationError, match="高新示范区 repeated"):
        ReliabilityPolicy(zones=[ZONE, ZONE])
