"""Callbacks from the platform: each applied once, by its message id, with its effect.

The message row (id, status, answer) is inserted in the transaction that applies the message:
a repeat finds it and gets the same answer with nothing changed; a delivery that dies before
the commit left nothing, so the platform's retry applies it in full. Two deliveries of one id
racing each other: the second commit fails on the primary key (or on the application's
version) and is retried, finding the first's answer. A refused message (unknown application,
a wrong field) is not remembered, so a corrected resend is applied.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.exc import IntegrityError

from gridconnect.errors import NotFound
from gridconnect.services.applications import _context, _notify_customer, _raise
from gridconnect.services.context import Services
from gridconnect.services.govlink.approvals import (
    DecisionInput,
    apply_acknowledgement,
    apply_decision,
    states_answer,
)
from gridconnect.store.gov_tables import GovInboundMessageRow
from gridconnect.store.uow import UnitOfWork
from gridconnect.workflow import application as flow
from gridconnect.workflow.errors import VersionConflict
from gridconnect.workflow.model import Application

CALLBACK_ACTOR = "gov-platform"
ATTEMPTS = 5

Process = Callable[[UnitOfWork], dict[str, Any]]


class UnknownApplication(NotFound):
    code = "gov_unknown_application"


def once(svc: Services, message_id: str, kind: str, process: Process) -> dict[str, Any]:
    """The answer to message `message_id`: stored if it was applied before, else applied now."""
    for attempt in range(ATTEMPTS):
        try:
            with svc.unit_of_work() as uow:
                stored = uow.session.get(GovInboundMessageRow, message_id)
                if stored is not None:
                    return dict(stored.response)
                answer = process(uow)
                uow.session.add(
                    GovInboundMessageRow(
                        message_id=message_id,
                        kind=kind,
                        received_at=svc.now(),
                        status_code=200,
                        response=_jsonable(answer),
                    )
                )
                uow.commit()
                return answer
        except (IntegrityError, VersionConflict):
            if attempt == ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


def _jsonable(answer: dict[str, Any]) -> dict[str, Any]:
    import json

    result: dict[str, Any] = json.loads(json.dumps(answer, default=str))
    return result


ApplicationChange = Callable[[flow.Context, UnitOfWork, Application], list[flow.RaisedAlert]]


def _on_application(svc: Services, number: str, change: ApplicationChange) -> Process:
    def process(uow: UnitOfWork) -> dict[str, Any]:
        app = uow.applications.get_by_number(number)
        if app is None:
            raise UnknownApplication(
                f"no application numbered {number!r}", {"application_number": number}
            )
        ctx = _context(svc, CALLBACK_ACTOR)
        version = app.version
        raised = change(ctx, uow, app)
        pending = list(app.events)
        if pending:
            uow.applications.save(app, version)
        for alert in raised:
            _raise(svc, uow, app, alert, ctx)
        _notify_customer(svc, uow, app, pending)
        uow.session.flush()
        return states_answer(app, uow)

    return process


def receive_decision(
    svc: Services, message_id: str, number: str, given: DecisionInput
) -> dict[str, Any]:
    def change(ctx: flow.Context, uow: UnitOfWork, app: Application) -> list[flow.RaisedAlert]:
        return apply_decision(svc, uow, ctx, app, given)

    return once(svc, message_id, "department_decision", _on_application(svc, number, change))


def receive_acknowledgement(
    svc: Services, message_id: str, number: str, case_id: str
) -> dict[str, Any]:
    def change(ctx: flow.Context, uow: UnitOfWork, app: Application) -> list[flow.RaisedAlert]:
        return apply_acknowledgement(uow, ctx, app, case_id)

    return once(svc, message_id, "approval_acknowledged", _on_application(svc, number, change))
