"""Benchmark `WorkingCalendar.add_working_days` against day-by-day stepping and numpy.

Run by hand:  .venv/bin/python bench/bench_calendar.py

100,000 random (date, n) pairs (date uniform in 2020-01-01..2026-06-30, n in 1..30, fixed
seed). Every method must give the same answer on every pair. Timings are per call, the
median of 5 batches:
  * ours, numpy per call: 5 runs over all 100,000 pairs;
  * chinesecalendar stepping (about 0.3 ms a pair): the pairs split into 5 batches of 20,000,
    so all pairs are checked exactly once;
  * numpy vectorised: 5 runs of one busday_offset call over all pairs.
numpy cannot express working weekend days through a weekmask, so it gets weekmask
'1111111' and every non-working day of the range as a holiday. busday_offset(d, n,
roll='backward') is then "the n-th working day strictly after d": a non-working d rolls back
to the last working day before it, from which the n-th working day is the same. (With
roll='forward' a non-working d would roll onto its first working day after and n-1 must be
used instead; that variant is checked too.)
"""

from __future__ import annotations

import platform
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta

import chinese_calendar
import numpy as np

from gridconnect.calendar import load_calendar

PAIRS = 100_000
SEED = 20_260_928
REPEATS = 5
FIRST, LAST = date(2020, 1, 1), date(2026, 6, 30)


def make_pairs() -> list[tuple[date, int]]:
    rng = random.Random(SEED)
    span = (LAST - FIRST).days
    return [
        (FIRST + timedelta(days=rng.randint(0, span)), rng.randint(1, 30)) for _ in range(PAIRS)
    ]


def stepping(day: date, n: int) -> date:
    while n:
        day += timedelta(days=1)
        if chinese_calendar.is_workday(day):
            n -= 1
    return day


def per_call(
    function: Callable[[list[tuple[date, int]]], list[date]], batches
) -> tuple[float, list[date]]:
    """Median seconds per pair over the batches, and the answers of the last full pass."""
    timings, answers = [], []
    for batch in batches:
        start = time.perf_counter()
        answers_batch = function(batch)
        timings.append((time.perf_counter() - start) / len(batch))
        answers = answers_batch if len(batch) == PAIRS else answers + answers_batch
    return statistics.median(timings), answers


def main() -> None:
    pairs = make_pairs()
    calendar = load_calendar()

    # numpy calendar: every day is a "business day" except our non-working days.
    horizon = date(2027, 12, 31)
    off = [
        FIRST + timedelta(days=i)
        for i in range((horizon - FIRST).days + 1)
        if not calendar.is_workday(FIRST + timedelta(days=i))
    ]
    busdays = np.busdaycalendar(weekmask="1111111", holidays=np.array(off, dtype="datetime64[D]"))
    starts = np.array([d for d, _ in pairs], dtype="datetime64[D]")
    counts = np.array([n for _, n in pairs], dtype=np.int64)

    def ours(batch):
        add = calendar.add_working_days
        return [add(d, n).value for d, n in batch]

    def step(batch):
        return [stepping(d, n) for d, n in batch]

    def numpy_each(batch):
        offset, cal, d64 = np.busday_offset, busdays, np.datetime64
        return [offset(d64(d, "D"), n, roll="backward", busdaycal=cal).item() for d, n in batch]

    full = [pairs] * REPEATS
    fifths = [pairs[i * PAIRS // REPEATS : (i + 1) * PAIRS // REPEATS] for i in range(REPEATS)]
    t_ours, a_ours = per_call(ours, full)
    t_numpy, a_numpy = per_call(numpy_each, full)
    vector_times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        vector = np.busday_offset(starts, counts, roll="backward", busdaycal=busdays)
        vector_times.append((time.perf_counter() - start) / PAIRS)
    t_vector = statistics.median(vector_times)
    working = np.is_busday(starts, busdaycal=busdays)
    forward_n = np.where(working, counts, counts - 1)
    forward = np.busday_offset(starts, forward_n, roll="forward", busdaycal=busdays)
    t_step, a_step = per_call(step, fifths)

    assert a_ours == a_step, "ours and chinesecalendar stepping disagree"
    assert a_ours == a_numpy, "ours and numpy (per call) disagree"
    assert a_ours == vector.astype(object).tolist(), "ours and numpy (vectorised) disagree"
    assert (vector == forward).all(), "numpy roll='backward' and roll='forward' variants disagree"

    rows = [
        ("ours: WorkingCalendar.add_working_days", t_ours, "1x"),
        ("chinesecalendar.is_workday, day by day", t_step, f"{t_step / t_ours:,.0f}x slower"),
        ("numpy.busday_offset, one pair per call", t_numpy, f"{t_numpy / t_ours:,.1f}x slower"),
        ("numpy.busday_offset, vectorised", t_vector, f"{t_ours / t_vector:,.1f}x faster"),
    ]
    print(f"machine: {_machine()}")
    print(f"python {platform.python_version()}, numpy {np.__version__}")
    print(f"{PAIRS:,} pairs (seed {SEED}): identical answers from every method")
    print(f"index size: {calendar.index_bytes:,} bytes")
    print("| method | median time per pair | vs ours |")
    print("|---|---:|---|")
    for name, seconds, ratio in rows:
        print(f"| {name} | {seconds * 1e9:,.0f} ns | {ratio} |")
    if t_step / t_ours < 100 or t_numpy < t_ours:
        print(
            "TARGET MISSED: want >= 100x stepping, not slower than numpy per call", file=sys.stderr
        )


def _machine() -> str:
    model = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return f"{model}, {_cores()} cores, {platform.system()} {platform.release()}"


def _cores() -> int:
    import os

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 0


if __name__ == "__main__":
    main()
