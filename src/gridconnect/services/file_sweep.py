"""Collecting stored files no document references (`gridconnect files sweep`).

The file store never deletes on a failed request (see `store/files.py` for why); this is the
one place that deletes, and it is safe while the service runs: a file is removed only when no
document row references it and it was last written or touched longer ago than the grace
period, so an upload between its write and its commit is never swept.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from gridconnect.store.files import FileStore, SweepResult
from gridconnect.store.tables import DocumentRow

CHUNK = 500  # names per IN (...) query: well under every driver's parameter limit
DEFAULT_GRACE_SECONDS = 3600.0


def referenced_by_documents(engine: Engine) -> Callable[[list[str]], set[str]]:
    """A lookup: which of these SHA-256 names a document row references, read fresh each call."""

    def lookup(names: list[str]) -> set[str]:
        found: set[str] = set()
        with Session(engine) as session:
            for start in range(0, len(names), CHUNK):
                chunk = names[start : start + CHUNK]
                found.update(
                    sha
                    for sha in session.exec(
                        select(DocumentRow.sha256).where(col(DocumentRow.sha256).in_(chunk))
                    )
                    if sha is not None
                )
        return found

    return lookup


def missing_files(engine: Engine, files: FileStore) -> list[str]:
    """SHA-256 names a document references that have no file: lost content."""
    with Session(engine) as session:
        names = session.exec(
            select(DocumentRow.sha256).where(col(DocumentRow.sha256).is_not(None)).distinct()
        ).all()
    return files.missing(name for name in names if name is not None)


def sweep_files(
    engine: Engine,
    files: FileStore,
    grace_seconds: float = DEFAULT_GRACE_SECONDS,
    dry_run: bool = False,
    progress: Callable[[int], None] | None = None,
) -> SweepResult:
    return files.sweep(referenced_by_documents(engine), grace_seconds, dry_run, progress)
