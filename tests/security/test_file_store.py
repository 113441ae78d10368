"""A refused upload must never delete a file a committed document uses.

The store is content-addressed, so two applications' documents can share one file. Before
the fix, a request that had created the file deleted it when its own transaction failed
(a version conflict), although another transaction had meanwhile committed a document
pointing at the same content.
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, text
from sqlmodel import Session, col, select
from typer.testing import CliRunner

from factories import receive
from gridconnect.cli import app as cli
from gridconnect.config.settings import get_settings
from gridconnect.services.applications import DocumentInput, record_document
from gridconnect.services.context import Services
from gridconnect.services.file_sweep import sweep_files
from gridconnect.store.db import make_engine
from gridconnect.store.files import FileStore, StoredFile
from gridconnect.store.tables import DocumentRow
from gridconnect.workflow.errors import VersionConflict

CONTENT = b"%PDF-1.4\n% the same property certificate, uploaded twice\n"
SHA = hashlib.sha256(CONTENT).hexdigest()
HOUR = 3600


def upload(doc_type: str = "property_certificate", content: bytes = CONTENT) -> DocumentInput:
    return DocumentInput(
        doc_type, "upload", content=content, file_name="p.pdf", declared_type="application/pdf"
    )


def e_licence() -> DocumentInput:
    return DocumentInput("identity_document", "e_license", reference="EL-1")


class PausingFileStore(FileStore):
    """Stops the thread named `pause_thread` right after its file is written."""

    def __init__(self, root: Path, max_bytes: int, pause_thread: str) -> None:
        super().__init__(root, max_bytes)
        self.pause_thread = pause_thread
        self.written = threading.Event()
        self.go_on = threading.Event()

    def put(self, content: bytes, declared_type: str | None) -> StoredFile:
        stored = super().put(content, declared_type)
        if threading.current_thread().name == self.pause_thread:
            self.written.set()
            assert self.go_on.wait(30), "the test never let the upload go on"
        return stored


def in_thread(name: str, target: Any, *args: Any, **kwargs: Any) -> tuple[threading.Thread, list]:
    outcome: list[Any] = []

    def run() -> None:
        try:
            outcome.append(target(*args, **kwargs))
        except Exception as exc:  # the test inspects it
            outcome.append(exc)

    thread = threading.Thread(target=run, name=name, daemon=True)
    thread.start()
    return thread, outcome


def committed_files_exist(services: Services) -> list[str]:
    """The SHA-256 of every committed document whose file is missing."""
    with Session(services.engine) as session:
        names = session.exec(
            select(DocumentRow.sha256).where(col(DocumentRow.sha256).is_not(None))
        ).all()
    return [n for n in names if n is not None and not services.files.path_of(n).exists()]


def test_an_upload_refused_by_a_version_conflict_keeps_the_file_another_document_committed(
    services: Services,
) -> None:
    pausing = PausingFileStore(services.files.root, services.files.max_bytes, "upload-to-a")
    svc = replace(services, files=pausing)
    a, b = receive(svc), receive(svc)
    assert a.id is not None
    assert b.id is not None
    thread, outcome = in_thread(
        "upload-to-a", record_document, svc, a.id, upload(), "clerk1", expected_version=a.version
    )
    assert pausing.written.wait(30)
    # While A's upload waits between writing the file and committing: the same content is
    # committed for B, and A is changed by someone else. The other clerk works through a
    # second engine, as another API worker would: within one process SQLite's writes queue
    # one at a time (store/uow.py), so the race is between processes.
    other = make_engine(services.engine.url.render_as_string(hide_password=False))
    try:
        elsewhere = replace(svc, engine=other)
        record_document(elsewhere, b.id, upload(), actor="clerk2")
        record_document(elsewhere, a.id, e_licence(), actor="clerk2")
    finally:
        pausing.go_on.set()
        other.dispose()
    thread.join(30)
    assert isinstance(outcome[0], VersionConflict)
    assert pausing.path_of(SHA).read_bytes() == CONTENT
    assert committed_files_exist(svc) == []


@contextmanager
def row_lock_held(engine: Engine, application_id: int) -> Iterator[None]:
    """Another transaction has changed application A and not committed yet."""
    with engine.connect() as connection:
        transaction = connection.begin()
        connection.execute(
            text("UPDATE application SET version = version + 1 WHERE id = :id"),
            {"id": application_id},
        )
        yield
        transaction.commit()


def test_the_reported_race_on_postgres_a_held_row_lock_then_a_refused_upload(
    services: Services, on_postgres: bool
) -> None:
    """The issue's reproduction: lock A, upload C to A (blocks), upload C to B, release."""
    if not on_postgres:
        pytest.skip("SQLite has no row locks; the test above shows the race on SQLite")
    a, b = receive(services), receive(services)
    assert a.id is not None
    assert b.id is not None
    with row_lock_held(services.engine, a.id):
        thread, outcome = in_thread(
            "upload-to-a",
            record_document,
            services,
            a.id,
            upload(),
            "clerk1",
            expected_version=a.version,
        )
        for _ in range(3000):  # A's request writes the file, then blocks on the row lock
            if services.files.path_of(SHA).exists():
                break
            time.sleep(0.01)
        assert thread.is_alive()
        record_document(services, b.id, upload(), actor="clerk2")  # answered 201
    thread.join(30)
    assert isinstance(outcome[0], VersionConflict)  # answered 409
    assert committed_files_exist(services) == []


def test_twenty_concurrent_identical_uploads_to_one_application_lose_no_file(
    services: Services,
) -> None:
    app = receive(services)
    assert app.id is not None
    threads = [
        in_thread(
            f"upload-{i}",
            record_document,
            services,
            app.id,
            upload(),
            f"clerk{i}",
            expected_version=app.version,
        )
        for i in range(20)
    ]
    outcomes = []
    for thread, outcome in threads:
        thread.join(60)
        outcomes.extend(outcome)
    assert len(outcomes) == 20
    assert sum(not isinstance(o, Exception) for o in outcomes) == 1
    assert all(isinstance(o, VersionConflict) for o in outcomes if isinstance(o, Exception))
    assert committed_files_exist(services) == []


def age(path: Path, seconds: float) -> None:
    """Make a file look last written `seconds` ago (instead of waiting)."""
    then = time.time() - seconds
    os.utime(path, (then, then))


def orphan(store: FileStore, content: bytes) -> Path:
    """Content stored by a request whose transaction then failed."""
    return store.put(content, "application/pdf").path


def test_the_sweep_removes_old_unreferenced_files_and_temporaries_and_nothing_else(
    services: Services,
) -> None:
    app = receive(services)
    assert app.id is not None
    record_document(services, app.id, upload(), actor="clerk1")
    used = services.files.path_of(SHA)
    old_orphan = orphan(services.files, b"%PDF-1.4\n old orphan\n")
    young_orphan = orphan(services.files, b"%PDF-1.4\n young orphan\n")
    temporary = used.parent / ".upload-crashed"
    temporary.write_bytes(b"%PDF-1.4\n half")
    for path in (used, old_orphan, temporary):
        age(path, 2 * HOUR)

    dry = sweep_files(services.engine, services.files, grace_seconds=HOUR, dry_run=True)
    assert (dry.orphans, dry.temporaries, dry.young, dry.kept) == (1, 1, 1, 1)
    assert old_orphan.exists()
    assert temporary.exists()

    done = sweep_files(services.engine, services.files, grace_seconds=HOUR)
    assert (done.orphans, done.temporaries) == (1, 1)
    assert done.removed_bytes == len(b"%PDF-1.4\n old orphan\n") + len(b"%PDF-1.4\n half")
    assert not old_orphan.exists()
    assert not temporary.exists()
    assert used.exists()
    assert young_orphan.exists()


def test_uploading_content_of_an_old_orphan_again_saves_it_from_the_sweep(
    services: Services,
) -> None:
    """The orphan is old, but an upload between its write and its commit refreshes it."""
    pausing = PausingFileStore(services.files.root, services.files.max_bytes, "upload")
    svc = replace(services, files=pausing)
    app = receive(svc)
    assert app.id is not None
    age(orphan(pausing, CONTENT), 2 * HOUR)
    thread, outcome = in_thread("upload", record_document, svc, app.id, upload(), "clerk1")
    assert pausing.written.wait(30)
    result = sweep_files(svc.engine, pausing, grace_seconds=HOUR)  # the service is running
    pausing.go_on.set()
    thread.join(30)
    assert not isinstance(outcome[0], Exception)
    assert result.orphans == 0
    assert committed_files_exist(svc) == []


def test_files_sweep_command_prints_counts_and_bytes_and_names_lost_files(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = receive(services)
    assert app.id is not None
    record_document(services, app.id, upload(), actor="clerk1")
    age(orphan(services.files, b"%PDF-1.4\n orphan\n"), 2 * HOUR)
    monkeypatch.setenv("GRIDCONNECT_DATABASE_URL", services.engine.url.render_as_string(False))
    monkeypatch.setenv("GRIDCONNECT_FILES_DIR", str(services.files.root))
    get_settings.cache_clear()
    try:
        runner = CliRunner()
        dry = runner.invoke(cli, ["files", "sweep", "--dry-run"])
        assert dry.exit_code == 0, dry.output
        assert "would remove 1 unreferenced file(s) (17 bytes)" in dry.output
        assert "missing 0" in dry.output

        services.files.path_of(SHA).unlink()  # a file lost outside the application
        swept = runner.invoke(cli, ["files", "sweep"])
        assert swept.exit_code == 1
        assert "removed 1 unreferenced file(s) (17 bytes)" in swept.output
        assert f"missing: {SHA}" in swept.output
    finally:
        get_settings.cache_clear()
