"""What can happen to an application. Each operation checks, changes, and records events.

Operations mutate the domain object only; the service layer's unit of work persists the
change, its events and its clocks together, or nothing (`transitions` never rolls back a
state change itself, so a failed commit simply discards the object).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from gridconnect.calendar import WorkingCalendar
from gridconnect.config.policy_model import (
    FULL_PROCESS,
    GOV_APPROVAL,
    STAGE_PREFIX,
    ApplicationFacts,
    Policy,
)
from gridconnect.timesource import local_date
from gridconnect.workflow import clocks as sla
from gridconnect.workflow.errors import (
    DocumentAlwaysRequired,
    DocumentNotAllowed,
    InvalidTransition,
    MissingDocuments,
    UnknownNotApplicableReason,
    UnknownSuspensionReason,
)
from gridconnect.workflow.events import AlertLevel, Event
from gridconnect.workflow.machine import (
    CANCELLED,
    CONNECTED,
    Action,
    StageCursor,
    actions_now,
    allowed_actions,
    drive,
)
from gridconnect.workflow.model import (
    NOT_APPLICABLE,
    Application,
    Clock,
    ClockState,
    Document,
    DomainEvent,
    StageVisit,
    Status,
)


@dataclass(frozen=True)
class Context:
    """What every operation needs beside the application: rules, calendar, time, who."""

    policy: Policy
    calendar: WorkingCalendar
    now: datetime
    actor: str


@dataclass(frozen=True)
class RaisedAlert:
    """A clock that an operation itself found late (it stopped after its due)."""

    clock: Clock
    level: AlertLevel


def facts(policy: Policy, application: Application) -> ApplicationFacts:
    return ApplicationFacts(
        kind=application.kind,
        city=application.city,
        received_on=local_date(application.received_at),
        capacity=application.capacity,
        voltage_kv=application.voltage_kv,
        supply=application.supply,
        three_zero=application.three_zero,
        on_site_reply=application.on_site_reply,
        company=application.company,
    )


def missing_documents(policy: Policy, application: Application) -> list[str]:
    """Every document of the current stage that still blocks advancing (一次性告知).

    The whitelist is a maximum (仅需提供): an always-required document is missing until it
    is provided; a where-applicable one until it is provided or recorded not applicable
    (someone must decide it, so that nothing the customer needs is silently skipped).
    """
    return required_missing(policy, application) + undecided_if_applicable(policy, application)


def required_missing(policy: Policy, application: Application) -> list[str]:
    """Always-required documents of the current stage not yet provided (须提供)."""
    if not application.is_open:
        return []
    provided = {d.doc_type for d in application.documents_of(application.stage)}
    spec = policy.kind(application.kind).stage(application.stage)
    return [doc.code for doc in spec.required if doc.code not in provided]


def undecided_if_applicable(policy: Policy, application: Application) -> list[str]:
    """Where-applicable documents neither provided nor recorded not applicable (如适用)."""
    if not application.is_open:
        return []
    decided = {d.doc_type for d in application.documents_of(application.stage)}
    spec = policy.kind(application.kind).stage(application.stage)
    return [doc.code for doc in spec.if_applicable if doc.code not in decided]


def cursor(policy: Policy, application: Application) -> StageCursor:
    return drive(
        application,
        policy.stage_codes(application.kind),
        missing_documents(policy, application),
    )


def actions(
    policy: Policy, application: Application, missing: list[str] | None = None
) -> list[Action]:
    """What may be done to the application now, as its machine says (`missing`: its
    `missing_documents`, where the caller has them already)."""
    if missing is None:
        missing = missing_documents(policy, application)
    return actions_now(application, policy.stage_codes(application.kind), missing)


def unconfigured_clocks(policy: Policy, application: Application) -> list[str]:
    """Clocks the policy leaves without a limit for this application (shown as such)."""
    rules = {rule.clock: rule for rule in policy.clocks_for(facts(policy, application))}
    missing = [clock for clock, rule in rules.items() if rule.limit_working_days is None]
    # Every application may need the government's approval of its connection works; where
    # no rule covers it at all (HV 20 kV lies between the ledger's two cases) say so too.
    if GOV_APPROVAL not in rules:
        missing.append(GOV_APPROVAL)
    return missing


def _record(
    ctx: Context,
    app: Application,
    action: Event,
    before: str | None,
    details: dict[str, Any] | None = None,
) -> None:
    # Every action restarts the quiet period after which the application counts as
    # stalled; closed and suspended (customer-caused waits) applications never stall.
    app.stalled_since = None
    if app.is_open and not app.suspended:
        app.stalls_at = sla.stall_instant(ctx.calendar, ctx.now, ctx.policy.stall_working_days)
    else:
        app.stalls_at = None
    app.events.append(
        DomainEvent(
            action=action,
            actor=ctx.actor,
            at=ctx.now,
            stage_before=before,
            stage_after=app.stage,
            details=details or {},
        )
    )


def _start_clock_if_configured(ctx: Context, app: Application, clock_kind: str) -> Clock | None:
    rule = ctx.policy.rule_for(clock_kind, facts(ctx.policy, app))
    if rule is None or rule.limit_working_days is None:
        return None
    clock = sla.start_clock(ctx.calendar, clock_kind, rule, ctx.now, ctx.policy.warn_working_days)
    app.clocks.append(clock)
    return clock


def _fire(ctx: Context, app: Application, trigger: Action) -> StageCursor:
    machine = cursor(ctx.policy, app)
    if not getattr(machine, f"may_{trigger}")():
        if (
            trigger == Action.ADVANCE
            and app.is_open
            and not app.suspended
            and machine.missing_documents
        ):
            raise MissingDocuments(
                "documents still missing for stage " + app.stage,
                {
                    "stage": app.stage,
                    "missing_documents": machine.missing_documents,
                    # of which: provide, or record not applicable with a reason
                    "documents_if_applicable": undecided_if_applicable(ctx.policy, app),
                },
            )
        raise InvalidTransition(
            f"'{trigger}' is not allowed now (stage {app.stage}, status {app.status}"
            + (", suspended" if app.suspended else "")
            + ")",
            {
                "action": trigger,
                "stage": app.stage,
                "status": str(app.status),
                "allowed_actions": allowed_actions(machine),
            },
        )
    getattr(machine, trigger)()
    return machine


def receive(ctx: Context, app: Application) -> None:
    """Start a newly built application: first stage, its clocks, the 'received' event."""
    first = ctx.policy.stage_codes(app.kind)[0]
    app.stage = first
    app.status = Status.OPEN
    app.visits.append(StageVisit(stage=first, position=0, entered_at=ctx.now))
    _start_clock_if_configured(ctx, app, FULL_PROCESS)
    _start_clock_if_configured(ctx, app, STAGE_PREFIX + first)
    _record(
        ctx,
        app,
        Event.RECEIVED,
        None,
        {
            "channel": app.channel,
            "three_zero": app.three_zero,
            "on_site_reply": app.on_site_reply,
        },
    )


def record_document(ctx: Context, app: Application, document: Document) -> None:
    """Record a document against the current stage; only whitelisted types are accepted."""
    if not app.is_open:
        raise InvalidTransition(
            f"application is {app.status}; documents can no longer be recorded",
            {"status": str(app.status)},
        )
    whitelist = ctx.policy.whitelist(app.kind, app.stage)
    allowed = [doc.code for doc in whitelist]
    if document.doc_type not in allowed:
        raise DocumentNotAllowed(
            f"document type {document.doc_type!r} may not be asked for at stage {app.stage}; "
            f"allowed: {', '.join(allowed) or 'none'}",
            {"doc_type": document.doc_type, "stage": app.stage, "allowed_types": allowed},
        )
    document.stage = app.stage
    app.documents.append(document)
    _record(
        ctx,
        app,
        Event.DOCUMENT_RECORDED,
        app.stage,
        {
            "doc_type": document.doc_type,
            "source": document.source,
            "reference": document.reference,
            "sha256": document.sha256,
        },
    )


def _refuse_not_applicable(ctx: Context, app: Application, doc_type: str) -> None:
    spec = ctx.policy.kind(app.kind).stage(app.stage)
    if doc_type not in {d.code for d in spec.documents}:
        allowed = [d.code for d in spec.documents]
        raise DocumentNotAllowed(
            f"document type {doc_type!r} is not on the whitelist of stage {app.stage}",
            {"doc_type": doc_type, "stage": app.stage, "allowed_types": allowed},
        )
    if doc_type not in spec.where_applicable:
        raise DocumentAlwaysRequired(
            f"document type {doc_type!r} is always required at stage {app.stage}; "
            "only a where-applicable document may be recorded as not applicable",
            {
                "doc_type": doc_type,
                "stage": app.stage,
                "where_applicable": sorted(spec.where_applicable),
            },
        )
    if doc_type not in undecided_if_applicable(ctx.policy, app):
        raise InvalidTransition(
            f"document {doc_type!r} is already provided or recorded not applicable",
            {"doc_type": doc_type, "stage": app.stage},
        )


def record_not_applicable(
    ctx: Context, app: Application, doc_type: str, reason_code: str | None, note: str | None
) -> Document:
    """Record that a where-applicable document does not apply to this customer (仅需提供).

    The reason comes from the policy's list; it is audited and shown to the customer.
    """
    if not app.is_open:
        raise InvalidTransition(
            f"application is {app.status}; documents can no longer be recorded",
            {"status": str(app.status)},
        )
    codes = [r.code for r in ctx.policy.not_applicable_reasons]
    reason = ctx.policy.not_applicable_reason(reason_code or "")
    if reason is None:
        raise UnknownNotApplicableReason(
            "reason_code: a reason from the policy's list is required"
            if not reason_code
            else f"reason_code: unknown reason {reason_code!r}; allowed: {', '.join(codes)}",
            {"field": "reason_code", "reason_code": reason_code, "allowed_reasons": codes},
        )
    _refuse_not_applicable(ctx, app, doc_type)
    record = Document(
        stage=app.stage,
        doc_type=doc_type,
        source=NOT_APPLICABLE,
        recorded_by=ctx.actor,
        recorded_at=ctx.now,
        reference=reason.code,
    )
    app.documents.append(record)
    _record(
        ctx,
        app,
        Event.DOCUMENT_NOT_APPLICABLE,
        app.stage,
        {
            "doc_type": doc_type,
            "reason_code": reason.code,
            "reason": reason.name,
            "note": note,
        },
    )
    return record


def notify_missing_documents(ctx: Context, app: Application) -> list[RaisedAlert]:
    """The clerk tells the customer, once and all at once, what is still needed (一次性告知).

    Acceptance is then done on the utility's side: the acceptance clock stops here (or at
    the advance, whichever comes first), since what remains waits on the customer.
    """
    if not app.is_open or app.stage != ctx.policy.stage_codes(app.kind)[0]:
        raise InvalidTransition(
            "the one-time notice of missing documents is given at acceptance only",
            {"stage": app.stage, "status": str(app.status)},
        )
    required = required_missing(ctx.policy, app)
    if_applicable = undecided_if_applicable(ctx.policy, app)
    if not required and not if_applicable:
        raise InvalidTransition(
            "no document is missing: advance the application instead", {"stage": app.stage}
        )
    raised = _stop(ctx, app, STAGE_PREFIX + app.stage)
    _record(
        ctx,
        app,
        Event.MISSING_DOCUMENTS_NOTIFIED,
        app.stage,
        {"required": required, "if_applicable": if_applicable},
    )
    return raised


SUPPLY_PLAN = "supply_plan"


def record_site_survey(ctx: Context, app: Application) -> Clock | None:
    """The HV site survey (现场勘查) of the supply-plan stage, recorded once.

    With the supply plan answered on site (现场答复, L26) the plan is due the day of the
    survey, so the stage's 0-day clock is restarted here, at the survey. Until a survey is
    recorded it runs from stage entry (nobody is left without a clock); a clock already
    breached before the survey stays breached: the survey came too late. Returns the clock
    restarted, if any.
    """
    if not app.is_open or app.stage != SUPPLY_PLAN or app.suspended:
        raise InvalidTransition(
            "a site survey is recorded in the supply-plan stage of an open, unsuspended "
            "application",
            {"stage": app.stage, "status": str(app.status), "suspended": app.suspended},
        )
    if app.site_surveyed_at is not None:
        raise InvalidTransition("the site survey is already recorded", {"stage": app.stage})
    app.site_surveyed_at = ctx.now
    clock = app.clock(STAGE_PREFIX + SUPPLY_PLAN)
    restarted = None
    if app.on_site_reply and clock is not None and clock.state == ClockState.RUNNING:
        clock.started_at = ctx.now
        sla.reschedule(ctx.calendar, clock, ctx.policy.warn_working_days)
        restarted = clock
    _record(
        ctx,
        app,
        Event.SITE_SURVEY_RECORDED,
        app.stage,
        {
            "clock": restarted is not None,
            "due_at": restarted.due_at.isoformat() if restarted else None,
        },
    )
    return restarted


def advance(ctx: Context, app: Application) -> list[RaisedAlert]:
    """Move to the next stage (or to connected after the last one)."""
    before = app.stage
    machine = _fire(ctx, app, Action.ADVANCE)
    raised: list[RaisedAlert] = []
    visit = app.visits[-1]
    visit.left_at = ctx.now
    raised += _stop(ctx, app, STAGE_PREFIX + before)
    app.stage = machine.state
    if app.stage == CONNECTED:
        app.status = Status.CONNECTED
        app.closed_at = ctx.now
        raised += _stop(ctx, app, FULL_PROCESS)
        for clock in app.open_clocks():  # e.g. a government approval never recorded as done
            sla.cancel_clock(clock, ctx.now)
        _record(ctx, app, Event.CONNECTED, before)
    else:
        app.visits.append(
            StageVisit(stage=app.stage, position=visit.position + 1, entered_at=ctx.now)
        )
        _start_clock_if_configured(ctx, app, STAGE_PREFIX + app.stage)
        _record(ctx, app, Event.ADVANCED, before)
    return raised


def _stop(ctx: Context, app: Application, clock_kind: str) -> list[RaisedAlert]:
    clock = app.clock(clock_kind)
    if clock is None or not clock.is_open:
        return []
    made_late = sla.stop_clock(clock, ctx.now)
    return [RaisedAlert(clock, AlertLevel.BREACH)] if made_late else []


def suspend(ctx: Context, app: Application, reason_code: str, note: str | None) -> None:
    """Customer-caused wait: every running clock pauses until `resume`."""
    codes = [r.code for r in ctx.policy.suspension_reasons]
    if reason_code not in codes:
        raise UnknownSuspensionReason(
            f"unknown suspension reason {reason_code!r}; allowed: {', '.join(codes)}",
            {"reason_code": reason_code, "allowed_reasons": codes},
        )
    _fire(ctx, app, Action.SUSPEND)
    app.suspended = True
    app.suspension_reason = reason_code
    app.suspension_note = note
    for clock in app.open_clocks():
        sla.pause_clock(clock, ctx.now, reason_code)
    _record(ctx, app, Event.SUSPENDED, app.stage, {"reason_code": reason_code, "note": note})


def resume(ctx: Context, app: Application) -> None:
    """End the customer's wait; each clock's due moves out by the working days it lost."""
    _fire(ctx, app, Action.RESUME)
    pushed: dict[str, int] = {}
    for clock in app.open_clocks():
        days = sla.resume_clock(ctx.calendar, clock, ctx.now, ctx.policy.warn_working_days)
        pushed[clock.kind] = days
    reason = app.suspension_reason
    app.suspended = False
    app.suspension_reason = None
    app.suspension_note = None
    _record(
        ctx, app, Event.RESUMED, app.stage, {"reason_code": reason, "working_days_paused": pushed}
    )


def cancel(ctx: Context, app: Application, note: str | None = None) -> None:
    """The customer withdraws: the application closes and every clock stops."""
    before = app.stage
    _fire(ctx, app, Action.CANCEL)
    app.stage = CANCELLED
    app.status = Status.CANCELLED
    app.closed_at = ctx.now
    app.suspended = False
    if app.visits and app.visits[-1].left_at is None:
        app.visits[-1].left_at = ctx.now
    for clock in app.open_clocks():
        sla.cancel_clock(clock, ctx.now)
    _record(ctx, app, Event.CANCELLED, before, {"note": note} if note else {})


def start_gov_approval(ctx: Context, app: Application) -> Clock | None:
    """Staff recorded that the connection works went to the government for approval."""
    _fire(ctx, app, Action.START_GOV_APPROVAL)
    app.gov_approval = "requested"
    clock = _start_clock_if_configured(ctx, app, GOV_APPROVAL)
    if clock is not None and app.suspended:
        sla.pause_clock(clock, ctx.now, app.suspension_reason or "suspended")
    _record(
        ctx,
        app,
        Event.GOV_APPROVAL_STARTED,
        app.stage,
        {
            "clock": clock is not None,
            "limit_working_days": clock.limit_working_days if clock else None,
        },
    )
    return clock


def complete_gov_approval(ctx: Context, app: Application) -> list[RaisedAlert]:
    """Staff recorded the government's approval."""
    _fire(ctx, app, Action.COMPLETE_GOV_APPROVAL)
    app.gov_approval = "approved"
    raised = _stop(ctx, app, GOV_APPROVAL)
    _record(ctx, app, Event.GOV_APPROVAL_COMPLETED, app.stage)
    return raised
