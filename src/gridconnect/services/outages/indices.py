"""Reliability indices (DL/T 836.1, IEEE 1366 names beside them): a pure function.

Input: interruptions (one per outage, or one per restored area of a partially restored
outage), month-end customer counts, a period and an "as of" time. Output: one row per
(company, city, area class) and the rollups per city, company and province. No database,
no clock: `tests/unit/outages/test_indices_properties.py` checks it against a minute-by-
minute reference over random outages, and hand-computed cases pin the conventions:

- N (customers) = the mean of the month-end counts of the months the period touches; a key
  that has outages or counts in the period but misses a month is an error naming it.
- An interruption counts in the period where it starts (customer interruptions, momentary);
  its hours count wherever they fall: only the part inside the period, an ongoing one up to
  the as-of time (the period's end when that is earlier).
- An interruption not longer than `momentary_minutes` (whole duration) is momentary: counted
  apart (customers interrupted) and left out of the indices.
- Limited supply counts hours × its restricted share of load (equivalent duration).
- AIHC (SAIDI) = customer-hours / N; AITC (SAIFI) = customer interruptions / N;
  CAIDI = AIHC / AITC (null without interruptions); RS = (1 − AIHC / period hours) × 100.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

from gridconnect.errors import InvalidInput

Key = tuple[str, str, str]  # company, city, area class
DIGITS = 4


class MissingCustomerCount(InvalidInput):
    code = "missing_customer_count"


class Interruption(NamedTuple):
    """One interruption (a NamedTuple: a year of a province is 200,000 of them)."""

    company: str
    city: str
    area_class: str
    kind: str  # planned, fault, limited
    customers: int
    start: datetime
    end: datetime | None  # None: ongoing
    share: float = 1.0  # the restricted share of load (limited supply), else 1

    @property
    def key(self) -> Key:
        return (self.company, self.city, self.area_class)


@dataclass
class Sums:
    """What adds up across keys; the indices are derived from it."""

    customers: float = 0.0
    customer_interruptions: int = 0
    customer_hours: float = 0.0
    momentary: int = 0
    by_kind: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    outages: int = 0

    def add(self, other: Sums) -> None:
        self.customers += other.customers
        self.customer_interruptions += other.customer_interruptions
        self.customer_hours += other.customer_hours
        self.momentary += other.momentary
        self.outages += other.outages
        for kind, hours in other.by_kind.items():
            self.by_kind[kind] += hours

    def aihc(self) -> float | None:
        return self.customer_hours / self.customers if self.customers else None

    def aitc(self) -> float | None:
        return self.customer_interruptions / self.customers if self.customers else None


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, DIGITS)


def figures(sums: Sums, period_hours: float) -> dict[str, float | int | None]:
    """The indices of a sum, rounded as the report's contract says."""
    aihc, aitc = sums.aihc(), sums.aitc()
    caidi = aihc / aitc if aihc is not None and aitc else None
    rs = (1 - aihc / period_hours) * 100 if aihc is not None and period_hours > 0 else None
    return {
        "customers": _round(sums.customers),
        "outages": sums.outages,
        "customer_interruptions": sums.customer_interruptions,
        "customer_hours": _round(sums.customer_hours),
        "momentary": sums.momentary,
        "aihc_hours": _round(aihc),
        "aitc": _round(aitc),
        "caidi_hours": _round(caidi),
        "rs_percent": _round(rs),
        "planned_customer_hours": _round(sums.by_kind.get("planned", 0.0)),
        "fault_customer_hours": _round(sums.by_kind.get("fault", 0.0)),
        "limited_customer_hours": _round(sums.by_kind.get("limited", 0.0)),
    }


def hours_inside(
    interruption: Interruption, start: datetime, end: datetime, as_of: datetime
) -> float:
    """Hours of the interruption inside [start, end), an ongoing one up to `as_of`."""
    stop = interruption.end if interruption.end is not None else as_of
    stop = min(stop, as_of)
    seconds = (min(stop, end) - max(interruption.start, start)).total_seconds()
    return max(seconds, 0.0) / 3600


def is_momentary(interruption: Interruption, as_of: datetime, momentary_minutes: float) -> bool:
    stop = interruption.end if interruption.end is not None else as_of
    return (min(stop, as_of) - interruption.start).total_seconds() <= momentary_minutes * 60


def sum_interruptions(
    interruptions: Iterable[Interruption],
    start: datetime,
    end: datetime,
    as_of: datetime,
    momentary_minutes: float,
) -> dict[Key, Sums]:
    """Per key: interruptions, momentary ones and customer-hours inside [start, end)."""
    sums: dict[Key, Sums] = defaultdict(Sums)
    for item in interruptions:
        if item.start >= end or item.start >= as_of:
            continue
        momentary = is_momentary(item, as_of, momentary_minutes)
        starts_inside = start <= item.start
        if momentary:
            if starts_inside:
                sums[item.key].momentary += item.customers
            continue
        hours = hours_inside(item, start, end, as_of)
        if not starts_inside and hours <= 0:
            continue
        row = sums[item.key]
        if starts_inside:
            row.customer_interruptions += item.customers
            row.outages += 1
        customer_hours = hours * item.customers * item.share
        row.customer_hours += customer_hours
        row.by_kind[item.kind] += customer_hours
    return sums


def mean_customers(
    keys: Iterable[Key], months: list[str], counts: Mapping[tuple[Key, str], int]
) -> tuple[dict[Key, float], list[str]]:
    """N per key, and every (key, month) without a count, named."""
    means: dict[Key, float] = {}
    missing: list[str] = []
    for key in sorted(set(keys)):
        values = []
        for month in months:
            value = counts.get((key, month))
            if value is None:
                missing.append(f"{key[0]} {key[1]} {key[2]} {month}")
            else:
                values.append(value)
        means[key] = sum(values) / len(months) if len(values) == len(months) else 0.0
    return means, missing


def period_sums(
    interruptions: Iterable[Interruption],
    counts: Mapping[tuple[Key, str], int],
    months: list[str],
    start: datetime,
    end: datetime,
    as_of: datetime,
    momentary_minutes: float,
    strict: bool = True,
) -> dict[Key, Sums]:
    """Sums per key with N filled in; with `strict`, a missing month count is an error."""
    sums = sum_interruptions(interruptions, start, end, as_of, momentary_minutes)
    return with_customers(sums, counts, months, strict)


def with_customers(
    sums: Mapping[Key, Sums],
    counts: Mapping[tuple[Key, str], int],
    months: list[str],
    strict: bool = True,
) -> dict[Key, Sums]:
    """N (the mean month-end count) filled into each key's sums; keys with counts but no
    interruption get empty sums."""
    month_set = set(months)
    keys = set(sums) | {key for key, month in counts if month in month_set}
    means, missing = mean_customers(keys, months, counts)
    if missing and strict:
        raise MissingCustomerCount(
            f"no month-end customer count for {len(missing)} month(s): "
            + "; ".join(missing[:20])
            + (" …" if len(missing) > 20 else ""),
            [{"field": "customers", "message": f"no count for {m}"} for m in missing],
        )
    result: dict[Key, Sums] = {}
    for key in keys:
        row = sums.get(key) or Sums()
        row.customers = means[key]
        result[key] = row
    return result


def merge(into: dict[Key, Sums], other: Mapping[Key, Sums]) -> dict[Key, Sums]:
    for key, sums in other.items():
        into.setdefault(key, Sums()).add(sums)
    return into


def rollup(sums: Mapping[Key, Sums], level: str) -> dict[tuple[str, ...], Sums]:
    """Sums added up per city (both companies), per company or for the whole province."""
    position = {"city": (1,), "company": (0,), "province": ()}[level]
    result: dict[tuple[str, ...], Sums] = defaultdict(Sums)
    for key in sorted(sums):
        result[tuple(key[i] for i in position)].add(sums[key])
    return dict(result)
