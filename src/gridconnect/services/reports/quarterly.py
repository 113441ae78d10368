"""The quarterly analysis (季分析, L55): the quarter's statistics, its trend against the
previous quarter and the same quarter a year before, the ten longest-running open
applications, the breaches with their causes, and the date the analysis is due — the 10th
calendar day of the next quarter (次季度前10日内) — flagged when it is already past.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from gridconnect.services.context import EVERYTHING, Scope, Services
from gridconnect.services.reports import queries as q
from gridconnect.services.reports.dialect import Dialect, prepare
from gridconnect.services.reports.dialect import instant as _iso
from gridconnect.services.reports.monthly import outage_figures, period_report
from gridconnect.services.reports.periods import Period, parse_quarter
from gridconnect.timesource import local_date

BREACH_LIST_LIMIT = 1000
TREND_FIGURES = ("received", "connected", "cancelled", "open_at_end", "three_zero_share")


def _figures(report: dict[str, Any]) -> dict[str, Any]:
    total = report["summary"]["total"][0]
    figures = {name: total[name] for name in TREND_FIGURES}
    figures["full_process_median_working_days"] = total["full_process"]["working_days"]["median"]
    figures["full_process_median_calendar_days"] = total["full_process"]["calendar_days"]["median"]
    figures["on_time_rate"] = total["on_time_rate"]
    figures["breaches"] = total["breaches"]
    return figures


def _change(now: Any, before: Any) -> dict[str, Any]:
    if now is None or before is None:
        return {"change": None, "change_ratio": None}
    change = round(now - before, 4)
    return {"change": change, "change_ratio": round(change / before, 4) if before else None}


def trend(
    current: dict[str, Any], previous: dict[str, Any], year_before: dict[str, Any]
) -> list[dict[str, Any]]:
    """One row per figure: this quarter, the previous one, the same one a year before."""
    now, prev, last_year = _figures(current), _figures(previous), _figures(year_before)
    rows = []
    for name, value in now.items():
        rows.append(
            {
                "figure": name,
                "value": value,
                "previous_quarter": prev[name],
                "vs_previous": _change(value, prev[name]),
                "same_quarter_last_year": last_year[name],
                "vs_last_year": _change(value, last_year[name]),
            }
        )
    return rows


def quarterly_report(
    svc: Services, quarter: str | Period, scope: Scope = EVERYTHING
) -> dict[str, Any]:
    """季分析 for `quarter` (YYYYQn)."""
    period = parse_quarter(quarter) if isinstance(quarter, str) else quarter
    now = svc.now()
    report = period_report(svc, period, scope, as_of=now)
    previous = period_report(svc, period.previous(), scope, as_of=now)
    year_before = period_report(svc, period.year_before(), scope, as_of=now)
    report["trend"] = trend(report, previous, year_before)
    report["trend_periods"] = {
        "previous_quarter": period.previous().label,
        "same_quarter_last_year": period.year_before().label,
    }
    cutoff = min(period.end - timedelta(seconds=1), now)
    params = {"start": period.start, "end": period.end, "cutoff": cutoff}
    d = Dialect(svc.engine.dialect.name)
    with svc.engine.connect() as c:
        prepare(c)
        report["longest_open"] = [
            {
                "number": number,
                "company": company,
                "city": city,
                "kind": kind,
                "stage": stage,
                "received_at": _iso(received_at),
                "working_days": wd,
                "calendar_days": cd,
            }
            for number, company, city, kind, stage, received_at, wd, cd in q.longest_open(
                c, d, scope, params
            )
        ]
        rows = q.breaches(c, d, scope, params, BREACH_LIST_LIMIT + 1)
        reasons: dict[int, set[str]] = {}
        for app_id, reason in q.suspension_reasons_of(c, d, sorted({r[0] for r in rows})):
            reasons.setdefault(app_id, set()).add(reason)
    report["breaches"] = [
        {
            "number": number,
            "company": company,
            "city": city,
            "kind": kind,
            "clock": clock,
            "stage": stage,
            "due_at": _iso(due_at),
            "raised_at": _iso(raised_at),
            "days_late": late,
            "paused_working_days": paused,
            "suspension_reasons": sorted(reasons.get(app_id, ())),
        }
        for app_id, number, company, city, kind, clock, stage, due_at, raised_at, late, paused in (
            rows[:BREACH_LIST_LIMIT]
        )
    ]
    report["breaches_truncated"] = len(rows) > BREACH_LIST_LIMIT
    due = period.due_on()
    today = local_date(now)
    report["due"] = {
        "due_on": due.isoformat(),
        "rule": "10th calendar day of the next quarter (L55)",
        "late": today > due,
        "days_late": max((today - due).days, 0),
    }
    report["outages"] = outage_figures(svc, period, scope)  # outages capability (L55)
    return report
