"""Checking a policy against the ledger's own requirements (`ledger_baseline.toml`).

A policy file may be stricter than the ledger, never looser. The checks ask the policy
the same question the engine asks at receipt (`Policy.rule_for`, `is_three_zero`) for
sample applications of every kind, city and date on which a rule starts or ends, so a
city rule that wins over the province's, a rule that lapses, or a condition that no
longer matches is judged exactly as the engine would apply it, not as the file reads.

Every violation is collected (nothing stops at the first) and names the rule or section,
the ledger item and, through `where`, the place in the file.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from importlib import resources
from typing import Any

from gridconnect.config.policy_model import ApplicationFacts, Policy, SlaRule
from gridconnect.config.vocabulary import Company


@dataclass(frozen=True)
class LedgerViolation:
    """One way a policy breaks the ledger. `where` is a path into the policy file."""

    where: tuple[str | int, ...]
    item: str
    message: str

    def __str__(self) -> str:
        return f"{_where_text(self.where)}: {self.message}（违反台账 {self.item}）"


def _where_text(where: tuple[str | int, ...]) -> str:
    text = ""
    for part in where:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


@dataclass(frozen=True)
class LedgerLimit:
    source: str
    clock: str
    kinds: tuple[str, ...]
    max_working_days: int
    binds_from: date
    sample: Mapping[str, Any]


@dataclass(frozen=True)
class LedgerThreeZero:
    source: str
    binds_from: date
    area_classes: tuple[str, ...]
    min_capacity_kw: float


@dataclass(frozen=True)
class LedgerKind:
    source: str
    stages: tuple[str, ...]
    documents: Mapping[str, tuple[str, ...]]


@dataclass(frozen=True)
class LedgerBaseline:
    kinds: Mapping[str, LedgerKind]
    limits: tuple[LedgerLimit, ...]
    three_zero: tuple[LedgerThreeZero, ...]
    on_site_source: str
    on_site_binds_from: date
    on_site_min_capacity_kva: float


@lru_cache(maxsize=1)
def ledger_baseline() -> LedgerBaseline:
    """The baseline shipped with the package (read once)."""
    text = resources.files("gridconnect.config").joinpath("ledger_baseline.toml").read_text()
    data = tomllib.loads(text)
    kinds = {
        code: LedgerKind(
            spec["source"],
            tuple(spec["stages"]),
            {stage: tuple(docs) for stage, docs in spec["documents"].items()},
        )
        for code, spec in data["kinds"].items()
    }
    limits = tuple(
        LedgerLimit(
            item["source"],
            item["clock"],
            tuple(item["kinds"]),
            item["max_working_days"],
            item["binds_from"],
            item.get("sample", {}),
        )
        for item in data["limits"]
    )
    three_zero = tuple(
        LedgerThreeZero(
            item["source"], item["binds_from"], tuple(item["area_classes"]), item["min_capacity_kw"]
        )
        for item in data["three_zero"]
    )
    on_site = data["on_site_reply"]
    return LedgerBaseline(
        kinds,
        limits,
        three_zero,
        on_site["source"],
        on_site["binds_from"],
        on_site["min_capacity_kva"],
    )


def check_against_ledger(
    policy: Policy, cities: Iterable[str], baseline: LedgerBaseline | None = None
) -> list[LedgerViolation]:
    """Every way `policy` is looser than the ledger; empty when it complies."""
    ledger = baseline or ledger_baseline()
    cities = tuple(cities)
    found: list[LedgerViolation] = []
    found += _check_kinds(policy, ledger)
    found += _check_limits(policy, ledger, cities)
    found += _check_city_rules(policy)
    found += _check_three_zero(policy, ledger, cities)
    found += _check_on_site(policy, ledger)
    return list(dict.fromkeys(found))  # the same finding from several samples, once


def place(violation: LedgerViolation, policy: Policy) -> str:
    """Where a violation is, named as `policy_errors` names places (so `with_line` finds
    the line of its `[[rules]]`, `[[three_zero_thresholds]]`, `[kinds.x]` or section)."""
    where = violation.where
    section = str(where[0])
    if section == "rules" and len(where) > 1:
        return f"rule {policy.rules[int(where[1])].id!r}"
    if section == "three_zero_thresholds" and len(where) > 1:
        return f"three_zero_thresholds[{where[1]}]"
    if section == "kinds" and len(where) > 1:
        stage = f", stage {where[3]!r}" if len(where) > 3 else ""
        return f"kind {where[1]!r}{stage}"
    return f"[{section}]"


def ledger_problems(policy: Policy, cities: Iterable[str]) -> list[str]:
    """Each violation as `<place>: <message>（违反台账 Lnn）`, in the policy's terms."""
    return [
        f"{place(v, policy)}: {v.message}（违反台账 {v.item}）"
        for v in check_against_ledger(policy, cities)
    ]


# -- stages and documents (L33–L35) -------------------------------------------------


def _check_kinds(policy: Policy, ledger: LedgerBaseline) -> list[LedgerViolation]:
    found: list[LedgerViolation] = []
    for code, required in ledger.kinds.items():
        if code not in policy.kinds:
            found.append(
                LedgerViolation(("kinds", code), required.source, f"缺少台账规定的申请类别 {code}")
            )
    for code, kind in policy.kinds.items():
        stages = tuple(stage.code for stage in kind.stages)
        wanted: LedgerKind | None = ledger.kinds.get(code) or next(
            (k for k in ledger.kinds.values() if k.stages == stages), None
        )
        if wanted is None:
            found.append(
                LedgerViolation(
                    ("kinds", code, "stages"),
                    "L33–L35",
                    f"环节 {list(stages)} 与台账规定的任何一类均不一致",
                )
            )
            continue
        if stages != wanted.stages:
            found.append(
                LedgerViolation(
                    ("kinds", code, "stages"),
                    f"{wanted.source}, L35",
                    f"环节应为 {list(wanted.stages)}，不得增加、减少或调换顺序，"
                    f"而此处为 {list(stages)}",
                )
            )
        for stage in kind.stages:
            allowed = set(wanted.documents.get(stage.code, ()))
            extra = [d.code for d in stage.documents if d.code not in allowed]
            if extra:
                found.append(
                    LedgerViolation(
                        ("kinds", code, "documents", stage.code),
                        f"{wanted.source}, L35",
                        f"{stage.name}环节不得要求台账清单以外的资料：{', '.join(extra)}",
                    )
                )
    return found


# -- time limits (L2, L3, L6, L26) and city rules (L12) -----------------------------


def _boundaries(rules: Iterable[SlaRule], since: date) -> list[date]:
    """`since` and every later day on which some rule starts or stops being in force."""
    days = {since}
    for rule in rules:
        days.add(rule.in_force_from)
        if rule.in_force_until is not None:
            days.add(rule.in_force_until + timedelta(days=1))
    return sorted(day for day in days if day >= since)


def _samples(
    limit: LedgerLimit, cities: tuple[str, ...], days: list[date]
) -> list[ApplicationFacts]:
    sample = limit.sample
    supplies = [sample["supply"]] if "supply" in sample else [None, "single", "dual"]
    return [
        ApplicationFacts(
            kind=kind,
            city=city,
            received_on=day,
            capacity=float(sample.get("capacity", 1)),
            voltage_kv=sample.get("voltage_kv", 10.0 if kind == "hv" else None),
            supply=supply,
            three_zero=bool(sample.get("three_zero", False)),
            on_site_reply=bool(sample.get("on_site_reply", False)),
            company=company,
        )
        for kind in limit.kinds
        for city in cities
        for day in days
        for supply in supplies
        for company in Company.codes()
    ]


def _rule_place(policy: Policy, rule: SlaRule) -> tuple[str | int, ...]:
    return ("rules", policy.rules.index(rule))


def _check_limits(
    policy: Policy, ledger: LedgerBaseline, cities: tuple[str, ...]
) -> list[LedgerViolation]:
    found: list[LedgerViolation] = []
    for limit in ledger.limits:
        relevant = [r for r in policy.rules if r.clock == limit.clock]
        days = _boundaries(relevant, limit.binds_from)
        since = limit.binds_from.isoformat()
        for facts in _samples(limit, cities, days):
            if facts.kind not in policy.kinds:
                continue
            rule = policy.rule_for(limit.clock, facts)
            scope = (
                f"{facts.kind}（{facts.company}，{facts.city}，"
                f"{facts.received_on.isoformat()} 起受理）"
            )
            if rule is None or rule.limit_working_days is None:
                found.append(
                    LedgerViolation(
                        ("rules",),
                        limit.source,
                        f"{limit.clock} 对 {scope} 没有时限；台账规定自 {since} 起"
                        f"不超过 {limit.max_working_days} 个工作日",
                    )
                )
            elif rule.limit_working_days > limit.max_working_days:
                found.append(
                    LedgerViolation(
                        _rule_place(policy, rule),
                        limit.source,
                        f"规则 {rule.id} 的时限 {rule.limit_working_days} 个工作日宽于台账的 "
                        f"{limit.max_working_days} 个工作日（自 {since} 起）",
                    )
                )
    return found


def _overlap(a: SlaRule, b: SlaRule) -> bool:
    far = date.max
    return a.in_force_from <= (b.in_force_until or far) and b.in_force_from <= (
        a.in_force_until or far
    )


def _same_companies(a: SlaRule, b: SlaRule) -> bool:
    """Whether some company's applications fall under both rules."""
    return a.company is None or b.company is None or a.company == b.company


def _check_city_rules(policy: Policy) -> list[LedgerViolation]:
    """A city may set stricter limits than the province, never looser (L12), compared
    where both bind the same company's applications."""
    found: list[LedgerViolation] = []
    province = [r for r in policy.rules if r.city is None and r.limit_working_days is not None]
    for rule in policy.rules:
        if rule.city is None or rule.limit_working_days is None:
            continue
        for wider in province:
            assert wider.limit_working_days is not None
            if (
                wider.clock == rule.clock
                and _same_companies(wider, rule)
                and set(wider.kinds) & set(rule.kinds)
                and dict(wider.conditions) == dict(rule.conditions)
                and _overlap(rule, wider)
                and rule.limit_working_days > wider.limit_working_days
            ):
                found.append(
                    LedgerViolation(
                        _rule_place(policy, rule),
                        "L12",
                        f"{rule.city}的规则 {rule.id}（{rule.limit_working_days} 个工作日）"
                        f"宽于全省规则 {wider.id}（{wider.limit_working_days} 个工作日）；"
                        "各市只可从严，不可放宽",
                    )
                )
    return found


# -- 三零 scope (L4, L6, L38) and the on-site reply (L26) -----------------------------


def _threshold_days(policy: Policy, since: date | None = None) -> list[date]:
    days: set[date] = set()
    for threshold in policy.three_zero_thresholds:
        days.add(threshold.in_force_from)
        if threshold.in_force_until is not None:
            days.add(threshold.in_force_until + timedelta(days=1))
    if since is not None:
        days.add(since)
        days = {day for day in days if day >= since}
    return sorted(days)


def _capacity_on(
    policy: Policy, area_class: str, day: date, city: str | None
) -> tuple[float | None, int | None]:
    """The 三零 capacity in force for an area class in a city (None: the province's),
    as the engine reads it: the city's own threshold wins."""
    threshold = policy.three_zero_threshold(area_class, day, city)
    if threshold is None:
        return None, None
    return threshold.max_capacity_kw, policy.three_zero_thresholds.index(threshold)


def _check_three_zero(
    policy: Policy, ledger: LedgerBaseline, cities: tuple[str, ...]
) -> list[LedgerViolation]:
    found: list[LedgerViolation] = []
    for city in (None, *cities):
        for floor in ledger.three_zero:
            found += _check_floor(policy, floor, city)
        found += _check_never_shrinks(policy, city)
    found += _check_city_thresholds(policy)
    return found


def _check_floor(policy: Policy, floor: LedgerThreeZero, city: str | None) -> list[LedgerViolation]:
    found: list[LedgerViolation] = []
    for day in _threshold_days(policy, floor.binds_from):
        short: dict[tuple[str | int, ...], list[str]] = {}
        for area_class in floor.area_classes:
            capacity, index = _capacity_on(policy, area_class, day, city)
            if capacity is None or capacity < floor.min_capacity_kw:
                shown = "无" if capacity is None else f"{capacity:g} kW"
                short.setdefault(_threshold_place(index), []).append(f"{area_class} {shown}")
        found += [
            LedgerViolation(
                where,
                floor.source,
                f"自 {day.isoformat()} 起的“三零”容量（{'，'.join(classes)}）"
                f"低于台账的 {floor.min_capacity_kw:g} kW",
            )
            for where, classes in short.items()
        ]
    return found


def _threshold_place(index: int | None) -> tuple[str | int, ...]:
    return ("three_zero_thresholds", index) if index is not None else ("three_zero_thresholds",)


def _check_never_shrinks(policy: Policy, city: str | None) -> list[LedgerViolation]:
    """Once an area class has 三零 up to some capacity, no later period offers less (L38)."""
    found: list[LedgerViolation] = []
    best: dict[str, float] = {}
    classes = sorted({c for t in policy.three_zero_thresholds for c in t.area_classes})
    for day in _threshold_days(policy):
        shrunk: dict[tuple[str | int, ...], list[str]] = {}
        for area_class in classes:
            capacity, index = _capacity_on(policy, area_class, day, city)
            before = best.get(area_class)
            if before is not None and (capacity is None or capacity < before):
                shown = "取消" if capacity is None else f"{capacity:g} kW"
                shrunk.setdefault(_threshold_place(index), []).append(
                    f"{area_class} 由 {before:g} kW 变为{shown}"
                )
            if capacity is not None:
                best[area_class] = max(capacity, before or capacity)
        found += [
            LedgerViolation(
                where,
                "L38",
                f"自 {day.isoformat()} 起“三零”范围缩小（{'，'.join(changes)}）；"
                "已实行的“三零”范围不得缩小",
            )
            for where, changes in shrunk.items()
        ]
    return found


def _check_city_thresholds(policy: Policy) -> list[LedgerViolation]:
    """A pilot city's 三零 threshold may be higher than the province's, never lower (L12)."""
    found: list[LedgerViolation] = []
    for index, threshold in enumerate(policy.three_zero_thresholds):
        if threshold.city is None:
            continue
        days = [d for d in _threshold_days(policy) if threshold.in_force(d)]
        for day in [threshold.in_force_from, *days]:
            for area_class in threshold.area_classes:
                province, _ = _capacity_on(policy, area_class, day, None)
                if province is not None and threshold.max_capacity_kw < province:
                    found.append(
                        LedgerViolation(
                            ("three_zero_thresholds", index),
                            "L12, L38",
                            f"{threshold.city}自 {day.isoformat()} 起的“三零”容量"
                            f"（{area_class} {threshold.max_capacity_kw:g} kW）低于全省的 "
                            f"{province:g} kW；各市只可从严，不可缩小“三零”范围",
                        )
                    )
    return found


def _check_on_site(policy: Policy, ledger: LedgerBaseline) -> list[LedgerViolation]:
    spec = policy.on_site_reply
    problems = []
    if spec.in_force_from > ledger.on_site_binds_from:
        problems.append(
            f"现场答复自 {spec.in_force_from.isoformat()} 起，"
            f"迟于台账的 {ledger.on_site_binds_from.isoformat()}"
        )
    if spec.max_capacity_kva < ledger.on_site_min_capacity_kva:
        problems.append(
            f"现场答复容量上限 {spec.max_capacity_kva:g} 千伏安低于台账的 "
            f"{ledger.on_site_min_capacity_kva:g} 千伏安"
        )
    return [LedgerViolation(("on_site_reply",), ledger.on_site_source, p) for p in problems]
