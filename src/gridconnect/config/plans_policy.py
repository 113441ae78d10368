"""Supply plans, cost and capacity in the policy (L27, L36–L45, L52), as frozen domain data.

Three things the company sets and publishes: the largest low-voltage capacity it connects in
each city on each date (L36, L41: pilots raise it step by step), the catalogue of the charge
items it may ask a customer to pay (收费项目目录清单, L42, L52) with whether each falls inside
the grid's investment boundary (L37–L39), and which fields of its open-capacity register it
publishes (可开放容量, L52). Kept apart from `policy_model` so that the SLA policy stays small.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


def _in_force(on: date, start: date, until: date | None) -> bool:
    return start <= on and (until is None or on <= until)


@dataclass(frozen=True)
class LvCapacityCeiling:
    """The largest LV capacity (kW) connected in a city (None: the province) from a date."""

    in_force_from: date
    in_force_until: date | None
    max_capacity_kw: float
    source: str
    city: str | None = None

    def covers(self, city: str, on: date) -> bool:
        return _in_force(on, self.in_force_from, self.in_force_until) and (
            self.city is None or self.city == city
        )


def lv_ceiling(
    ceilings: tuple[LvCapacityCeiling, ...], city: str, on: date
) -> LvCapacityCeiling | None:
    """The ceiling in force: a pilot city's own wins over the province's; None = no ceiling."""
    found = [c for c in ceilings if c.covers(city, on)]
    own = [c for c in found if c.city == city]
    chosen = own or found
    return max(chosen, key=lambda c: c.in_force_from) if chosen else None


@dataclass(frozen=True)
class ChargeItem:
    """One permitted charge item of the published catalogue."""

    code: str
    name: str
    basis: str  # the price authority's document the charge rests on
    unit: str  # 元/kVA, 元/次 ...
    amount_yuan: float  # per unit
    source: str  # ledger items
    in_force_from: date
    in_force_until: date | None
    #: inside the grid's investment boundary (L39): never charged to residential or 三零
    inside_investment_boundary: bool

    def in_force(self, on: date) -> bool:
        return _in_force(on, self.in_force_from, self.in_force_until)


#: fields of the open-capacity register a company may publish (L52), each behind a switch
PUBLISHABLE_CAPACITY_FIELDS = (
    "substation",
    "feeder",
    "available_kva",
    "restricted",
    "restriction_reason",
    "expected_relief_on",
)


@dataclass(frozen=True)
class CapacityPublication:
    """Which open-capacity fields the public page and API show (city and area always)."""

    published: frozenset[str] = frozenset(PUBLISHABLE_CAPACITY_FIELDS)
