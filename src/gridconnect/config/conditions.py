"""The conditions a rule may put on an application: one registry, each condition complete.

Before, four if-chains (checking a value, matching an application, one rule implying
another, the Chinese text of the standards page) each knew the condition keys; a new key
had to be added to all four. Here each `Condition` carries its value type (pydantic checks
it, strictly: `true` is not 1), how it matches, how it compares and how it reads in Chinese.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import Field, TypeAdapter, ValidationError

from gridconnect.config.vocabulary import Kind, Supply

if TYPE_CHECKING:
    from gridconnect.config.policy_model import ApplicationFacts, OnSiteReplySpec


def num(value: float) -> str:
    """A number as the standards page prints it: 10, not 10.0."""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


@dataclass(frozen=True)
class Condition:
    key: str
    #: pydantic checks a value from the policy file (strict: no bool for a number)
    adapter: TypeAdapter[Any]
    #: whether an application meets the condition with this value
    holds: Callable[[Any, ApplicationFacts], bool]
    #: whether every application meeting `narrow` also meets `broad` (same key)
    implies: Callable[[Any, Any], bool]
    #: the Chinese text, given the rule's kind and the policy's on-site-reply scope
    describe: Callable[[Any, str, OnSiteReplySpec], str]

    def check(self, value: Any) -> str | None:
        """None if `value` is valid, else pydantic's message."""
        try:
            self.adapter.validate_python(value)
        except ValidationError as exc:
            return "; ".join(str(e["msg"]) for e in exc.errors())
        return None


NonNegative = TypeAdapter(Annotated[float, Field(strict=True, ge=0, allow_inf_nan=False)])
Flag = TypeAdapter(Annotated[bool, Field(strict=True)])
SupplyValue = TypeAdapter(Supply)


def _on_site_text(value: bool, _kind: str, spec: OnSiteReplySpec) -> str:
    if not value:
        return "非现场答复用户"
    supply = Supply(spec.supply).label if spec.supply in Supply.codes() else spec.supply
    return (
        f"供电方案现场答复（{num(spec.max_capacity_kva)}千伏安及以下、"
        f"{num(spec.voltage_kv)}千伏{supply}用户）"
    )


def _capacity_text(value: float, kind: str, _spec: OnSiteReplySpec) -> str:
    unit = "千伏安" if kind == Kind.HV else "千瓦"
    return f"报装容量{num(value)}{unit}及以下"


CONDITIONS: Mapping[str, Condition] = {
    c.key: c
    for c in (
        Condition(
            "min_voltage_kv",
            NonNegative,
            lambda v, f: f.voltage_kv is not None and f.voltage_kv >= v,
            lambda narrow, broad: narrow >= broad,
            lambda v, _k, _s: f"供电电压{num(v)}千伏及以上",
        ),
        Condition(
            "max_voltage_kv",
            NonNegative,
            lambda v, f: f.voltage_kv is not None and f.voltage_kv <= v,
            lambda narrow, broad: narrow <= broad,
            lambda v, _k, _s: f"供电电压{num(v)}千伏及以下",
        ),
        Condition(
            "max_capacity",
            NonNegative,
            lambda v, f: f.capacity <= v,
            lambda narrow, broad: narrow <= broad,
            _capacity_text,
        ),
        Condition(
            "supply",
            SupplyValue,
            lambda v, f: f.supply == v,
            lambda narrow, broad: narrow == broad,
            lambda v, _k, _s: Supply(v).label,
        ),
        Condition(
            "three_zero",
            Flag,
            lambda v, f: bool(f.three_zero) == v,
            lambda narrow, broad: narrow == broad,
            lambda v, _k, _s: "实行“三零”服务" if v else "未实行“三零”服务",
        ),
        Condition(
            "on_site_reply",
            Flag,
            lambda v, f: bool(f.on_site_reply) == v,
            lambda narrow, broad: narrow == broad,
            _on_site_text,
        ),
    )
}
CONDITION_KEYS: tuple[str, ...] = tuple(CONDITIONS)


def all_hold(conditions: Mapping[str, Any], facts: ApplicationFacts) -> bool:
    return all(CONDITIONS[key].holds(value, facts) for key, value in conditions.items())


def implies(narrow: Mapping[str, Any], broad: Mapping[str, Any]) -> bool:
    """Whether every application meeting `narrow` also meets `broad`."""
    return all(
        key in narrow and CONDITIONS[key].implies(narrow[key], value)
        for key, value in broad.items()
    )


def problems(conditions: Mapping[str, Any]) -> list[str]:
    """Every problem of a rule's conditions, each naming its key."""
    found: list[str] = []
    for key, value in conditions.items():
        condition = CONDITIONS.get(key)
        if condition is None:
            found.append(f"unknown condition key {key!r} (known: {', '.join(CONDITION_KEYS)})")
        elif (message := condition.check(value)) is not None:
            found.append(f"condition {key!r} {value!r}: {message}")
    low, high = conditions.get("min_voltage_kv"), conditions.get("max_voltage_kv")
    if not found and low is not None and high is not None and low > high:
        found.append("condition min_voltage_kv is above max_voltage_kv")
    return found


def describe(conditions: Mapping[str, Any], kind: str, on_site: OnSiteReplySpec) -> str:
    """The conditions of a rule in Chinese ("" when the rule has none)."""
    parts: list[str] = []
    low, high = conditions.get("min_voltage_kv"), conditions.get("max_voltage_kv")
    one_voltage = low is not None and low == high
    if low is not None and one_voltage:
        parts.append(f"{num(low)}千伏供电")  # a range of one value reads as that voltage
    for key, condition in CONDITIONS.items():
        if key not in conditions or (one_voltage and key.endswith("_voltage_kv")):
            continue
        parts.append(condition.describe(conditions[key], kind, on_site))
    return "，".join(parts)
