"""Which approval of the connection works applies, per city and kind of work (L13, L14).

Declared in the policy file as `[[gov_approval_modes]]`, read in order: the first entry whose
cities, kinds and capacity match decides. No entry matching means `manual` (staff record the
approval by hand, as before the link).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

from gridconnect.config.vocabulary import ApprovalMode, City, Department, Kind


class GovApprovalModeFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    cities: list[City] = Field(default=[], description="empty: every city")
    kinds: Annotated[list[Kind], Field(min_length=1)]
    max_capacity_kw: float | None = Field(
        default=None, ge=0, description="only works up to this capacity (short LV works, L14)"
    )
    mode: ApprovalMode
    departments: list[Department] = []
    source: str | None = None

    @model_validator(mode="after")
    def _departments_for_parallel(self) -> GovApprovalModeFile:
        if self.mode == ApprovalMode.PARALLEL and not self.departments:
            raise ValueError("a parallel approval must name its departments")
        if self.mode != ApprovalMode.PARALLEL and self.departments:
            raise ValueError("only a parallel approval names departments")
        if self.mode == ApprovalMode.MANUAL:
            raise ValueError("manual is what no entry means; leave the entry out")
        return self


@dataclass(frozen=True)
class GovApprovalMode:
    mode: str
    departments: tuple[str, ...] = ()
    cities: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    max_capacity_kw: float | None = None

    def matches(self, city: str, kind: str, capacity: float) -> bool:
        if self.cities and city not in self.cities:
            return False
        if kind not in self.kinds:
            return False
        return self.max_capacity_kw is None or capacity <= self.max_capacity_kw


MANUAL = GovApprovalMode(mode=str(ApprovalMode.MANUAL))


def to_domain(entries: list[GovApprovalModeFile]) -> tuple[GovApprovalMode, ...]:
    return tuple(
        GovApprovalMode(
            mode=str(e.mode),
            departments=tuple(str(d) for d in e.departments),
            cities=tuple(str(c) for c in e.cities),
            kinds=tuple(str(k) for k in e.kinds),
            max_capacity_kw=e.max_capacity_kw,
        )
        for e in entries
    )


def approval_mode_for(
    modes: tuple[GovApprovalMode, ...], city: str, kind: str, capacity: float
) -> GovApprovalMode:
    for mode in modes:
        if mode.matches(city, kind, capacity):
            return mode
    return MANUAL
