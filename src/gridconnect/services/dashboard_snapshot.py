"""The supervisor's month figures (summary, on-time rates, twelve-month trend), computed by
the report and kept per scope for at most the breach-scan interval.

On a million applications the report's core and the trend's twelve months take seconds,
too long for a page that supervisors keep open. They are computed by the report's own code
(`period_report`, `dashboard.on_time_rates`, `city_trend`): one definition, the figures the
API and the XLSX give for the same month at `computed_at`. A page reads its scope's row
while it is younger than the scan interval (the staleness the breach list already has);
older, or of another month, it is recomputed and stored. The refresh job
(`refresh_snapshots`, beside the scan) recomputes the scopes viewed lately every half
interval, so a supervisor's page finds its figures ready.

Concurrent writers (several workers, the job) each store a complete row computed from one
report transaction; the last one stored stands, and every one of them was correct when it
was computed.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from gridconnect.services import dashboard
from gridconnect.services.context import Scope, Services
from gridconnect.services.reports.monthly import period_report
from gridconnect.services.reports.periods import Period, month_of
from gridconnect.services.reports.trend import city_trend
from gridconnect.store.report_tables import DashboardSnapshotRow
from gridconnect.timesource import local_date

#: A scope viewed within this long is kept fresh by the refresh job; older rows are dropped.
KEEP_VIEWED = timedelta(days=1)
#: How often a row's `viewed_at` is written (a page load must not write every time).
VIEW_MARK = timedelta(hours=1)


def scope_key(scope: Scope) -> str:
    company = scope.company or "*"
    cities = "*" if scope.cities is None else ",".join(sorted(scope.cities))
    return f"{company}|{cities}"


def compute_figures(svc: Services, scope: Scope, period: Period, now: datetime) -> dict[str, Any]:
    """The dashboard's report figures of `period` at `now`, as the report computes them."""
    report = period_report(svc, period, scope, as_of=now)
    return {
        "month": report["period"]["label"],
        "month_total": report["summary"]["total"][0],
        "rates": dashboard.on_time_rates(svc, scope, report),
        "trend": city_trend(svc, scope, period, now),
        "computed_at": now.isoformat(),
    }


def month_figures(svc: Services, scope: Scope, max_age: timedelta) -> dict[str, Any]:
    """This month's figures for `scope`, computed at most `max_age` ago (never in the future
    of the services' clock, never of another month)."""
    now = svc.now()
    period = month_of(local_date(now))
    key = scope_key(scope)
    with svc.engine.connect() as connection:
        row = connection.execute(
            select(DashboardSnapshotRow).where(DashboardSnapshotRow.scope_key == key)  # type: ignore[arg-type]
        ).first()
    if row is not None and row.period == period.label and _young(row.computed_at, now, max_age):
        if now - row.viewed_at >= VIEW_MARK:
            _mark_viewed(svc, key, now)
        return dict(row.figures)
    figures = compute_figures(svc, scope, period, now)
    _store(svc, scope, period, now, figures)
    return figures


def refresh_snapshots(svc: Services, max_age: timedelta) -> int:
    """Recompute the scopes viewed within `KEEP_VIEWED` whose figures are older than half of
    `max_age` (so a page finds them young), drop the others; the number recomputed."""
    now = svc.now()
    period = month_of(local_date(now))
    with svc.engine.begin() as connection:
        connection.execute(
            delete(DashboardSnapshotRow).where(
                DashboardSnapshotRow.viewed_at < now - KEEP_VIEWED  # type: ignore[arg-type]
            )
        )
        rows = connection.execute(select(DashboardSnapshotRow)).all()
    done = 0
    for row in rows:
        if row.period == period.label and _young(row.computed_at, now, max_age / 2):
            continue
        scope = Scope(company=row.company, cities=None if row.cities is None else tuple(row.cities))
        _store(svc, scope, period, now, compute_figures(svc, scope, period, now), row.viewed_at)
        done += 1
    return done


def _young(computed_at: datetime, now: datetime, max_age: timedelta) -> bool:
    return timedelta(0) <= now - computed_at < max_age


def _mark_viewed(svc: Services, key: str, now: datetime) -> None:
    with svc.engine.begin() as connection:
        connection.execute(
            update(DashboardSnapshotRow)
            .where(DashboardSnapshotRow.scope_key == key)  # type: ignore[arg-type]
            .values(viewed_at=now)
        )


def _store(
    svc: Services,
    scope: Scope,
    period: Period,
    now: datetime,
    figures: dict[str, Any],
    viewed_at: datetime | None = None,
) -> None:
    """Insert or replace the scope's row; a concurrent insert of the same scope wins."""
    key = scope_key(scope)
    values = {
        "company": scope.company,
        "cities": None if scope.cities is None else sorted(scope.cities),
        "period": period.label,
        "computed_at": now,
        "viewed_at": viewed_at or now,
        "figures": figures,
    }
    with svc.engine.begin() as connection:
        replaced = connection.execute(
            update(DashboardSnapshotRow)
            .where(DashboardSnapshotRow.scope_key == key)  # type: ignore[arg-type]
            .values(**values)
        ).rowcount
    if replaced:
        return
    try:
        with svc.engine.begin() as connection:
            connection.execute(
                DashboardSnapshotRow.__table__.insert().values(scope_key=key, **values)  # type: ignore[attr-defined]
            )
    except IntegrityError:
        pass  # another worker stored the same scope's figures a moment ago
