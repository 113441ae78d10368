"""The reliability report: indices per (company, city, area class) against the policy's targets.

Loads the outages that touch the period (one query, plus one for partially restored areas)
and the month-end counts (imported counts win over the registry's, key by key), then hands
them to the pure `indices` functions. The JSON is the `gridconnect reliability report`
contract; CSV and XLSX are renderings of it (`render.py`).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Any, cast

from sqlalchemy import DateTime, Engine, func, or_, select, true, tuple_, type_coerce
from sqlmodel import Session

from gridconnect.config.reliability import ReliabilityPolicy
from gridconnect.config.vocabulary import AreaClass, City, Company
from gridconnect.services.context import EVERYTHING, Scope
from gridconnect.services.outages.indices import (
    Interruption,
    Key,
    Sums,
    figures,
    merge,
    rollup,
    sum_interruptions,
    with_customers,
)
from gridconnect.services.outages.periods import ReliabilityPeriod
from gridconnect.services.outages.sql_sums import partly_restored, sql_sums
from gridconnect.services.outages.zones import zone_rows
from gridconnect.store.outage_tables import (
    CustomerAccountRow,
    CustomerCountRow,
    OutageAreaRow,
    OutageRow,
)
from gridconnect.timesource import as_utc

OUTAGE = cast(Any, OutageRow).__table__
AREA = cast(Any, OutageAreaRow).__table__
COUNT = cast(Any, CustomerCountRow).__table__
ACCOUNT = cast(Any, CustomerAccountRow).__table__


def _scoped(statement: Any, table: Any, scope: Scope) -> Any:
    if scope.company is not None:
        statement = statement.where(table.c.company == scope.company)
    if scope.cities is not None:
        statement = statement.where(table.c.city.in_(scope.cities))
    return statement


def load_interruptions(
    session: Session,
    start: datetime,
    end: datetime,
    scope: Scope = EVERYTHING,
    only_partial: bool = False,
) -> list[Interruption]:
    """Every interruption touching [start, end): one per outage, or one per area restored
    apart plus the rest of the outage."""
    # Read the instants as the driver gives them (aware on PostgreSQL): the column type's
    # per-value conversion was a third of a province's yearly report.
    postgres = session.get_bind().dialect.name == "postgresql"
    rows = session.execute(
        _scoped(
            select(
                OUTAGE.c.id,
                OUTAGE.c.company,
                OUTAGE.c.city,
                OUTAGE.c.area_class,
                OUTAGE.c.kind,
                OUTAGE.c.customers,
                type_coerce(OUTAGE.c.start_at, DateTime(timezone=True)),
                type_coerce(OUTAGE.c.end_at, DateTime(timezone=True)),
                OUTAGE.c.restricted_share,
            ).where(
                OUTAGE.c.start_at < end,
                or_(OUTAGE.c.end_at.is_(None), OUTAGE.c.end_at > start),
                partly_restored() if only_partial else true(),
            ),
            OUTAGE,
            scope,
        )
    ).all()
    partial: dict[int, list[tuple[int, datetime]]] = defaultdict(list)
    restored = session.execute(
        select(AREA.c.outage_id, AREA.c.customers, AREA.c.restored_at)
        .join(OUTAGE, OUTAGE.c.id == AREA.c.outage_id)
        .where(
            AREA.c.restored_at.is_not(None),
            OUTAGE.c.start_at < end,
            or_(OUTAGE.c.end_at.is_(None), OUTAGE.c.end_at > start),
        )
    ).all()
    for outage_id, customers, restored_at in restored:
        partial[outage_id].append((customers, as_utc(restored_at)))
    result: list[Interruption] = []
    for outage_id, company, city, area_class, kind, customers, begin, finish, share in rows:
        if not postgres:
            begin = as_utc(begin)
            finish = as_utc(finish) if finish is not None else None
        remaining = customers
        for restored_customers, restored_at in partial.get(outage_id, ()):
            if finish is not None and restored_at >= finish:
                continue
            remaining -= restored_customers
            result.append(
                Interruption(
                    company, city, area_class, kind, restored_customers, begin, restored_at,
                    share,
                )
            )  # fmt: skip
        if remaining > 0:
            result.append(
                Interruption(company, city, area_class, kind, remaining, begin, finish, share)
            )
    return result


def _month_end(month: str) -> date:
    year, number = int(month[:4]), int(month[5:])
    following = date(year + (number == 12), number % 12 + 1, 1)
    return following - timedelta(days=1)


def _scope_keys(scope: Scope) -> list[Key]:
    """Every (company, city, area class) the vocabulary allows inside the scope."""
    return [
        (company.value, city.value, area_class.value)
        for company in Company
        for city in City
        for area_class in AreaClass
        if scope.admits(company.value, city.value)
    ]


def load_counts(
    session: Session, months: list[str], scope: Scope = EVERYTHING
) -> dict[tuple[Key, str], int]:
    """Month-end customers per (key, month): imported counts win over the registry's.

    The registry is read only for the keys the imported counts do not cover for every
    month (a province that imports counts never scans its 20 million accounts)."""
    counts: dict[tuple[Key, str], int] = {}
    if not months:
        return counts
    imported = session.execute(
        _scoped(
            select(
                COUNT.c.company, COUNT.c.city, COUNT.c.area_class, COUNT.c.month,
                COUNT.c.customers,
            ).where(COUNT.c.month.in_(months)),
            COUNT,
            scope,
        )
    ).all()  # fmt: skip
    covered: dict[Key, int] = defaultdict(int)
    for company, city, area_class, month, customers in imported:
        counts[((company, city, area_class), month)] = customers
        covered[(company, city, area_class)] += 1
    wanted = [key for key in _scope_keys(scope) if covered.get(key, 0) < len(months)]
    if not wanted:
        return counts
    key_columns = (ACCOUNT.c.company, ACCOUNT.c.city, ACCOUNT.c.area_class)
    statement = (
        select(*key_columns, ACCOUNT.c.connected_on, func.count())
        .where(ACCOUNT.c.connected_on <= _month_end(months[-1]))
        .group_by(*key_columns, ACCOUNT.c.connected_on)
    )
    if len(wanted) < len(_scope_keys(EVERYTHING)):
        statement = statement.where(tuple_(*key_columns).in_(wanted))
    by_key: dict[Key, list[tuple[str, int]]] = defaultdict(list)
    for company, city, area_class, connected_on, count in session.execute(
        _scoped(statement, ACCOUNT, scope)
    ):
        by_key[(company, city, area_class)].append((f"{connected_on:%Y-%m}", count))
    for key, connections in by_key.items():
        for month in months:
            counts.setdefault((key, month), sum(n for m, n in connections if m <= month))
    return counts


def _sums_for(
    session: Session,
    period: ReliabilityPeriod,
    as_of: datetime,
    momentary_minutes: float,
    scope: Scope,
    strict: bool,
) -> dict[Key, Sums]:
    """On PostgreSQL the database sums the outages (the Python path takes the partly
    restored ones); on SQLite Python sums them all."""
    months = period.months()
    cut = min(as_of, period.end)
    postgres = session.get_bind().dialect.name == "postgresql"
    python_part = sum_interruptions(
        load_interruptions(session, period.start, period.end, scope, only_partial=postgres),
        period.start,
        period.end,
        cut,
        momentary_minutes,
    )
    if postgres:
        database_part = sql_sums(session, period.start, period.end, cut, momentary_minutes, scope)
        python_part = merge(database_part, python_part)
    return with_customers(python_part, load_counts(session, months, scope), months, strict)


def _change(aihc: float | None, previous: float | None) -> float | None:
    if aihc is None or not previous:
        return None
    return round((aihc - previous) / previous * 100, 4)


def _judge(
    policy: ReliabilityPolicy,
    period: ReliabilityPeriod,
    key: Key,
    aihc: float | None,
    previous: float | None,
) -> dict[str, Any]:
    """Target, its item and whether it is met: only a year is judged."""
    if period.kind != "year":
        return {"target_hours": None, "target_item": None, "met": None}
    target = policy.target_for(key[1], key[2], period.year)
    rule = policy.year_on_year_for(period.year)
    if (target is None and rule is None) or aihc is None:
        return {"target_hours": target[0] if target else None, "target_item": None, "met": None}
    met_ceiling = target is not None and round(aihc, 4) <= target[0]
    met_trend = (
        rule is not None and previous is not None and aihc <= rule.share_of_previous * previous
    )
    items = [target[1]] if target else []
    if rule is not None and rule.item not in items:
        items.append(rule.item)
    return {
        "target_hours": target[0] if target else None,
        "target_item": ", ".join(items),
        "met": bool(met_ceiling or met_trend),
    }


def reliability_report(
    engine: Engine,
    policy: ReliabilityPolicy,
    period: ReliabilityPeriod,
    as_of: datetime,
    scope: Scope = EVERYTHING,
    strict: bool = True,
) -> dict[str, Any]:
    """The report of `period` (to `as_of` when it falls inside it). Not `strict`: a key
    missing a month's count gets no indices instead of failing the whole report."""
    period = period.as_of(as_of)
    as_of = as_utc(as_of)
    before = period.year_before()
    with Session(engine) as session:
        current = _sums_for(session, period, as_of, policy.momentary_minutes, scope, strict)
        previous = _sums_for(session, before, as_of, policy.momentary_minutes, scope, False)
        zones = zone_rows(session, policy, period, as_of, scope)
    rows = []
    for key in sorted(current):
        sums = current[key]
        row: dict[str, Any] = {"company": key[0], "city": key[1], "area_class": key[2]}
        row.update(figures(sums, period.hours))
        last = previous.get(key)
        previous_aihc = last.aihc() if last is not None else None
        row["previous_aihc_hours"] = None if previous_aihc is None else round(previous_aihc, 4)
        row["change_percent"] = _change(sums.aihc(), previous_aihc)
        row.update(_judge(policy, period, key, sums.aihc(), previous_aihc))
        row.update(_budget(period, row))
        rows.append(row)
    rollups: dict[str, list[dict[str, Any]]] = {}
    for level, names in (("city", ("city",)), ("company", ("company",)), ("province", ())):
        rollups[level] = [
            dict(zip(names, group, strict=True)) | figures(sums, period.hours)
            for group, sums in sorted(rollup(current, level).items())
        ]
    return {
        "period": {
            "label": period.label,
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
            "hours": round(period.hours, 4),
        },
        "as_of": as_of.isoformat(),
        "rows": rows,
        "rollups": rollups,
        "zones": zones,
    }


def _budget(period: ReliabilityPeriod, row: dict[str, Any]) -> dict[str, Any]:
    """Year to date: the share of the yearly target used against the share of year gone."""
    target, aihc = row.get("target_hours"), row.get("aihc_hours")
    if period.kind != "year" or period.cut is None or not target or aihc is None:
        return {"budget_used_percent": None, "year_elapsed_percent": None}
    return {
        "budget_used_percent": round(aihc / target * 100, 4),
        "year_elapsed_percent": round(period.hours / period.full_hours * 100, 4),
    }


def ledger_section(
    engine: Engine,
    policy: ReliabilityPolicy,
    kind: str,
    label: str,
    first: date,
    last: date,
    as_of: datetime,
    scope: Scope = EVERYTHING,
) -> dict[str, Any]:
    """The outage figures of the monthly statistics and quarterly analysis (L55): per city
    and area class, planned vs fault, the indices; keys missing a count get no indices."""
    period = ReliabilityPeriod(kind, label, first, last)
    if as_of <= period.start:
        return {"rows": [], "province": []}
    report = reliability_report(engine, policy, period, as_of, scope, strict=False)
    return {"rows": report["rows"], "province": report["rollups"]["province"]}
