"""Loading and validating the policy file (TOML).

`load_policy()` reads the shipped `policy.toml` (or a file of the administrator's);
`parse_policy()` validates text and collects every problem before raising one
`PolicyError`.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from datetime import date
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

from pydantic import ValidationError

from gridconnect.config import gov_modes, policy_errors
from gridconnect.config.ledger_check import ledger_problems
from gridconnect.config.plans_policy import CapacityPublication, ChargeItem, LvCapacityCeiling
from gridconnect.config.policy_checks import rule_problems, threshold_problems
from gridconnect.config.policy_file import PolicyFile, validation_context
from gridconnect.config.policy_model import (
    CITIES,
    SUSPENSION_REASONS,
    ApplicationFacts,
    BreachRiskSpec,
    DocumentType,
    FeeSpec,
    KindSpec,
    NotApplicableReason,
    OnSiteReplySpec,
    Policy,
    PolicyError,
    SlaRule,
    StageSpec,
    SuspensionReason,
    ThreeZeroAlways,
    ThreeZeroThreshold,
)
from gridconnect.config.standards import service_standards

__all__ = [
    "ApplicationFacts",
    "DocumentType",
    "FeeSpec",
    "KindSpec",
    "OnSiteReplySpec",
    "Policy",
    "PolicyError",
    "SlaRule",
    "StageSpec",
    "SuspensionReason",
    "ThreeZeroAlways",
    "ThreeZeroThreshold",
    "load_policy",
    "parse_policy",
    "policy_schema",
    "policy_to_dict",
    "service_standards",
]


def _refuse(origin: str, problems: list[str]) -> PolicyError:
    count = len(problems)
    return PolicyError(
        f"invalid policy {origin}: {count} problem{'s' if count > 1 else ''}: "
        + "; ".join(problems),
        problems,
    )


def _to_domain(file: PolicyFile) -> Policy:
    """The frozen domain policy from a validated file."""
    documents = {code: DocumentType(code, name) for code, name in file.documents.items()}
    kinds = {
        str(code): KindSpec(
            str(code),
            spec.name,
            tuple(
                StageSpec(
                    stage,
                    file.stages[stage],
                    tuple(documents[d] for d in spec.documents.get(stage, [])),
                    frozenset(spec.where_applicable.get(stage, [])),
                )
                for stage in spec.stages
            ),
        )
        for code, spec in file.kinds.items()
    }
    rules = tuple(
        SlaRule(
            id=r.id,
            clock=r.clock,
            kinds=tuple(str(k) for k in r.kinds),
            limit_working_days=r.limit_working_days,
            in_force_from=r.in_force_from,
            in_force_until=r.in_force_until,
            city=str(r.city) if r.city is not None else None,
            target_working_days=r.target_working_days,
            source=r.source,
            conditions=MappingProxyType(dict(r.conditions)),
            company=str(r.company) if r.company is not None else None,
        )
        for r in file.rules
    )
    thresholds = tuple(
        ThreeZeroThreshold(
            t.in_force_from,
            t.in_force_until,
            tuple(str(a) for a in t.area_classes),
            t.max_capacity_kw,
            t.source,
            str(t.city) if t.city is not None else None,
        )
        for t in file.three_zero_thresholds
    )
    on_site = file.on_site_reply
    return Policy(
        kinds=MappingProxyType(kinds),
        rules=rules,
        three_zero_thresholds=thresholds,
        on_site_reply=OnSiteReplySpec(
            max_capacity_kva=on_site.max_capacity_kva,
            supply=str(on_site.supply),
            voltage_kv=on_site.voltage_kv,
            in_force_from=on_site.in_force_from,
            source=on_site.source,
        ),
        three_zero_always=ThreeZeroAlways(
            tuple(str(k) for k in file.three_zero_always.kinds), file.three_zero_always.source
        ),
        warn_working_days=file.warn_working_days,
        stall_working_days=file.stall_working_days,
        ticket_answer_working_days=file.ticket_answer_working_days,  # selfservice
        not_applicable_reasons=tuple(
            NotApplicableReason(r.code, r.name) for r in file.not_applicable_reasons
        ),
        suspension_reasons=SUSPENSION_REASONS,
        fees=MappingProxyType(
            {str(k): FeeSpec(three_zero=f.three_zero, other=f.other) for k, f in file.fees.items()}
        ),
        documents=MappingProxyType(documents),
        **_plans_policy(file),
        gov_approval_modes=gov_modes.to_domain(file.gov_approval_modes),  # govlink
        breach_risk=BreachRiskSpec(
            threshold=file.breach_risk.threshold,
            min_cases=file.breach_risk.min_cases,
            history_days=file.breach_risk.history_days,
        ),
        reliability=file.reliability,  # outages capability
    )


def _plans_policy(file: PolicyFile) -> dict[str, Any]:
    """Supply plans, cost and capacity: LV ceilings, charge catalogue, publication."""
    return {
        "lv_capacity_ceilings": tuple(
            LvCapacityCeiling(
                c.in_force_from,
                c.in_force_until,
                c.max_capacity_kw,
                c.source,
                str(c.city) if c.city is not None else None,
            )
            for c in file.lv_capacity_ceilings
        ),
        "charge_items": tuple(ChargeItem(**item.model_dump()) for item in file.charge_items),
        "capacity_publication": CapacityPublication(
            frozenset(k for k, shown in file.capacity_publication.model_dump().items() if shown)
        ),
    }


def build_policy(data: Mapping[str, Any], origin: str = "<policy>") -> Policy:
    """Validate parsed TOML data; every problem is collected, then one PolicyError raised.

    A well-formed policy is then checked against the ledger's own requirements
    (`ledger_baseline.toml`): one that is looser than the ledger is refused too, with
    every violation at once, so the CLI, start-up and the admin page all refuse it.
    """
    try:
        file = PolicyFile.model_validate(data, context=validation_context(data))
    except ValidationError as exc:
        raise _refuse(origin, policy_errors.describe(exc, data)) from None
    policy = _to_domain(file)
    problems = rule_problems(policy.rules) + threshold_problems(policy.three_zero_thresholds)
    if problems:
        raise _refuse(origin, problems)
    violations = ledger_problems(policy, CITIES)
    if violations:
        raise _refuse(origin, violations)
    return policy


def policy_schema() -> dict[str, Any]:
    """The JSON Schema of a policy file (for editors: `gridconnect policy schema`)."""
    return PolicyFile.model_json_schema()


def parse_policy(text: str, origin: str = "<policy>") -> Policy:
    """Parse and validate policy TOML text; `origin` names it in error messages."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError(f"invalid policy {origin}: not valid TOML: {exc}", [str(exc)]) from None
    try:
        return build_policy(data, origin)
    except PolicyError as exc:
        raise _refuse(origin, [policy_errors.with_line(text, p) for p in exc.details]) from None


def default_policy_text() -> str:
    """The text of the policy shipped with the package."""
    return resources.files("gridconnect.config").joinpath("policy.toml").read_text("utf-8")


def load_policy(path: Path | None = None) -> Policy:
    """The policy in `path`, or the shipped default when None."""
    if path is None:
        return parse_policy(default_policy_text(), "gridconnect/config/policy.toml")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        message = f"cannot read policy file {path}: {exc}"
        raise PolicyError(message, [message]) from None
    return parse_policy(text, str(path))


def _date_text(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def policy_to_dict(policy: Policy) -> dict[str, Any]:
    """The effective policy as JSON-ready data (for `gridconnect policy show`)."""
    return {
        "warn_working_days": policy.warn_working_days,
        "stall_working_days": policy.stall_working_days,
        "breach_risk": {
            "threshold": policy.breach_risk.threshold,
            "min_cases": policy.breach_risk.min_cases,
            "history_days": policy.breach_risk.history_days,
        },
        "ticket_answer_working_days": policy.ticket_answer_working_days,  # selfservice
        "documents": {code: doc.name for code, doc in policy.documents.items()},
        "kinds": {
            code: {
                "name": kind.name,
                "stages": [
                    {
                        "code": s.code,
                        "name": s.name,
                        "documents": [d.code for d in s.documents],
                        "where_applicable": sorted(s.where_applicable),
                    }
                    for s in kind.stages
                ],
            }
            for code, kind in policy.kinds.items()
        },
        "rules": [
            {
                "id": r.id,
                "clock": r.clock,
                "kinds": list(r.kinds),
                "limit_working_days": r.limit_working_days,
                "target_working_days": r.target_working_days,
                "in_force_from": _date_text(r.in_force_from),
                "in_force_until": _date_text(r.in_force_until),
                "city": r.city,
                "company": r.company,
                "conditions": dict(r.conditions),
                "source": r.source,
            }
            for r in policy.rules
        ],
        "three_zero_thresholds": [
            {
                "in_force_from": _date_text(t.in_force_from),
                "in_force_until": _date_text(t.in_force_until),
                "area_classes": list(t.area_classes),
                "max_capacity_kw": t.max_capacity_kw,
                "city": t.city,
                "source": t.source,
            }
            for t in policy.three_zero_thresholds
        ],
        "fees": {k: {"three_zero": f.three_zero, "other": f.other} for k, f in policy.fees.items()},
        "on_site_reply": {
            "max_capacity_kva": policy.on_site_reply.max_capacity_kva,
            "supply": policy.on_site_reply.supply,
            "voltage_kv": policy.on_site_reply.voltage_kv,
            "in_force_from": _date_text(policy.on_site_reply.in_force_from),
            "source": policy.on_site_reply.source,
        },
        "three_zero_always": {
            "kinds": list(policy.three_zero_always.kinds),
            "source": policy.three_zero_always.source,
        },
        "not_applicable_reasons": [
            {"code": r.code, "name": r.name} for r in policy.not_applicable_reasons
        ],
        "suspension_reasons": [{"code": r.code, "name": r.name} for r in policy.suspension_reasons],
        # supply plans, cost and capacity
        "lv_capacity_ceilings": [
            {
                "in_force_from": _date_text(c.in_force_from),
                "in_force_until": _date_text(c.in_force_until),
                "max_capacity_kw": c.max_capacity_kw,
                "city": c.city,
                "source": c.source,
            }
            for c in policy.lv_capacity_ceilings
        ],
        "charge_items": [charge_item_dict(item) for item in policy.charge_items],
        "capacity_publication": sorted(policy.capacity_publication.published),
    }


def charge_item_dict(item: ChargeItem) -> dict[str, Any]:
    return {
        "code": item.code,
        "name": item.name,
        "basis": item.basis,
        "unit": item.unit,
        "amount_yuan": item.amount_yuan,
        "source": item.source,
        "in_force_from": _date_text(item.in_force_from),
        "in_force_until": _date_text(item.in_force_until),
        "inside_investment_boundary": item.inside_investment_boundary,
    }
