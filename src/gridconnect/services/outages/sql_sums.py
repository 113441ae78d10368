"""The index sums computed inside PostgreSQL: one aggregate over a year of a province.

Reading 200,000 outages into Python and summing them took seconds; PostgreSQL sums them in
one pass with the same conventions as `indices.sum_interruptions` (the reference):
interruptions counted where they start, hours clipped to the period and the as-of time,
momentary ones apart, limited supply times its share. Outages with a partial restoration
(a handful) are left to the Python path, which splits them per restored area.
`tests/integration/test_reliability_sql.py` checks both give the same sums on random
outages.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any, cast

from sqlalchemy import (
    and_,
    case,
    exists,
    func,
    literal,
    not_,
    or_,
    select,
)
from sqlmodel import Session

from gridconnect.services.context import Scope
from gridconnect.services.outages.indices import Key, Sums
from gridconnect.store.outage_tables import OutageAreaRow, OutageRow

OUTAGE = cast(Any, OutageRow).__table__
AREA = cast(Any, OutageAreaRow).__table__


def partly_restored() -> Any:
    """Outages with an area restored on its own (handled by the Python path)."""
    return exists().where(AREA.c.outage_id == OUTAGE.c.id, AREA.c.restored_at.is_not(None))


def sql_sums(
    session: Session,
    start: datetime,
    end: datetime,
    as_of: datetime,
    momentary_minutes: float,
    scope: Scope,
) -> dict[Key, Sums]:
    """Per key and kind, in one aggregate: the outages without partial restorations."""
    stop = func.least(func.coalesce(OUTAGE.c.end_at, literal(as_of)), literal(as_of))
    duration = func.extract("epoch", stop - OUTAGE.c.start_at)
    momentary = duration <= momentary_minutes * 60
    inside = func.greatest(
        func.extract(
            "epoch", func.least(stop, literal(end)) - func.greatest(OUTAGE.c.start_at, start)
        ),
        0,
    )
    starts_inside = OUTAGE.c.start_at >= start
    counted = and_(starts_inside, not_(momentary))
    statement = (
        select(
            OUTAGE.c.company,
            OUTAGE.c.city,
            OUTAGE.c.area_class,
            OUTAGE.c.kind,
            func.sum(case((counted, OUTAGE.c.customers), else_=0)),
            func.sum(case((counted, 1), else_=0)),
            func.sum(case((and_(starts_inside, momentary), OUTAGE.c.customers), else_=0)),
            func.sum(
                case(
                    (
                        not_(momentary),
                        inside / 3600.0 * OUTAGE.c.customers * OUTAGE.c.restricted_share,
                    ),
                    else_=0,
                )
            ),
        )
        .where(
            OUTAGE.c.start_at < end,
            OUTAGE.c.start_at < as_of,
            or_(OUTAGE.c.end_at.is_(None), OUTAGE.c.end_at > start),
            not_(partly_restored()),
        )
        .group_by(OUTAGE.c.company, OUTAGE.c.city, OUTAGE.c.area_class, OUTAGE.c.kind)
    )
    if scope.company is not None:
        statement = statement.where(OUTAGE.c.company == scope.company)
    if scope.cities is not None:
        statement = statement.where(OUTAGE.c.city.in_(scope.cities))
    sums: dict[Key, Sums] = defaultdict(Sums)
    for company, city, area_class, kind, ci, outages, mom, hours in session.execute(statement):
        if not (ci or mom or hours):
            continue  # only outages that count nowhere in this period
        row = sums[(company, city, area_class)]
        row.customer_interruptions += int(ci)
        row.outages += int(outages)
        row.momentary += int(mom)
        row.customer_hours += float(hours)
        row.by_kind[kind] += float(hours)
    return dict(sums)
