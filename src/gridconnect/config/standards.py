"""The public service standards (L52): stages, documents, time limits and fees per kind."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from gridconnect.config import conditions as rule_conditions
from gridconnect.config.conditions import num
from gridconnect.config.plans_policy import lv_ceiling
from gridconnect.config.policy_model import (
    FULL_PROCESS,
    GOV_APPROVAL,
    STAGE_PREFIX,
    KindSpec,
    Policy,
    SlaRule,
)
from gridconnect.config.vocabulary import AreaClass, Kind

CLOCK_NAMES: Mapping[str, str] = {
    FULL_PROCESS: "全过程办电时间",
    GOV_APPROVAL: "电力接入工程审批（政府并联审批）",
    "supervision_order": "督办单",  # command centre
}


def clock_name(policy: Policy, kind: str, clock: str) -> str:
    """The Chinese name of a clock, e.g. 供电方案答复环节."""
    if clock.startswith(STAGE_PREFIX):
        stage = policy.kind(kind).stage(clock[len(STAGE_PREFIX) :])
        return f"{stage.name}环节"
    return CLOCK_NAMES.get(clock, clock)


def conditions_text(policy: Policy, conditions: Mapping[str, Any], kind: str) -> str:
    """The conditions of a rule in Chinese ("" when the rule has none)."""
    return rule_conditions.describe(conditions, kind, policy.on_site_reply)


def limit_text(rule: SlaRule) -> str:
    if rule.limit_working_days is None:
        return "未设定时限（由各地市确定）"
    if rule.limit_working_days == 0:
        return "当日办结"
    return f"{rule.limit_working_days}个工作日以内"


def _clock_order(kind: KindSpec) -> list[str]:
    return [FULL_PROCESS, GOV_APPROVAL] + [STAGE_PREFIX + s.code for s in kind.stages]


def _implied(narrow: SlaRule, broad: SlaRule) -> bool:
    return rule_conditions.implies(narrow.conditions, broad.conditions)


def _rules_shown(
    policy: Policy, kind: KindSpec, on: date, city: str | None, company: str | None
) -> list[SlaRule]:
    """The rules in force on `on` for this kind, clock by clock, in declaration order.

    With a city, its own rules are shown, and a province rule only where no city rule
    would win over it (a city rule wins whenever it matches, see `Policy.rule_for`).
    With a company, only rules for that company or for both; without, every company's
    (each entry names its company)."""
    shown: list[SlaRule] = []
    for clock in _clock_order(kind):
        rules = [
            r
            for r in policy.rules
            if r.clock == clock
            and kind.code in r.kinds
            and r.in_force(on)
            and (company is None or r.company in (None, company))
        ]
        own = [r for r in rules if city is not None and r.city == city]
        shown += [
            r
            for r in rules
            if r in own
            or (
                r.city is None
                and not any(rule_conditions.implies(r.conditions, c.conditions) for c in own)
            )
        ]
    return shown


def _limit_entry(policy: Policy, kind: KindSpec, rule: SlaRule) -> dict[str, Any]:
    target = rule.target_working_days
    return {
        "rule_id": rule.id,
        "clock": rule.clock,
        "clock_name": clock_name(policy, kind.code, rule.clock),
        "limit_working_days": rule.limit_working_days,
        "limit_text": limit_text(rule),
        "target_working_days": target,
        "target_text": f"力争{target}个工作日以内" if target is not None else None,
        "conditions": dict(rule.conditions),
        "conditions_text": conditions_text(policy, rule.conditions, kind.code),
        "city": rule.city,
        "company": rule.company,
        "in_force_from": rule.in_force_from.isoformat(),
        "in_force_until": rule.in_force_until.isoformat() if rule.in_force_until else None,
        "source": rule.source,
    }


def _three_zero_scope(
    policy: Policy, kind: KindSpec, on: date, city: str | None
) -> list[dict[str, Any]]:
    always = policy.three_zero_always
    if kind.code in always.kinds:
        return [
            {
                "text": f"全部{kind.name}",
                "area_classes": list(AreaClass.codes()),
                "source": always.source,
            }
        ]
    if kind.code != Kind.LV_NONRESIDENTIAL:
        return []
    scope = []
    # a city page shows the city's own thresholds where it has them (pilots), else the
    # province's; the province page shows the province's
    shown = [t for t in policy.three_zero_thresholds if t.in_force(on) and t.city in (None, city)]
    own_classes = {a for t in shown if t.city is not None for a in t.area_classes}
    for t in shown:
        if t.city is not None or not own_classes & set(t.area_classes):
            areas = "、".join(AreaClass(a).label for a in t.area_classes)
            scope.append(
                {
                    "text": f"{areas}地区报装容量{num(t.max_capacity_kw)}千瓦及以下",
                    "area_classes": list(t.area_classes),
                    "max_capacity_kw": t.max_capacity_kw,
                    "city": t.city,
                    "source": t.source,
                }
            )
    return scope


def service_standards(
    policy: Policy, on: date, city: str | None = None, company: str | None = None
) -> dict[str, Any]:
    """The service standards in force on `on` (province-wide, or as `city` applies them;
    every company's rules, or those `company` applies):
    per kind its name, stages in order with their documents, the time limits in force on
    that date (per clock, conditions in Chinese, target), 三零 scope and fees."""
    kinds: dict[str, Any] = {}
    for code, kind in policy.kinds.items():
        limits = [
            _limit_entry(policy, kind, r) for r in _rules_shown(policy, kind, on, city, company)
        ]
        stages = [
            {
                "code": stage.code,
                "name": stage.name,
                "documents": [{"code": d.code, "name": d.name} for d in stage.documents],
                "limits": [e for e in limits if e["clock"] == STAGE_PREFIX + stage.code],
            }
            for stage in kind.stages
        ]
        fee = policy.fees.get(code)
        kinds[code] = {
            "code": code,
            "name": kind.name,
            "stage_count": len(stages),
            "stages": stages,
            "limits": limits,
            "three_zero_scope": _three_zero_scope(policy, kind, on, city),
            "fees": {
                "three_zero": fee.three_zero if fee else None,
                "other": fee.other if fee else None,
            },
        }
    return {
        "date": on.isoformat(),
        "city": city,
        "company": company,
        "unit": "工作日",
        "kinds": kinds,
        "suspension_reasons": [{"code": r.code, "name": r.name} for r in policy.suspension_reasons],
        "source": "L52",
        **_cost_and_capacity(policy, on, city),
    }


def _cost_and_capacity(policy: Policy, on: date, city: str | None) -> dict[str, Any]:
    """The charge catalogue in force (L42, L52) and the LV ceiling (L36, L41)."""
    ceiling = lv_ceiling(policy.lv_capacity_ceilings, city or "", on)
    return {
        "charge_catalogue": [
            {
                "code": i.code,
                "name": i.name,
                "basis": i.basis,
                "unit": i.unit,
                "amount_yuan": i.amount_yuan,
                "source": i.source,
                "inside_investment_boundary": i.inside_investment_boundary,
            }
            for i in policy.charge_items
            if i.in_force(on)
        ],
        "lv_capacity_ceiling": None
        if ceiling is None
        else {"max_capacity_kw": ceiling.max_capacity_kw, "source": ceiling.source},
    }
