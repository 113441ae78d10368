"""Each kind's published flow, drawn from the same machine the engine runs.

The diagram is read from a compiled `transitions.Machine` built from
`workflow.machine.machine_definition` (its states, and every event's transitions), never
from a second list of stages, so the flow on the standards and admin pages cannot differ
from the one that is enforced: add a stage to the machine and the drawing gains it.

The SVG is plain text with no resource from outside (no fonts, no scripts), scales with
its `viewBox` (it fits a 375 px phone), and stacks the stages vertically: the main path
follows `advance` from the initial state; a state left by `cancel` shows a side branch to
the cancelled state; internal transitions (suspend, resume, government approval) are
listed beside the stage they are allowed in.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from html import escape

from transitions import Machine

from gridconnect.workflow.machine import CANCELLED, CONNECTED, machine_definition

BOX_WIDTH = 200
BOX_HEIGHT = 40
GAP = 26
LEFT = 12
SIDE_X = LEFT + BOX_WIDTH + 24
WIDTH = SIDE_X + 116


@dataclass(frozen=True)
class FlowStep:
    """One state on the main path and what the machine allows while in it."""

    state: str
    advances_to: str | None
    cancellable: bool
    internal: tuple[str, ...]


@lru_cache(maxsize=32)
def flow_steps(stages: tuple[str, ...]) -> tuple[FlowStep, ...]:
    """The main path of the compiled machine for `stages`, from its initial state."""
    states, transitions = machine_definition(stages)
    machine = Machine(
        model=None,
        states=states,
        transitions=transitions,
        initial=stages[0],
        auto_transitions=False,
    )
    advance_from: dict[str, str] = {}
    cancellable: set[str] = set()
    internal: dict[str, list[str]] = {}
    for trigger, event in machine.events.items():
        for source, candidates in event.transitions.items():
            for transition in candidates:
                if transition.dest is None or transition.dest == source:
                    internal.setdefault(source, []).append(trigger)
                elif transition.dest == CANCELLED:
                    cancellable.add(source)
                elif trigger == "advance":
                    advance_from[source] = transition.dest
    steps: list[FlowStep] = []
    state: str | None = machine.initial
    seen: set[str] = set()
    while state is not None and state not in seen:
        seen.add(state)
        following = advance_from.get(state)
        steps.append(
            FlowStep(state, following, state in cancellable, tuple(internal.get(state, ())))
        )
        state = following
    return tuple(steps)


def flow_svg(
    stages: tuple[str, ...],
    state_names: Mapping[str, str],
    action_names: Mapping[str, str],
    title: str,
) -> str:
    """An SVG of the flow for `stages`; `state_names` gives each state's Chinese name."""
    steps = flow_steps(stages)
    height = len(steps) * (BOX_HEIGHT + GAP) + 10
    parts = [
        f'<svg class="flow" role="img" '
        f'aria-label="{escape(title)}" viewBox="0 0 {WIDTH} {height}" '
        'font-size="13">',  # sized by the stylesheet's .flow (no inline style: CSP)
        f"<title>{escape(title)}</title>",
        '<defs><marker id="flow-arrow" viewBox="0 0 10 10" refX="9" refY="5" '
        'markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
        '<path d="M0,0 L10,5 L0,10 z" fill="#555"/></marker></defs>',
    ]
    cancel_ys: list[int] = []
    for index, step in enumerate(steps):
        top = 5 + index * (BOX_HEIGHT + GAP)
        final = step.state == CONNECTED
        fill = "#e6f4ea" if final else "#eef3fb"
        name = state_names.get(step.state, step.state)
        label = f"{index + 1}. {name}" if not final else name
        # Internal transitions (no stage change) become the box's tooltip.
        notes = "、".join(action_names.get(t, t) for t in step.internal)
        tooltip = f"<title>{escape(name)}：可{escape(notes)}</title>" if notes else ""
        parts.append(
            f'<g class="flow-state" data-state="{escape(step.state)}">{tooltip}'
            f'<rect x="{LEFT}" y="{top}" width="{BOX_WIDTH}" height="{BOX_HEIGHT}" rx="6" '
            f'fill="{fill}" stroke="#3b6fb6"/>'
            f'<text x="{LEFT + BOX_WIDTH / 2}" y="{top + 25}" text-anchor="middle">'
            f"{escape(label)}</text></g>"
        )
        if step.advances_to is not None:
            y1 = top + BOX_HEIGHT
            parts.append(
                f'<line class="flow-advance" x1="{LEFT + BOX_WIDTH / 2}" y1="{y1}" '
                f'x2="{LEFT + BOX_WIDTH / 2}" y2="{y1 + GAP - 2}" stroke="#555" '
                'marker-end="url(#flow-arrow)"/>'
            )
        if step.cancellable:
            cancel_ys.append(top + BOX_HEIGHT // 2)
    if cancel_ys:
        parts.append(_cancel_branch(cancel_ys, state_names.get(CANCELLED, CANCELLED)))
    parts.append("</svg>")
    return "".join(parts)


def _cancel_branch(ys: list[int], cancelled_name: str) -> str:
    """Dashed arrows from each cancellable stage to one 'cancelled' box at the side."""
    first, last = ys[0], ys[-1]
    box_top = (first + last) // 2 - BOX_HEIGHT // 2
    rail = SIDE_X - 10
    lines = [
        f'<line class="flow-cancel" x1="{LEFT + BOX_WIDTH}" y1="{y}" x2="{rail}" y2="{y}" '
        'stroke="#b55" stroke-dasharray="4 3"/>'
        for y in ys
    ]
    lines.append(
        f'<line x1="{rail}" y1="{first}" x2="{rail}" y2="{last}" stroke="#b55" '
        'stroke-dasharray="4 3"/>'
    )
    lines.append(
        f'<line x1="{rail}" y1="{box_top + BOX_HEIGHT // 2}" x2="{SIDE_X}" '
        f'y2="{box_top + BOX_HEIGHT // 2}" stroke="#b55" marker-end="url(#flow-arrow)"/>'
    )
    lines.append(
        f'<g class="flow-state" data-state="{CANCELLED}"><rect x="{SIDE_X}" y="{box_top}" '
        f'width="104" height="{BOX_HEIGHT}" rx="6" fill="#fbeeee" stroke="#b55"/>'
        f'<text x="{SIDE_X + 52}" y="{box_top + 25}" text-anchor="middle">'
        f"{escape(cancelled_name)}</text></g>"
    )
    return "".join(lines)
