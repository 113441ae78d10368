"""No change is skipped by the export cursor when transactions commit out of order."""

from __future__ import annotations

import json
import threading

import pytest
from freezegun import freeze_time
from sqlalchemy import text

from factories import receive
from gridconnect.services.applications import perform
from gridconnect.services.context import Services
from gridconnect.services.export import export_changes
from gridconnect.workflow import application as flow


def _event_ids(lines: list[str]) -> list[str]:
    return [e["id"] for line in lines[:-1] for e in json.loads(line)["events"]]


def _all_event_ids(services: Services) -> list[str]:
    with services.engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT a.number, e.seq FROM event e JOIN application a ON a.id = e.application_id"
            )
        ).all()
    return [f"{number}#{seq}" for number, seq in rows]


@pytest.mark.postgres
@freeze_time("2026-10-12 02:00:00")
def test_an_event_written_earlier_but_committed_later_is_exported_after_it_commits(
    services: Services, on_postgres: bool
) -> None:
    if not on_postgres:
        pytest.skip("SQLite serialises writers: ids are in commit order there")
    slow, fast = receive(services), receive(services, city="宝鸡")
    assert slow.id is not None
    assert fast.id is not None
    start = export_changes(services, None, actor="admin").next_cursor
    written, release = threading.Event(), threading.Event()
    slow_event: list[int] = []

    def slow_writer() -> None:
        # Holds its transaction open after writing its audit event (the lower event id).
        with services.unit_of_work() as uow:
            app = uow.applications.get(slow.id)  # type: ignore[arg-type]
            assert app is not None
            ctx = flow.Context(services.policy, services.calendar, services.now(), "clerk1")
            flow.suspend(ctx, app, "customer_construction", None)
            uow.applications.save(app, app.version)
            slow_event.append(
                uow.session.execute(
                    text("SELECT max(id) FROM event WHERE application_id = :a"), {"a": slow.id}
                ).scalar_one()
            )
            written.set()
            release.wait(10)
            uow.commit()

    thread = threading.Thread(target=slow_writer)
    thread.start()
    assert written.wait(10)
    perform(services, fast.id, "suspend", actor="clerk2", reason_code="customer_unreachable")
    with services.engine.connect() as connection:
        ids = connection.execute(
            text("SELECT application_id, id FROM event WHERE action = 'suspended' ORDER BY id")
        ).all()
    # Only the later transaction is visible, with a higher id than the open one's event:
    # a cursor on the id alone would move past the open event and never come back for it.
    assert [a for a, _ in ids] == [fast.id]
    assert ids[0][1] > slow_event[0]
    during = export_changes(services, str(start), actor="admin")
    assert _event_ids(during.lines) == []  # the later commit waits behind the open one
    release.set()
    thread.join()
    after = export_changes(services, str(during.next_cursor), actor="admin")
    assert sorted(_event_ids(after.lines)) == sorted([f"{slow.number}#2", f"{fast.number}#2"])


@pytest.mark.slow
@freeze_time("2026-10-12 02:00:00")
def test_following_the_cursor_during_concurrent_writes_loses_and_repeats_nothing(
    services: Services, on_postgres: bool
) -> None:
    apps = [receive(services, city=city) for city in ("西安", "宝鸡", "榆林", "汉中")]
    stop = threading.Event()
    exported: list[str] = []
    errors: list[BaseException] = []
    cursor_seen: list[str] = [""]

    def writer(app_id: int) -> None:
        try:
            for _ in range(6):
                perform(services, app_id, "suspend", "clerk", reason_code="customer_unreachable")
                perform(services, app_id, "resume", "clerk")
        except BaseException as exc:
            errors.append(exc)

    def exporter() -> None:
        cursor = ""
        while True:
            finishing = stop.is_set()
            batch = export_changes(services, cursor, actor="admin", limit=5)
            exported.extend(_event_ids(batch.lines))
            cursor = str(batch.next_cursor)
            cursor_seen.append(cursor)
            if finishing and not batch.more:
                return

    writers = [threading.Thread(target=writer, args=(a.id,)) for a in apps]
    reader = threading.Thread(target=exporter)
    reader.start()
    for thread in writers:
        thread.start()
    for thread in writers:
        thread.join()
    stop.set()
    reader.join(60)
    assert not errors
    with services.engine.connect() as connection:
        total = connection.execute(text("SELECT count(*) FROM event")).scalar_one()
    assert total == 4 * 13
    missing = sorted(set(_all_event_ids(services)) - set(exported))
    assert missing == [], (missing, export_changes(services, cursor_seen[-1], "admin").lines)
    assert len(exported) == len(set(exported)) == total


def test_a_running_transaction_id_is_placed_next_to_the_snapshot_across_wraparound() -> None:
    from gridconnect.services.export_cursor import _widen

    span = 2**32
    assert _widen(100, 105) == 100  # just below xmax
    assert _widen(110, 105) == 110  # assigned but not finished: above xmax
    assert _widen(span - 5, 3 * span + 2) == 3 * span - 5  # before the 32-bit wrap
    assert _widen(1, 3 * span - 2) == 3 * span + 1  # after it
