"""A chosen transitional plan (L27): the application is marked until the grid upgrade is
done, and an upgrade past its planned completion raises one alert."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from freezegun import freeze_time
from sqlmodel import Session, select

from factories import provide_all_documents, receive
from gridconnect.services.alerts import list_alerts
from gridconnect.services.applications import perform
from gridconnect.services.context import EVERYTHING, Services
from gridconnect.services.supply_plans.plans import (
    answer_supply_plans,
    choose_supply_plan,
    complete_grid_upgrade,
    read_plans,
)
from gridconnect.services.supply_plans.upgrade_scan import scan_grid_upgrades
from gridconnect.store.tables import OutboxRow
from gridconnect.timesource import SHANGHAI
from gridconnect.workflow.supply_plans import SupplyPlanNotExpected, SupplyPlanOption

CHANNEL = "http://127.0.0.1:9/robot"


def local(moment: str) -> datetime:
    return datetime.fromisoformat(moment).replace(tzinfo=SHANGHAI)


def transitional(planned_on: str) -> SupplyPlanOption:
    return SupplyPlanOption.model_validate(
        {
            "substation": "35kV 北郊变电站",
            "feeder": "10kV 北郊II线（临时接入）",
            "voltage_kv": 10.0,
            "capacity_kva": 630.0,
            "supply": "single",
            "metering": "高供高计",
            "grid_works": "临时接入既有线路",
            "customer_works": "用户箱变",
            "estimated_cost_yuan": 80000.0,
            "estimated_working_days": 8,
            "transitional": True,
            "upgrade_name": "35kV 北郊变电站增容改造",
            "upgrade_planned_on": planned_on,
        }
    )


def on_transitional_supply(services: Services, planned_on: str) -> int:
    with freeze_time(local("2026-11-23 09:00")):
        app = provide_all_documents(services, receive(services, "hv"))
        assert app.id is not None
        perform(services, app.id, "advance", actor="clerk1")
        answer_supply_plans(services, app.id, [transitional(planned_on)], actor="engineer1")
        choose_supply_plan(services, app.id, 1, actor="customer")
    return app.id


def scan_at(services: Services, moment: str) -> int:
    with freeze_time(local(moment)):
        return scan_grid_upgrades(services.engine, alert_channels=[CHANNEL]).overdue


def test_an_upgrade_past_its_planned_day_alerts_once_and_the_application_stays_marked(
    services: Services,
) -> None:
    application_id = on_transitional_supply(services, "2026-12-15")
    assert read_plans(services, application_id).on_transitional_supply is True

    assert scan_at(services, "2026-12-15 23:59") == 0  # the planned day itself is on time
    assert scan_at(services, "2026-12-16 00:01") == 1
    assert scan_at(services, "2026-12-20 09:00") == 0  # once

    [alert] = list_alerts(services, EVERYTHING)
    assert alert["level"] == "upgrade_overdue"
    assert alert["clock"] == "grid_upgrade"
    assert alert["application_id"] == application_id
    with Session(services.engine) as session:
        [message] = session.exec(select(OutboxRow)).all()
    assert message.payload["upgrade"] == "35kV 北郊变电站增容改造"
    assert read_plans(services, application_id).on_transitional_supply is True


def test_an_upgrade_completed_in_time_lifts_the_mark_and_never_alerts(services: Services) -> None:
    application_id = on_transitional_supply(services, "2026-12-15")
    with freeze_time(local("2026-12-10 10:00")):
        complete_grid_upgrade(services, application_id, date(2026, 12, 10), actor="clerk1")
    assert read_plans(services, application_id).on_transitional_supply is False
    assert scan_at(services, "2026-12-16 09:00") == 0
    with freeze_time(local("2026-12-11 10:00")), pytest.raises(SupplyPlanNotExpected):
        complete_grid_upgrade(services, application_id, date(2026, 12, 11), actor="clerk1")
