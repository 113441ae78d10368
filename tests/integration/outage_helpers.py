"""Helpers of the outage-ledger tests: registry customers, instants in Shanghai time."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import Engine, insert

from gridconnect.store.outage_tables import CustomerAccountRow, CustomerCountRow
from gridconnect.timesource import SHANGHAI


def local(moment: str) -> datetime:
    return datetime.fromisoformat(moment).replace(tzinfo=SHANGHAI)


def add_customers(
    engine: Engine,
    feeder: str,
    count: int,
    city: str = "西安",
    area_class: str = "urban",
    prefix: str | None = None,
    connected_on: date = date(2020, 1, 1),
) -> None:
    stamp = datetime(2026, 1, 1, tzinfo=UTC)
    rows = [
        {
            "account": f"{prefix or feeder}-{i:06d}",
            "company": "sgcc",
            "city": city,
            "area_class": area_class,
            "feeder": feeder,
            "transformer_area": f"{feeder}-T{i % 3}",
            "phone": f"138{i:08d}",
            "connected_on": connected_on,
            "updated_at": stamp,
        }
        for i in range(count)
    ]
    with engine.begin() as connection:
        connection.execute(insert(CustomerAccountRow), rows)


def add_counts(
    engine: Engine, months: list[str], customers: int, city: str = "西安", area_class: str = "urban"
) -> None:
    stamp = datetime(2026, 1, 1, tzinfo=UTC)
    with engine.begin() as connection:
        connection.execute(
            insert(CustomerCountRow),
            [
                {"company": "sgcc", "city": city, "area_class": area_class, "month": m,
                 "customers": customers, "updated_at": stamp}
                for m in months
            ],
        )  # fmt: skip
