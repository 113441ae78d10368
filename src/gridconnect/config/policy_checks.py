"""Checks that need the whole valid file: duplicate rule ids and overlapping scopes.

Two rules for the same clock, city, kind and conditions whose dates overlap would make
the limit depend on declaration order; two 三零 thresholds for the same area class in
force together would make eligibility ambiguous. Both are refused when the policy loads.
"""

from __future__ import annotations

from datetime import date

from gridconnect.config.policy_model import SlaRule, ThreeZeroThreshold


def _overlap(a_from: date, a_until: date | None, b_from: date, b_until: date | None) -> bool:
    return a_from <= (b_until or date.max) and b_from <= (a_until or date.max)


def rule_problems(rules: tuple[SlaRule, ...]) -> list[str]:
    problems: list[str] = []
    seen: set[str] = set()
    for rule in rules:
        if rule.id in seen:
            problems.append(f"rule {rule.id!r}: duplicate rule id")
        seen.add(rule.id)
    for i, a in enumerate(rules):
        for b in rules[i + 1 :]:
            shared = [k for k in a.kinds if k in b.kinds]
            if (
                a.clock == b.clock
                and a.city == b.city
                and a.company == b.company
                and shared
                and dict(a.conditions) == dict(b.conditions)
                and _overlap(a.in_force_from, a.in_force_until, b.in_force_from, b.in_force_until)
            ):
                problems.append(
                    f"rule {b.id!r}: overlaps rule {a.id!r} (clock {a.clock!r}, "
                    f"city {a.city or 'province'}, company {a.company or 'any'}, "
                    f"kinds {', '.join(shared)}, "
                    "same conditions, date ranges overlap)"
                )
    return problems


def threshold_problems(thresholds: tuple[ThreeZeroThreshold, ...]) -> list[str]:
    problems: list[str] = []
    for i, a in enumerate(thresholds):
        for j in range(i + 1, len(thresholds)):
            b = thresholds[j]
            common = [x for x in a.area_classes if x in b.area_classes]
            if (
                common
                and a.city == b.city
                and _overlap(a.in_force_from, a.in_force_until, b.in_force_from, b.in_force_until)
            ):
                problems.append(
                    f"three_zero_thresholds[{j}] ({b.source}): overlaps an earlier threshold "
                    f"({a.source}) for {', '.join(common)}"
                )
    return problems
