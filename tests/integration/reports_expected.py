"""Expected report figures, computed from what the scenario did and the domain objects with
the Python calendar — independently of the SQL that the report runs."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import numpy as np

from gridconnect.calendar import WorkingCalendar
from gridconnect.services.reports.periods import Period
from gridconnect.timesource import local_date
from gridconnect.workflow.model import Status
from integration.reports_scenario import Record

KEYS: dict[str, Callable[[Record], Any]] = {
    "total": lambda r: "total",
    "company": lambda r: r.company,
    "city": lambda r: r.city,
    "kind": lambda r: r.kind,
}


def _within(moment: datetime | None, period: Period) -> bool:
    return moment is not None and period.start <= moment < period.end


def _wd(calendar: WorkingCalendar, start: datetime, end: datetime) -> int:
    return calendar.working_days_between(local_date(start), local_date(end)).value


def stats(values: list[float]) -> dict[str, float | None]:
    if not values:
        return {"mean": None, "median": None, "p90": None}
    return {
        "mean": float(np.mean(values)),
        "median": float(np.percentile(values, 50)),
        "p90": float(np.percentile(values, 90)),
    }


def expected(
    records: list[Record],
    calendar: WorkingCalendar,
    period: Period,
    now: datetime,
    breakdown: str,
    admit: Callable[[Record], bool] = lambda r: True,
) -> dict[Any, dict[str, Any]]:
    cutoff = min(period.end - timedelta(microseconds=1), now)
    out: dict[Any, dict[str, Any]] = defaultdict(lambda: defaultdict(int))
    values: dict[Any, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for record in records:
        app = record.app
        if app is None or not admit(record):
            continue
        key = KEYS[breakdown](record)
        figures = out[key]
        if _within(app.received_at, period):
            figures["received"] += 1
            figures["three_zero"] += app.three_zero
        closed_in = _within(app.closed_at, period)
        figures["connected"] += closed_in and app.status == Status.CONNECTED
        figures["cancelled"] += closed_in and app.status == Status.CANCELLED
        figures["open_at_end"] += app.received_at < period.end and (
            app.closed_at is None or app.closed_at >= period.end
        )
        if closed_in and app.status == Status.CONNECTED:
            assert app.closed_at is not None
            paused = sum(_wd(calendar, s, e) for s, e, _ in record.suspensions if e is not None)
            values[key]["wd"].append(_wd(calendar, app.received_at, app.closed_at) - paused)
            values[key]["cd"].append((local_date(app.closed_at) - local_date(app.received_at)).days)
        _count_suspensions(figures, record, calendar, period, cutoff)
        figures["warnings"] += sum(_within(at, period) for at in record.warnings)
        _count_clocks(figures, record, calendar, period, cutoff)
        _count_stages(figures, record, calendar, period)
    for key, figures in out.items():
        figures["full_process_wd"] = stats(values[key]["wd"])
        figures["full_process_cd"] = stats(values[key]["cd"])
        figures["full_process_count"] = len(values[key]["wd"])
    return out


def _count_suspensions(
    figures: dict[str, Any],
    record: Record,
    calendar: WorkingCalendar,
    period: Period,
    cutoff: datetime,
) -> None:
    for start, end, reason in record.suspensions:
        if _within(start, period):
            figures["suspensions"] += 1
            figures["suspended_working_days"] += _wd(calendar, start, end or cutoff)
            figures[f"reason:{reason}"] += 1


def _count_clocks(
    figures: dict[str, Any],
    record: Record,
    calendar: WorkingCalendar,
    period: Period,
    cutoff: datetime,
) -> None:
    assert record.app is not None
    for clock in record.app.clocks:
        # one definition of the rate (services.rates): an open clock whose due fell in the
        # period up to the cutoff counts as not kept
        if clock.stopped_at is None and clock.state != "cancelled":
            figures["overdue_open"] += period.start <= clock.due_at <= cutoff
            continue
        if clock.state not in ("met", "breached") or not _within(clock.stopped_at, period):
            continue
        assert clock.stopped_at is not None
        figures["clocks_finished"] += 1
        figures["on_time"] += not clock.late
        figures["breaches"] += clock.late
        figures[f"clock:{clock.kind}"] += 1
        if clock.kind == "gov_approval":
            figures["gov_count"] += 1
            figures["gov_wd"] += (
                _wd(calendar, clock.started_at, clock.stopped_at) - clock.paused_working_days
            )


def _count_stages(
    figures: dict[str, Any], record: Record, calendar: WorkingCalendar, period: Period
) -> None:
    app = record.app
    assert app is not None
    for visit in app.visits:
        cancelled_with = app.status == Status.CANCELLED and visit.left_at == app.closed_at
        if _within(visit.left_at, period) and not cancelled_with:
            assert visit.left_at is not None
            figures[f"stage:{visit.stage}"] += 1
            figures[f"stage_wd:{visit.stage}"] += _wd(calendar, visit.entered_at, visit.left_at)
