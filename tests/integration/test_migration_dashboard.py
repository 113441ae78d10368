"""Migration 0015 (the dashboard's snapshot table and indexes) goes down and up on both
databases; the dashboard then computes its figures afresh, as the report gives them."""

from __future__ import annotations

from datetime import timedelta

from alembic import command
from freezegun import freeze_time
from sqlalchemy import inspect

from factories import advance_to_end, receive
from gridconnect.services.context import EVERYTHING, Services
from gridconnect.services.dashboard_snapshot import month_figures
from gridconnect.services.reports.monthly import period_report
from gridconnect.services.reports.periods import month
from gridconnect.store.db import alembic_config
from risk_history import local

INDEXES = {
    "application": "ix_application_open",
    "sla_clock": "ix_sla_clock_open_due",
    "alert": "ix_alert_open_raised",
}


def test_the_migration_goes_down_and_up_and_the_figures_follow(services: Services) -> None:
    engine = services.engine
    with freeze_time(local("2026-10-12 10:00")):
        advance_to_end(services, receive(services, city="西安"))
        receive(services, city="咸阳")
    url = engine.url.render_as_string(hide_password=False)

    command.downgrade(alembic_config(url), "0014")
    schema = inspect(engine)
    assert "dashboard_snapshot" not in schema.get_table_names()
    for table, index in INDEXES.items():
        assert index not in {i["name"] for i in schema.get_indexes(table)}
    command.upgrade(alembic_config(url), "head")
    schema = inspect(engine)
    for table, index in INDEXES.items():
        assert index in {i["name"] for i in schema.get_indexes(table)}

    with freeze_time(local("2026-10-20 10:00")):
        figures = month_figures(services, EVERYTHING, timedelta(seconds=300))
        report = period_report(services, month(2026, 10), EVERYTHING)
    assert figures["month_total"] == report["summary"]["total"][0]
    assert figures["month_total"]["received"] == 2
