"""Uploaded documents on disk under their SHA-256; the database keeps the metadata."""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from gridconnect.errors import InvalidInput

SIGNATURES = {
    b"%PDF-": "application/pdf",
    b"\xff\xd8\xff": "image/jpeg",
    b"\x89PNG\r\n\x1a\n": "image/png",
}


class FileRefused(InvalidInput):
    code = "file_refused"


@dataclass(frozen=True)
class StoredFile:
    sha256: str
    size_bytes: int
    content_type: str
    path: Path
    created: bool  # False when identical content was already stored


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
        """Check and store; a refused file writes nothing."""
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
        digest = hashlib.sha256(content).hexdigest()
        path = self.path_of(digest)
        if path.exists():
            return StoredFile(digest, len(content), actual, path, created=False)
        path.parent.mkdir(parents=True, exist_ok=True)
        # Write then rename, so a crash never leaves a half-written file under the final name.
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(content)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return StoredFile(digest, len(content), actual, path, created=True)

    def discard(self, stored: StoredFile) -> None:
        """Remove a file this request created (its transaction failed)."""
        if stored.created:
            stored.path.unlink(missing_ok=True)

    def path_of(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256
