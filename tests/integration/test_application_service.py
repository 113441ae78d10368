"""Applications through the service layer, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from freezegun import freeze_time
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, select

from factories import (
    PDF,
    advance_to_end,
    new_application,
    provide_all_documents,
    receive,
    tamper_with_event,
)
from gridconnect.services.applications import (
    DocumentInput,
    get_application,
    perform,
    receive_application,
    record_document,
)
from gridconnect.services.audit import verify_chains
from gridconnect.services.context import Scope, Services
from gridconnect.store.files import FileRefused
from gridconnect.store.repository import ApplicationRepository
from gridconnect.store.tables import ApplicationRow, DocumentRow, EventRow
from gridconnect.workflow.errors import (
    ApplicationNotFound,
    DocumentNotAllowed,
    InvalidApplication,
    VersionConflict,
)


def count(services: Services, table: str) -> int:
    with services.engine.connect() as connection:
        return int(connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())


@freeze_time("2026-09-28 02:00:00")
def test_a_received_application_gets_a_number_unique_per_company_and_year(
    services: Services,
) -> None:
    first = receive(services)
    second = receive(services)
    other = receive(services, company="local")
    assert first.number == "SGCC-2026-000001"
    assert second.number == "SGCC-2026-000002"
    assert other.number == "LOCAL-2026-000001"


@freeze_time("2026-09-28 02:00:00")
def test_a_stored_application_reads_back_with_stage_clocks_and_events(services: Services) -> None:
    app = receive(services)
    assert app.id is not None
    loaded = get_application(services, app.id)
    assert loaded.stage == "acceptance"
    assert loaded.three_zero
    assert sorted(c.kind for c in loaded.clocks) == ["full_process", "stage:acceptance"]
    with Session(services.engine) as session:
        events = ApplicationRepository(session).events(app.id)
    assert [e.action for e in events] == ["received"]


def test_a_low_voltage_application_goes_from_receipt_to_connection(services: Services) -> None:
    with freeze_time("2026-09-28 02:00:00") as frozen:
        app = receive(services)
        frozen.move_to("2026-09-29 03:00:00")
        app = advance_to_end(services, app)
    assert app.status == "connected"
    full = app.clock("full_process")
    assert full is not None
    assert full.state == "met"


@freeze_time("2026-09-28 02:00:00")
def test_a_high_voltage_application_goes_through_all_six_stages(services: Services) -> None:
    app = advance_to_end(services, receive(services, "hv"))
    assert app.status == "connected"
    assert [v.stage for v in app.visits] == [
        "acceptance",
        "supply_plan",
        "design_review",
        "mid_inspection",
        "completion_inspection",
        "meter_install",
    ]
    assert all(v.left_at is not None for v in app.visits)


@freeze_time("2026-09-28 02:00:00")
def test_a_refused_document_type_writes_nothing(services: Services, tmp_path: Path) -> None:
    app = receive(services)
    assert app.id is not None
    with pytest.raises(DocumentNotAllowed):
        record_document(
            services,
            app.id,
            DocumentInput("commitment_letter", "upload", content=PDF),
            actor="clerk1",
        )
    assert count(services, "document") == 0
    assert not any(services.files.root.rglob("*")) if services.files.root.exists() else True


@freeze_time("2026-09-28 02:00:00")
def test_a_file_that_is_not_pdf_jpeg_or_png_is_refused_and_not_stored(services: Services) -> None:
    app = receive(services)
    assert app.id is not None
    with pytest.raises(FileRefused):
        record_document(
            services,
            app.id,
            DocumentInput("identity_document", "upload", content=b"MZ\x90\x00 not a pdf"),
            actor="clerk1",
        )
    assert count(services, "document") == 0


@freeze_time("2026-09-28 02:00:00")
def test_an_uploaded_file_is_stored_under_its_sha256(services: Services) -> None:
    app = receive(services)
    assert app.id is not None
    app = record_document(
        services,
        app.id,
        DocumentInput("identity_document", "upload", content=PDF, declared_type="application/pdf"),
        actor="clerk1",
    )
    stored = app.documents[0]
    assert stored.sha256 is not None
    assert services.files.path_of(stored.sha256).read_bytes() == PDF


@freeze_time("2026-09-28 02:00:00")
def test_bad_fields_are_refused_naming_each_field(services: Services) -> None:
    with pytest.raises(InvalidApplication) as caught:
        receive(services, "hv", voltage_kv=None, supply="triple", capacity=-1.0, city="北京")
    fields = {p["field"] for p in caught.value.details}
    assert fields == {"voltage_kv", "supply", "capacity", "city"}
    assert count(services, "application") == 0


@freeze_time("2026-09-28 02:00:00")
def test_a_failure_after_the_state_change_leaves_the_database_as_it_was(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = provide_all_documents(services, receive(services))
    assert app.id is not None
    events_before = count(services, "event")

    def explode(self: ApplicationRepository, app: object) -> None:
        raise RuntimeError("disk full while writing the audit event")

    monkeypatch.setattr(ApplicationRepository, "_append_events", explode)
    with pytest.raises(RuntimeError):
        perform(services, app.id, "advance", actor="clerk1")
    monkeypatch.undo()
    reloaded = get_application(services, app.id)
    assert reloaded.stage == "acceptance"
    assert reloaded.version == app.version
    assert count(services, "event") == events_before
    assert count(services, "stage_visit") == 1


@freeze_time("2026-09-28 02:00:00")
def test_a_stale_expected_version_is_a_conflict(services: Services) -> None:
    app = provide_all_documents(services, receive(services))
    assert app.id is not None
    with pytest.raises(VersionConflict):
        perform(services, app.id, "advance", actor="clerk1", expected_version=app.version - 1)


@freeze_time("2026-09-28 02:00:00")
def test_an_application_outside_the_callers_cities_is_not_found(services: Services) -> None:
    app = receive(services, city="榆林")
    assert app.id is not None
    with pytest.raises(ApplicationNotFound):
        get_application(services, app.id, Scope("sgcc", ("西安",)))
    with pytest.raises(ApplicationNotFound):
        get_application(services, app.id, Scope("local", None))


@freeze_time("2026-09-28 02:00:00")
def test_two_clerks_advancing_at_once_give_one_success_and_one_conflict(
    services: Services, on_postgres: bool
) -> None:
    app = provide_all_documents(services, receive(services))
    assert app.id is not None
    app_id = app.id
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def clerk(name: str) -> None:
        barrier.wait()
        try:
            perform(services, app_id, "advance", actor=name, expected_version=app.version)
            outcomes.append("ok")
        except VersionConflict:
            outcomes.append("conflict")

    threads = [threading.Thread(target=clerk, args=(f"clerk{i}",)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["conflict", "ok"]
    with Session(services.engine) as session:
        actions = [
            e.action
            for e in session.exec(select(EventRow).where(EventRow.application_id == app_id))
        ]
    assert actions.count("advanced") == 1


@freeze_time("2026-09-28 02:00:00")
def test_the_audit_chain_verifies_and_names_a_tampered_event(services: Services) -> None:
    advance_to_end(services, receive(services))
    checked, breaks = verify_chains(services.engine)
    assert checked > 3
    assert breaks == []
    with Session(services.engine) as session:
        tampered_id = session.exec(select(EventRow.id).where(EventRow.seq == 2)).one()
    tamper_with_event(services.engine, tampered_id, actor="someone else")
    _, breaks = verify_chains(services.engine)
    assert [(b.event_id, b.seq) for b in breaks] == [(tampered_id, 2)]


@freeze_time("2026-09-28 02:00:00")
def test_online_application_at_night_is_received_with_its_access_code(services: Services) -> None:
    app = receive_application(
        services,
        new_application("lv_residential", channel="online"),
        actor="customer",
        access_code_hash="hash",
    )
    with Session(services.engine) as session:
        row = session.exec(select(ApplicationRow)).one()
    assert row.access_code_hash == "hash"
    assert app.channel == "online"


def test_documents_rows_hold_metadata_only(services: Services) -> None:
    with freeze_time("2026-09-28 02:00:00"):
        app = provide_all_documents(services, receive(services))
    with Session(services.engine) as session:
        rows = session.exec(select(DocumentRow)).all()
    assert {r.source for r in rows} == {"e_license", "upload"}
    assert app.documents[0].reference == "EL-identity_document"


@freeze_time("2026-09-28 02:00:00")
def test_the_database_refuses_to_change_or_delete_an_audit_event(services: Services) -> None:
    receive(services)
    for statement in ("UPDATE event SET actor = 'someone else'", "DELETE FROM event"):
        with (
            pytest.raises(DBAPIError, match="never changed or deleted"),
            services.engine.begin() as connection,
        ):
            connection.execute(text(statement))
    assert count(services, "event") == 1
