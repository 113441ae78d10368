"""A generated clock history with a known answer, reproducible from its seed.

Stage durations follow a log-normal spread around a typical share of the limit (most
clocks finish well inside it, a tail runs over), with each city a little faster or slower
than the province, a tenth of the clocks paused for customer time and a few cancelled.
One city is systematically slow in one stage (`SLOW`): a good forecast flags its running
clocks of that stage first. Limits are those of the shipped policy.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from gridconnect.config.vocabulary import City, Company
from gridconnect.services.breach_risk.backtest import ClockCase
from gridconnect.services.breach_risk.estimate import GroupKey

#: (application kind, clock, limit in working days, typical share of the limit used)
CLOCKS: tuple[tuple[str, str, int, float], ...] = (
    ("lv_residential", "stage:meter_install", 3, 0.45),
    ("lv_nonresidential", "stage:meter_install", 5, 0.5),
    ("hv", "stage:supply_plan", 15, 0.55),
    ("hv", "stage:design_review", 10, 0.5),
    ("hv", "stage:completion_inspection", 5, 0.55),
)
#: The city and clock that are slow (the typical share is multiplied by `SLOW_FACTOR`).
SLOW = (str(City.XIANYANG), "stage:supply_plan")
SLOW_FACTOR = 1.7
SPREAD = 0.45  # sigma of the log-normal: a realistic tail beyond the limit
PAUSED_SHARE = 0.1
CANCELLED_SHARE = 0.03


@dataclass(frozen=True)
class GeneratedHistory:
    cases: tuple[ClockCase, ...]
    days: int


def generate(seed: int, clocks: int, days: int) -> GeneratedHistory:
    """`clocks` clocks started uniformly over working days 0..days-1."""
    rng = random.Random(seed)
    cities = [str(city) for city in City]
    city_pace = {city: rng.uniform(0.85, 1.15) for city in cities}
    cases = []
    for _ in range(clocks):
        kind, clock, limit, share = rng.choice(CLOCKS)
        city = rng.choice(cities)
        company = str(rng.choice(list(Company)))
        pace = city_pace[city] * (SLOW_FACTOR if (city, clock) == SLOW else 1.0)
        typical = max(limit * share * pace, 0.5)
        taken = max(round(rng.lognormvariate(math.log(typical), SPREAD)), 0)
        start = rng.randrange(days)
        pauses: tuple[tuple[int, int | None], ...] = ()
        paused = 0
        if taken > 1 and rng.random() < PAUSED_SHARE:
            begin = start + rng.randrange(1, taken)
            paused = rng.randint(1, 5)
            pauses = ((begin, begin + paused),)
        completed = rng.random() >= CANCELLED_SHARE
        if not completed:
            taken = rng.randrange(taken + 1)
            pauses = tuple(p for p in pauses if p[0] < start + taken)
            paused = sum((p[1] or 0) - p[0] for p in pauses)
        end = start + taken + paused
        cases.append(
            ClockCase(
                key=GroupKey(kind, clock, city, company),
                limit=limit,
                start=start,
                end=end if end < days else None,
                completed=completed and end < days,
                pauses=pauses,
            )
        )
    return GeneratedHistory(cases=tuple(cases), days=days)
