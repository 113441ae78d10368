"""The regulator export: lines, masking, cursors, the export log."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from freezegun import freeze_time
from sqlalchemy import text
from typer.testing import CliRunner

from factories import advance_to_end, provide_all_documents, receive
from gridconnect.cli import app  # imported unfrozen: its models' `date` fields
from gridconnect.config.settings import get_settings
from gridconnect.services.applications import perform
from gridconnect.services.context import Services
from gridconnect.services.export import InvalidCursor, export_changes, export_log


def _parse(lines: list[str]) -> tuple[list[dict], dict]:
    parsed = [json.loads(line) for line in lines]
    return parsed[:-1], parsed[-1]


@freeze_time("2026-10-12 02:00:00")
def test_an_export_lists_each_changed_application_with_its_state_and_events(
    services: Services,
) -> None:
    connected = advance_to_end(services, receive(services, "lv_nonresidential"))
    hv = provide_all_documents(services, receive(services, "hv", city="榆林"))
    assert hv.id is not None
    perform(services, hv.id, "suspend", actor="clerk1", reason_code="customer_construction")
    batch = export_changes(services, None, actor="admin")
    apps, last = _parse(batch.lines)
    assert [a["id"] for a in apps] == [connected.number, hv.number]
    first = apps[0]
    assert first["status"] == "connected"
    assert first["kind"] == "lv_nonresidential"
    assert first["customer"] == {
        "name": "张*",
        "phone": "138****8000",
        "id_number": "610***********1234",
    }
    assert set(first["documents"]) == {"identity_document", "property_certificate"}
    assert first["documents"]["identity_document"][0]["source"] == "e_license"
    assert "610102199001011234" not in "\n".join(batch.lines)
    assert [s["stage"] for s in first["stages"]] == ["acceptance", "meter_install"]
    assert {c["clock"] for c in first["clocks"]} >= {"full_process", "stage:meter_install"}
    assert first["events"][0]["action"] == "received"
    assert first["events"][0]["id"] == f"{connected.number}#1"
    assert apps[1]["events"][-1]["details"] == {"reason_code": "customer_construction"}
    assert last == {"next_cursor": str(batch.next_cursor), "more": False}


@freeze_time("2026-10-12 02:00:00")
def test_the_same_cursor_twice_gives_the_same_lines_and_the_next_one_only_what_changed(
    services: Services,
) -> None:
    app = receive(services)
    assert app.id is not None
    first = export_changes(services, "", actor="admin")
    assert export_changes(services, "", actor="admin").lines == first.lines
    empty = export_changes(services, str(first.next_cursor), actor="admin")
    assert empty.lines == [json.dumps({"next_cursor": str(first.next_cursor), "more": False})]
    perform(services, app.id, "suspend", actor="clerk1", reason_code="customer_unreachable")
    later = export_changes(services, str(first.next_cursor), actor="admin")
    apps, _ = _parse(later.lines)
    assert [e["action"] for e in apps[0]["events"]] == ["suspended"]
    assert apps[0]["suspended"] is True


@freeze_time("2026-10-12 02:00:00")
def test_a_small_limit_pages_through_every_event_once(services: Services) -> None:
    for city in ("西安", "宝鸡", "汉中"):
        advance_to_end(services, receive(services, city=city))
    cursor, seen, pages = "", [], 0
    while True:
        batch = export_changes(services, cursor, actor="admin", limit=4)
        apps, last = _parse(batch.lines)
        seen += [e["id"] for a in apps for e in a["events"]]
        cursor, pages = last["next_cursor"], pages + 1
        if not last["more"]:
            break
    with services.engine.connect() as connection:
        total = connection.execute(text("SELECT count(*) FROM event")).scalar_one()
    assert len(seen) == len(set(seen)) == total
    assert pages >= 3


def test_a_cursor_the_export_never_handed_out_is_refused_naming_the_field(
    services: Services,
) -> None:
    with pytest.raises(InvalidCursor) as caught:
        export_changes(services, "yesterday", actor="admin")
    assert caught.value.status == 422
    assert caught.value.details == [
        {"field": "cursor", "message": "expected the next_cursor of an earlier export"}
    ]


@freeze_time("2026-10-12 02:00:00")
def test_every_export_is_recorded_with_who_when_and_the_cursor_range(services: Services) -> None:
    receive(services)
    batch = export_changes(services, None, actor="admin", channel="api")
    log = export_log(services)
    assert len(log) == 1
    entry = log[0]
    assert entry["actor"] == "admin"
    assert entry["channel"] == "api"
    assert entry["cursor_from"] == "0.0"
    assert entry["cursor_to"] == str(batch.next_cursor)
    assert entry["at"].isoformat().startswith("2026-10-12T02:00:00")
    assert (entry["applications"], entry["events"], entry["lines"]) == (1, 1, 2)


@freeze_time("2026-10-12 02:00:00")
def test_the_export_command_writes_json_lines_ending_with_the_next_cursor(
    services: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    receive(services)
    monkeypatch.setenv("GRIDCONNECT_DATABASE_URL", services.engine.url.render_as_string(False))
    get_settings.cache_clear()
    try:
        target = tmp_path / "export.jsonl"
        result = CliRunner().invoke(app, ["export", "regulator", "--since", "", "-o", str(target)])
        assert result.exit_code == 0, result.output
        lines = target.read_text(encoding="utf-8").splitlines()
        apps, last = _parse(lines)
        assert len(apps) == 1
        assert "next_cursor" in last
        again = CliRunner().invoke(app, ["export", "regulator", "--since", last["next_cursor"]])
        assert again.exit_code == 0
        assert json.loads(again.stdout.strip())["next_cursor"] == last["next_cursor"]
    finally:
        get_settings.cache_clear()
    assert export_log(services)[0]["actor"].startswith("cli:")
