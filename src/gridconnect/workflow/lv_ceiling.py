"""The low-voltage capacity ceiling (L36, L41), checked at intake by every channel.

The intake model (`workflow.intake`) knows no policy; the ceiling is a policy fact that
depends on the city and the day of receipt (pilot cities raise it step by step), so it is
checked where the service receives an application, after the intake model, and both the
API and the pages go through that one place.
"""

from __future__ import annotations

from datetime import date

from gridconnect.config.plans_policy import LvCapacityCeiling, lv_ceiling
from gridconnect.config.policy_model import Policy
from gridconnect.config.vocabulary import Kind
from gridconnect.workflow.errors import InvalidApplication
from gridconnect.workflow.intake import NewApplication


class LvCapacityAboveCeiling(InvalidApplication):
    code = "lv_capacity_above_ceiling"

    def __init__(self, ceiling: LvCapacityCeiling, capacity_kw: float, city: str) -> None:
        self.ceiling = ceiling
        message = (
            f"capacity_kw {capacity_kw:g} kW is above the low-voltage ceiling of "
            f"{ceiling.max_capacity_kw:g} kW in {city} ({ceiling.source}): apply as high "
            "voltage (kind 'hv')"
        )
        super().__init__(message, [{"field": "capacity_kw", "message": message}])

    @property
    def chinese(self) -> str:
        """The message the pages show beside the capacity field."""
        return (
            f"报装容量超过本市低压接入容量上限 {self.ceiling.max_capacity_kw:g} kW"
            f"（{self.ceiling.source}），请按高压用户申请"
        )


def refuse_above_lv_ceiling(policy: Policy, new: NewApplication, received_on: date) -> None:
    """Raise LvCapacityAboveCeiling when an LV application exceeds the ceiling in force."""
    if new.kind == Kind.HV:
        return
    ceiling = lv_ceiling(policy.lv_capacity_ceilings, new.city, received_on)
    if ceiling is not None and new.capacity > ceiling.max_capacity_kw:
        raise LvCapacityAboveCeiling(ceiling, new.capacity, new.city)
