"""The period statistics (月统计): one report for a month or a quarter, in four breakdowns.

Each breakdown (total, per company, per city, per kind) lists the same figures: applications
received, connected, cancelled and open at the end; the 三零 share; full-process time in
working days (net of the customer's suspensions, as the ledger counts) and in calendar days
(as the customer lives them, as the World Bank counts) side by side; warnings and breaches;
suspensions; government approval time. Stage times, on-time rates per clock and suspension
reasons are separate tables with the same breakdowns.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import Any

from gridconnect.calendar import WorkingCalendar
from gridconnect.config.policy_model import GOV_APPROVAL
from gridconnect.services.calendar_days import sync_calendar_days
from gridconnect.services.context import EVERYTHING, Scope, Services
from gridconnect.services.rates import EXCLUDED_CLOCKS, on_time_rate
from gridconnect.services.reports import queries as q
from gridconnect.services.reports.dialect import EMPTY, Dialect, prepare
from gridconnect.services.reports.periods import Period, parse_month
from gridconnect.services.selfservice.report import satisfaction_and_tickets
from gridconnect.services.supply_plans.charges import charges_report

BREAKDOWNS: dict[str, tuple[str, ...]] = {
    "total": (),
    "company": ("company",),
    "city": ("city",),
    "kind": ("kind",),
}
_POSITION = {"company": 0, "city": 1, "kind": 2}
# Per breakdown: (breakdown key..., extra key...) -> summed values.
Rolled = dict[str, dict[tuple[Any, ...], list[Any]]]


def _key(grain: tuple[Any, ...], keys: tuple[str, ...]) -> tuple[Any, ...]:
    return tuple(grain[_POSITION[k]] for k in keys)


def _rollup(rows: Iterable[Any], width: int, extra: int = 0) -> Rolled:
    """Sum the numeric columns of per-(company, city, kind[, extra...]) rows per breakdown."""
    out: Rolled = {name: {} for name in BREAKDOWNS}
    for row in rows:
        grain, tail, values = row[:3], tuple(row[3 : 3 + extra]), row[3 + extra :]
        for name, keys in BREAKDOWNS.items():
            key = _key(grain, keys) + tail
            total = out[name].setdefault(key, [0] * width)
            for i, value in enumerate(values):
                total[i] += value or 0
    return out


def _ratio(part: float, whole: float) -> float | None:
    return round(part / whole, 4) if whole else None


def _mean(total: float, count: float) -> float | None:
    return round(total / count, 2) if count else None


def _label(keys: tuple[str, ...], key: tuple[Any, ...]) -> dict[str, Any]:
    return dict(zip(keys, key, strict=True)) if keys else {"scope": "total"}


def period_report(
    svc: Services, period: Period, scope: Scope = EVERYTHING, as_of: datetime | None = None
) -> dict[str, Any]:
    """Every figure of one period, for the caller's scope."""
    calendar: WorkingCalendar = svc.calendar
    sync_calendar_days(svc.engine, calendar)
    now = as_of or svc.now()
    # Whole seconds: SQLite's date functions round sub-second times to milliseconds.
    cutoff = min(period.end - timedelta(seconds=1), now)
    params = {"start": period.start, "end": period.end, "cutoff": cutoff}
    d = Dialect(svc.engine.dialect.name)
    with svc.engine.connect() as c:
        prepare(c)
        counts = _rollup(q.application_counts(c, d, scope, params), 5)
        alert_rows = _rollup(q.alerts(c, d, scope, params), 1, extra=1)
        suspension_rows = _rollup(q.suspensions(c, d, scope, params), 2, extra=1)
        clock_rows = _rollup(q.clock_results(c, d, scope, params), 5, extra=1)
        stage_rows = _rollup(q.stage_times(c, d, scope, params), 3, extra=1)
        durations = q.full_process(c, d, scope, params, BREAKDOWNS)
    summary: dict[str, list[dict[str, Any]]] = {}
    for name, keys in BREAKDOWNS.items():
        found = set(counts[name]) | {k[:-1] for k in clock_rows[name]}
        found |= {k[:-1] for k in alert_rows[name]} | {k[:-1] for k in suspension_rows[name]}
        if not keys:
            found = {()}
        rows = []
        for key in sorted(found, key=lambda k: tuple(str(x) for x in k)):
            received, three_zero, connected, cancelled, open_end = counts[name].get(key, [0] * 5)
            wd = durations[name]["working_days"].get(key, EMPTY)
            cd = durations[name]["calendar_days"].get(key, EMPTY)
            gov = clock_rows[name].get((*key, GOV_APPROVAL), [0] * 5)
            deadlines = [
                v
                for k, v in clock_rows[name].items()
                if k[:-1] == key and k[-1] not in EXCLUDED_CLOCKS
            ]
            finished = sum(v[0] for v in deadlines)
            on_time = sum(v[1] for v in deadlines)
            overdue_open = sum(v[4] for v in deadlines)
            susp = [v for k, v in suspension_rows[name].items() if k[:-1] == key]
            rows.append(
                {
                    **_label(keys, key),
                    "received": received,
                    "connected": connected,
                    "cancelled": cancelled,
                    "open_at_end": open_end,
                    "three_zero": three_zero,
                    "three_zero_share": _ratio(three_zero, received),
                    "full_process": {
                        "count": wd.count,
                        "working_days": wd.as_dict(),
                        "calendar_days": cd.as_dict(),
                    },
                    "clocks_finished": finished,
                    "clocks_overdue_open": overdue_open,
                    "on_time_rate": on_time_rate(on_time, finished + overdue_open),
                    "warnings": alert_rows[name].get((*key, "warning"), [0])[0],
                    "breaches": alert_rows[name].get((*key, "breach"), [0])[0],
                    "suspensions": sum(v[0] for v in susp),
                    "suspended_working_days": sum(v[1] for v in susp),
                    "gov_approval": {
                        "count": gov[0],
                        "on_time_rate": on_time_rate(gov[1], gov[0] + gov[4]),
                        "mean_working_days": _mean(gov[2], gov[0]),
                        "mean_calendar_days": _mean(gov[3], gov[0]),
                    },
                }
            )
        summary[name] = rows
    return {
        "period": {
            "kind": period.kind,
            "label": period.label,
            "first_day": period.first.isoformat(),
            "last_day": period.last.isoformat(),
        },
        "generated_at": now.isoformat(),
        "scope": {"company": scope.company, "cities": list(scope.cities or []) or None},
        "provisional": any(
            calendar.is_provisional_year(y) for y in {period.first.year, period.last.year}
        ),
        "summary": summary,
        "stages": _table(stage_rows, "stage", _stage),
        "clocks": _table(clock_rows, "clock", _clock),
        "suspensions": _table(suspension_rows, "reason", _suspension),
        # cost to connect, the World Bank's second measure beside time
        "charges": charges_report(svc, period.start, period.end, scope),
        # selfservice: 好差评 and customers' tickets per city
        "satisfaction_and_tickets": satisfaction_and_tickets(svc.engine, period, scope),
    }


Figures = Callable[[list[Any]], dict[str, Any]]


def _table(rolled: Rolled, extra: str, figures: Figures) -> dict[str, list[dict[str, Any]]]:
    """One table per breakdown of the rows keyed by an extra column (stage, clock, reason)."""
    return {
        name: [
            {**_label(keys, key[:-1]), extra: key[-1], **figures(values)}
            for key, values in sorted(rolled[name].items(), key=lambda kv: str(kv[0]))
        ]
        for name, keys in BREAKDOWNS.items()
    }


def _stage(values: list[Any]) -> dict[str, Any]:
    count, wd, cd = values
    return {
        "completed": count,
        "mean_working_days": _mean(wd, count),
        "mean_calendar_days": _mean(cd, count),
    }


def _clock(values: list[Any]) -> dict[str, Any]:
    finished, on_time, wd, cd, overdue_open = values
    return {
        "finished": finished,
        "on_time": on_time,
        "late": finished - on_time + overdue_open,
        "overdue_open": overdue_open,
        "on_time_rate": on_time_rate(on_time, finished + overdue_open),
        "mean_working_days": _mean(wd, finished),
        "mean_calendar_days": _mean(cd, finished),
    }


def _suspension(values: list[Any]) -> dict[str, Any]:
    return {"count": values[0], "working_days": values[1]}


def monthly_report(svc: Services, month: str | Period, scope: Scope = EVERYTHING) -> dict[str, Any]:
    """月统计 for `month` (YYYY-MM)."""
    period = parse_month(month) if isinstance(month, str) else month
    report = period_report(svc, period, scope)
    # govlink: each approval department's own time (L55 电力接入工程审批工作台账).
    from gridconnect.services.govlink.statistics import department_times

    report["gov_departments"] = department_times(svc, scope, period.start, period.end)
    report["outages"] = outage_figures(svc, period, scope)  # outages capability (L55)
    # command centre: supervision orders (督办) issued, answered and answered on time per city
    from gridconnect.services.orders.report import orders_by_city

    report["supervision_orders"] = orders_by_city(svc, period, scope)
    return report


def outage_figures(svc: Services, period: Period, scope: Scope) -> dict[str, Any]:
    """停电次数和时间 beside the applications (L55): the outage ledger's figures."""
    from gridconnect.services.outages.report import ledger_section

    return ledger_section(
        svc.engine, svc.policy.reliability, period.kind, period.label, period.first,
        period.last, svc.now(), scope,
    )  # fmt: skip
