"""The calendar of a notice directory, rebuilt when the directory's notice files change.

The calendar package itself reads no settings: the composition root (`gridconnect.bootstrap`)
names the directory. The calendar is rebuilt whenever the notice files in that directory
change (name, size or modification time), so a notice placed there or loaded through another
worker or the CLI takes effect in every process without a restart; a stat of a small
directory per call is all it costs.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

from gridconnect.calendar.files import load_calendar
from gridconnect.calendar.working import WorkingCalendar

_Fingerprint = tuple[tuple[str, int, int], ...]


def _fingerprint(directory: Path | None) -> _Fingerprint:
    if directory is None or not directory.is_dir():
        return ()
    entries = []
    with os.scandir(directory) as listing:
        for entry in listing:
            if entry.name.endswith(".toml") and entry.is_file():
                stat = entry.stat()
                entries.append((entry.name, stat.st_size, stat.st_mtime_ns))
    return tuple(sorted(entries))


class NoticeDirectoryCalendar:
    """Call it for the calendar of the shipped notices plus those in `directory`."""

    def __init__(self, directory: Path | None) -> None:
        self.directory = directory
        self._lock = threading.Lock()
        self._cached: tuple[_Fingerprint, WorkingCalendar] | None = None

    def __call__(self) -> WorkingCalendar:
        fingerprint = _fingerprint(self.directory)
        cached = self._cached
        if cached is not None and cached[0] == fingerprint:
            return cached[1]
        with self._lock:
            if self._cached is None or self._cached[0] != fingerprint:
                self._cached = (fingerprint, load_calendar(self.directory))
            return self._cached[1]
