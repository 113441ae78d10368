"""Every line the regulator export hands out validates against the published JSON Schema,
and the cursor accepts exactly the cursors the export hands out."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from freezegun import freeze_time
from jsonschema import Draft202012Validator

from factories import advance_to_end, provide_all_documents, receive
from gridconnect.services.applications import perform
from gridconnect.services.context import Services
from gridconnect.services.export import InvalidCursor, export_changes

SCHEMA_FILE = Path(__file__).parents[2] / "docs" / "regulator-export.schema.json"


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def _every_kind_of_line(services: Services) -> None:
    """Applications in every state the export can show: connected, cancelled, suspended
    and resumed, a government approval with and without a clock, a clock breached."""
    with freeze_time("2026-09-01 02:00:00") as clock:
        advance_to_end(services, receive(services, "lv_nonresidential"))
        advance_to_end(services, receive(services, "lv_residential", city="宝鸡"))
        hv = provide_all_documents(services, receive(services, "hv", capacity=1000.0))
        assert hv.id is not None
        perform(services, hv.id, "advance", actor="clerk1")  # supply plan answered on site
        perform(services, hv.id, "start_gov_approval", actor="clerk1")
        perform(services, hv.id, "suspend", actor="clerk1", reason_code="customer_construction")
        clock.tick(86400 * 9)
        perform(services, hv.id, "resume", actor="clerk1")
        big = receive(services, "hv", voltage_kv=110.0, capacity=20000.0, supply="dual")
        assert big.id is not None
        perform(services, big.id, "start_gov_approval", actor="clerk1")  # no limit for 35 kV+
        late = receive(services, "lv_nonresidential", city="榆林")
        assert late.id is not None
        cancelled = receive(services, "lv_nonresidential", city="汉中")
        assert cancelled.id is not None
        perform(services, cancelled.id, "cancel", actor="clerk1", note="客户撤回")
        clock.tick(86400 * 60)
        advance_to_end(services, late)  # every clock of it stops past due


def _lines(services: Services, limit: int = 5000) -> list[dict[str, Any]]:
    cursor, lines = "", []
    while True:
        batch = export_changes(services, cursor, actor="admin", limit=limit)
        parsed = [json.loads(line) for line in batch.lines]
        lines += parsed
        cursor = parsed[-1]["next_cursor"]
        if not parsed[-1]["more"]:
            return lines


def test_every_export_line_validates_against_the_published_schema(
    services: Services, validator: Draft202012Validator
) -> None:
    _every_kind_of_line(services)
    lines = _lines(services, limit=7)
    for line in lines:
        errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(line)]
        assert errors == [], (line.get("id"), errors)
    apps = [line for line in lines if line.get("type") == "application"]
    documents = [d for a in apps for docs in a["documents"].values() for d in docs]
    assert {d["source"] for d in documents} == {"upload", "e_license"}
    events = [e for a in apps for e in a["events"]]
    assert {type(e["details"].get("clock")) for e in events} >= {bool}
    assert any(e["details"].get("working_days_paused") for e in events)
    clocks = [c for a in apps for c in a["clocks"]]
    assert any(c["late"] for c in clocks)
    assert any(c["state"] == "cancelled" for c in clocks)


def test_the_schema_refuses_a_line_that_leaks_an_unmasked_identity_number(
    services: Services, validator: Draft202012Validator
) -> None:
    with freeze_time("2026-09-01 02:00:00"):
        receive(services)
    line = json.loads(export_changes(services, "", actor="admin").lines[0])
    assert validator.is_valid(line)
    line["customer"]["id_number"] = "610102199001011234"
    assert not validator.is_valid(line)


@pytest.mark.parametrize(
    "cursor",
    [" 0.0", "0.0\n", "０.0", "00.0", "0.01", "+0.1", "0.1.2", "1e3", "0", "-1.5", "0x1.2"],
)
def test_a_cursor_not_written_as_the_export_writes_it_is_refused(
    services: Services, cursor: str
) -> None:
    with pytest.raises(InvalidCursor) as caught:
        export_changes(services, cursor, actor="admin")
    assert caught.value.status == 422
    assert caught.value.details[0]["field"] == "cursor"


def test_a_well_formed_cursor_no_export_handed_out_is_refused_not_echoed(
    services: Services,
) -> None:
    with freeze_time("2026-09-01 02:00:00"):
        receive(services)
    handed_out = export_changes(services, "", actor="admin").next_cursor
    assert export_changes(services, str(handed_out), actor="admin").events == 0
    past_the_end = f"{handed_out.xact}.999999"
    other_transaction = f"{handed_out.xact + 5}.{handed_out.event_id}"
    for cursor in (past_the_end, other_transaction, "99999999999999999999.1"):
        with pytest.raises(InvalidCursor):
            export_changes(services, cursor, actor="admin")
