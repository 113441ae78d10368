"""Stage machines built from the policy data with `transitions`.

One machine definition per kind: its stages in order, then `connected`; `cancelled`
from every open stage. Suspension and the government-approval record are internal
transitions (no stage change) so that every "what can I do now" answer comes from the
machine's own `may_<trigger>()`, never from a hand-written second table.

Building a `Machine` costs about 130 µs, most of a view's time, and a list page
showed 50 views. The guards read only four facts (the state, whether the documents are
complete, suspended, and whether government approval is unrequested or requested), so
`action_table` asks the machine once per combination of those facts, per kind, and
`actions_now` looks the answer up: the same machine decides, once per process.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from itertools import product
from typing import Any, Protocol

from transitions import Machine

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


class GuardFacts(Protocol):
    """What the machine's guards read of an application (an `Application` is one)."""

    @property
    def stage(self) -> str: ...

    @property
    def suspended(self) -> bool: ...

    @property
    def gov_approval(self) -> str | None: ...


class StageCursor:
    """The object a machine drives: the application's stage and the guards' inputs."""

    state: str

    def __init__(self, application: GuardFacts, missing_documents: list[str]) -> None:
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


def drive(application: GuardFacts, stages: tuple[str, ...], missing: list[str]) -> StageCursor:
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


@dataclass(frozen=True)
class _Facts:
    stage: str
    suspended: bool
    gov_approval: str | None


# gov_approval as the guards see it: unrequested (None), "requested", or anything else.
_GOV_APPROVAL_CASES: tuple[str | None, ...] = (None, "requested", "approved")
ActionKey = tuple[str, bool, bool, str | None]


def _gov_case(gov_approval: str | None) -> str | None:
    return gov_approval if gov_approval in (None, "requested") else "approved"


@lru_cache(maxsize=64)
def action_table(stages: tuple[str, ...]) -> dict[ActionKey, tuple[Action, ...]]:
    """What the machine of a kind with `stages` allows, for every combination of the facts
    its guards read: (state, documents complete, suspended, gov approval case)."""
    states, _ = machine_definition(stages)
    table: dict[ActionKey, tuple[Action, ...]] = {}
    for state, complete, suspended, gov in product(
        states, (True, False), (True, False), _GOV_APPROVAL_CASES
    ):
        probe = drive(_Facts(state, suspended, gov), stages, [] if complete else ["missing"])
        table[(state, complete, suspended, gov)] = tuple(allowed_actions(probe))
    return table


def actions_now(
    application: GuardFacts, stages: tuple[str, ...], missing: list[str]
) -> list[Action]:
    """`allowed_actions(drive(application, stages, missing))`, from `action_table`."""
    key = (
        application.stage,
        not missing,
        application.suspended,
        _gov_case(application.gov_approval),
    )
    found = action_table(stages).get(key)
    if found is None:  # a stage the policy no longer has: ask a machine, as before
        return allowed_actions(drive(application, stages, missing))
    return list(found)
