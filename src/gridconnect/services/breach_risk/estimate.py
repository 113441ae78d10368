"""The breach forecast: Kaplan–Meier over the working days finished clocks took.

For a group of finished clocks (same application kind, clock, city and company) let T be
the working days a clock ran, its customer-caused pauses removed. A running clock that has
used `e` working days has T ≥ e; it breaches when T exceeds its limit L. Kaplan–Meier gives

    P(T > L | T ≥ e) = ∏ over days t in [e, L] of (1 − d_t / n_t)

with d_t the clocks of the group that finished after exactly t working days and n_t those
that ran at least t (a cancelled clock is censored: it counts in n_t up to its last day,
never in d_t). Conditioning on e is what makes a clock that is already slow riskier than a
fresh one of the same group.

A group with fewer than `min_cases` clocks still at risk at e is too small to trust: the
forecast falls back to coarser groups (no company, then no city, then the clock alone) and
says which group it used and why.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class GroupKey:
    """What makes two clocks comparable: the application's kind, the clock, city, company."""

    kind: str
    clock: str
    city: str
    company: str


#: The groups tried in turn, finest first: (fields kept, how the basis names the group).
LEVELS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("kind", "clock", "city", "company"), "同城市同公司"),
    (("kind", "clock", "city"), "同城市"),
    (("kind", "clock", "company"), "全省同公司"),
    (("kind", "clock"), "全省"),
)


def _narrow(key: GroupKey, fields: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(getattr(key, name) for name in fields)


@dataclass(frozen=True)
class Finished:
    """A clock that ended: after how many working days, and whether it ran to its end."""

    key: GroupKey
    working_days: int
    completed: bool  # False: cancelled, so censored (it might have run longer)


@dataclass
class Survival:
    """The working days taken in one group, kept sorted as clocks are added."""

    durations: list[int] = field(default_factory=list)  # every clock, completed or not
    ends: Counter[int] = field(default_factory=Counter)  # completed clocks per duration

    def add(self, working_days: int, completed: bool) -> None:
        insort(self.durations, working_days)
        if completed:
            self.ends[working_days] += 1

    def at_risk(self, day: int) -> int:
        """How many clocks ran at least `day` working days."""
        return len(self.durations) - bisect_left(self.durations, day)

    def breach_probability(self, elapsed: int, limit: int) -> float:
        """P(T > limit | T ≥ elapsed); 1 when the clock is already past its limit."""
        if elapsed > limit:
            return 1.0
        survive = 1.0
        for day in range(max(elapsed, 0), limit + 1):
            ended = self.ends.get(day, 0)
            if ended:
                survive *= 1.0 - ended / self.at_risk(day)
        return survive


@dataclass(frozen=True)
class Forecast:
    """A clock's breach probability and the history it rests on, in words for the pages."""

    probability: float | None  # None: no comparable clock ran this long
    cases: int  # clocks of the group used that ran at least as long as this one has
    basis: str


class Forecaster:
    """Finished clocks grouped at every level; asked for the risk of one running clock."""

    def __init__(self, min_cases: int, history: Iterable[Finished] = ()) -> None:
        self.min_cases = min_cases
        self._groups: list[dict[tuple[str, ...], Survival]] = [{} for _ in LEVELS]
        for finished in history:
            self.add(finished)

    def add(self, finished: Finished) -> None:
        for groups, (fields, _) in zip(self._groups, LEVELS, strict=True):
            survival = groups.setdefault(_narrow(finished.key, fields), Survival())
            survival.add(finished.working_days, finished.completed)

    def forecast(self, key: GroupKey, elapsed: int, limit: int) -> Forecast:
        """The finest group with at least `min_cases` clocks at risk at `elapsed`."""
        if elapsed > limit:
            return Forecast(1.0, 0, "已超过时限")
        smaller: list[str] = []
        fallback: tuple[Survival, str, int] | None = None
        for groups, (fields, name) in zip(self._groups, LEVELS, strict=True):
            survival = groups.get(_narrow(key, fields))
            cases = survival.at_risk(elapsed) if survival is not None else 0
            if survival is not None and cases >= self.min_cases:
                prefix = f"{'、'.join(smaller)}样本不足，按" if smaller else "按"
                probability = survival.breach_probability(elapsed, limit)
                return Forecast(probability, cases, f"{prefix}{name}同类 {cases} 例")
            if survival is not None and cases > 0:
                fallback = (survival, name, cases)  # the coarsest, so the most cases
            smaller.append(f"{name}（{cases} 例）")
        if fallback is None:
            return Forecast(None, 0, "无同类历史")
        survival, name, cases = fallback
        probability = survival.breach_probability(elapsed, limit)
        basis = f"各级样本均不足 {self.min_cases} 例，按{name}同类 {cases} 例"
        return Forecast(probability, cases, basis)
