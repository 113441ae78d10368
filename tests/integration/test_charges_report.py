"""Charges in the monthly statistics: totals per city and company, checked against sums
computed independently from the charges as recorded (the cost to connect)."""

from __future__ import annotations

import io
import random
from collections import defaultdict
from datetime import datetime

import openpyxl
from freezegun import freeze_time

from factories import receive
from gridconnect.services.context import Scope, Services
from gridconnect.services.reports.monthly import monthly_report
from gridconnect.services.reports.render import to_xlsx
from gridconnect.services.supply_plans.charges import record_charge
from gridconnect.timesource import SHANGHAI

RATES = {"high_reliability_fee": 150.0, "temporary_connection_fee": 40.0}


def local(moment: str) -> datetime:
    return datetime.fromisoformat(moment).replace(tzinfo=SHANGHAI)


def test_monthly_charge_totals_match_the_charges_recorded(services: Services) -> None:
    chooser = random.Random(16)
    expected: dict[tuple[str, str], list[float]] = defaultdict(list)
    places = [("sgcc", "西安"), ("sgcc", "咸阳"), ("local", "西安")]
    for index in range(9):
        company, city = places[index % 3]
        with freeze_time(local(f"2026-10-{index + 5:02d} 10:00")):
            app = receive(services, "hv", company=company, city=city, capacity=2000.0)
            assert app.id is not None
            for _ in range(chooser.randint(1, 2)):
                item = chooser.choice(sorted(RATES))
                quantity = float(chooser.randint(1, 2000))
                record_charge(services, app.id, item, quantity, actor="clerk1")
                expected[(company, city)].append(RATES[item] * quantity)
    with freeze_time(local("2026-11-02 10:00")):  # next month: not in October's figures
        late = receive(services, "hv", capacity=2000.0)
        assert late.id is not None
        record_charge(services, late.id, "temporary_connection_fee", 100.0, actor="clerk1")

    with freeze_time(local("2026-11-05 10:00")):
        report = monthly_report(services, "2026-10")
    charges = report["charges"]

    [total] = charges["total"]
    assert total["total_yuan"] == round(sum(sum(v) for v in expected.values()), 2)
    assert total["charges"] == sum(len(v) for v in expected.values())
    assert total["applications"] == 9
    by_city = {row["city"]: row["total_yuan"] for row in charges["city"]}
    for city in ("西安", "咸阳"):
        assert by_city[city] == round(sum(sum(v) for (_, c), v in expected.items() if c == city), 2)
    by_company = {row["company"]: row["total_yuan"] for row in charges["company"]}
    assert by_company["local"] == round(sum(expected[("local", "西安")]), 2)

    book = openpyxl.load_workbook(io.BytesIO(to_xlsx(report)))
    sheet = book["收费-按城市"]
    header = [cell.value for cell in sheet[1]]
    assert header == ["城市", "收费笔数", "收费户数", "收费合计(元)", "户均收费(元)"]
    rows = {r[0]: r[3] for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["咸阳"] == by_city["咸阳"]

    with freeze_time(local("2026-11-05 10:00")):
        scoped = monthly_report(services, "2026-10", Scope(company="sgcc", cities=("咸阳",)))
    assert [row["city"] for row in scoped["charges"]["city"]] == ["咸阳"]
