"""Access codes for hall applications, and replacing a code (old one void, audited, notified).

A hall application gets its code at receipt, in the receipt's transaction: the hash on the
application row and the message that carries the code to the customer's phone (the
customer gateway, through the outbox) commit together or not at all. The plain code leaves
the server twice only: on the printed receipt (受理回执) and in that one message.

Replacing a code overwrites the only stored hash, so the old code stops working at the
commit; an `access_code_issued` event in the application's audit trail records who did
it and how (a clerk at the hall, or the customer proving the phone), and the customer's
phone is told, so that a replacement nobody asked for does not go unnoticed.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import update
from sqlmodel import col

from gridconnect.services.applications import receive_application
from gridconnect.services.context import Scope, Services
from gridconnect.services.public import hash_access_code, new_access_code
from gridconnect.store.tables import ApplicationRow
from gridconnect.store.uow import UnitOfWork
from gridconnect.workflow.errors import ApplicationNotFound
from gridconnect.workflow.events import Event
from gridconnect.workflow.intake import NewApplication
from gridconnect.workflow.model import Application, DomainEvent

CODE_TOPIC = "access_code"


def send_code(svc: Services, uow: UnitOfWork, app: Application, code: str, why: str) -> None:
    """Queue the code for the customer's phone (the customer gateways), in `uow`."""
    uow.enqueue(
        channels=svc.customer_channels,
        topic=CODE_TOPIC,
        dedup_key=f"{CODE_TOPIC}:{app.number}:{why}:{svc.now().isoformat()}",
        payload={
            "application": app.number,
            "phone": app.customer.phone,
            "why": why,
            "access_code": code,
            "text": f"您的用电申请 {app.number} 查询码为 {code}，请妥善保管，"
            "凭申请编号和查询码查询办理进度。",
        },
        at=svc.now(),
    )


def receive_in_hall(
    svc: Services,
    new: NewApplication,
    actor: str,
    secret_key: str,
    also: Callable[[UnitOfWork, Application], None] | None = None,
) -> tuple[Application, str]:
    """Register a hall application with its access code, sent to the customer's phone;
    `also` adds to the same transaction (a lead marked converted)."""
    code = new_access_code()

    def send(uow: UnitOfWork, app: Application) -> None:
        send_code(svc, uow, app, code, "received")
        if also is not None:
            also(uow, app)

    app = receive_application(
        svc, new, actor, access_code_hash=hash_access_code(secret_key, code), on_received=send
    )
    return app, code


def replace_code(
    svc: Services, uow: UnitOfWork, app: Application, actor: str, how: str, secret_key: str
) -> str:
    """Give `app` a new access code in `uow` (the old one void at commit); the new code."""
    assert app.id is not None
    code = new_access_code()
    moment = svc.now()
    version = app.version
    app.events.append(
        DomainEvent(
            action=Event.ACCESS_CODE_ISSUED,
            actor=actor,
            at=moment,
            stage_before=app.stage,
            stage_after=app.stage,
            details={"how": how},
        )
    )
    uow.applications.save(app, version)
    uow.session.execute(
        update(ApplicationRow)
        .where(col(ApplicationRow.id) == app.id)
        .values(access_code_hash=hash_access_code(secret_key, code))
        .execution_options(synchronize_session=False)
    )
    send_code(svc, uow, app, code, how)
    return code


def reissue_in_hall(
    svc: Services, application_id: int, actor: str, scope: Scope, secret_key: str
) -> tuple[Application, str]:
    """A clerk gives the customer a new code at the hall (the old one stops working)."""
    with svc.unit_of_work() as uow:
        app = uow.applications.get(application_id)
        if app is None or not scope.admits(app.company, app.city):
            raise ApplicationNotFound(
                f"application {application_id} not found", {"application_id": application_id}
            )
        code = replace_code(svc, uow, app, actor, "hall", secret_key)
        uow.commit()
    return app, code
