"""Stage machines built from the policy data with `transitions`.

One machine definition per kind: its stages in order, then `connected`; `cancelled`
from every open stage. Suspension and the government-approval record are internal
transitions (no stage change) so that every "what can I do now" answer comes from the
machine's own `may_<trigger>()`, never from a second table.
"""

from __future__ import annotations

from enum import StrEnum
from functools import lru_cache
from typing import Any

from transitions import Machine

from gridconnect.workflow.model import Application

CONNECTED = "connected"
CANCELLED = "cancelled"


class Action(StrEnum):
    """What a person may ask of an application: the stage machines' triggers (imperative)."""

    ADVANCE = "advance"
    SUSPEND = "suspend"
    RESUME = "resume"
    CANCEL = "cancel"
    START_GOV_APPROVAL = "start_gov_approval"
    COMPLETE_GOV_APPROVAL = "complete_gov_approval"


TRIGGERS = tuple(Action)  # the stable order of "what can I do now"


class StageCursor:
    """The object a machine drives: the application's stage and the guards' inputs."""

    state: str

    def __init__(self, application: Application, missing_documents: list[str]) -> None:
        self.application = application
        self.missing_documents = missing_documents

    def documents_complete(self) -> bool:
        return not self.missing_documents

    def is_suspended(self) -> bool:
        return self.application.suspended

    def gov_approval_not_requested(self) -> bool:
        return self.application.gov_approval is None

    def gov_approval_requested(self) -> bool:
        return self.application.gov_approval == "requested"


@lru_cache(maxsize=64)
def machine_definition(stages: tuple[str, ...]) -> tuple[list[str], list[dict[str, Any]]]:
    """States and transitions for a kind whose stages are `stages`, in order."""
    states = [*stages, CONNECTED, CANCELLED]
    open_stages = list(stages)
    transitions: list[dict[str, Any]] = []
    for here, following in zip(stages, [*stages[1:], CONNECTED], strict=True):
        transitions.append(
            {
                "trigger": Action.ADVANCE,
                "source": here,
                "dest": following,
                "conditions": "documents_complete",
                "unless": "is_suspended",
            }
        )
    transitions += [
        {"trigger": Action.CANCEL, "source": open_stages, "dest": CANCELLED},
        {"trigger": Action.SUSPEND, "source": open_stages, "dest": None, "unless": "is_suspended"},
        {
            "trigger": Action.RESUME,
            "source": open_stages,
            "dest": None,
            "conditions": "is_suspended",
        },
        {
            "trigger": Action.START_GOV_APPROVAL,
            "source": open_stages,
            "dest": None,
            "conditions": "gov_approval_not_requested",
        },
        {
            "trigger": Action.COMPLETE_GOV_APPROVAL,
            "source": open_stages,
            "dest": None,
            "conditions": "gov_approval_requested",
        },
    ]
    return states, transitions


def drive(application: Application, stages: tuple[str, ...], missing: list[str]) -> StageCursor:
    """A cursor at the application's stage with a machine attached."""
    cursor = StageCursor(application, missing)
    states, transitions = machine_definition(stages)
    Machine(
        model=cursor,
        states=states,
        transitions=transitions,
        initial=application.stage,
        auto_transitions=False,
        ignore_invalid_triggers=False,
    )
    return cursor


def allowed_actions(cursor: StageCursor) -> list[Action]:
    """Every trigger the machine would accept now, in a stable order."""
    allowed = []
    for trigger in TRIGGERS:
        may = getattr(cursor, f"may_{trigger}", None)
        if may is not None and may():
            allowed.append(trigger)
    return allowed
