"""Twelve months per city (command centre): the on-time rate and the mean full-process
working days, for the dashboard's trend chart.

Each month reuses the monthly report's own queries (`queries.clock_results`,
`queries.full_process_base`) and the one rate function (`services.rates`), so a month's
point is the figure the report and its XLSX give for that month and city.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

from gridconnect.services.calendar_days import sync_calendar_days
from gridconnect.services.context import Scope, Services
from gridconnect.services.rates import EXCLUDED_CLOCKS, on_time_rate
from gridconnect.services.reports import queries as q
from gridconnect.services.reports.dialect import Dialect, prepare, run
from gridconnect.services.reports.periods import Period

MONTHS = 12


def city_trend(
    svc: Services, scope: Scope, last: Period, now: datetime | None = None
) -> dict[str, Any]:
    """{"months": labels oldest first, "cities": {city: {"rate": [...], "working_days": [...]}}}
    with None where a month has no figure."""
    sync_calendar_days(svc.engine, svc.calendar)
    moment = now or svc.now()
    periods = [last.shifted(step) for step in range(1 - MONTHS, 1)]
    d = Dialect(svc.engine.dialect.name)
    rates: dict[str, list[float | None]] = defaultdict(lambda: [None] * MONTHS)
    days: dict[str, list[float | None]] = defaultdict(lambda: [None] * MONTHS)
    with svc.engine.connect() as c:
        prepare(c)
        for index, period in enumerate(periods):
            cutoff = min(period.end - timedelta(seconds=1), moment)
            params = {"start": period.start, "end": period.end, "cutoff": cutoff}
            kept: dict[str, list[int]] = defaultdict(lambda: [0, 0])
            for row in q.clock_results(c, d, scope, params):
                if row[3] in EXCLUDED_CLOCKS:
                    continue
                kept[row[1]][0] += row[5] or 0
                kept[row[1]][1] += (row[4] or 0) + (row[8] or 0)
            for city, (on_time, counted) in kept.items():
                rates[city][index] = on_time_rate(on_time, counted)
            base, extra = q.full_process_base(d, scope)
            sql = f"SELECT city, AVG(working_days) FROM ({base}) t GROUP BY city"
            for city, mean in run(c, sql, {**params, **extra}):
                days[city][index] = round(float(mean), 1) if mean is not None else None
        c.rollback()
    cities = sorted(set(rates) | set(days))
    return {
        "months": [p.label for p in periods],
        "cities": {city: {"rate": rates[city], "working_days": days[city]} for city in cities},
    }
