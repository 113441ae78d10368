"""The whitelist is a maximum (仅需提供): a where-applicable document recorded not applicable,
with a reason from the policy's list, lets the stage advance. SQLite and PostgreSQL."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime

import pytest
from freezegun import freeze_time
from sqlmodel import Session, col, select

from factories import PDF, receive
from gridconnect.services.applications import (
    DocumentInput,
    get_application,
    notify_missing_documents,
    perform,
    record_document,
    record_not_applicable,
    record_site_survey,
)
from gridconnect.services.context import EVERYTHING, Services
from gridconnect.services.export import export_changes
from gridconnect.services.listing import application_events
from gridconnect.services.views import application_view
from gridconnect.store.tables import OutboxRow
from gridconnect.timesource import SHANGHAI
from gridconnect.workflow import application as flow
from gridconnect.workflow.errors import (
    DocumentAlwaysRequired,
    InvalidTransition,
    MissingDocuments,
    UnknownNotApplicableReason,
)
from gridconnect.workflow.model import Application


def local(moment: str) -> datetime:
    return datetime.fromisoformat(moment).replace(tzinfo=SHANGHAI)


def with_identity_and_property(services: Services) -> Application:
    app = receive(services, "hv")
    assert app.id is not None
    for code in ("identity_document", "property_certificate"):
        app = record_document(
            services, app.id, DocumentInput(code, "e_license", reference=f"EL-{code}"), "clerk1"
        )
    return app


def test_the_one_time_notice_lists_required_and_where_applicable_documents_apart(
    services: Services,
) -> None:
    app = receive(services, "hv")

    view = application_view(services.policy, services.calendar, app, services.now())

    assert [d["doc_type"] for d in view["missing_documents"]] == [
        "identity_document",
        "property_certificate",
    ]
    assert [d["doc_type"] for d in view["documents_if_applicable"]] == ["project_approval"]


def test_a_capacity_increase_leaves_acceptance_once_project_approval_is_not_applicable(
    services: Services,
) -> None:
    app = with_identity_and_property(services)
    assert app.id is not None
    with pytest.raises(MissingDocuments):
        perform(services, app.id, "advance", actor="clerk1")

    record_not_applicable(
        services, app.id, "project_approval", "capacity_increase_no_new_works", "clerk1"
    )
    app = perform(services, app.id, "advance", actor="clerk1")

    assert app.stage == "supply_plan"
    trail = application_events(services, app.id, EVERYTHING)
    [event] = [e for e in trail if e["action"] == "document_not_applicable"]
    assert (event["actor"], event["details"]["reason"]) == ("clerk1", "增容无新建工程")
    [marked] = application_view(services.policy, services.calendar, app, services.now())[
        "not_applicable_documents"
    ]
    assert (marked["doc_type"], marked["reason"]) == ("project_approval", "增容无新建工程")


def test_a_not_applicable_document_without_a_reason_is_refused_naming_the_field(
    services: Services,
) -> None:
    app = with_identity_and_property(services)
    assert app.id is not None

    with pytest.raises(UnknownNotApplicableReason) as missing:
        record_not_applicable(services, app.id, "project_approval", "", "clerk1")
    with pytest.raises(UnknownNotApplicableReason) as unknown:
        record_not_applicable(services, app.id, "project_approval", "too_busy", "clerk1")

    assert missing.value.details["field"] == "reason_code"
    assert unknown.value.details["allowed_reasons"][0] == "capacity_increase_no_new_works"
    stored = get_application(services, app.id)
    assert flow.undecided_if_applicable(services.policy, stored) == ["project_approval"]
    assert stored.version == app.version  # nothing recorded


def test_an_always_required_document_cannot_be_marked_not_applicable(
    services: Services,
) -> None:
    app = receive(services, "hv")
    assert app.id is not None

    with pytest.raises(DocumentAlwaysRequired):
        record_not_applicable(services, app.id, "identity_document", "temporary_supply", "clerk1")


def test_a_provided_project_approval_cannot_also_be_marked_not_applicable(
    services: Services,
) -> None:
    app = with_identity_and_property(services)
    assert app.id is not None
    document = DocumentInput(
        "project_approval",
        "upload",
        content=PDF,
        file_name="a.pdf",
        declared_type="application/pdf",
    )
    record_document(services, app.id, document, "clerk1")

    with pytest.raises(InvalidTransition):
        record_not_applicable(services, app.id, "project_approval", "temporary_supply", "clerk1")


def test_the_regulator_export_carries_the_not_applicable_event_and_its_reason(
    services: Services,
) -> None:
    app = with_identity_and_property(services)
    assert app.id is not None
    record_not_applicable(services, app.id, "project_approval", "temporary_supply", "clerk1")

    batch = export_changes(services, None, actor="regulator")

    [line] = [json.loads(text) for text in batch.lines if '"type": "application"' in text]
    [event] = [e for e in line["events"] if e["action"] == "document_not_applicable"]
    assert event["details"]["doc_type"] == "project_approval"
    assert event["details"]["reason_code"] == "temporary_supply"
    assert event["details"]["reason"] == "临时用电"
    [record] = line["documents"]["project_approval"]
    assert (record["source"], record["reference"]) == ("not_applicable", "temporary_supply")


def test_the_one_time_notice_stops_the_acceptance_clock_and_queues_a_customer_notice(
    services: Services,
) -> None:
    services = replace(services, customer_channels=["http://127.0.0.1:9/sms"])
    app = receive(services, "hv")
    assert app.id is not None

    app = notify_missing_documents(services, app.id, "clerk1")

    [event] = [
        e
        for e in application_events(services, app.id, EVERYTHING)
        if e["action"] == "missing_documents_notified"
    ]
    assert event["details"] == {
        "required": ["identity_document", "property_certificate"],
        "if_applicable": ["project_approval"],
    }
    # The acceptance clock (policy of branch `ledger`) stops here when it is configured.
    clock = app.clock("stage:acceptance")
    assert clock is None or clock.stopped_at is not None
    with Session(services.engine) as session:
        [notice] = session.exec(
            select(OutboxRow).where(OutboxRow.topic == "progress").order_by(col(OutboxRow.id))
        ).all()[-1:]
    assert notice.payload["action"] == "missing_documents_notified"
    assert notice.payload["if_applicable"] == ["project_approval"]


def test_an_on_site_reply_is_due_the_day_of_the_site_survey(services: Services) -> None:
    with freeze_time(local("2026-11-23 09:00")):  # Monday
        app = with_identity_and_property(services)
        assert app.id is not None
        assert app.on_site_reply
        document = DocumentInput("project_approval", "e_license", reference="EL-P")
        record_document(services, app.id, document, "clerk1")
        app = perform(services, app.id, "advance", actor="clerk1")
    entry_clock = app.clock("stage:supply_plan")
    assert entry_clock is not None
    assert entry_clock.due_at == local("2026-11-24 00:00")  # 当日办结 from stage entry

    with freeze_time(local("2026-11-24 10:00")):  # surveyed Tuesday, before any scan
        app = record_site_survey(services, app.id, "clerk1")

    clock = app.clock("stage:supply_plan")
    assert clock is not None
    assert clock.due_at == local("2026-11-25 00:00")  # the end of the survey's day
    assert app.site_surveyed_at == local("2026-11-24 10:00")
    with pytest.raises(InvalidTransition):
        record_site_survey(services, app.id, "clerk1")
