"""Loading and validating the policy file (TOML).

`load_policy()` reads the shipped `policy.toml` (or a file of the administrator's);
`parse_policy()` validates text and collects every problem before raising one
`PolicyError`. `current_policy()` is the process's policy (from settings, cached).
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from datetime import date, datetime
from functools import lru_cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

from gridconnect.config.policy_model import (
    AREA_CLASSES,
    CITIES,
    CONDITION_KEYS,
    FULL_PROCESS,
    GOV_APPROVAL,
    KIND_CODES,
    STAGE_PREFIX,
    SUPPLIES,
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
    "current_policy",
    "load_policy",
    "parse_policy",
    "policy_to_dict",
    "reset_current_policy",
    "service_standards",
]

_TOP_KEYS = (
    "warn_working_days",
    "documents",
    "stages",
    "kinds",
    "rules",
    "three_zero_thresholds",
    "fees",
    "on_site_reply",
)
_KIND_KEYS = ("name", "stages", "documents")
_RULE_KEYS = (
    "id",
    "clock",
    "kinds",
    "limit_working_days",
    "target_working_days",
    "in_force_from",
    "in_force_until",
    "city",
    "source",
    "conditions",
)
_THRESHOLD_KEYS = ("in_force_from", "in_force_until", "area_classes", "max_capacity_kw", "source")
_FEE_KEYS = ("three_zero", "other")
_ON_SITE_KEYS = ("max_capacity_kva", "supply", "voltage_kv", "in_force_from", "source")
_FAR_FUTURE = date.max


class _Problems:
    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, where: str, message: str) -> None:
        self.items.append(f"{where}: {message}")

    def __len__(self) -> int:
        return len(self.items)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _as_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return None
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _unknown_keys(
    table: Mapping[str, Any], known: tuple[str, ...], where: str, p: _Problems
) -> None:
    for key in table:
        if key not in known:
            p.add(where, f"unknown key {key!r} (known: {', '.join(known)})")


def _text(table: Mapping[str, Any], key: str, where: str, p: _Problems) -> str | None:
    value = table.get(key)
    if not isinstance(value, str) or not value.strip():
        p.add(where, f"{key!r} must be a non-empty string")
        return None
    return value


def _date_field(
    table: Mapping[str, Any], key: str, where: str, p: _Problems, *, required: bool
) -> tuple[bool, date | None]:
    """(ok, value) for a date field; a missing optional field is (True, None)."""
    if key not in table:
        if required:
            p.add(where, f"{key!r} is required (a date like 2021-01-01)")
            return False, None
        return True, None
    parsed = _as_date(table[key])
    if parsed is None:
        p.add(where, f"{key!r} must be a date like 2021-01-01, not {table[key]!r}")
        return False, None
    return True, parsed


def _string_list(value: Any) -> list[str] | None:
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    return None


# -- sections ---------------------------------------------------------------------------


def _parse_names(data: Mapping[str, Any], section: str, p: _Problems) -> dict[str, str]:
    table = data.get(section, {})
    if not isinstance(table, dict):
        p.add(f"[{section}]", "must be a table of code = name")
        return {}
    names: dict[str, str] = {}
    for code, name in table.items():
        if not isinstance(name, str) or not name.strip():
            p.add(f"[{section}] {code!r}", "the name must be a non-empty string")
            continue
        names[code] = name
    return names


def _check_documents(documents: Mapping[str, str], p: _Problems) -> None:
    for code, name in documents.items():
        if "承诺书" in name or "commitment" in code:
            p.add(
                f"document {code!r} ({name})",
                "a commitment letter (用电承诺书) may not be asked for (L35)",
            )


def _parse_kinds(
    data: Mapping[str, Any],
    stage_names: Mapping[str, str],
    documents: Mapping[str, DocumentType],
    p: _Problems,
) -> tuple[dict[str, KindSpec], dict[str, list[str]]]:
    """The valid kinds, and the stage codes every known kind declares (even a faulty one,
    so that rules are checked against what was meant rather than reported again)."""
    table = data.get("kinds")
    if not isinstance(table, dict) or not table:
        p.add("[kinds]", "the policy must define the application kinds")
        return {}, {}
    kinds: dict[str, KindSpec] = {}
    declared: dict[str, list[str]] = {}
    for code, spec in table.items():
        where = f"kind {code!r}"
        if code not in KIND_CODES:
            p.add(where, f"unknown kind (known: {', '.join(KIND_CODES)})")
            continue
        if not isinstance(spec, dict):
            p.add(where, "must be a table")
            continue
        _unknown_keys(spec, _KIND_KEYS, where, p)
        name = _text(spec, "name", where, p)
        codes = _string_list(spec.get("stages", []))
        if codes is None:
            p.add(where, "'stages' must be a list of stage codes")
            continue
        declared[code] = codes
        if not codes:
            p.add(where, "has no stages")
            continue
        whitelists = spec.get("documents", {})
        if not isinstance(whitelists, dict):
            p.add(where, "'documents' must be a table of stage = [document codes]")
            whitelists = {}
        for stage in whitelists:
            if stage not in codes:
                p.add(f"{where}, stage {stage!r}", "documents given for a stage the kind lacks")
        stages: list[StageSpec] = []
        seen: set[str] = set()
        ok = name is not None
        for stage in codes:
            swhere = f"{where}, stage {stage!r}"
            if stage in seen:
                p.add(swhere, "duplicate stage code")
                ok = False
                continue
            seen.add(stage)
            if stage not in stage_names:
                p.add(swhere, "unknown stage code (not in [stages])")
                ok = False
                continue
            doc_codes = _string_list(whitelists.get(stage, []))
            if doc_codes is None:
                p.add(swhere, "the documents must be a list of document codes")
                ok = False
                continue
            docs: list[DocumentType] = []
            for doc in doc_codes:
                if doc not in documents:
                    p.add(swhere, f"unknown document code {doc!r} (not in [documents])")
                    ok = False
                elif documents[doc] in docs:
                    p.add(swhere, f"document {doc!r} listed twice")
                    ok = False
                else:
                    docs.append(documents[doc])
            stages.append(StageSpec(stage, stage_names[stage], tuple(docs)))
        if ok and name is not None:
            kinds[code] = KindSpec(code, name, tuple(stages))
    for code in KIND_CODES:
        if code not in table:
            p.add(f"kind {code!r}", "is missing (every kind must be defined)")
    return kinds, declared


def _parse_conditions(value: Any, where: str, p: _Problems) -> dict[str, Any] | None:
    if value is None:
        return {}
    if not isinstance(value, dict):
        p.add(where, "'conditions' must be a table")
        return None
    ok = True
    for key, cond in value.items():
        if key not in CONDITION_KEYS:
            p.add(where, f"unknown condition key {key!r} (known: {', '.join(CONDITION_KEYS)})")
            ok = False
        elif key in ("min_voltage_kv", "max_voltage_kv", "max_capacity"):
            if not _is_number(cond) or cond < 0:
                p.add(where, f"condition {key!r} must be a number ≥ 0, not {cond!r}")
                ok = False
        elif key == "supply":
            if cond not in SUPPLIES:
                p.add(where, f"condition 'supply' must be one of {', '.join(SUPPLIES)}")
                ok = False
        elif not isinstance(cond, bool):
            p.add(where, f"condition {key!r} must be true or false, not {cond!r}")
            ok = False
    if (
        ok
        and "min_voltage_kv" in value
        and "max_voltage_kv" in value
        and value["min_voltage_kv"] > value["max_voltage_kv"]
    ):
        p.add(where, "condition min_voltage_kv is above max_voltage_kv")
        ok = False
    return dict(value) if ok else None


def _parse_rule(
    index: int, raw: Any, declared: Mapping[str, list[str]], p: _Problems
) -> SlaRule | None:
    if not isinstance(raw, dict):
        p.add(f"rules[{index}]", "must be a table")
        return None
    rid = raw.get("id")
    where = f"rule {rid!r}" if isinstance(rid, str) and rid else f"rules[{index}] (no id)"
    before = len(p)
    if not isinstance(rid, str) or not rid.strip():
        p.add(where, "'id' must be a non-empty string")
    _unknown_keys(raw, _RULE_KEYS, where, p)
    source = _text(raw, "source", where, p)

    rule_kinds = _string_list(raw.get("kinds"))
    if not rule_kinds:
        p.add(where, "'kinds' must be a non-empty list of kind codes")
        rule_kinds = []
    for kind in rule_kinds:
        if kind not in KIND_CODES:
            p.add(where, f"unknown kind {kind!r} (known: {', '.join(KIND_CODES)})")

    clock = raw.get("clock")
    if not isinstance(clock, str):
        p.add(where, "'clock' must be full_process, gov_approval or stage:<stage code>")
    elif clock.startswith(STAGE_PREFIX):
        stage = clock[len(STAGE_PREFIX) :]
        if not any(stage in codes for codes in declared.values()):
            p.add(where, f"unknown stage {stage!r} in clock {clock!r}")
        else:
            for kind in rule_kinds:
                if kind in declared and stage not in declared[kind]:
                    p.add(where, f"stage {stage!r} does not belong to kind {kind!r}")
    elif clock not in (FULL_PROCESS, GOV_APPROVAL):
        p.add(
            where,
            f"unknown clock {clock!r} (full_process, gov_approval or stage:<stage code>)",
        )

    limit = raw.get("limit_working_days")
    if limit is not None and (not _is_int(limit) or limit < 0):
        what = "negative limit" if _is_number(limit) and limit < 0 else "limit"
        p.add(where, f"{what}: limit_working_days must be a whole number ≥ 0, not {limit!r}")
    target = raw.get("target_working_days")
    if target is not None:
        if not _is_int(target) or target < 0:
            p.add(where, f"target_working_days must be a whole number ≥ 0, not {target!r}")
        elif limit is None:
            p.add(where, "a target_working_days needs a limit_working_days")
        elif _is_int(limit) and target > limit:
            p.add(where, f"target {target} is above the limit {limit}")

    ok_from, start = _date_field(raw, "in_force_from", where, p, required=True)
    ok_until, until = _date_field(raw, "in_force_until", where, p, required=False)
    if start is not None and until is not None and until < start:
        p.add(where, f"in_force_until {until} is before in_force_from {start}")

    city = raw.get("city")
    if city is not None and city not in CITIES:
        p.add(where, f"unknown city {city!r} (known: {', '.join(CITIES)})")

    conditions = _parse_conditions(raw.get("conditions"), where, p)
    if len(p) > before or conditions is None or start is None or not (ok_from and ok_until):
        return None
    assert isinstance(rid, str) and isinstance(clock, str) and source is not None
    return SlaRule(
        id=rid,
        clock=clock,
        kinds=tuple(rule_kinds),
        limit_working_days=limit,
        in_force_from=start,
        in_force_until=until,
        city=city,
        target_working_days=target,
        source=source,
        conditions=MappingProxyType(conditions),
    )


def _overlap(a_from: date, a_until: date | None, b_from: date, b_until: date | None) -> bool:
    return a_from <= (b_until or _FAR_FUTURE) and b_from <= (a_until or _FAR_FUTURE)


def _parse_rules(
    data: Mapping[str, Any], declared: Mapping[str, list[str]], p: _Problems
) -> list[SlaRule]:
    raw_rules = data.get("rules", [])
    if not isinstance(raw_rules, list):
        p.add("[[rules]]", "must be an array of tables")
        return []
    rules: list[SlaRule] = []
    seen_ids: set[str] = set()
    for index, raw in enumerate(raw_rules):
        rid = raw.get("id") if isinstance(raw, dict) else None
        if isinstance(rid, str):
            if rid in seen_ids:
                p.add(f"rule {rid!r}", "duplicate rule id")
            seen_ids.add(rid)
        rule = _parse_rule(index, raw, declared, p)
        if rule is not None:
            rules.append(rule)
    for i, a in enumerate(rules):
        for b in rules[i + 1 :]:
            if (
                a.clock == b.clock
                and a.city == b.city
                and set(a.kinds) & set(b.kinds)
                and dict(a.conditions) == dict(b.conditions)
                and _overlap(a.in_force_from, a.in_force_until, b.in_force_from, b.in_force_until)
            ):
                shared = ", ".join(k for k in a.kinds if k in b.kinds)
                p.add(
                    f"rule {b.id!r}",
                    f"overlaps rule {a.id!r} (clock {a.clock!r}, city {a.city or 'province'}, "
                    f"kinds {shared}, same conditions, date ranges overlap)",
                )
    return rules


def _parse_thresholds(data: Mapping[str, Any], p: _Problems) -> list[ThreeZeroThreshold]:
    raw_list = data.get("three_zero_thresholds", [])
    if not isinstance(raw_list, list):
        p.add("[[three_zero_thresholds]]", "must be an array of tables")
        return []
    out: list[ThreeZeroThreshold] = []
    for index, raw in enumerate(raw_list):
        where = f"three_zero_thresholds[{index}]"
        if not isinstance(raw, dict):
            p.add(where, "must be a table")
            continue
        before = len(p)
        _unknown_keys(raw, _THRESHOLD_KEYS, where, p)
        source = _text(raw, "source", where, p)
        _, start = _date_field(raw, "in_force_from", where, p, required=True)
        _, until = _date_field(raw, "in_force_until", where, p, required=False)
        if start is not None and until is not None and until < start:
            p.add(where, f"in_force_until {until} is before in_force_from {start}")
        areas = _string_list(raw.get("area_classes"))
        if not areas:
            p.add(where, "'area_classes' must be a non-empty list")
            areas = []
        for area in areas:
            if area not in AREA_CLASSES:
                p.add(where, f"unknown area class {area!r} (known: {', '.join(AREA_CLASSES)})")
        cap: Any = raw.get("max_capacity_kw")
        if not _is_number(cap) or cap < 0:
            p.add(where, f"'max_capacity_kw' must be a number ≥ 0, not {cap!r}")
        if len(p) > before or start is None or source is None:
            continue
        out.append(ThreeZeroThreshold(start, until, tuple(areas), float(cap), source))
    for i, a in enumerate(out):
        for j in range(i + 1, len(out)):
            b = out[j]
            common = [x for x in a.area_classes if x in b.area_classes]
            if common and _overlap(
                a.in_force_from, a.in_force_until, b.in_force_from, b.in_force_until
            ):
                p.add(
                    f"three_zero_thresholds[{j}] ({b.source})",
                    f"overlaps an earlier threshold ({a.source}) for {', '.join(common)}",
                )
    return out


def _parse_fees(data: Mapping[str, Any], p: _Problems) -> dict[str, FeeSpec]:
    table = data.get("fees", {})
    if not isinstance(table, dict):
        p.add("[fees]", "must be a table of kinds")
        return {}
    fees: dict[str, FeeSpec] = {}
    for kind, spec in table.items():
        where = f"fees for kind {kind!r}"
        if kind not in KIND_CODES:
            p.add(where, f"unknown kind (known: {', '.join(KIND_CODES)})")
            continue
        if not isinstance(spec, dict):
            p.add(where, "must be a table with three_zero and/or other")
            continue
        _unknown_keys(spec, _FEE_KEYS, where, p)
        texts: dict[str, str | None] = {}
        for key in _FEE_KEYS:
            value = spec.get(key)
            if value is not None and not isinstance(value, str):
                p.add(where, f"{key!r} must be text")
                value = None
            texts[key] = value
        fees[kind] = FeeSpec(three_zero=texts["three_zero"], other=texts["other"])
    return fees


def _parse_on_site(data: Mapping[str, Any], p: _Problems) -> OnSiteReplySpec:
    default = OnSiteReplySpec()
    raw = data.get("on_site_reply")
    if raw is None:
        return default
    where = "[on_site_reply]"
    if not isinstance(raw, dict):
        p.add(where, "must be a table")
        return default
    _unknown_keys(raw, _ON_SITE_KEYS, where, p)
    cap = raw.get("max_capacity_kva", default.max_capacity_kva)
    volt = raw.get("voltage_kv", default.voltage_kv)
    supply = raw.get("supply", default.supply)
    source = raw.get("source", default.source)
    for key, value in (("max_capacity_kva", cap), ("voltage_kv", volt)):
        if not _is_number(value) or value < 0:
            p.add(where, f"{key!r} must be a number ≥ 0, not {value!r}")
    if supply not in SUPPLIES:
        p.add(where, f"'supply' must be one of {', '.join(SUPPLIES)}")
    if not isinstance(source, str):
        p.add(where, "'source' must be text")
    _, start = _date_field(raw, "in_force_from", where, p, required=False)
    try:
        return OnSiteReplySpec(
            max_capacity_kva=float(cap),
            supply=str(supply),
            voltage_kv=float(volt),
            in_force_from=start or default.in_force_from,
            source=str(source),
        )
    except (TypeError, ValueError):
        return default


def build_policy(data: Mapping[str, Any], origin: str = "<policy>") -> Policy:
    """Validate parsed TOML data; every problem is collected, then one PolicyError raised."""
    p = _Problems()
    _unknown_keys(data, _TOP_KEYS, "policy", p)
    warn = data.get("warn_working_days", 1)
    if not _is_int(warn) or warn < 0:
        p.add("warn_working_days", f"must be a whole number ≥ 0, not {warn!r}")
    doc_names = _parse_names(data, "documents", p)
    _check_documents(doc_names, p)
    documents = {code: DocumentType(code, name) for code, name in doc_names.items()}
    stage_names = _parse_names(data, "stages", p)
    kinds, declared = _parse_kinds(data, stage_names, documents, p)
    rules = _parse_rules(data, declared, p)
    thresholds = _parse_thresholds(data, p)
    fees = _parse_fees(data, p)
    on_site = _parse_on_site(data, p)
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


@lru_cache(maxsize=1)
def current_policy() -> Policy:
    """The process's policy: GRIDCONNECT_POLICY_FILE, or the shipped default."""
    from gridconnect.config.settings import get_settings

    return load_policy(get_settings().policy_file)


def reset_current_policy() -> None:
    """Forget the cached policy (after the settings or the file changed)."""
    current_policy.cache_clear()


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
