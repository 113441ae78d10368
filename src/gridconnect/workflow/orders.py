"""Supervision orders (督办): a supervisor orders an action on an application by a deadline.

The order's deadline is an ordinary clock of kind `supervision_order` on the application,
so the SLA scan warns and breaches it, a customer-caused suspension pauses it and
`sla recompute` follows calendar changes, with no code of its own. Issuing and answering
are audit events of the application. Neither counts as progress: the stall period is left
alone (an order is about the application, not a step of it).
"""

from __future__ import annotations

from typing import Any

from gridconnect.workflow import clocks as sla
from gridconnect.workflow.application import Context, RaisedAlert
from gridconnect.workflow.errors import InvalidApplication
from gridconnect.workflow.events import AlertLevel, Event
from gridconnect.workflow.model import Application, Clock, DomainEvent

ORDER_CLOCK = "supervision_order"
MAX_ORDER_WORKING_DAYS = 30


def _event(ctx: Context, app: Application, action: Event, details: dict[str, Any]) -> None:
    app.events.append(
        DomainEvent(
            action=action,
            actor=ctx.actor,
            at=ctx.now,
            stage_before=app.stage,
            stage_after=app.stage,
            details=details,
        )
    )


def issue_order(
    ctx: Context, app: Application, instruction: str, assignee: str, working_days: int
) -> Clock:
    """Start the order's clock and record it; refused on a closed application."""
    if not app.is_open:
        raise InvalidApplication(
            f"application {app.number} is closed: nothing left to supervise",
            [{"field": "application", "message": "closed"}],
        )
    if not 1 <= working_days <= MAX_ORDER_WORKING_DAYS:
        raise InvalidApplication(
            "working_days must be between 1 and 30",
            [{"field": "working_days", "message": "must be between 1 and 30"}],
        )
    plan = sla.schedule(ctx.calendar, ctx.now, working_days, 0, ctx.policy.warn_working_days)
    clock = Clock(
        kind=ORDER_CLOCK,
        rule_id=ORDER_CLOCK,
        limit_working_days=working_days,
        started_at=ctx.now,
        due_at=plan.due_at,
        warn_at=plan.warn_at,
        provisional=plan.provisional,
    )
    if app.suspended:  # customer time: the order waits with the other clocks
        sla.pause_clock(clock, ctx.now, app.suspension_reason or "suspended")
    app.clocks.append(clock)
    details = {
        "instruction": instruction,
        "assignee": assignee,
        "working_days": working_days,
        "due_at": plan.due_at.isoformat(),
    }
    _event(ctx, app, Event.ORDER_ISSUED, details)
    return clock


def answer_order(ctx: Context, app: Application, clock_id: int, answer: str) -> list[RaisedAlert]:
    """Stop the order's clock (late if past its due) and record the answer."""
    clock = next((c for c in app.clocks if c.id == clock_id and c.kind == ORDER_CLOCK), None)
    if clock is None or not clock.is_open:
        raise InvalidApplication(
            "this order is answered already",
            [{"field": "order", "message": "answered already"}],
        )
    made_late = sla.stop_clock(clock, ctx.now)
    _event(ctx, app, Event.ORDER_ANSWERED, {"answer": answer, "late": clock.late})
    return [RaisedAlert(clock, AlertLevel.BREACH)] if made_late else []
