"""The policy model: kinds, stages, whitelists, SLA clock rules, 三零 thresholds.

Pure data (frozen dataclasses) plus the look-ups the workflow needs. Loading and
validation live in `gridconnect.config.policy`; the public service-standards page in
`gridconnect.config.standards`. Ledger items (L1..L60) refer to
shared/policy/getting-electricity-task-ledger.zh.txt.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any

from gridconnect.config import conditions as rule_conditions
from gridconnect.config.conditions import CONDITION_KEYS as CONDITION_KEYS
from gridconnect.config.gov_modes import GovApprovalMode
from gridconnect.config.plans_policy import CapacityPublication, ChargeItem, LvCapacityCeiling
from gridconnect.config.reliability import DEFAULT_RELIABILITY, ReliabilityPolicy  # outages
from gridconnect.config.vocabulary import (
    AreaClass,
    City,
    Kind,
    Supply,
    SuspensionReasonCode,
)
from gridconnect.errors import GridconnectError, InvalidInput

KIND_CODES: tuple[str, ...] = Kind.codes()
AREA_CLASSES: tuple[str, ...] = AreaClass.codes()
AREA_CLASS_NAMES: Mapping[str, str] = AreaClass.names()
CITIES: tuple[str, ...] = City.codes()
SUPPLIES: tuple[str, ...] = Supply.codes()

FULL_PROCESS = "full_process"
GOV_APPROVAL = "gov_approval"
STAGE_PREFIX = "stage:"
CLOCKS_MEMO_SIZE = 8192


class PolicyError(GridconnectError):
    """The policy file is wrong; `details` lists every problem found (each names its rule)."""

    status = 422
    code = "invalid_policy"

    def __init__(self, message: str, details: list[str] | None = None) -> None:
        super().__init__(message, list(details or []))


@dataclass(frozen=True)
class DocumentType:
    code: str
    name: str


@dataclass(frozen=True)
class StageSpec:
    code: str
    name: str
    documents: tuple[DocumentType, ...]
    #: whitelisted codes asked for only where they apply (the whitelist is a maximum)
    where_applicable: frozenset[str] = frozenset()

    # Cached: a view asks for them on every application of a page (the spec is frozen).
    @cached_property
    def required(self) -> tuple[DocumentType, ...]:
        """Documents every customer provides at this stage (须提供)."""
        return tuple(d for d in self.documents if d.code not in self.where_applicable)

    @cached_property
    def if_applicable(self) -> tuple[DocumentType, ...]:
        """Documents provided only where they apply (如适用)."""
        return tuple(d for d in self.documents if d.code in self.where_applicable)


@dataclass(frozen=True)
class KindSpec:
    code: str
    name: str
    stages: tuple[StageSpec, ...]

    def stage(self, code: str) -> StageSpec:
        for stage in self.stages:
            if stage.code == code:
                return stage
        raise InvalidInput(
            f"unknown stage {code!r} for kind {self.code!r}",
            {"kind": self.code, "stage": code, "stages": [s.code for s in self.stages]},
        )


@dataclass(frozen=True)
class SuspensionReason:
    code: str
    name: str


@dataclass(frozen=True)
class NotApplicableReason:
    """Why a where-applicable document is not asked of a customer (policy list)."""

    code: str
    name: str


#: Customer-caused time that does not count against the utility (fixed list, not configurable).
SUSPENSION_REASONS: tuple[SuspensionReason, ...] = tuple(
    SuspensionReason(code, name) for code, name in SuspensionReasonCode.names().items()
)


@dataclass(frozen=True)
class ApplicationFacts:
    """What rule selection needs to know about an application.

    `capacity` is kW for low voltage and kVA for high voltage (as the ledger states them).
    """

    kind: str
    city: str
    received_on: date
    capacity: float
    voltage_kv: float | None
    supply: str | None
    three_zero: bool
    on_site_reply: bool
    #: the supply company (`sgcc`, `local`); None matches only rules for every company
    company: str | None = None


def _in_force(on: date, start: date, until: date | None) -> bool:
    return start <= on and (until is None or on <= until)


@dataclass(frozen=True)
class SlaRule:
    """One clock's limit for a scope. `in_force_until` is inclusive; None = open-ended.

    `limit_working_days` None means explicitly "no clock configured"; 0 means due the same
    day (end of the receipt day). A rule applies to applications *received* while it is in
    force (limits are not retroactive).
    """

    id: str
    clock: str
    kinds: tuple[str, ...]
    limit_working_days: int | None
    in_force_from: date
    in_force_until: date | None
    city: str | None
    target_working_days: int | None
    source: str
    conditions: Mapping[str, Any] = field(default_factory=dict, hash=False)
    #: the supply company the rule binds (`sgcc`, `local`); None = both
    company: str | None = None

    @property
    def stage(self) -> str | None:
        """The stage code of a `stage:<code>` clock, else None."""
        return self.clock[len(STAGE_PREFIX) :] if self.clock.startswith(STAGE_PREFIX) else None

    def in_force(self, on: date) -> bool:
        return _in_force(on, self.in_force_from, self.in_force_until)

    def conditions_hold(self, facts: ApplicationFacts) -> bool:
        return rule_conditions.all_hold(self.conditions, facts)

    def applies_to(self, facts: ApplicationFacts) -> bool:
        return (
            facts.kind in self.kinds
            and self.in_force(facts.received_on)
            and (self.city is None or self.city == facts.city)
            and (self.company is None or self.company == facts.company)
            and self.conditions_hold(facts)
        )


@dataclass(frozen=True)
class ThreeZeroThreshold:
    """LV non-residential 三零 eligibility: capacity ≤ max_capacity_kw in these area classes."""

    in_force_from: date
    in_force_until: date | None
    area_classes: tuple[str, ...]
    max_capacity_kw: float
    source: str
    #: a pilot city's own threshold (L11, L36, L41) wins there over the province's (None)
    city: str | None = None

    def in_force(self, on: date) -> bool:
        return _in_force(on, self.in_force_from, self.in_force_until)

    def covers(self, area_class: str, on: date, city: str | None) -> bool:
        return (
            self.in_force(on)
            and area_class in self.area_classes
            and (self.city is None or self.city == city)
        )


@dataclass(frozen=True)
class FeeSpec:
    """Published fee text for a kind: for 三零 customers (zero) and for the others."""

    three_zero: str | None
    other: str | None


@dataclass(frozen=True)
class OnSiteReplySpec:
    """HV supply plan answered on site (现场答复, L25–26); the policy file sets every value."""

    max_capacity_kva: float
    supply: str
    voltage_kv: float
    in_force_from: date
    source: str


@dataclass(frozen=True)
class ThreeZeroAlways:
    """Kinds that always get 三零 service, whatever their capacity (L1, L37: residential)."""

    kinds: tuple[str, ...]
    source: str


@dataclass(frozen=True)
class BreachRiskSpec:
    """The breach forecast's settings: the at-risk threshold and how much history it needs."""

    threshold: float = 0.4
    min_cases: int = 20
    history_days: int = 365


@dataclass(frozen=True)
class Policy:
    kinds: Mapping[str, KindSpec] = field(hash=False)
    rules: tuple[SlaRule, ...]
    three_zero_thresholds: tuple[ThreeZeroThreshold, ...]
    on_site_reply: OnSiteReplySpec
    three_zero_always: ThreeZeroAlways
    warn_working_days: int = 1
    #: an open application with no action for this many working days raises a stall alert
    stall_working_days: int = 5
    #: selfservice: working days to answer a customer's help request or complaint
    ticket_answer_working_days: int = 5
    not_applicable_reasons: tuple[NotApplicableReason, ...] = ()
    suspension_reasons: tuple[SuspensionReason, ...] = SUSPENSION_REASONS
    fees: Mapping[str, FeeSpec] = field(default_factory=dict, hash=False)
    #: every document type the policy names (code -> DocumentType)
    documents: Mapping[str, DocumentType] = field(default_factory=dict, hash=False)
    # supply plans, cost and capacity
    lv_capacity_ceilings: tuple[LvCapacityCeiling, ...] = ()
    charge_items: tuple[ChargeItem, ...] = ()
    capacity_publication: CapacityPublication = field(default_factory=CapacityPublication)
    #: govlink: approval modes in file order, first match wins
    gov_approval_modes: tuple[GovApprovalMode, ...] = ()
    #: command centre: when a running clock counts as at risk of breaching
    breach_risk: BreachRiskSpec = BreachRiskSpec()
    # outages capability: the [reliability] section (targets, notice clocks)
    reliability: ReliabilityPolicy = field(default=DEFAULT_RELIABILITY, hash=False)
    #: `clocks_for` answers by facts: a policy never changes, so they never go stale; every
    #: view asks, and the search through the rules was a third of a view's time
    _clocks_memo: dict[ApplicationFacts, tuple[SlaRule, ...]] = field(
        default_factory=dict, init=False, repr=False, compare=False, hash=False
    )

    # -- kinds, stages, documents -------------------------------------------------
    def kind(self, kind: str) -> KindSpec:
        try:
            return self.kinds[kind]
        except KeyError:
            raise InvalidInput(
                f"unknown application kind {kind!r}", {"kind": kind, "kinds": list(self.kinds)}
            ) from None

    def stage_codes(self, kind: str) -> tuple[str, ...]:
        return tuple(stage.code for stage in self.kind(kind).stages)

    def whitelist(self, kind: str, stage: str) -> tuple[DocumentType, ...]:
        """The whole list of documents that may be asked for at this stage (L33–35)."""
        return self.kind(kind).stage(stage).documents

    def not_applicable_reason(self, code: str) -> NotApplicableReason | None:
        for reason in self.not_applicable_reasons:
            if reason.code == code:
                return reason
        return None

    def document_name(self, code: str) -> str:
        try:
            return self.documents[code].name
        except KeyError:
            raise InvalidInput(f"unknown document type {code!r}", {"document": code}) from None

    def reason(self, code: str) -> SuspensionReason:
        for reason in self.suspension_reasons:
            if reason.code == code:
                return reason
        raise InvalidInput(
            f"unknown suspension reason {code!r}",
            {"reason": code, "reasons": [r.code for r in self.suspension_reasons]},
        )

    def fee(self, kind: str, three_zero: bool) -> str | None:
        """The published fee text for a customer of this kind (None if the policy has none)."""
        self.kind(kind)
        spec = self.fees.get(kind)
        if spec is None:
            return None
        return spec.three_zero if three_zero and spec.three_zero is not None else spec.other

    # -- SLA rules ------------------------------------------------------------------
    def rule_for(self, clock: str, facts: ApplicationFacts) -> SlaRule | None:
        """The rule for this clock in force on the receipt date, or None if none applies.

        A rule of the application's city wins over the province's (L11–12: cities set
        their own, stricter limits). Among those, the most specific wins: most conditions
        first, then a rule of the application's company over one for every company, then
        the one most recently in force, then the first declared. Conditions come before
        company so that a company's assessment default (`stage.supply_plan.single`, 15
        days) never displaces a ledger rule that names more (L26's on-site reply, 0 days).
        """
        candidates = [r for r in self.rules if r.clock == clock and r.applies_to(facts)]
        if not candidates:
            return None
        pool = [r for r in candidates if r.city is not None] or candidates
        return max(pool, key=lambda r: (len(r.conditions), r.company is not None, r.in_force_from))

    def clocks_for(self, facts: ApplicationFacts) -> list[SlaRule]:
        """Every clock rule that applies (full_process, gov_approval, then stages in order),
        including rules whose limit is None ("no clock configured")."""
        known = self._clocks_memo.get(facts)
        if known is None:
            clocks = [FULL_PROCESS, GOV_APPROVAL]
            clocks += [STAGE_PREFIX + code for code in self.stage_codes(facts.kind)]
            found = (self.rule_for(clock, facts) for clock in clocks)
            known = tuple(rule for rule in found if rule is not None)
            if len(self._clocks_memo) >= CLOCKS_MEMO_SIZE:
                self._clocks_memo.clear()  # bounded: a year of distinct receipt days and sizes
            self._clocks_memo[facts] = known
        return list(known)

    # -- eligibility ----------------------------------------------------------------
    def three_zero_threshold(
        self, area_class: str, on: date, city: str | None = None
    ) -> ThreeZeroThreshold | None:
        """The 三零 threshold in force: the city's own (pilots) wins over the province's."""
        matching = [t for t in self.three_zero_thresholds if t.covers(area_class, on, city)]
        return next((t for t in matching if t.city is not None), None) or next(iter(matching), None)

    def is_three_zero(
        self,
        kind: str,
        area_class: str,
        capacity_kw: float,
        received_on: date,
        city: str | None = None,
    ) -> bool:
        """三零 service: the policy's always-kinds (residential, L1, L37); HV never; LV
        non-residential by the capacity threshold in force on the receipt date (L4, L6),
        the city's own where it has one."""
        self.kind(kind)
        if area_class not in AREA_CLASSES:
            raise InvalidInput(
                f"unknown area class {area_class!r}",
                {"area_class": area_class, "area_classes": list(AREA_CLASSES)},
            )
        if kind in self.three_zero_always.kinds:
            return True
        if kind != Kind.LV_NONRESIDENTIAL:
            return False
        threshold = self.three_zero_threshold(area_class, received_on, city)
        # no threshold in force (before 2022): no 三零 for non-residential customers
        return threshold is not None and capacity_kw <= threshold.max_capacity_kw

    def is_on_site_reply(
        self,
        kind: str,
        capacity_kva: float,
        voltage_kv: float | None,
        supply: str | None,
        received_on: date,
    ) -> bool:
        """HV ≤1250 kVA on a single 10 kV supply, received from 2022: supply plan on site."""
        self.kind(kind)
        spec = self.on_site_reply
        return (
            kind == Kind.HV
            and received_on >= spec.in_force_from
            and capacity_kva <= spec.max_capacity_kva
            and voltage_kv is not None
            and voltage_kv == spec.voltage_kv
            and supply == spec.supply
        )

    def application_facts(
        self,
        *,
        kind: str,
        city: str,
        received_on: date,
        capacity: float,
        area_class: str,
        voltage_kv: float | None = None,
        supply: str | None = None,
        company: str | None = None,
    ) -> ApplicationFacts:
        """Facts with `three_zero` and `on_site_reply` worked out by this policy."""
        return ApplicationFacts(
            kind=kind,
            city=city,
            received_on=received_on,
            capacity=capacity,
            voltage_kv=voltage_kv,
            supply=supply,
            three_zero=self.is_three_zero(kind, area_class, capacity, received_on, city),
            on_site_reply=self.is_on_site_reply(kind, capacity, voltage_kv, supply, received_on),
            company=company,
        )
