"""The policy file's shape as pydantic models: types, ranges, unknown keys and references.

pydantic checks every field and collects every error with its location; the references
between sections (a rule's stage clock, a kind's stages and documents) are checked by
field validators that read the codes the file declares from the validation context, so
a rule with both a bad limit and an unknown stage reports both. `PolicyFile` also gives the
JSON Schema that `gridconnect policy schema` publishes for editors.

What needs the whole valid file (overlapping rules, duplicate ids) is in
`gridconnect.config.policy_checks`; turning errors into the messages the admin sees (each
naming its rule, kind or stage) is in `gridconnect.config.policy_errors`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from gridconnect.config import conditions
from gridconnect.config.gov_modes import GovApprovalModeFile
from gridconnect.config.policy_model import FULL_PROCESS, GOV_APPROVAL, STAGE_PREFIX
from gridconnect.config.reliability import DEFAULT_RELIABILITY, ReliabilityPolicy  # outages
from gridconnect.config.vocabulary import AreaClass, City, Company, Kind, Supply

Text = Annotated[str, Field(min_length=1, pattern=r"\S")]
WorkingDays = Annotated[int, Field(strict=True, ge=0)]
Amount = Annotated[float, Field(strict=True, ge=0, allow_inf_nan=False)]


def _declared(info: ValidationInfo, key: str) -> Any:
    return (info.context or {}).get(key)


def _known_stage(code: str, info: ValidationInfo) -> str:
    names = _declared(info, "stage_names")
    if names is not None and code not in names:
        raise PydanticCustomError("unknown_stage", "unknown stage code (not in [stages])")
    return code


def _known_document(code: str, info: ValidationInfo) -> str:
    documents = _declared(info, "documents")
    if documents is not None and code not in documents:
        raise PydanticCustomError(
            "unknown_document",
            "unknown document code '{code}' (not in [documents])",
            {"code": code},
        )
    return code


StageCode = Annotated[str, AfterValidator(_known_stage)]
DocumentCode = Annotated[str, AfterValidator(_known_document)]


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class KindFile(Section):
    name: Text
    stages: list[StageCode]
    documents: dict[str, list[DocumentCode]] = {}
    where_applicable: dict[str, list[DocumentCode]] = Field(
        default={},
        description="per stage, the whitelisted documents asked for only where they apply "
        "(仅需提供: the whitelist is a maximum); the others are always required",
    )

    @field_validator("stages")
    @classmethod
    def _stages(cls, stages: list[str]) -> list[str]:
        if not stages:
            raise PydanticCustomError("no_stages", "has no stages")
        for stage in stages:
            if stages.count(stage) > 1:
                raise PydanticCustomError(
                    "duplicate_stage", "duplicate stage code", {"stage": stage}
                )
        return stages

    @field_validator("documents")
    @classmethod
    def _documents(cls, documents: dict[str, list[str]]) -> dict[str, list[str]]:
        for stage, codes in documents.items():
            for code in codes:
                if codes.count(code) > 1:
                    raise PydanticCustomError(
                        "duplicate_document",
                        "document '{code}' listed twice",
                        {"stage": stage, "code": code},
                    )
        return documents

    @model_validator(mode="after")
    def _whitelists_of_own_stages(self) -> KindFile:
        for stage in self.documents:
            if stage not in self.stages:
                raise PydanticCustomError(
                    "foreign_stage",
                    "documents given for a stage the kind lacks",
                    {"stage": stage},
                )
        for stage, codes in self.where_applicable.items():
            listed = self.documents.get(stage, [])
            for code in codes:
                if code not in listed:
                    raise PydanticCustomError(
                        "not_whitelisted",
                        "where_applicable document '{code}' is not on the whitelist of "
                        "stage '{stage}'",
                        {"stage": stage, "code": code},
                    )
        return self


class RuleFile(Section):
    id: Text
    kinds: Annotated[list[Kind], Field(min_length=1)]
    clock: str = Field(description="full_process, gov_approval or stage:<stage code>")
    limit_working_days: WorkingDays | None = Field(
        default=None, description="none = no clock configured; 0 = due the same day"
    )
    target_working_days: WorkingDays | None = None
    in_force_from: date
    in_force_until: date | None = Field(default=None, description="inclusive")
    city: City | None = None
    source: Text
    conditions: dict[str, Any] = Field(
        default={}, description="all must hold: " + ", ".join(conditions.CONDITION_KEYS)
    )
    company: Company | None = Field(
        default=None, description="the supply company the rule binds; none = both"
    )

    @field_validator("clock")
    @classmethod
    def _clock(cls, clock: str, info: ValidationInfo) -> str:
        if clock in (FULL_PROCESS, GOV_APPROVAL):
            return clock
        if not clock.startswith(STAGE_PREFIX):
            raise PydanticCustomError(
                "unknown_clock",
                "unknown clock '{clock}' (full_process, gov_approval or stage:<stage code>)",
                {"clock": clock},
            )
        stage = clock[len(STAGE_PREFIX) :]
        declared: Mapping[str, list[str]] = _declared(info, "kind_stages") or {}
        if not any(stage in codes for codes in declared.values()):
            raise PydanticCustomError(
                "unknown_stage",
                "unknown stage '{stage}' in clock '{clock}'",
                {"stage": stage, "clock": clock},
            )
        for kind in info.data.get("kinds", []):
            if kind in declared and stage not in declared[kind]:
                raise PydanticCustomError(
                    "foreign_stage",
                    "stage '{stage}' does not belong to kind '{kind}'",
                    {"stage": stage, "kind": str(kind)},
                )
        return clock

    @field_validator("conditions")
    @classmethod
    def _conditions(cls, value: dict[str, Any]) -> dict[str, Any]:
        found = conditions.problems(value)
        if found:
            raise PydanticCustomError("bad_condition", "; ".join(found))
        return value

    @model_validator(mode="after")
    def _consistent(self) -> RuleFile:
        _dates_in_order(self.in_force_from, self.in_force_until)
        target, limit = self.target_working_days, self.limit_working_days
        if target is not None and limit is None:
            raise PydanticCustomError("target", "a target_working_days needs a limit_working_days")
        if target is not None and limit is not None and target > limit:
            raise PydanticCustomError(
                "target",
                "target {target} is above the limit {limit}",
                {"target": target, "limit": limit},
            )
        return self


def _dates_in_order(start: date, until: date | None) -> None:
    if until is not None and until < start:
        raise PydanticCustomError(
            "dates",
            "in_force_until {until} is before in_force_from {start}",
            {"until": until.isoformat(), "start": start.isoformat()},
        )


class ThresholdFile(Section):
    in_force_from: date
    in_force_until: date | None = None
    area_classes: Annotated[list[AreaClass], Field(min_length=1)]
    max_capacity_kw: Amount
    source: Text
    city: City | None = Field(
        default=None, description="a pilot city's own threshold; none = the province's"
    )

    @model_validator(mode="after")
    def _consistent(self) -> ThresholdFile:
        _dates_in_order(self.in_force_from, self.in_force_until)
        return self


class FeeFile(Section):
    three_zero: str | None = None
    other: str | None = None


class OnSiteReplyFile(Section):
    max_capacity_kva: Amount
    supply: Supply
    voltage_kv: Amount
    in_force_from: date
    source: Text


class NotApplicableReasonFile(Section):
    """Why a where-applicable document is not asked of this customer (shown to them)."""

    code: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=32)]
    name: Text


def _distinct_reasons(reasons: list[NotApplicableReasonFile]) -> list[NotApplicableReasonFile]:
    codes = [reason.code for reason in reasons]
    for code in codes:
        if codes.count(code) > 1:
            raise PydanticCustomError(
                "duplicate_reason", "reason code '{code}' listed twice", {"code": code}
            )
    return reasons


class ThreeZeroAlwaysFile(Section):
    kinds: list[Kind]
    source: Text


def _no_commitment_letter(documents: dict[str, str]) -> dict[str, str]:
    for code, name in documents.items():
        if "承诺书" in name or "commitment" in code:
            raise PydanticCustomError(
                "commitment_letter",
                "document '{code}' ({name}): a commitment letter (用电承诺书) may not be "
                "asked for (L35)",
                {"code": code, "name": name},
            )
    return documents


# -- supply plans, cost and capacity ----------------------------------------
class LvCeilingFile(Section):
    """The largest LV capacity connected in a city from a date (L36, L41)."""

    in_force_from: date
    in_force_until: date | None = None
    max_capacity_kw: Annotated[float, Field(strict=True, gt=0, allow_inf_nan=False)]
    source: Text
    city: City | None = Field(default=None, description="a pilot city's own; none = province")

    @model_validator(mode="after")
    def _consistent(self) -> LvCeilingFile:
        _dates_in_order(self.in_force_from, self.in_force_until)
        return self


class ChargeItemFile(Section):
    """A permitted charge item (收费项目目录清单, L42, L52)."""

    code: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=32)]
    name: Text
    basis: Text
    unit: Text
    amount_yuan: Amount
    source: Text
    in_force_from: date
    in_force_until: date | None = None
    inside_investment_boundary: bool = Field(
        description="inside the grid's investment boundary (L39): never charged to "
        "residential or 三零 customers (L37–L38)"
    )

    @model_validator(mode="after")
    def _consistent(self) -> ChargeItemFile:
        _dates_in_order(self.in_force_from, self.in_force_until)
        return self


def _distinct_items(items: list[ChargeItemFile]) -> list[ChargeItemFile]:
    codes = [item.code for item in items]
    for code in codes:
        if codes.count(code) > 1:
            raise PydanticCustomError(
                "duplicate_charge_item", "charge item '{code}' listed twice", {"code": code}
            )
    return items


class CapacityPublicationFile(Section):
    """Which open-capacity fields are published (L52); city and area always are."""

    substation: bool = True
    feeder: bool = True
    available_kva: bool = True
    restricted: bool = True
    restriction_reason: bool = True
    expected_relief_on: bool = True


# -- breach risk forecast (command centre) -------------------------------------------
class BreachRiskFile(Section):
    """When a running clock counts as at risk of breaching (see services/breach_risk)."""

    threshold: Annotated[float, Field(strict=True, gt=0, lt=1)] = Field(
        default=0.4,
        description="a running clock whose forecast breach probability reaches this share "
        "raises one at-risk alert, before the fixed warning",
    )
    min_cases: Annotated[int, Field(strict=True, ge=1)] = Field(
        default=20,
        description="finished clocks a group needs before the forecast trusts it; smaller "
        "groups fall back to coarser ones",
    )
    history_days: Annotated[int, Field(strict=True, ge=30)] = Field(
        default=365, description="calendar days of finished clocks the forecast reads"
    )


class PolicyFile(Section):
    """A gridconnect policy file (TOML): stages, document whitelists, SLA rules, 三零 scope."""

    model_config = ConfigDict(title="gridconnect policy")

    warn_working_days: WorkingDays = 1
    stall_working_days: Annotated[int, Field(strict=True, ge=1)] = Field(
        default=5,
        description="an application with no action for this many working days at any "
        "stage raises a stall alert once",
    )
    # selfservice: a customer's help request or complaint is answered within this many
    # working days (its own clock, warned and breached like the others)
    ticket_answer_working_days: Annotated[int, Field(strict=True, ge=1)] = Field(
        default=5,
        description="a customer's help request or complaint is answered within this many "
        "working days",
    )
    documents: Annotated[dict[str, Text], AfterValidator(_no_commitment_letter)]
    stages: dict[str, Text]
    kinds: dict[Kind, KindFile]
    rules: list[RuleFile] = []
    three_zero_thresholds: list[ThresholdFile] = []
    three_zero_always: ThreeZeroAlwaysFile
    fees: dict[Kind, FeeFile] = {}
    on_site_reply: OnSiteReplyFile
    not_applicable_reasons: Annotated[
        list[NotApplicableReasonFile], AfterValidator(_distinct_reasons)
    ] = []
    # supply plans, cost and capacity
    lv_capacity_ceilings: list[LvCeilingFile] = []
    charge_items: Annotated[list[ChargeItemFile], AfterValidator(_distinct_items)] = []
    capacity_publication: CapacityPublicationFile = CapacityPublicationFile()
    # govlink: the approval mode per city and kind of work, first match wins (L13, L14).
    gov_approval_modes: list[GovApprovalModeFile] = []
    # command centre: the breach risk forecast
    breach_risk: BreachRiskFile = BreachRiskFile()
    # outages capability: targets, notice clocks and margins of the outage ledger
    reliability: ReliabilityPolicy = DEFAULT_RELIABILITY

    @field_validator("kinds")
    @classmethod
    def _every_kind(cls, kinds: dict[Kind, KindFile]) -> dict[Kind, KindFile]:
        missing = [kind for kind in Kind if kind not in kinds]
        if missing:
            raise PydanticCustomError(
                "missing_kind",
                "is missing (every kind must be defined)",
                {"kind": str(missing[0])},
            )
        return kinds


def validation_context(data: Mapping[str, Any]) -> dict[str, Any]:
    """The codes the file declares, read leniently so that references are checked against
    what was meant even where a declaring section is itself faulty."""

    def table(value: Any) -> Mapping[str, Any]:
        return value if isinstance(value, dict) else {}

    kind_stages = {
        code: [s for s in spec.get("stages", []) if isinstance(s, str)]
        for code, spec in table(data.get("kinds")).items()
        if isinstance(spec, dict) and isinstance(spec.get("stages"), list)
    }
    return {
        "stage_names": set(table(data.get("stages"))),
        "documents": set(table(data.get("documents"))),
        "kind_stages": kind_stages,
    }
