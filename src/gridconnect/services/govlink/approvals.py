"""Parallel approval of the connection works (一窗受理, L2, L13, L14).

The mode is chosen at receipt from the policy (`approval_mode_row`, written with the
application). Starting a parallel approval starts the government-approval clock and writes
the submission in one transaction; the HTTP request to the platform goes after the commit
and, when the platform is down, is retried by `services.govlink.retry` (the hall never
waits). Each department's decision arrives as a signed callback (`apply_decision`); the
last final decision stops the clock through the workflow's own stop, in the transaction
that records the decision and its message id.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import col, select

from gridconnect.config.gov_modes import approval_mode_for
from gridconnect.config.policy_model import Policy
from gridconnect.config.vocabulary import ApprovalMode, DepartmentDecision
from gridconnect.errors import Conflict, InvalidInput
from gridconnect.services.context import EVERYTHING, Scope, Services
from gridconnect.services.govlink.platform import PlatformUnavailable
from gridconnect.services.govlink.transaction import change_with_link
from gridconnect.services.outbox import retry_delay
from gridconnect.store.gov_tables import GovApprovalRow, GovDepartmentRow
from gridconnect.store.repository import RowToAdd
from gridconnect.store.uow import UnitOfWork
from gridconnect.timesource import as_utc, local_date
from gridconnect.workflow import application as flow
from gridconnect.workflow.model import Application

FINAL_DECISIONS = frozenset(
    {
        DepartmentDecision.APPROVED,
        DepartmentDecision.APPROVED_WITH_CONDITIONS,
        DepartmentDecision.REFUSED,
    }
)
PENDING = "pending"


class LinkOff(Conflict):
    code = "gov_link_off"


class ApprovalNotParallel(Conflict):
    code = "gov_approval_not_parallel"


class ApprovalNotSubmitted(Conflict):
    code = "gov_approval_not_submitted"


class UnknownDepartment(InvalidInput):
    code = "gov_unknown_department"


def approval_mode_row(policy: Policy, app: Application, now: datetime) -> RowToAdd:
    """The approval mode chosen at receipt, by the policy in force that day: a row the
    registration inserts with the application (`ApplicationRepository.add`)."""
    mode = approval_mode_for(policy.gov_approval_modes, app.city, str(app.kind), app.capacity)
    values = {
        "mode": mode.mode,
        "departments": list(mode.departments),
        "state": "chosen",
        "attempts": 0,
        "chosen_at": now,
    }
    return RowToAdd(GovApprovalRow, values)


@dataclass(frozen=True)
class DepartmentState:
    department: str
    state: str
    reason: str | None
    conditions: str | None
    decided_at: datetime | None
    working_days: int | None


@dataclass(frozen=True)
class ApprovalView:
    mode: str
    state: str
    case_id: str | None
    submitted_at: datetime | None
    decided_at: datetime | None
    last_error: str | None
    departments: list[DepartmentState]

    def public(self) -> dict[str, Any]:
        return {
            "mode": self.mode,
            "state": self.state,
            "case_id": self.case_id,
            "submitted_at": self.submitted_at,
            "decided_at": self.decided_at,
            "departments": [d.__dict__ for d in self.departments],
        }


def _approval_row(uow: UnitOfWork, application_id: int) -> GovApprovalRow | None:
    return uow.session.exec(
        select(GovApprovalRow).where(GovApprovalRow.application_id == application_id)
    ).first()


def _department_rows(uow: UnitOfWork, approval_id: int) -> list[GovDepartmentRow]:
    return list(
        uow.session.exec(
            select(GovDepartmentRow)
            .where(GovDepartmentRow.approval_id == approval_id)
            .order_by(col(GovDepartmentRow.id))
        ).all()
    )


def _view(row: GovApprovalRow, departments: list[GovDepartmentRow]) -> ApprovalView:
    return ApprovalView(
        mode=row.mode,
        state=row.state,
        case_id=row.case_id,
        submitted_at=as_utc(row.submitted_at) if row.submitted_at else None,
        decided_at=as_utc(row.decided_at) if row.decided_at else None,
        last_error=row.last_error,
        departments=[
            DepartmentState(
                d.department,
                d.state,
                d.reason,
                d.conditions,
                as_utc(d.decided_at) if d.decided_at else None,
                d.working_days,
            )
            for d in departments
        ],
    )


def approval_of(uow: UnitOfWork, application_id: int) -> ApprovalView | None:
    row = _approval_row(uow, application_id)
    if row is None:
        return None
    assert row.id is not None
    return _view(row, _department_rows(uow, row.id))


def get_approval(svc: Services, application_id: int) -> ApprovalView | None:
    with svc.unit_of_work() as uow:
        return approval_of(uow, application_id)


def start_parallel_approval(
    svc: Services,
    application_id: int,
    actor: str,
    scope: Scope = EVERYTHING,
    expected_version: int | None = None,
) -> tuple[Application, ApprovalView]:
    """Submit the one request (一窗受理): the clock starts now; the platform is told after."""
    if svc.gov_platform is None:
        raise LinkOff(
            "no government platform is configured (GRIDCONNECT_GOV_PLATFORM_URL): "
            "record the approval by hand",
            None,
        )

    def change(
        ctx: flow.Context, uow: UnitOfWork, app: Application
    ) -> tuple[list[flow.RaisedAlert], int]:
        assert app.id is not None
        row = _approval_row(uow, app.id)
        if row is None or row.mode != ApprovalMode.PARALLEL:
            raise ApprovalNotParallel(
                f"application {app.number}: its approval mode is "
                f"{row.mode if row else 'manual'}, not parallel",
                {"mode": row.mode if row else "manual"},
            )
        flow.start_gov_approval(ctx, app)
        row.state, row.submitted_at, row.next_attempt_at = "submitting", ctx.now, ctx.now
        uow.session.add(row)
        uow.session.flush()
        assert row.id is not None
        for department in row.departments:
            uow.session.add(
                GovDepartmentRow(approval_id=row.id, department=department, state=PENDING)
            )
        return [], row.id

    app, approval_id = change_with_link(svc, application_id, actor, change, scope, expected_version)
    submit_pending(svc, approval_id)
    with svc.unit_of_work() as uow:
        view = approval_of(uow, application_id)
    assert view is not None
    return app, view


def submission_of(row: GovApprovalRow, app_number: str, app: dict[str, Any]) -> dict[str, Any]:
    return {
        "application_number": app_number,
        "city": app["city"],
        "kind": app["kind"],
        "mode": row.mode,
        "departments": list(row.departments),
        "address": app["address"],
        "applicant": app["customer_name"],
    }


def submit_pending(svc: Services, approval_id: int) -> bool:
    """Send one submission still `submitting`; True when the platform accepted it."""
    from gridconnect.store.tables import ApplicationRow

    platform = svc.gov_platform
    if platform is None:
        return False
    with svc.unit_of_work() as uow:
        row = uow.session.get(GovApprovalRow, approval_id)
        if row is None or row.state != "submitting":
            return False
        application = uow.session.get(ApplicationRow, row.application_id)
        assert application is not None
        number = application.number
        body = submission_of(row, number, application.model_dump())
        attempts = row.attempts + 1
    error: str | None = None
    try:
        platform.submit_approval(f"approval-{number}", body)
    except PlatformUnavailable as exc:
        error = str(exc)
    now = svc.now()
    with svc.unit_of_work() as uow:
        row = uow.session.get(GovApprovalRow, approval_id)
        assert row is not None
        row.attempts = attempts
        if error is None:
            # An acknowledgement (or a decision) may have come first: keep the later state.
            if row.state == "submitting":
                row.state = "submitted"
            row.accepted_at, row.next_attempt_at, row.last_error = now, None, None
        else:
            row.last_error = error[:500]
            row.next_attempt_at = now + retry_delay(attempts)
        uow.session.add(row)
        uow.commit()
    return error is None


def _working_days(svc: Services, start: datetime, end: datetime) -> int:
    return svc.calendar.working_days_between(local_date(start), local_date(end)).value


@dataclass(frozen=True)
class DecisionInput:
    department: str
    decision: str
    reason: str | None = None
    conditions: str | None = None
    decided_at: datetime | None = None


def _submitted_row(uow: UnitOfWork, app: Application) -> GovApprovalRow:
    assert app.id is not None
    row = _approval_row(uow, app.id)
    if row is None or row.mode != ApprovalMode.PARALLEL:
        raise ApprovalNotParallel(
            f"application {app.number} has no parallel approval", {"application": app.number}
        )
    if row.submitted_at is None:
        raise ApprovalNotSubmitted(
            f"application {app.number}: its approval was not submitted",
            {"application": app.number},
        )
    return row


def states_answer(app: Application, uow: UnitOfWork) -> dict[str, Any]:
    assert app.id is not None
    view = approval_of(uow, app.id)
    assert view is not None
    return {
        "application_number": app.number,
        "approval_state": view.state,
        "case_id": view.case_id,
        "departments": {d.department: d.state for d in view.departments},
    }


def apply_decision(
    svc: Services, uow: UnitOfWork, ctx: flow.Context, app: Application, given: DecisionInput
) -> list[flow.RaisedAlert]:
    """Record one department's decision; the last final one stops the approval clock."""
    row = _submitted_row(uow, app)
    assert row.id is not None and row.submitted_at is not None
    if given.department not in row.departments:
        raise UnknownDepartment(
            f"department {given.department!r} was not asked to decide this approval",
            [{"field": "department", "message": f"not one of {', '.join(row.departments)}"}],
        )
    departments = {d.department: d for d in _department_rows(uow, row.id)}
    target = departments[given.department]
    if target.state in FINAL_DECISIONS:
        return []  # a department's final decision stands; a later message changes nothing
    decided_at = as_utc(given.decided_at) if given.decided_at else ctx.now
    target.state, target.reason, target.conditions = given.decision, given.reason, given.conditions
    if given.decision in FINAL_DECISIONS:
        target.decided_at = decided_at
        target.working_days = _working_days(svc, as_utc(row.submitted_at), decided_at)
    uow.session.add(target)
    if any(d.state not in FINAL_DECISIONS for d in departments.values()):
        return []
    row.state, row.decided_at = "decided", ctx.now
    uow.session.add(row)
    raised: list[flow.RaisedAlert] = []
    if app.gov_approval == "requested":
        raised = flow.complete_gov_approval(ctx, app)
    if any(d.state == DepartmentDecision.REFUSED for d in departments.values()):
        app.gov_approval = "refused"
    return raised


def apply_acknowledgement(
    uow: UnitOfWork, ctx: flow.Context, app: Application, case_id: str
) -> list[flow.RaisedAlert]:
    """The platform's case number; it may come after the decisions (out of order): no state
    goes back."""
    row = _submitted_row(uow, app)
    row.case_id = case_id
    if row.acknowledged_at is None:
        row.acknowledged_at = ctx.now
    if row.state in ("submitting", "submitted"):
        row.state = "acknowledged"
    if row.accepted_at is None:  # our request's answer was lost; the platform has it
        row.accepted_at, row.next_attempt_at = ctx.now, None
    uow.session.add(row)
    return []
