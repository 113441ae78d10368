"""The service layer's commands on an in-memory unit of work (no database)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from fakes import FakeServices, fake_services
from gridconnect.calendar import load_calendar
from gridconnect.config.policy import load_policy
from gridconnect.services.applications import (
    DocumentInput,
    get_application,
    perform,
    receive_application,
    record_document,
)
from gridconnect.services.context import Scope
from gridconnect.workflow.errors import (
    ApplicationNotFound,
    InvalidApplication,
    MissingDocuments,
    VersionConflict,
)
from gridconnect.workflow.intake import NewApplication
from gridconnect.workflow.model import Customer

MONDAY_10AM = datetime(2026, 9, 28, 2, tzinfo=UTC)
POLICY = load_policy()
CALENDAR = load_calendar()


@pytest.fixture
def services(tmp_path: Path) -> FakeServices:
    return fake_services(POLICY, CALENDAR, tmp_path / "files", MONDAY_10AM)


def new(**overrides: object) -> NewApplication:
    values: dict[str, object] = {
        "kind": "lv_nonresidential",
        "company": "sgcc",
        "city": "西安",
        "area_class": "urban",
        "address": "西安市雁塔区科技路 1 号",
        "capacity": 100.0,
        "channel": "hall",
        "customer": Customer("张三", "13800138000", "610102199001011234"),
    }
    values.update(overrides)
    return NewApplication(**values)  # type: ignore[arg-type]


def provide(services: FakeServices, app_id: int) -> None:
    for code in ("identity_document", "property_certificate"):
        record_document(services, app_id, DocumentInput(code, "e_license", f"EL-{code}"), "c1")


def test_receiving_commits_the_application_its_event_and_a_progress_notice(
    services: FakeServices,
) -> None:
    app = receive_application(services, new(), actor="clerk1")
    assert app.number == "SGCC-2026-000001"
    assert services.database.commits == 1
    assert [e.action for e in services.database.events[1]] == ["received"]
    assert (
        "progress:SGCC-2026-000001:received:" + MONDAY_10AM.isoformat(),
        "https://sms.example/notify",
    ) in services.database.outbox


def test_invalid_fields_commit_nothing(services: FakeServices) -> None:
    with pytest.raises(InvalidApplication):
        receive_application(services, new(capacity=0.0), actor="clerk1")
    assert services.database.commits == 0
    assert services.database.applications == {}


def test_advancing_too_early_names_the_missing_documents_and_changes_nothing(
    services: FakeServices,
) -> None:
    app = receive_application(services, new(), actor="clerk1")
    assert app.id is not None
    with pytest.raises(MissingDocuments) as caught:
        perform(services, app.id, "advance", actor="clerk1")
    assert caught.value.details["missing_documents"] == [
        "identity_document",
        "property_certificate",
    ]
    assert get_application(services, app.id).stage == "acceptance"
    assert services.database.commits == 1


def test_e_licence_documents_count_as_provided_and_the_application_advances(
    services: FakeServices,
) -> None:
    app = receive_application(services, new(), actor="clerk1")
    assert app.id is not None
    provide(services, app.id)
    advanced = perform(services, app.id, "advance", actor="clerk1")
    assert advanced.stage == "meter_install"
    assert [e.action for e in services.database.events[app.id]][-1] == "advanced"


def test_a_stale_version_is_refused_before_anything_changes(services: FakeServices) -> None:
    app = receive_application(services, new(), actor="clerk1")
    assert app.id is not None
    provide(services, app.id)
    with pytest.raises(VersionConflict):
        perform(services, app.id, "advance", actor="clerk1", expected_version=1)
    assert get_application(services, app.id).stage == "acceptance"


def test_another_companys_clerk_is_told_the_application_does_not_exist(
    services: FakeServices,
) -> None:
    app = receive_application(services, new(), actor="clerk1")
    assert app.id is not None
    with pytest.raises(ApplicationNotFound):
        perform(services, app.id, "cancel", actor="x", scope=Scope("local", ("西安",)))
    assert get_application(services, app.id).status == "open"


def test_finishing_late_raises_one_breach_alert_for_the_supervisors(
    services: FakeServices,
) -> None:
    app = receive_application(services, new(), actor="clerk1")
    assert app.id is not None
    provide(services, app.id)
    perform(services, app.id, "advance", actor="clerk1")
    services.now = lambda: MONDAY_10AM + timedelta(days=40)
    done = perform(services, app.id, "advance", actor="clerk1")
    assert done.status == "connected"
    levels = sorted(level for (_, level) in services.database.alerts)
    assert levels == ["breach", "breach"]  # the full process and the meter-install stage
    robot = [k for k in services.database.outbox if k[1] == "https://robot.example/alerts"]
    assert len(robot) == 2
