"""The `[reliability]` section of the policy file: outage-hour targets, notice clocks, margins.

Validated by pydantic like the rest of the file (unknown keys, ranges, unknown cities or
area classes are refused with their location). The validated model is frozen and is the
domain object itself: `Policy.reliability` holds it, and the index computation and the
notice clocks read it.

Targets (L5, L7, L9, L51):
- `[[reliability.targets]]`: a yearly AIHC ceiling in hours per area class, for one city or
  (without `city`) for every city no other target names; `from_year`/`until_year` give the
  years it judges (L7: 2022 onward).
- `[[reliability.year_on_year]]`: a year is also met when AIHC ≤ `share_of_previous` × the
  same city and class's previous year (L5 judges 2021, L7 every year from 2022, L9 2023).
- `[[reliability.zones]]`: high-reliability demonstration zones (L51), named areas made of
  feeders, each with its own ceiling.

Limited supply (限电): an outage of kind `limited` counts with its equivalent duration,
hours × the restricted share of load recorded on the outage (DL/T 836's 等效停电时间), when
`limited_equivalence = "restricted_share"`; with `"full"` it counts like an outage.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from gridconnect.config.vocabulary import AreaClass, City

Hours = Annotated[float, Field(strict=False, ge=0, allow_inf_nan=False)]
Year = Annotated[int, Field(strict=True, ge=2000, le=2100)]
Item = Annotated[str, Field(min_length=1, pattern=r"\S")]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class OutageTarget(_Section):
    """A yearly ceiling of AIHC (hours per customer) per area class."""

    item: Item
    city: City | None = None
    from_year: Year
    until_year: Year | None = None
    hours: dict[AreaClass, Hours]

    @model_validator(mode="after")
    def _years_in_order(self) -> OutageTarget:
        if self.until_year is not None and self.until_year < self.from_year:
            raise ValueError("until_year is before from_year")
        return self

    def judges(self, year: int) -> bool:
        return self.from_year <= year and (self.until_year is None or year <= self.until_year)


class YearOnYearRule(_Section):
    """A year is met when AIHC ≤ share_of_previous × the previous year's AIHC."""

    item: Item
    from_year: Year
    until_year: Year | None = None
    share_of_previous: Annotated[float, Field(gt=0, le=1)] = 0.92

    def judges(self, year: int) -> bool:
        return self.from_year <= year and (self.until_year is None or year <= self.until_year)


class ReliabilityZone(_Section):
    """A high-reliability demonstration zone (L51): named feeders with their own ceiling."""

    item: Item
    name: Item
    city: City
    feeders: list[Item] = Field(min_length=1)
    hours: Hours


class ReliabilityPolicy(_Section):
    """Outages and supply reliability (L5, L7, L9, L47–L51, L55)."""

    momentary_minutes: Annotated[float, Field(ge=0, le=60)] = Field(
        default=3, description="interruptions not longer than this are momentary"
    )
    planned_notice_days: Annotated[int, Field(strict=True, ge=0)] = Field(
        default=7, description="a planned maintenance outage is announced this many days ahead"
    )
    temporary_notice_hours: Annotated[int, Field(strict=True, ge=0)] = Field(
        default=24, description="a temporary maintenance outage is announced this many hours ahead"
    )
    fault_first_notice_minutes: Annotated[int, Field(strict=True, ge=1)] = Field(
        default=15, description="a fault's first notice is due this many minutes after recording"
    )
    ytd_margin_percent: Annotated[float, Field(ge=0, le=100)] = Field(
        default=10,
        description="alert when the share of the yearly budget used runs ahead of the share "
        "of the year gone by this many percentage points",
    )
    limited_equivalence: Literal["restricted_share", "full"] = "restricted_share"
    notice_batch_size: Annotated[int, Field(strict=True, ge=1, le=1000)] = 1000
    targets: list[OutageTarget] = []
    year_on_year: list[YearOnYearRule] = []
    zones: list[ReliabilityZone] = []

    @model_validator(mode="after")
    def _zone_names_unique(self) -> ReliabilityPolicy:
        names = [zone.name for zone in self.zones]
        repeated = sorted({name for name in names if names.count(name) > 1})
        if repeated:
            raise ValueError(f"zone names must be unique: {', '.join(repeated)} repeated")
        return self

    def target_for(self, city: str, area_class: str, year: int) -> tuple[float, str] | None:
        """(ceiling hours, item) judging this city and class in `year`: the city's own
        target wins over the one for every city."""
        judging = [t for t in self.targets if t.judges(year) and area_class in t.hours]
        own = [t for t in judging if t.city == city]
        general = [t for t in judging if t.city is None]
        if not own and not general:
            return None
        chosen = (own or general)[0]
        return float(chosen.hours[AreaClass(area_class)]), chosen.item

    def year_on_year_for(self, year: int) -> YearOnYearRule | None:
        return next((rule for rule in self.year_on_year if rule.judges(year)), None)


DEFAULT_RELIABILITY = ReliabilityPolicy()
