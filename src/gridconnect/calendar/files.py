"""Reading and writing notice files, and building a calendar from the shipped ones."""

from __future__ import annotations

import os
import tempfile
from importlib import resources
from pathlib import Path

from gridconnect.calendar.errors import NoticeFileError
from gridconnect.calendar.model import Notice
from gridconnect.calendar.notice import parse_notice
from gridconnect.calendar.working import WorkingCalendar


def read_notice_file(path: Path) -> Notice:
    """Parse a notice file; problems are reported with the file named in the message."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        problem = {"line": text_line(path.read_bytes(), exc.start), "reason": "not UTF-8 text"}
        raise NoticeFileError(f"{path}: not UTF-8 text", [problem]) from None  # type: ignore[list-item]
    try:
        return parse_notice(text)
    except NoticeFileError as exc:
        raise NoticeFileError(f"{path}: {exc.message}", exc.problems) from None


def text_line(data: bytes, position: int) -> int:
    """The 1-based line of a byte position."""
    return data.count(b"\n", 0, position) + 1


def shipped_notices() -> list[Notice]:
    """The notices that come with the package (src/gridconnect/calendar/data/*.toml)."""
    folder = resources.files("gridconnect.calendar").joinpath("data")
    notices = []
    for entry in sorted(folder.iterdir(), key=lambda item: item.name):
        if entry.name.endswith(".toml"):
            try:
                notices.append(parse_notice(entry.read_text(encoding="utf-8")))
            except NoticeFileError as exc:
                raise NoticeFileError(
                    f"shipped {entry.name}: {exc.message}", exc.problems
                ) from None
    return notices


def load_calendar(extra_dir: Path | None = None) -> WorkingCalendar:
    """The shipped notices plus every `*.toml` in `extra_dir`; a later file for a year wins."""
    notices = shipped_notices()
    if extra_dir is not None and extra_dir.is_dir():
        notices.extend(read_notice_file(path) for path in sorted(extra_dir.glob("*.toml")))
    return WorkingCalendar(notices)


def save_notice(notice_text: str, directory: Path) -> Path:
    """Validate a notice file's text and write it to `<directory>/<year>.toml` atomically."""
    notice = parse_notice(notice_text)
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / f"{notice.year}.toml"
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=f".{notice.year}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(notice_text)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target
