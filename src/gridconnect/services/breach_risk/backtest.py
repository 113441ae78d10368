"""Replaying a history day by day: what the forecast flagged, what breached, how early.

Everything here counts in working-day ordinals (day 0 is any working day, day n the n-th
after it), so the same replay runs over clocks read from the database (`history`) and over
a generated history (`generated`).

For every working day D of the window, the forecaster knows only the clocks that finished
before D; every clock running on D that has not yet passed its limit is given its breach
probability, and flagged when it reaches the threshold before the day the fixed warning
fires (as the "at risk" alert is raised only before it). A clock is judged once its outcome
is known: it finished (late or not) or is still running past its limit at the end of the
data. Cancelled clocks and clocks still running inside their limit are left out.

* precision: of the judged clocks the forecast flagged, the share that breached;
* recall: of the judged clocks that breached, the share flagged before the fixed warning;
* notice gained: for each breach flagged, the working days from its first flag to the day
  the fixed warning fires (`warn_working_days` before the due); the median is reported.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from gridconnect.services.breach_risk.estimate import Finished, Forecaster, GroupKey


@dataclass(frozen=True)
class ClockCase:
    """One clock in working-day ordinals. A pause (f, t) holds the working days in (f, t]."""

    key: GroupKey
    limit: int
    start: int
    end: int | None  # the day it stopped; None while running
    completed: bool  # stopped as done (on time or late); False when cancelled or running
    pauses: tuple[tuple[int, int | None], ...] = ()

    def elapsed_at(self, day: int) -> int:
        """Working days used by `day`, paused days removed (as the clock reading counts)."""
        until = day if self.end is None else min(day, self.end)
        paused = 0
        for begin, finish in self.pauses:
            stop = until if finish is None else min(finish, until)
            paused += max(stop - max(begin, self.start), 0)
        return max(until - self.start - paused, 0)

    def paused_total(self, day: int) -> int:
        return sum(max((day if f is None else min(f, day)) - b, 0) for b, f in self.pauses)

    def due_day(self, day: int) -> int:
        """The last working day of the limit, pushed by the pauses known on `day`."""
        return self.start + self.limit + self.paused_total(day)


@dataclass(frozen=True)
class BacktestResult:
    days: int
    judged: int
    breached: int
    flagged: int
    true_positives: int
    warned: int  # judged clocks the fixed warning reached
    warned_breached: int
    notice_gained: tuple[int, ...]  # per breach flagged, working days before the warning

    @property
    def precision(self) -> float | None:
        return self.true_positives / self.flagged if self.flagged else None

    @property
    def recall(self) -> float | None:
        return self.true_positives / self.breached if self.breached else None

    @property
    def warning_precision(self) -> float | None:
        return self.warned_breached / self.warned if self.warned else None

    @property
    def median_notice_gained(self) -> float | None:
        return statistics.median(self.notice_gained) if self.notice_gained else None

    def summary(self) -> dict[str, object]:
        def share(value: float | None) -> float | None:
            return round(value, 3) if value is not None else None

        return {
            "days": self.days,
            "clocks_judged": self.judged,
            "breached": self.breached,
            "flagged": self.flagged,
            "flagged_and_breached": self.true_positives,
            "precision": share(self.precision),
            "recall": share(self.recall),
            "median_working_days_gained": self.median_notice_gained,
            "fixed_warning_precision": share(self.warning_precision),
        }


def _outcome(case: ClockCase, last_day: int) -> bool | None:
    """True: breached; False: finished in time; None: not judged (cancelled or open)."""
    if case.end is not None:
        if not case.completed:
            return None
        return case.elapsed_at(case.end) > case.limit
    return True if case.elapsed_at(last_day) > case.limit else None


def backtest(
    cases: Sequence[ClockCase],
    first_day: int,
    last_day: int,
    threshold: float,
    min_cases: int,
    warn_working_days: int,
    progress: Iterable[int] | None = None,
) -> BacktestResult:
    """Replay days `first_day`..`last_day`; judge the clocks running in that window.

    `progress`, when given, is advanced once per day (a rich progress bar's iterator).
    """
    finished = sorted((c for c in cases if c.end is not None), key=lambda c: c.end or 0)
    starting = sorted(range(len(cases)), key=lambda i: cases[i].start)
    forecaster = Forecaster(min_cases)
    fed = started = 0
    running: set[int] = set()
    first_flag: dict[int, int] = {}
    ticker = iter(progress) if progress is not None else None
    for day in range(first_day, last_day + 1):
        while fed < len(finished) and (finished[fed].end or 0) < day:
            done = finished[fed]
            forecaster.add(Finished(done.key, done.elapsed_at(day), done.completed))
            fed += 1
        while started < len(starting) and cases[starting[started]].start <= day:
            running.add(starting[started])
            started += 1
        for index in sorted(running):
            case = cases[index]
            elapsed = case.elapsed_at(day)
            if (case.end is not None and case.end < day) or elapsed > case.limit:
                running.discard(index)  # over, or breached already
                continue
            if day >= case.due_day(day) - warn_working_days:
                continue  # the fixed warning has fired: a flag now would gain nothing
            forecast = forecaster.forecast(case.key, elapsed, case.limit)
            if forecast.probability is not None and forecast.probability >= threshold:
                first_flag[index] = day
                running.discard(index)
        if ticker is not None:
            next(ticker, None)
    return _judge(cases, first_day, last_day, first_flag, warn_working_days)


def _judge(
    cases: Sequence[ClockCase],
    first_day: int,
    last_day: int,
    first_flag: dict[int, int],
    warn_working_days: int,
) -> BacktestResult:
    judged = breached = flagged = hits = warned = warned_breached = 0
    gained: list[int] = []
    for index, case in enumerate(cases):
        if not first_day <= case.start <= last_day:
            continue
        outcome = _outcome(case, last_day)
        if outcome is None:
            continue
        judged += 1
        breached += outcome
        warn_day = case.due_day(case.end if case.end is not None else last_day) - warn_working_days
        reached_warning = case.end is None or case.end >= warn_day
        warned += reached_warning
        warned_breached += reached_warning and outcome
        if index in first_flag:
            flagged += 1
            if outcome:
                hits += 1
                gained.append(warn_day - first_flag[index])
    return BacktestResult(
        days=last_day - first_day + 1,
        judged=judged,
        breached=breached,
        flagged=flagged,
        true_positives=hits,
        warned=warned,
        warned_breached=warned_breached,
        notice_gained=tuple(gained),
    )
