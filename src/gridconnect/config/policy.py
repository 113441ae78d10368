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

from gridconnect.config.policy_fields import (
    TOP_KEYS,
    Problems,
    is_int,
    unknown_keys,
)
from gridconnect.config.policy_model import (
    SUSPENSION_REASONS,
    ApplicationFacts,
    DocumentType,
    FeeSpec,
    KindSpec,
    OnSiteReplySpec,
    Policy,
    PolicyError,
    SlaRule,
    StageSpec,
    SuspensionReason,
    ThreeZeroThreshold,
)
from gridconnect.config.policy_sections import (
    check_documents,
    parse_fees,
    parse_kinds,
    parse_names,
    parse_on_site,
    parse_rules,
    parse_thresholds,
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
    "ThreeZeroThreshold",
    "load_policy",
    "parse_policy",
    "policy_to_dict",
    "service_standards",
]


def build_policy(data: Mapping[str, Any], origin: str = "<policy>") -> Policy:
    """Validate parsed TOML data; every problem is collected, then one PolicyError raised."""
    p = Problems()
    unknown_keys(data, TOP_KEYS, "policy", p)
    warn = data.get("warn_working_days", 1)
    if not is_int(warn) or warn < 0:
        p.add("warn_working_days", f"must be a whole number ≥ 0, not {warn!r}")
    doc_names = parse_names(data, "documents", p)
    check_documents(doc_names, p)
    documents = {code: DocumentType(code, name) for code, name in doc_names.items()}
    stage_names = parse_names(data, "stages", p)
    kinds, declared = parse_kinds(data, stage_names, documents, p)
    rules = parse_rules(data, declared, p)
    thresholds = parse_thresholds(data, p)
    fees = parse_fees(data, p)
    on_site = parse_on_site(data, p)
    if p.items:
        count = len(p.items)
        raise PolicyError(
            f"invalid policy {origin}: {count} problem{'s' if count > 1 else ''}: "
            + "; ".join(p.items),
            p.items,
        )
    return Policy(
        kinds=MappingProxyType(kinds),
        rules=tuple(rules),
        three_zero_thresholds=tuple(thresholds),
        warn_working_days=warn,
        suspension_reasons=SUSPENSION_REASONS,
        fees=MappingProxyType(fees),
        on_site_reply=on_site,
        documents=MappingProxyType(documents),
    )


def parse_policy(text: str, origin: str = "<policy>") -> Policy:
    """Parse and validate policy TOML text; `origin` names it in error messages."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError(f"invalid policy {origin}: not valid TOML: {exc}", [str(exc)]) from None
    return build_policy(data, origin)


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
        "documents": {code: doc.name for code, doc in policy.documents.items()},
        "kinds": {
            code: {
                "name": kind.name,
                "stages": [
                    {"code": s.code, "name": s.name, "documents": [d.code for d in s.documents]}
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
        "suspension_reasons": [{"code": r.code, "name": r.name} for r in policy.suspension_reasons],
    }
