"""Commands on applications: each one loads, changes, saves, alerts and commits together."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from gridconnect.services.alert_raising import AlertSubject, raise_alert
from gridconnect.services.alert_routing import AlertRecipients
from gridconnect.services.context import EVERYTHING, Scope, Services
from gridconnect.services.selfservice.guidance import suspension_text
from gridconnect.store.uow import UnitOfWork
from gridconnect.timesource import local_date
from gridconnect.workflow import application as flow
from gridconnect.workflow.errors import ApplicationNotFound, InvalidApplication, VersionConflict
from gridconnect.workflow.events import NOTIFIED_EVENTS, Event
from gridconnect.workflow.intake import NewApplication, check
from gridconnect.workflow.lv_ceiling import refuse_above_lv_ceiling
from gridconnect.workflow.machine import Action
from gridconnect.workflow.model import DOCUMENT_SOURCES, Application, Document, DomainEvent, Kind


@dataclass(frozen=True)
class DocumentInput:
    doc_type: str
    source: str  # "upload" or "e_license"
    reference: str | None = None
    content: bytes | None = None
    declared_type: str | None = None
    file_name: str | None = None


def _context(svc: Services, actor: str) -> flow.Context:
    return flow.Context(policy=svc.policy, calendar=svc.calendar, now=svc.now(), actor=actor)


def _load(uow: UnitOfWork, application_id: int, scope: Scope) -> Application:
    app = uow.applications.get(application_id)
    # Outside the caller's scope answers exactly like an unknown id.
    if app is None or not scope.admits(app.company, app.city):
        raise ApplicationNotFound(
            f"application {application_id} not found", {"application_id": application_id}
        )
    return app


def receive_application(
    svc: Services,
    new: NewApplication,
    actor: str,
    access_code_hash: str | None = None,
    on_received: Callable[[UnitOfWork, Application], None] | None = None,
) -> Application:
    """Register an application (hall, online or app) and start its clocks; `on_received`
    adds to the same transaction (the access-code message of a hall receipt, the lead an
    application was made from)."""
    check(new)
    ctx = _context(svc, actor)
    refuse_above_lv_ceiling(ctx.policy, new, local_date(ctx.now))  # L36, L41
    hv = new.kind == Kind.HV
    # 三零 and on-site reply are decided once, at receipt, by the policy in force that day.
    facts = ctx.policy.application_facts(
        kind=new.kind,
        city=new.city,
        received_on=local_date(ctx.now),
        capacity=new.capacity,
        area_class=new.area_class,
        voltage_kv=new.voltage_kv if hv else None,
        supply=new.supply if hv else None,
        company=new.company,
    )
    app = Application(
        number="",
        company=new.company,
        kind=Kind(new.kind),
        city=new.city,
        area_class=new.area_class,
        address=new.address.strip(),
        customer=new.customer,
        capacity=new.capacity,
        voltage_kv=facts.voltage_kv,
        supply=facts.supply,
        channel=new.channel,
        received_at=ctx.now,
        stage="",
        three_zero=facts.three_zero,
        on_site_reply=facts.on_site_reply,
    )
    flow.receive(ctx, app)
    with svc.unit_of_work() as uow:
        pending = list(app.events)
        # govlink: the approval mode of the connection works is chosen at receipt.
        from gridconnect.services.govlink.approvals import approval_mode_row

        approval = approval_mode_row(ctx.policy, app, ctx.now)
        uow.applications.add(app, access_code_hash=access_code_hash, with_rows=[approval])
        _notify_customer(svc, uow, app, pending)
        if on_received is not None:
            on_received(uow, app)
        uow.commit()
    return app


def get_application(svc: Services, application_id: int, scope: Scope = EVERYTHING) -> Application:
    """The application to show (read only: no session, prebuilt statements)."""
    return shown_to(scope, svc.read_application(application_id), application_id)


def shown_to(scope: Scope, app: Application | None, application_id: int) -> Application:
    """`app` if the scope may see it; outside the scope answers exactly like an unknown id."""
    if app is None or not scope.admits(app.company, app.city):
        raise ApplicationNotFound(
            f"application {application_id} not found", {"application_id": application_id}
        )
    return app


def record_document(
    svc: Services,
    application_id: int,
    document: DocumentInput,
    actor: str,
    scope: Scope = EVERYTHING,
    expected_version: int | None = None,
) -> Application:
    """Record a document against the current stage (whitelisted types only)."""
    if document.source not in DOCUMENT_SOURCES:
        raise InvalidApplication(
            "source must be 'upload' or 'e_license'",
            [{"field": "source", "message": "must be upload or e_license"}],
        )
    if document.source == "e_license" and not (document.reference or "").strip():
        raise InvalidApplication(
            "an e-licence document needs its licence reference",
            [{"field": "reference", "message": "required for e_license"}],
        )
    if document.source == "upload" and document.content is None:
        raise InvalidApplication(
            "an uploaded document needs its file",
            [{"field": "file", "message": "required for upload"}],
        )
    ctx = _context(svc, actor)
    with svc.unit_of_work() as uow:
        app = _load(uow, application_id, scope)
        version = _check_version(app, expected_version)
        record = Document(
            stage=app.stage,
            doc_type=document.doc_type,
            source=document.source,
            recorded_by=actor,
            recorded_at=ctx.now,
            reference=document.reference,
            file_name=document.file_name,
        )
        # Check the whitelist before touching the disk, so a refused type stores nothing.
        flow.record_document(ctx, app, record)
        if document.content is not None:
            # Stored before the commit and never removed here, even if the commit fails:
            # another transaction may have committed a document with the same content.
            # `gridconnect files sweep` collects what no document references.
            stored = svc.files.put(document.content, document.declared_type)
            record.sha256, record.size_bytes = stored.sha256, stored.size_bytes
            record.content_type = stored.content_type
            app.events[-1].details["sha256"] = stored.sha256
        uow.applications.save(app, version)
        uow.commit()
        return app


def record_not_applicable(
    svc: Services,
    application_id: int,
    doc_type: str,
    reason_code: str | None,
    actor: str,
    note: str | None = None,
    scope: Scope = EVERYTHING,
    expected_version: int | None = None,
) -> Application:
    """Record a where-applicable document of the current stage as not applicable (audited)."""

    def change(ctx: flow.Context, app: Application) -> list[flow.RaisedAlert]:
        flow.record_not_applicable(ctx, app, doc_type, reason_code, note)
        return []

    return _change(svc, application_id, actor, scope, expected_version, change)


def notify_missing_documents(
    svc: Services,
    application_id: int,
    actor: str,
    scope: Scope = EVERYTHING,
    expected_version: int | None = None,
) -> Application:
    """Tell the customer once what is still needed (一次性告知); stops the acceptance clock."""
    change = flow.notify_missing_documents
    return _change(svc, application_id, actor, scope, expected_version, change)


def record_site_survey(
    svc: Services,
    application_id: int,
    actor: str,
    scope: Scope = EVERYTHING,
    expected_version: int | None = None,
) -> Application:
    """Record the HV site survey; an on-site reply's supply-plan clock starts there."""

    def change(ctx: flow.Context, app: Application) -> list[flow.RaisedAlert]:
        flow.record_site_survey(ctx, app)
        return []

    return _change(svc, application_id, actor, scope, expected_version, change)


@dataclass(frozen=True)
class ActionInput:
    """What an action may carry beside its name: a suspension's reason, a note."""

    reason_code: str | None = None
    note: str | None = None


Operation = Callable[[flow.Context, Application, ActionInput], list[flow.RaisedAlert]]


def _advance(ctx: flow.Context, app: Application, _: ActionInput) -> list[flow.RaisedAlert]:
    return flow.advance(ctx, app)


def _suspend(ctx: flow.Context, app: Application, given: ActionInput) -> list[flow.RaisedAlert]:
    flow.suspend(ctx, app, given.reason_code or "", given.note)
    return []


def _resume(ctx: flow.Context, app: Application, _: ActionInput) -> list[flow.RaisedAlert]:
    flow.resume(ctx, app)
    return []


def _cancel(ctx: flow.Context, app: Application, given: ActionInput) -> list[flow.RaisedAlert]:
    flow.cancel(ctx, app, given.note)
    return []


def _start_gov(ctx: flow.Context, app: Application, _: ActionInput) -> list[flow.RaisedAlert]:
    flow.start_gov_approval(ctx, app)
    return []


def _complete_gov(ctx: flow.Context, app: Application, _: ActionInput) -> list[flow.RaisedAlert]:
    return flow.complete_gov_approval(ctx, app)


# The one dispatch table: every Action of the stage machines has exactly one operation.
OPERATIONS: Mapping[Action, Operation] = MappingProxyType(
    {
        Action.ADVANCE: _advance,
        Action.SUSPEND: _suspend,
        Action.RESUME: _resume,
        Action.CANCEL: _cancel,
        Action.START_GOV_APPROVAL: _start_gov,
        Action.COMPLETE_GOV_APPROVAL: _complete_gov,
    }
)


def parse_action(action: str) -> Action:
    """The Action named `action`, or InvalidApplication naming the field."""
    try:
        return Action(action)
    except ValueError:
        raise InvalidApplication(f"unknown action {action!r}", {"action": action}) from None


def perform(
    svc: Services,
    application_id: int,
    action: Action | str,
    actor: str,
    scope: Scope = EVERYTHING,
    expected_version: int | None = None,
    reason_code: str | None = None,
    note: str | None = None,
) -> Application:
    """Run one action of the stage machine; the change, its events and clocks commit together."""
    operation = OPERATIONS[parse_action(action)]
    given = ActionInput(reason_code, note)

    def change(ctx: flow.Context, app: Application) -> list[flow.RaisedAlert]:
        return operation(ctx, app, given)

    return _change(svc, application_id, actor, scope, expected_version, change)


def _change(
    svc: Services,
    application_id: int,
    actor: str,
    scope: Scope,
    expected_version: int | None,
    change: Callable[[flow.Context, Application], list[flow.RaisedAlert]],
    then: Callable[[UnitOfWork, Application], None] | None = None,
) -> Application:
    """Load, check the version, change, save, raise late-stop alerts, notify, commit: all or
    nothing, for every command that changes an application (documents apart: they store
    a file first). `then` writes what belongs with the change in the same transaction,
    after the save (new clocks have their ids then): a supervision order's row."""
    ctx = _context(svc, actor)
    with svc.unit_of_work() as uow:
        app = _load(uow, application_id, scope)
        version = _check_version(app, expected_version)
        raised = change(ctx, app)
        pending = list(app.events)
        uow.applications.save(app, version)
        if then is not None:
            then(uow, app)
        for alert in raised:
            _raise(svc, uow, app, alert, ctx)
        _notify_customer(svc, uow, app, pending)
        uow.commit()
    return app


def change_application(
    svc: Services,
    application_id: int,
    actor: str,
    scope: Scope,
    expected_version: int | None,
    change: Callable[[flow.Context, Application], list[flow.RaisedAlert]],
    then: Callable[[UnitOfWork, Application], None] | None = None,
) -> Application:
    """The one path of every change, for commands that live in their own modules."""
    return _change(svc, application_id, actor, scope, expected_version, change, then)


def _check_version(app: Application, expected: int | None) -> int:
    if expected is not None and expected != app.version:
        raise VersionConflict(
            f"application {app.number} is at version {app.version}, not {expected}; "
            "someone else changed it: reload and try again",
            {"expected_version": expected, "current_version": app.version},
        )
    return app.version


def _raise(
    svc: Services, uow: UnitOfWork, app: Application, alert: flow.RaisedAlert, ctx: flow.Context
) -> None:
    assert app.id is not None and alert.clock.id is not None
    subject = AlertSubject(
        clock_id=alert.clock.id,
        clock_kind=alert.clock.kind,
        due_at=alert.clock.due_at,
        application_id=app.id,
        number=app.number,
        company=app.company,
        city=app.city,
    )
    raise_alert(uow, subject, alert.level, ctx.now, AlertRecipients.of(svc.alert_channels))


def _notify_customer(
    svc: Services, uow: UnitOfWork, app: Application, events: list[DomainEvent]
) -> None:
    """A progress notice to the customer gateways for every stage change (L50)."""
    for event in events:
        if event.action not in NOTIFIED_EVENTS:
            continue
        uow.enqueue(
            channels=svc.customer_channels,
            topic="progress",
            dedup_key=f"progress:{app.number}:{event.action}:{event.at.isoformat()}",
            payload={
                "application": app.number,
                "phone": app.customer.phone,
                "action": str(event.action),
                "stage": app.stage,
                "status": str(app.status),
                "at": event.at.isoformat(),
                # the one-time notice names what is needed (须提供) and what may be (如适用)
                **(
                    {k: event.details[k] for k in ("required", "if_applicable")}
                    if event.action == Event.MISSING_DOCUMENTS_NOTIFIED
                    else {}
                ),
                # selfservice: why it is paused and what to do, as on the page
                **(
                    suspension_text(event.details.get("reason_code"))
                    if event.action == Event.SUSPENDED
                    else {}
                ),
            },
            at=event.at,
        )
