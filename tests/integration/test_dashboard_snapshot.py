"""The supervisor's month figures (summary, on-time rates, trend) are the monthly report's
figures, at most one breach-scan interval old, whichever way they were last computed."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from freezegun import freeze_time

from factories import advance_to_end, receive
from gridconnect.services import dashboard
from gridconnect.services.context import EVERYTHING, Scope, Services
from gridconnect.services.dashboard_snapshot import month_figures, refresh_snapshots
from gridconnect.services.reports.monthly import period_report
from gridconnect.services.reports.periods import month_of
from gridconnect.services.reports.trend import city_trend
from gridconnect.timesource import local_date
from risk_history import local

SCAN_INTERVAL = timedelta(seconds=300)
XIAN = Scope(company="sgcc", cities=("西安",))


def report_figures(services: Services, scope: Scope) -> dict[str, Any]:
    """What the monthly report (API, XLSX) says of this month, now."""
    period = month_of(local_date(services.now()))
    report = period_report(services, period, scope)
    return {
        "month": report["period"]["label"],
        "month_total": report["summary"]["total"][0],
        "rates": dashboard.on_time_rates(services, scope, report),
        "trend": city_trend(services, scope, period),
    }


def shown(services: Services, scope: Scope = EVERYTHING) -> dict[str, Any]:
    figures = month_figures(services, scope, SCAN_INTERVAL)
    return {key: figures[key] for key in ("month", "month_total", "rates", "trend")}


def october(services: Services) -> None:
    with freeze_time(local("2026-10-12 10:00")):
        advance_to_end(services, receive(services, city="西安"))
        receive(services, city="西安")  # acceptance due 10-13, left open: not kept
        receive(services, city="咸阳")


def test_the_dashboard_shows_the_reports_figures_for_the_month(services: Services) -> None:
    october(services)
    with freeze_time(local("2026-10-20 10:00")):
        figures = shown(services)
        assert figures == report_figures(services, EVERYTHING)
    assert figures["month"] == "2026-10"
    assert figures["month_total"]["received"] == 3
    assert {row["key"]: row["rate"] for row in figures["rates"]["by_city"]}["西安"] == 0.75


def test_a_change_shows_once_the_scan_interval_has_passed(services: Services) -> None:
    october(services)
    with freeze_time(local("2026-10-20 10:00")) as clock:
        before = shown(services)
        clock.tick(timedelta(seconds=60))
        advance_to_end(services, receive(services, city="咸阳"))
        clock.tick(timedelta(seconds=60))
        # Within the interval: the figures of 10:00, as the report gave them then.
        assert shown(services) == before
        clock.tick(SCAN_INTERVAL)
        after = shown(services)
        assert after == report_figures(services, EVERYTHING)
    assert after["month_total"]["received"] == before["month_total"]["received"] + 1
    assert after["month_total"]["connected"] == before["month_total"]["connected"] + 1


def test_the_refresh_job_brings_viewed_scopes_up_to_date(services: Services) -> None:
    october(services)
    with freeze_time(local("2026-10-20 10:00")) as clock:
        shown(services, XIAN)
        clock.tick(timedelta(seconds=30))
        advance_to_end(services, receive(services, city="西安"))
        clock.tick(SCAN_INTERVAL / 2)
        assert refresh_snapshots(services, SCAN_INTERVAL) == 1
        assert shown(services, XIAN) == report_figures(services, XIAN)
        assert refresh_snapshots(services, SCAN_INTERVAL) == 0  # young enough to be read


def test_each_scope_has_its_own_figures(services: Services) -> None:
    october(services)
    with freeze_time(local("2026-10-20 10:00")):
        everything, xian = shown(services), shown(services, XIAN)
        assert xian == report_figures(services, XIAN)
    assert xian["month_total"]["received"] == 2
    assert everything["month_total"]["received"] == 3


def test_a_new_month_never_shows_the_last_ones_figures(services: Services) -> None:
    october(services)
    with freeze_time(local("2026-10-31 23:58")) as clock:
        assert shown(services)["month"] == "2026-10"
        clock.tick(timedelta(minutes=3))
        figures = shown(services)
        assert figures == report_figures(services, EVERYTHING)
    assert figures["month"] == "2026-11"
    assert figures["month_total"]["received"] == 0


def test_a_clock_moved_back_does_not_read_figures_from_its_future(services: Services) -> None:
    october(services)
    with freeze_time(local("2026-10-20 10:00")):
        shown(services)
    with freeze_time(local("2026-10-12 11:00")):
        assert shown(services) == report_figures(services, EVERYTHING)


def test_the_breach_scan_job_refreshes_the_dashboards_it_keeps(services: Services) -> None:
    from gridconnect.scheduler.jobs import run_scan
    from gridconnect.services.alert_routing import AlertRecipients

    october(services)
    with freeze_time(local("2026-10-20 10:00")) as clock:
        before = shown(services)
        advance_to_end(services, receive(services, city="咸阳"))
        clock.tick(SCAN_INTERVAL - timedelta(seconds=1))  # the next scan, on time
        run_scan(services.engine, AlertRecipients(), services, SCAN_INTERVAL)
        clock.tick(timedelta(seconds=2))  # the figures the scan left are read, not recomputed
        after = shown(services)
        assert after != before
        clock.tick(timedelta(seconds=-2))
        assert after == report_figures(services, EVERYTHING)
