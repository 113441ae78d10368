"""The published flow is read from the compiled machine, so it follows what is enforced."""

from __future__ import annotations

import re

import pytest

from gridconnect.config.policy import load_policy
from gridconnect.services.flow_diagram import flow_steps, flow_svg

POLICY = load_policy()


def _drawn_states(svg: str) -> list[str]:
    return re.findall(r'data-state="([a-z_]+)"', svg)


@pytest.mark.parametrize("kind", ["lv_residential", "lv_nonresidential", "hv"])
def test_every_stage_is_drawn_in_the_order_the_machine_advances(kind: str) -> None:
    stages = tuple(s.code for s in POLICY.kind(kind).stages)
    names = {s.code: s.name for s in POLICY.kind(kind).stages}
    svg = flow_svg(stages, names, {}, kind)
    drawn = _drawn_states(svg)
    assert drawn[: len(stages) + 1] == [*stages, "connected"]
    assert drawn[-1] == "cancelled"
    assert svg.count('class="flow-advance"') == len(stages)
    assert svg.count('class="flow-cancel"') == len(stages)
    for name in names.values():
        assert name in svg


def test_a_stage_added_to_the_machine_appears_in_the_drawing() -> None:
    svg = flow_svg(("acceptance", "extra_check", "meter_install"), {}, {}, "t")
    assert _drawn_states(svg)[:4] == ["acceptance", "extra_check", "meter_install", "connected"]


def test_internal_transitions_are_listed_where_the_machine_allows_them() -> None:
    steps = flow_steps(("acceptance", "meter_install"))
    assert [s.state for s in steps] == ["acceptance", "meter_install", "connected"]
    assert "suspend" in steps[0].internal
    assert steps[-1].internal == ()
    assert not steps[-1].cancellable


def test_the_drawing_loads_nothing_from_outside_and_escapes_names() -> None:
    svg = flow_svg(("acceptance", "meter_install"), {"acceptance": "<b>受理</b>"}, {}, "a&b")
    assert "&lt;b&gt;受理&lt;/b&gt;" in svg
    assert "http" not in svg  # inline in HTML: not even an xmlns
