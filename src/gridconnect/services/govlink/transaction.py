"""The one transaction of a government-link change to an application.

Like `services.applications._change` (load, check version, change, save, raise late-stop
alerts, notify, commit) but the change also gets the unit of work, so the link's own rows
(a department's decision, the callback's message id) commit with the application's audit
event and clock stop, or not at all.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from gridconnect.services.applications import (
    _check_version,
    _context,
    _load,
    _notify_customer,
    _raise,
)
from gridconnect.services.context import EVERYTHING, Scope, Services
from gridconnect.store.uow import UnitOfWork
from gridconnect.workflow import application as flow
from gridconnect.workflow.model import Application

T = TypeVar("T")

Change = Callable[[flow.Context, UnitOfWork, Application], tuple[list[flow.RaisedAlert], T]]


def change_with_link(
    svc: Services,
    application_id: int,
    actor: str,
    change: Change[T],
    scope: Scope = EVERYTHING,
    expected_version: int | None = None,
    after_save: Callable[[UnitOfWork, Application, T], None] | None = None,
) -> tuple[Application, T]:
    """`after_save` sees the saved application (its new documents have their ids)."""
    ctx = _context(svc, actor)
    with svc.unit_of_work() as uow:
        app = _load(uow, application_id, scope)
        version = _check_version(app, expected_version)
        raised, result = change(ctx, uow, app)
        pending = list(app.events)
        if pending:  # the link's rows alone do not touch the application
            uow.applications.save(app, version)
        if after_save is not None:
            after_save(uow, app, result)
        for alert in raised:
            _raise(svc, uow, app, alert, ctx)
        _notify_customer(svc, uow, app, pending)
        uow.commit()
    return app, result
