"""The few SQL fragments that differ between PostgreSQL and SQLite, and percentiles.

Working days between two instants are `ordinal(local end date) - ordinal(local start date)`
from `calendar_day`; the local (Asia/Shanghai) date is computed in SQL. China has no
daylight saving time, so on SQLite the date is simply `date(ts, '+8 hours')`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, text

from gridconnect.services.context import Scope
from gridconnect.store.types import UtcDateTime
from gridconnect.timesource import as_utc

PERCENTILES = (0.5, 0.9)


@dataclass(frozen=True)
class Dialect:
    name: str

    @property
    def postgres(self) -> bool:
        return self.name == "postgresql"

    def local_date(self, column: str) -> str:
        if self.postgres:
            return f"(({column}) AT TIME ZONE 'Asia/Shanghai')::date"
        return f"date({column}, '+8 hours')"

    def days_between(self, start_date: str, end_date: str) -> str:
        """Calendar days from one DATE expression to another."""
        if self.postgres:
            return f"(({end_date}) - ({start_date}))"
        return f"CAST(julianday({end_date}) - julianday({start_date}) AS INTEGER)"

    def json_text(self, column: str, key: str) -> str:
        if self.postgres:
            return f"({column} ->> '{key}')"
        return f"json_extract({column}, '$.{key}')"

    def ordinal(self, date_sql: str) -> str:
        """The working-day ordinal of a DATE expression (a scalar subquery)."""
        return f"(SELECT workday_ordinal FROM calendar_day WHERE day = {date_sql})"


def prepare(connection: Connection) -> None:
    """Per-report session settings. PostgreSQL's JIT compiles these short queries for longer
    than they run (about 60 ms a query, measured), so it is off for the report's transaction."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SET LOCAL jit = off"))


def scope_filter(scope: Scope, alias: str = "a") -> tuple[str, dict[str, Any]]:
    """SQL conditions (leading AND) and parameters restricting rows to a caller's scope."""
    sql, params = "", dict[str, Any]()
    if scope.company is not None:
        sql += f" AND {alias}.company = :scope_company"
        params["scope_company"] = scope.company
    if scope.cities is not None:
        sql += f" AND {alias}.city IN :scope_cities"
        params["scope_cities"] = list(scope.cities) or ["\x00"]
    return sql, params


def run(connection: Connection, sql: str, params: Mapping[str, Any]) -> list[Any]:
    """Execute `sql` with instants bound as UTC columns and lists as expanding IN."""
    statement = text(sql)
    binds: list[Any] = []
    used = {k: v for k, v in params.items() if re.search(rf":{k}\b", sql)}
    for name, value in used.items():
        if isinstance(value, list):
            binds.append(bindparam(name, expanding=True))
        elif hasattr(value, "tzinfo"):
            binds.append(bindparam(name, type_=UtcDateTime()))
    statement = statement.bindparams(*binds)
    result = connection.execute(statement, used)
    return list(result) if result.returns_rows else []


def instant(value: Any) -> str | None:
    """An ISO instant from a raw column (SQLite hands text back to `text()` queries)."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return as_utc(value).isoformat()


@dataclass(frozen=True)
class Distribution:
    count: int
    mean: float | None
    median: float | None
    p90: float | None

    def as_dict(self) -> dict[str, Any]:
        return {"mean": _round(self.mean), "median": _round(self.median), "p90": _round(self.p90)}


EMPTY = Distribution(0, None, None, None)


def _round(value: float | None) -> float | None:
    return None if value is None else round(float(value), 2)


def distributions(
    connection: Connection,
    dialect: Dialect,
    base_sql: str,
    params: Mapping[str, Any],
    value: str,
    keys: Sequence[str],
) -> dict[tuple[Any, ...], Distribution]:
    """Count, mean, median and 90th percentile of `value` in `base_sql`, grouped by `keys`.

    Percentiles interpolate linearly between the two nearest ranks (`percentile_cont`).
    SQLite has no percentile function: there each value is ranked with window functions and
    the two ranks around the wanted position are weighted, which is the same definition.
    """
    cols = ", ".join(keys)
    select_keys = f"{cols}, " if keys else ""
    group = f"GROUP BY {cols}" if keys else ""
    if dialect.postgres:
        pct = ", ".join(f"percentile_cont({p}) WITHIN GROUP (ORDER BY v)" for p in PERCENTILES)
        sql = (
            f"WITH base AS ({base_sql}), vals AS (SELECT {select_keys}{value} AS v FROM base) "
            f"SELECT {select_keys}count(v), avg(v), {pct} FROM vals WHERE v IS NOT NULL {group}"
        )
    else:
        part = f"PARTITION BY {cols}" if keys else ""
        picks = []
        for p in PERCENTILES:
            h = f"({p} * (n - 1))"
            lo = f"CAST({h} AS INTEGER)"
            picks.append(
                f"SUM(CASE WHEN i = {lo} THEN v * (1 - ({h} - {lo})) "
                f"WHEN i = {lo} + 1 THEN v * ({h} - {lo}) ELSE 0 END)"
            )
        sql = (
            f"WITH base AS ({base_sql}), vals AS (SELECT {select_keys}{value} AS v FROM base), "
            f"ranked AS (SELECT {select_keys}v, "
            f"row_number() OVER ({part} ORDER BY v) - 1 AS i, count(*) OVER ({part}) AS n "
            f"FROM vals WHERE v IS NOT NULL) "
            f"SELECT {select_keys}max(n), avg(v), {', '.join(picks)} FROM ranked {group}"
        )
    result: dict[tuple[Any, ...], Distribution] = {}
    for row in run(connection, sql, params):
        key = tuple(row[: len(keys)])
        count, mean, *pcts = row[len(keys) :]
        if count:
            result[key] = Distribution(int(count), float(mean), *(float(x) for x in pcts))
    return result
