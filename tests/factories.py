"""Factory helpers: build commands and applications with sensible defaults."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from sqlalchemy import Engine, text

from gridconnect.config.policy_model import Policy
from gridconnect.services.applications import (
    DocumentInput,
    perform,
    receive_application,
    record_document,
)
from gridconnect.services.context import Services
from gridconnect.workflow.intake import NewApplication
from gridconnect.workflow.model import Application, Customer

PDF = b"%PDF-1.4\n% gridconnect test document\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def new_application(kind: str = "lv_nonresidential", **overrides: Any) -> NewApplication:
    values: dict[str, Any] = {
        "kind": kind,
        "company": "sgcc",
        "city": "西安",
        "area_class": "urban",
        "address": "西安市雁塔区科技路 1 号",
        "customer": Customer("张三", "13800138000", "610102199001011234"),
        "capacity": 100.0 if kind != "hv" else 800.0,
        "channel": "hall",
    }
    if kind == "hv":
        values.update(voltage_kv=10.0, supply="single")
    values.update(overrides)
    return NewApplication(**values)


def receive(services: Services, kind: str = "lv_nonresidential", **overrides: Any) -> Application:
    return receive_application(services, new_application(kind, **overrides), actor="clerk1")


def provide_all_documents(services: Services, app: Application) -> Application:
    """Record every whitelisted document of the current stage, the first by e-licence."""
    for index, doc in enumerate(services.policy.whitelist(app.kind, app.stage)):
        if index == 0:
            document = DocumentInput(doc.code, "e_license", reference=f"EL-{doc.code}")
        else:
            document = DocumentInput(
                doc.code,
                "upload",
                content=PDF,
                file_name=f"{doc.code}.pdf",
                declared_type="application/pdf",
            )
        assert app.id is not None
        app = record_document(services, app.id, document, actor="clerk1")
    return app


def advance_to_end(services: Services, app: Application) -> Application:
    while app.status == "open":
        app = provide_all_documents(services, app)
        assert app.id is not None
        app = perform(services, app.id, "advance", actor="clerk1")
    return app


def tamper_with_event(engine: Engine, event_id: int, **changes: Any) -> None:
    """Change an audit event as someone able to lift the append-only triggers could."""
    assignments = ", ".join(f"{name} = :{name}" for name in changes)
    values = {
        name: json.dumps(value) if isinstance(value, dict) else value
        for name, value in changes.items()
    }
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("ALTER TABLE event DISABLE TRIGGER event_append_only"))
        else:
            connection.execute(text("DROP TRIGGER event_no_update"))
        connection.execute(
            text(f"UPDATE event SET {assignments} WHERE id = :event_id"),
            {**values, "event_id": event_id},
        )
        if connection.dialect.name == "postgresql":
            connection.execute(text("ALTER TABLE event ENABLE TRIGGER event_append_only"))


def full_process_only(policy: Policy) -> Policy:
    """The policy with only its full-process rules: for tests that follow that one clock
    through weeks in which the acceptance clock (1 working day) would add its own alerts."""
    return replace(policy, rules=tuple(r for r in policy.rules if r.clock == "full_process"))
