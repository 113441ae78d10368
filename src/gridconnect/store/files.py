"""Uploaded documents on disk under their SHA-256; the database keeps the metadata.

Why nothing is ever deleted by a request: the store is content-addressed, so one file may
serve documents of several applications, written by transactions that know nothing of each
other. A request whose transaction fails cannot tell whether another transaction has
meanwhile committed a document pointing at the same content, so it leaves the file alone.
Files no document row references are collected by `sweep` (`gridconnect files sweep`),
which is safe while the service runs:

- a file is written (or, when the content is already there, touched) before its document
  row commits, so a file younger than the grace period may belong to a transaction still
  running and is never swept;
- `put` and the sweep's look-then-delete take one advisory lock on the store (shared for
  uploads, exclusive per deletion), so an upload cannot refresh a file in the instant between
  the sweep deciding it is old and unlinking it;
- every file reaches its final name by an atomic rename of a `.upload-*` temporary: a crash
  leaves a temporary, never a half-written file under a SHA-256 name. Temporaries older
  than the grace period are removed by the sweep.

Tested by `tests/security/test_file_store.py` (a refused upload racing a committed one) and
`tests/security/test_kill_faults.py` (the server killed during uploads).
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import re
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from gridconnect.errors import InvalidInput

SIGNATURES = {
    b"%PDF-": "application/pdf",
    b"\xff\xd8\xff": "image/jpeg",
    b"\x89PNG\r\n\x1a\n": "image/png",
}
TEMPORARY_PREFIX = ".upload-"
LOCK_NAME = ".lock"
SHA256_NAME = re.compile(r"[0-9a-f]{64}")


class FileRefused(InvalidInput):
    code = "file_refused"


@dataclass(frozen=True)
class StoredFile:
    sha256: str
    size_bytes: int
    content_type: str
    path: Path
    created: bool  # False when identical content was already stored


@dataclass
class SweepResult:
    """What a sweep found (and, unless a dry run, removed)."""

    kept: int = 0
    kept_bytes: int = 0
    orphans: int = 0
    orphan_bytes: int = 0
    temporaries: int = 0
    temporary_bytes: int = 0
    young: int = 0  # unreferenced but inside the grace period: maybe a running upload

    @property
    def removed(self) -> int:
        return self.orphans + self.temporaries

    @property
    def removed_bytes(self) -> int:
        return self.orphan_bytes + self.temporary_bytes


def sniff(content: bytes) -> str | None:
    for signature, content_type in SIGNATURES.items():
        if content.startswith(signature):
            return content_type
    return None


class FileStore:
    def __init__(self, root: Path, max_bytes: int) -> None:
        self.root = root
        self.max_bytes = max_bytes

    def put(self, content: bytes, declared_type: str | None) -> StoredFile:
        """Check and store; a refused file writes nothing. Call before the document row
        commits; never delete the result, even if that transaction fails (see the module)."""
        actual = self._check(content, declared_type)
        digest = hashlib.sha256(content).hexdigest()
        path = self.path_of(digest)
        with self._lock(exclusive=False):
            try:
                # Refresh the time the sweep's grace period counts from.
                os.utime(path)
                return StoredFile(digest, len(content), actual, path, created=False)
            except FileNotFoundError:
                pass
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=TEMPORARY_PREFIX)
            try:
                with os.fdopen(handle, "wb") as stream:
                    stream.write(content)
                    stream.flush()
                    os.fsync(stream.fileno())
                os.replace(temporary, path)
            except BaseException:
                Path(temporary).unlink(missing_ok=True)
                raise
        return StoredFile(digest, len(content), actual, path, created=True)

    def _check(self, content: bytes, declared_type: str | None) -> str:
        if len(content) == 0:
            raise FileRefused("file is empty", {"field": "file"})
        if len(content) > self.max_bytes:
            raise FileRefused(
                f"file is larger than {self.max_bytes} bytes",
                {"field": "file", "max_bytes": self.max_bytes, "size_bytes": len(content)},
            )
        actual = sniff(content)
        if actual is None:
            raise FileRefused(
                "only PDF, JPEG and PNG files are accepted",
                {"field": "file", "allowed": sorted(set(SIGNATURES.values()))},
            )
        if declared_type and declared_type.split(";")[0].strip() not in (
            actual,
            "application/octet-stream",
        ):
            raise FileRefused(
                f"file content is {actual} but was sent as {declared_type}",
                {"field": "file", "content_type": declared_type},
            )
        return actual

    def path_of(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256

    def sweep(
        self,
        referenced: Callable[[list[str]], set[str]],
        grace_seconds: float,
        dry_run: bool = False,
        progress: Callable[[int], None] | None = None,
    ) -> SweepResult:
        """Remove stored files no document references and stale temporaries, both older than
        `grace_seconds`. `referenced(names)` answers which of the names a document row uses."""
        result = SweepResult()
        cutoff = time.time() - grace_seconds
        for folder in self._folders():
            entries = sorted(folder.iterdir())
            stored = [e for e in entries if SHA256_NAME.fullmatch(e.name)]
            in_use = referenced([e.name for e in stored]) if stored else set()
            for entry in entries:
                if entry.name.startswith(TEMPORARY_PREFIX):
                    size = self._remove_if_old(entry, cutoff, dry_run)
                    if size is not None:
                        result.temporaries += 1
                        result.temporary_bytes += size
                elif SHA256_NAME.fullmatch(entry.name):
                    if entry.name in in_use:
                        result.kept += 1
                        result.kept_bytes += _size(entry)
                        continue
                    size = self._remove_if_old(entry, cutoff, dry_run)
                    if size is None:
                        result.young += 1
                    else:
                        result.orphans += 1
                        result.orphan_bytes += size
            if progress is not None:
                progress(1)
        return result

    def folder_count(self) -> int:
        return len(self._folders())

    def missing(self, names: Iterable[str]) -> list[str]:
        """The SHA-256 names among `names` that have no file."""
        return [name for name in names if not self.path_of(name).exists()]

    def _folders(self) -> list[Path]:
        if not self.root.is_dir():
            return []
        return sorted(p for p in self.root.iterdir() if p.is_dir() and len(p.name) == 2)

    def _remove_if_old(self, path: Path, cutoff: float, dry_run: bool) -> int | None:
        """Remove `path` if its last write or touch is before `cutoff`: its size, else None.
        The look and the unlink happen under the exclusive lock, so no upload touches the
        file in between."""
        with self._lock(exclusive=True):
            try:
                status = path.stat()
            except FileNotFoundError:
                return None
            if status.st_mtime >= cutoff:
                return None
            if not dry_run:
                path.unlink(missing_ok=True)
            return status.st_size

    @contextmanager
    def _lock(self, exclusive: bool) -> Iterator[None]:
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / LOCK_NAME, "a+b") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0
