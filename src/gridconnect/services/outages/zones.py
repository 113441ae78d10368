"""High-reliability demonstration zones (L51): AIHC of named areas against their ceiling.

A zone is declared in the policy (`[[reliability.zones]]`) as a city and the feeders it is
made of. The ledger already says which feeders an outage interrupted (`outage_area`, each
with its own customers and, when restored apart, its own restoration time), and the
customer registry says which feeder each account hangs on, so a zone's figures need no new
data:

- interruptions: every outage area of the zone's city on one of its feeders, with that
  area's customers, from the outage's start to the area's restoration (or the outage's end);
- N: the mean over the period's months of the registry's accounts on the zone's feeders
  connected by each month's end (imported month-end counts are per area class, not per
  feeder, so they cannot say how many customers a zone has).

The same conventions as the main report apply (momentary interruptions apart, limited
supply at its restricted share, an ongoing outage up to the as-of time). Only a year is
judged against the ceiling, like the area-class targets.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import DateTime, func, or_, select, type_coerce
from sqlmodel import Session

from gridconnect.config.reliability import ReliabilityPolicy, ReliabilityZone
from gridconnect.services.context import EVERYTHING, Scope
from gridconnect.services.outages.indices import Interruption, Sums, figures, sum_interruptions
from gridconnect.services.outages.periods import ReliabilityPeriod
from gridconnect.store.outage_tables import CustomerAccountRow, OutageAreaRow, OutageRow
from gridconnect.timesource import as_utc

OUTAGE = cast(Any, OutageRow).__table__
AREA = cast(Any, OutageAreaRow).__table__
ACCOUNT = cast(Any, CustomerAccountRow).__table__


def _scoped(statement: Any, table: Any, scope: Scope) -> Any:
    if scope.company is not None:
        statement = statement.where(table.c.company == scope.company)
    return statement


def zone_interruptions(
    session: Session, zone: ReliabilityZone, start: datetime, end: datetime, scope: Scope
) -> list[Interruption]:
    """The interruptions of the zone's feeders touching [start, end), one per outage area."""
    rows = session.execute(
        _scoped(
            select(
                OUTAGE.c.company,
                OUTAGE.c.kind,
                AREA.c.customers,
                type_coerce(OUTAGE.c.start_at, DateTime(timezone=True)),
                type_coerce(OUTAGE.c.end_at, DateTime(timezone=True)),
                type_coerce(AREA.c.restored_at, DateTime(timezone=True)),
                OUTAGE.c.restricted_share,
            )
            .join(OUTAGE, OUTAGE.c.id == AREA.c.outage_id)
            .where(
                OUTAGE.c.city == zone.city.value,
                AREA.c.feeder.in_(zone.feeders),
                OUTAGE.c.start_at < end,
                or_(OUTAGE.c.end_at.is_(None), OUTAGE.c.end_at > start),
            )
            .order_by(AREA.c.id),
            OUTAGE,
            scope,
        )
    ).all()
    result = []
    for company, kind, customers, begin, finish, restored, share in rows:
        begin = as_utc(begin)
        finish = as_utc(finish) if finish is not None else None
        restored = as_utc(restored) if restored is not None else None
        if restored is not None and (finish is None or restored < finish):
            finish = restored
        result.append(
            Interruption(company, zone.city.value, zone.name, kind, customers, begin, finish, share)
        )
    return result


def zone_customers(
    session: Session, zone: ReliabilityZone, months: list[str], scope: Scope
) -> float:
    """The mean over `months` of the registry's accounts on the zone's feeders."""
    if not months:
        return 0.0
    connected = session.execute(
        _scoped(
            select(ACCOUNT.c.connected_on, func.count())
            .where(ACCOUNT.c.city == zone.city.value, ACCOUNT.c.feeder.in_(zone.feeders))
            .group_by(ACCOUNT.c.connected_on),
            ACCOUNT,
            scope,
        )
    ).all()
    by_month = [(f"{connected_on:%Y-%m}", count) for connected_on, count in connected]
    totals = [sum(n for m, n in by_month if m <= month) for month in months]
    return float(sum(totals)) / len(months)


def zone_rows(
    session: Session,
    policy: ReliabilityPolicy,
    period: ReliabilityPeriod,
    as_of: datetime,
    scope: Scope = EVERYTHING,
) -> list[dict[str, Any]]:
    """One row per zone the scope may see: its figures, ceiling and whether it is met."""
    rows = []
    cut = min(as_of, period.end)
    months = period.months()
    for zone in policy.zones:
        if scope.cities is not None and zone.city not in scope.cities:
            continue
        summed = sum_interruptions(
            zone_interruptions(session, zone, period.start, period.end, scope),
            period.start,
            period.end,
            cut,
            policy.momentary_minutes,
        )
        sums = Sums()
        for part in summed.values():
            sums.add(part)
        sums.customers = zone_customers(session, zone, months, scope)
        row: dict[str, Any] = {
            "zone": zone.name,
            "city": zone.city.value,
            "feeders": "、".join(zone.feeders),
        }
        row.update(figures(sums, period.hours))
        aihc = row["aihc_hours"]
        row["target_hours"] = zone.hours
        row["target_item"] = zone.item
        row["met"] = None if period.kind != "year" or aihc is None else aihc <= zone.hours
        row["budget_used_percent"] = (
            round(aihc / zone.hours * 100, 4)
            if period.kind == "year" and period.cut is not None and aihc is not None and zone.hours
            else None
        )
        rows.append(row)
    return rows
