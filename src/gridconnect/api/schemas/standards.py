"""What the published service standards and the policy in force look like, for OpenAPI.

Both are built as plain data by `config.standards` and `config.policy`; these models describe
them so that a generated client gets typed objects. Each model allows extra keys: a section
the policy grows is passed through (and should be described here) rather than dropped.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from gridconnect.config.vocabulary import AreaClass, City, Company, Kind


class Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class CodeName(Open):
    code: str
    name: str


class LimitInForce(Open):
    """One time limit as published: the rule, its clock and how many working days."""

    rule_id: str
    clock: str = Field(description="full_process, gov_approval or stage:<stage code>")
    clock_name: str
    limit_working_days: int | None = Field(
        description="0 = the same working day (当日办结); null = set by each city"
    )
    limit_text: str
    target_working_days: int | None
    target_text: str | None
    conditions: dict[str, Any] = Field(description="when the rule applies, e.g. max_voltage_kv")
    conditions_text: str
    city: City | None
    company: Company | None
    in_force_from: str | None = Field(description="YYYY-MM-DD")
    in_force_until: str | None = Field(description="YYYY-MM-DD, inclusive")
    source: str = Field(description="the ledger item or rule it comes from")


class PublishedStage(Open):
    code: str
    name: str
    documents: list[CodeName] = Field(description="the whitelist: nothing else is asked for")
    limits: list[LimitInForce]


class ThreeZeroScope(Open):
    text: str
    area_classes: list[AreaClass]
    max_capacity_kw: float | None = None
    city: City | None = None
    source: str


class Fees(Open):
    three_zero: str | None = Field(description="for 三零 customers (zero cost)")
    other: str | None


class PublishedKind(Open):
    code: Kind
    name: str
    stage_count: int
    stages: list[PublishedStage]
    limits: list[LimitInForce] = Field(description="the kind's clocks: full process and stages")
    three_zero_scope: list[ThreeZeroScope]
    fees: Fees


class ServiceStandards(Open):
    """The service standards in force on `date` (L52)."""

    date: str = Field(description="YYYY-MM-DD")
    city: City | None
    company: Company | None
    unit: str = Field(description="工作日: every limit counts working days")
    kinds: dict[str, PublishedKind] = Field(description="by kind code")
    suspension_reasons: list[CodeName]
    source: str


class StageInPolicy(Open):
    code: str
    name: str
    documents: list[str] = Field(description="document codes of the stage's whitelist")
    where_applicable: list[str] = Field(description="documents a clerk may mark not applicable")


class KindInPolicy(Open):
    name: str
    stages: list[StageInPolicy]


class RuleInPolicy(Open):
    id: str
    clock: str
    kinds: list[Kind]
    limit_working_days: int | None
    target_working_days: int | None
    in_force_from: str | None
    in_force_until: str | None
    city: City | None
    company: Company | None
    conditions: dict[str, Any]
    source: str


class ThreeZeroThreshold(Open):
    in_force_from: str | None
    in_force_until: str | None
    area_classes: list[AreaClass]
    max_capacity_kw: float
    city: City | None
    source: str


class OnSiteReply(Open):
    max_capacity_kva: float
    supply: str
    voltage_kv: float
    in_force_from: str | None
    source: str


class ThreeZeroAlways(Open):
    kinds: list[Kind]
    source: str


class PolicyInForce(Open):
    """The policy file in force, as loaded and validated."""

    warn_working_days: int
    stall_working_days: int
    documents: dict[str, str] = Field(description="document code -> name")
    kinds: dict[str, KindInPolicy]
    rules: list[RuleInPolicy]
    three_zero_thresholds: list[ThreeZeroThreshold]
    fees: dict[str, Fees]
    on_site_reply: OnSiteReply
    three_zero_always: ThreeZeroAlways
    not_applicable_reasons: list[CodeName]
    suspension_reasons: list[CodeName]
