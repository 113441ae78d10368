"""The sections of the policy file: kinds and documents, rules, thresholds, fees."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from types import MappingProxyType
from typing import Any

from gridconnect.config.policy_fields import (
    FAR_FUTURE,
    FEE_KEYS,
    KIND_KEYS,
    ON_SITE_KEYS,
    RULE_KEYS,
    THRESHOLD_KEYS,
    Problems,
    date_field,
    is_int,
    is_number,
    required_text,
    string_list,
    unknown_keys,
)
from gridconnect.config.policy_model import (
    AREA_CLASSES,
    CITIES,
    CONDITION_KEYS,
    FULL_PROCESS,
    GOV_APPROVAL,
    KIND_CODES,
    STAGE_PREFIX,
    SUPPLIES,
    DocumentType,
    FeeSpec,
    KindSpec,
    OnSiteReplySpec,
    SlaRule,
    StageSpec,
    ThreeZeroThreshold,
)

# -- sections ---------------------------------------------------------------------------


def parse_names(data: Mapping[str, Any], section: str, p: Problems) -> dict[str, str]:
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


def check_documents(documents: Mapping[str, str], p: Problems) -> None:
    for code, name in documents.items():
        if "承诺书" in name or "commitment" in code:
            p.add(
                f"document {code!r} ({name})",
                "a commitment letter (用电承诺书) may not be asked for (L35)",
            )


def parse_kinds(
    data: Mapping[str, Any],
    stage_names: Mapping[str, str],
    documents: Mapping[str, DocumentType],
    p: Problems,
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
        unknown_keys(spec, KIND_KEYS, where, p)
        name = required_text(spec, "name", where, p)
        codes = string_list(spec.get("stages", []))
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
            doc_codes = string_list(whitelists.get(stage, []))
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


def parse_conditions(value: Any, where: str, p: Problems) -> dict[str, Any] | None:
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
            if not is_number(cond) or cond < 0:
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


def parse_rule(
    index: int, raw: Any, declared: Mapping[str, list[str]], p: Problems
) -> SlaRule | None:
    if not isinstance(raw, dict):
        p.add(f"rules[{index}]", "must be a table")
        return None
    rid = raw.get("id")
    where = f"rule {rid!r}" if isinstance(rid, str) and rid else f"rules[{index}] (no id)"
    before = len(p)
    if not isinstance(rid, str) or not rid.strip():
        p.add(where, "'id' must be a non-empty string")
    unknown_keys(raw, RULE_KEYS, where, p)
    source = required_text(raw, "source", where, p)

    rule_kinds = string_list(raw.get("kinds"))
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
    if limit is not None and (not is_int(limit) or limit < 0):
        what = "negative limit" if is_number(limit) and limit < 0 else "limit"
        p.add(where, f"{what}: limit_working_days must be a whole number ≥ 0, not {limit!r}")
    target = raw.get("target_working_days")
    if target is not None:
        if not is_int(target) or target < 0:
            p.add(where, f"target_working_days must be a whole number ≥ 0, not {target!r}")
        elif limit is None:
            p.add(where, "a target_working_days needs a limit_working_days")
        elif is_int(limit) and target > limit:
            p.add(where, f"target {target} is above the limit {limit}")

    ok_from, start = date_field(raw, "in_force_from", where, p, required=True)
    ok_until, until = date_field(raw, "in_force_until", where, p, required=False)
    if start is not None and until is not None and until < start:
        p.add(where, f"in_force_until {until} is before in_force_from {start}")

    city = raw.get("city")
    if city is not None and city not in CITIES:
        p.add(where, f"unknown city {city!r} (known: {', '.join(CITIES)})")

    conditions = parse_conditions(raw.get("conditions"), where, p)
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


def overlap(a_from: date, a_until: date | None, b_from: date, b_until: date | None) -> bool:
    return a_from <= (b_until or FAR_FUTURE) and b_from <= (a_until or FAR_FUTURE)


def parse_rules(
    data: Mapping[str, Any], declared: Mapping[str, list[str]], p: Problems
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
        rule = parse_rule(index, raw, declared, p)
        if rule is not None:
            rules.append(rule)
    for i, a in enumerate(rules):
        for b in rules[i + 1 :]:
            if (
                a.clock == b.clock
                and a.city == b.city
                and set(a.kinds) & set(b.kinds)
                and dict(a.conditions) == dict(b.conditions)
                and overlap(a.in_force_from, a.in_force_until, b.in_force_from, b.in_force_until)
            ):
                shared = ", ".join(k for k in a.kinds if k in b.kinds)
                p.add(
                    f"rule {b.id!r}",
                    f"overlaps rule {a.id!r} (clock {a.clock!r}, city {a.city or 'province'}, "
                    f"kinds {shared}, same conditions, date ranges overlap)",
                )
    return rules


def parse_thresholds(data: Mapping[str, Any], p: Problems) -> list[ThreeZeroThreshold]:
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
        unknown_keys(raw, THRESHOLD_KEYS, where, p)
        source = required_text(raw, "source", where, p)
        _, start = date_field(raw, "in_force_from", where, p, required=True)
        _, until = date_field(raw, "in_force_until", where, p, required=False)
        if start is not None and until is not None and until < start:
            p.add(where, f"in_force_until {until} is before in_force_from {start}")
        areas = string_list(raw.get("area_classes"))
        if not areas:
            p.add(where, "'area_classes' must be a non-empty list")
            areas = []
        for area in areas:
            if area not in AREA_CLASSES:
                p.add(where, f"unknown area class {area!r} (known: {', '.join(AREA_CLASSES)})")
        cap: Any = raw.get("max_capacity_kw")
        if not is_number(cap) or cap < 0:
            p.add(where, f"'max_capacity_kw' must be a number ≥ 0, not {cap!r}")
        if len(p) > before or start is None or source is None:
            continue
        out.append(ThreeZeroThreshold(start, until, tuple(areas), float(cap), source))
    for i, a in enumerate(out):
        for j in range(i + 1, len(out)):
            b = out[j]
            common = [x for x in a.area_classes if x in b.area_classes]
            if common and overlap(
                a.in_force_from, a.in_force_until, b.in_force_from, b.in_force_until
            ):
                p.add(
                    f"three_zero_thresholds[{j}] ({b.source})",
                    f"overlaps an earlier threshold ({a.source}) for {', '.join(common)}",
                )
    return out


def parse_fees(data: Mapping[str, Any], p: Problems) -> dict[str, FeeSpec]:
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
        unknown_keys(spec, FEE_KEYS, where, p)
        texts: dict[str, str | None] = {}
        for key in FEE_KEYS:
            value = spec.get(key)
            if value is not None and not isinstance(value, str):
                p.add(where, f"{key!r} must be text")
                value = None
            texts[key] = value
        fees[kind] = FeeSpec(three_zero=texts["three_zero"], other=texts["other"])
    return fees


def parse_on_site(data: Mapping[str, Any], p: Problems) -> OnSiteReplySpec:
    default = OnSiteReplySpec()
    raw = data.get("on_site_reply")
    if raw is None:
        return default
    where = "[on_site_reply]"
    if not isinstance(raw, dict):
        p.add(where, "must be a table")
        return default
    unknown_keys(raw, ON_SITE_KEYS, where, p)
    cap = raw.get("max_capacity_kva", default.max_capacity_kva)
    volt = raw.get("voltage_kv", default.voltage_kv)
    supply = raw.get("supply", default.supply)
    source = raw.get("source", default.source)
    for key, value in (("max_capacity_kva", cap), ("voltage_kv", volt)):
        if not is_number(value) or value < 0:
            p.add(where, f"{key!r} must be a number ≥ 0, not {value!r}")
    if supply not in SUPPLIES:
        p.add(where, f"'supply' must be one of {', '.join(SUPPLIES)}")
    if not isinstance(source, str):
        p.add(where, "'source' must be text")
    _, start = date_field(raw, "in_force_from", where, p, required=False)
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
