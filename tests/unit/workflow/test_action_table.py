"""The allowed actions come from a table the machine filled once, not from a new Machine per
view: the table must answer exactly as a machine built for the application would,
in every state, for every kind the shipped policy defines."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import product

from gridconnect.config.policy import load_policy
from gridconnect.workflow.machine import (
    CANCELLED,
    CONNECTED,
    actions_now,
    allowed_actions,
    drive,
)


@dataclass(frozen=True)
class Facts:
    stage: str
    suspended: bool
    gov_approval: str | None


def test_the_table_answers_as_a_new_machine_in_every_state() -> None:
    policy = load_policy()
    compared = 0
    for kind in policy.kinds:
        stages = policy.stage_codes(kind)
        states = [*stages, CONNECTED, CANCELLED, "a_stage_the_policy_dropped"]
        for stage, missing, suspended, gov in product(
            states,
            ([], ["id_card"], ["id_card", "property_proof"]),
            (False, True),
            (None, "requested", "approved", "something_else"),
        ):
            facts = Facts(stage, suspended, gov)
            expected = allowed_actions(drive(facts, stages, missing))
            assert actions_now(facts, stages, missing) == expected, (kind, facts, missing)
            compared += 1
    assert compared >= 2 * 4 * 3 * 2 * 4


def test_the_table_lets_a_complete_open_stage_advance_and_a_suspended_one_resume() -> None:
    stages = ("accept", "install")
    assert "advance" in actions_now(Facts("accept", False, None), stages, [])
    assert "advance" not in actions_now(Facts("accept", False, None), stages, ["id_card"])
    suspended = actions_now(Facts("install", True, None), stages, [])
    assert "resume" in suspended
    assert "advance" not in suspended
    assert actions_now(Facts(CONNECTED, False, None), stages, []) == []
