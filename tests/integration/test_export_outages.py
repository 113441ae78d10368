"""Outage events in the regulator export: their own lines and cursor part, every event once,
the published schema, and no customer's phone or free-text note."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from freezegun import freeze_time
from jsonschema import Draft202012Validator
from sqlalchemy import select
from sqlmodel import Session

from factories import advance_to_end, receive
from gridconnect.services.context import Services
from gridconnect.services.export import InvalidCursor, export_changes
from gridconnect.services.outages.ledger import (
    AreaInput,
    NewOutage,
    correct,
    post_progress,
    register,
    restore,
)
from gridconnect.store.outage_tables import OutageEventRow
from gridconnect.timesource import SHANGHAI
from integration.outage_helpers import add_customers

SCHEMA_FILE = Path(__file__).parents[2] / "docs" / "regulator-export.schema.json"
NOTE = "抢修人员王师傅已到现场，电话13912345678"


def at(moment: str) -> datetime:
    return datetime.fromisoformat(moment).replace(tzinfo=SHANGHAI)


def outage_history(services: Services) -> None:
    """Two applications, and two faults: one restored in two steps and corrected."""
    add_customers(services.engine, "F1", 30)  # phones 138000000xx
    add_customers(services.engine, "F2", 20, prefix="F2x")
    with freeze_time("2026-10-01T09:00:00+08:00") as clock:
        advance_to_end(services, receive(services, "lv_nonresidential"))
        fault = NewOutage(
            company="sgcc", city="西安", area_class="urban", kind="fault", cause="树障",
            start=at("2026-10-01T08:30"),
            areas=(AreaInput(feeder="F1"), AreaInput(feeder="F2")),
        )  # fmt: skip
        first = register(services, fault, actor="dispatcher_xa").outage
        assert first.id is not None
        post_progress(services, first.id, 1, NOTE, at("2026-10-01T12:00"), "dispatcher_xa")
        receive(services, "lv_residential")
        clock.tick(3600)
        restore(services, first.id, 2, at("2026-10-01T09:40"), "dispatcher_xa", feeders=["F2"])
        restore(services, first.id, 3, at("2026-10-01T09:55"), "dispatcher_xa")
        correct(services, first.id, 4, {"cause": "大风树障"}, "调度员核实后更正", "dispatcher_xa")
        again = NewOutage(
            company="sgcc", city="西安", area_class="urban", kind="fault", cause="外力破坏",
            start=at("2026-10-01T10:00"), areas=(AreaInput(feeder="F1"),),
        )  # fmt: skip
        second = register(services, again, actor="dispatcher_xa").outage
        assert second.id is not None


def follow(services: Services, limit: int) -> list[dict[str, Any]]:
    cursor, lines = "", []
    while True:
        batch = export_changes(services, cursor, actor="admin", limit=limit)
        parsed = [json.loads(line) for line in batch.lines]
        lines += parsed
        cursor = parsed[-1]["next_cursor"]
        if not parsed[-1]["more"]:
            return lines


def exported_outage_events(services: Services) -> list[int]:
    kinds = ("registered", "progress", "restored", "restored_partly", "corrected")
    with Session(services.engine) as session:
        rows = session.execute(
            select(OutageEventRow.id).where(OutageEventRow.kind.in_(kinds))  # type: ignore[attr-defined]
        )
        return sorted(rows.scalars())


def test_an_outage_is_one_line_with_its_areas_and_events_and_no_personal_data(services):
    outage_history(services)
    batch = export_changes(services, "", actor="admin")
    lines = [json.loads(line) for line in batch.lines]
    outages = [line for line in lines if line.get("type") == "outage"]
    assert [line["type"] for line in lines[:2]] == ["application", "application"]
    assert len(outages) == 2
    assert outages[0]["id"] != outages[1]["id"]
    first = outages[0]
    assert first["cause"] == "大风树障"
    assert first["customers"] == 50
    assert first["end_at"] == "2026-10-01T01:55:00+00:00"
    areas = {a["feeder"]: a for a in first["areas"]}
    assert areas["F2"]["restored_at"] == "2026-10-01T01:40:00+00:00"
    assert [e["kind"] for e in first["events"]] == [
        "registered", "progress", "restored_partly", "restored", "corrected",
    ]  # fmt: skip
    progress = first["events"][1]["details"]
    assert progress == {"expected_restoration": "2026-10-01T04:00:00+00:00"}
    corrected = first["events"][4]["details"]
    assert corrected == {"before": {"cause": "树障"}, "after": {"cause": "大风树障"}}
    text = batch.text()
    for private in ("138000000", "13912345678", "王师傅", "调度员核实", "dispatcher_xa"):
        assert private not in text  # no phone, free-text note or staff name
    assert batch.outages == 2
    assert lines[-1]["next_cursor"].count(".") == 3


def test_every_line_validates_against_the_published_schema(services):
    outage_history(services)
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    validator = Draft202012Validator(schema)
    lines = follow(services, 3)
    for line in lines:
        errors = [e.message for e in validator.iter_errors(line)]
        assert not errors, (line, errors)
    leaky = next(line for line in lines if line.get("type") == "outage")
    leaky["events"][1]["details"]["note"] = NOTE
    assert not validator.is_valid(leaky)


@pytest.mark.parametrize("limit", [1, 2, 3, 7])
def test_following_the_cursor_hands_out_every_event_exactly_once(services, limit):
    outage_history(services)
    lines = follow(services, limit)
    outage_events = [
        int(e["id"].split("@")[1])
        for line in lines
        if line.get("type") == "outage"
        for e in line["events"]
    ]
    application_events = [
        e["id"] for line in lines if line.get("type") == "application" for e in line["events"]
    ]
    assert sorted(outage_events) == exported_outage_events(services)
    assert len(application_events) == len(set(application_events))
    everything = follow(services, 5000)
    assert sorted(e["id"] for line in everything if line.get("type") == "application"
                  for e in line["events"]) == sorted(application_events)  # fmt: skip
    again = export_changes(services, lines[-1]["next_cursor"], actor="admin")
    assert again.events == 0


def test_a_cursor_from_before_outages_were_exported_still_works(services):
    with freeze_time("2026-10-01T09:00:00+08:00"):
        receive(services, "lv_nonresidential")
    old = export_changes(services, "", actor="admin").next_cursor
    assert str(old).count(".") == 1  # no outage event yet: the cursor looks as it always did
    outage_history(services)
    batch = export_changes(services, str(old), actor="admin")
    kinds = [json.loads(line).get("type") for line in batch.lines[:-1]]
    assert kinds.count("outage") == 2
    assert len(exported_outage_events(services)) == sum(
        len(json.loads(line)["events"]) for line in batch.lines[:-1]
        if json.loads(line).get("type") == "outage"
    )  # fmt: skip


def test_an_outage_cursor_part_no_export_handed_out_is_refused(services):
    outage_history(services)
    handed_out = export_changes(services, "", actor="admin").next_cursor
    forged = [
        f"{handed_out.xact}.{handed_out.event_id}.0.0",  # the export never writes an empty part
        f"{handed_out.xact}.{handed_out.event_id}.{handed_out.outage_xact}.999999",
        f"{handed_out.xact}.{handed_out.event_id}.{handed_out.outage_xact + 5}.1",
        f"{handed_out.xact}.{handed_out.event_id}.1",
    ]
    for cursor in forged:
        with pytest.raises(InvalidCursor) as caught:
            export_changes(services, cursor, actor="admin")
        assert caught.value.details[0]["field"] == "cursor"


@pytest.mark.postgres
def test_an_outage_event_committed_after_a_later_one_is_exported_once_it_commits(
    services, on_postgres
):
    if not on_postgres:
        pytest.skip("SQLite serialises writers: ids are in commit order there")
    outage_history(services)
    start = export_changes(services, "", actor="admin").next_cursor
    with Session(services.engine) as session:
        outage_id = session.execute(select(OutageEventRow.outage_id)).scalars().first()
    stamp = at("2026-10-01T11:00")

    def progress(connection) -> None:  # type: ignore[no-untyped-def]
        connection.execute(
            OutageEventRow.__table__.insert(),  # type: ignore[attr-defined]
            {"outage_id": outage_id, "kind": "progress", "at": stamp, "actor": "t",
             "detail": {"expected_restoration": None}},
        )  # fmt: skip

    slow = services.engine.connect()
    slow_transaction = slow.begin()
    progress(slow)  # the lower event id, still uncommitted
    with services.engine.begin() as fast:
        progress(fast)  # a higher id, committed first
    during = export_changes(services, str(start), actor="admin")
    assert during.events == 0  # waits behind the open transaction instead of passing it
    slow_transaction.commit()
    slow.close()
    after = export_changes(services, str(during.next_cursor), actor="admin")
    assert after.events == 2
    assert after.outages == 1
