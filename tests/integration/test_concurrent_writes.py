"""Registrations and changes from several threads at once, on SQLite and PostgreSQL.

A receipt allocates its number and its row's id in one statement and writes its events
already anchored; a change appends after the anchor its versioned UPDATE hands back. Run
side by side, every application still gets its own number and id, and every chain still
verifies end to end (hashes, sequence and anchor)."""

from __future__ import annotations

import threading
from collections.abc import Callable

from freezegun import freeze_time
from sqlalchemy import text

from factories import provide_all_documents, receive
from gridconnect.services.applications import DocumentInput, get_application, record_document
from gridconnect.services.audit import verify_chains
from gridconnect.services.context import Services
from gridconnect.workflow.errors import VersionConflict
from gridconnect.workflow.model import Application

THREADS = 4


def at_once(work: Callable[[int], None]) -> None:
    barrier = threading.Barrier(THREADS)
    failures: list[BaseException] = []

    def run(index: int) -> None:
        barrier.wait()
        try:
            work(index)
        except BaseException as error:  # collected: the caller asserts there were none
            failures.append(error)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []


@freeze_time("2026-09-28 02:00:00")
def test_receipts_at_once_get_their_own_numbers_and_ids_and_their_chains_verify(
    services: Services,
) -> None:
    received: list[Application] = []
    at_once(lambda _: received.extend(receive(services) for _ in range(5)))
    assert len(received) == THREADS * 5
    assert len({app.id for app in received}) == len(received)
    serials = sorted(int(app.number.rsplit("-", 1)[1]) for app in received)
    assert serials == list(range(1, len(received) + 1))
    for app in received:
        assert app.id is not None
        assert get_application(services, app.id).number == app.number
    checked, breaks = verify_chains(services.engine)
    assert breaks == []
    assert checked == len(received)


@freeze_time("2026-09-28 02:00:00")
def test_documents_recorded_at_once_on_one_application_extend_one_chain(
    services: Services,
) -> None:
    app = receive(services)
    assert app.id is not None
    app_id = app.id
    recorded: list[int] = []

    def clerk(index: int) -> None:
        for attempt in range(3):
            document = DocumentInput(
                "identity_document", "e_license", reference=f"EL-{index}-{attempt}"
            )
            try:
                record_document(services, app_id, document, actor=f"clerk{index}")
                recorded.append(index)
            except VersionConflict:
                pass

    at_once(clerk)
    assert recorded
    checked, breaks = verify_chains(services.engine)
    assert breaks == []
    with services.engine.connect() as connection:
        length = connection.execute(
            text("SELECT audit_length FROM application WHERE id = :a"), {"a": app_id}
        ).scalar_one()
    assert length == checked == 1 + len(recorded)
    provide_all_documents(services, get_application(services, app_id))
    assert verify_chains(services.engine)[1] == []
