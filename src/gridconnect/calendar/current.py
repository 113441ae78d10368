"""The process-wide calendar: shipped notices plus those in GRIDCONNECT_CALENDAR_DIR.

This is the only calendar module that reads settings. The calendar is rebuilt whenever
the notice files in the directory change (name, size or modification time), so a notice
placed there or loaded through another worker or the CLI takes effect in every process
without a restart; a stat of a small directory per call is all it costs.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

from gridconnect.calendar.files import load_calendar
from gridconnect.calendar.working import WorkingCalendar
from gridconnect.config.settings import get_settings

_Fingerprint = tuple[str | None, tuple[tuple[str, int, int], ...]]
_lock = threading.Lock()
_cached: tuple[_Fingerprint, WorkingCalendar] | None = None


def _fingerprint(directory: Path | None) -> _Fingerprint:
    if directory is None or not directory.is_dir():
        return (str(directory) if directory else None, ())
    entries = []
    with os.scandir(directory) as listing:
        for entry in listing:
            if entry.name.endswith(".toml") and entry.is_file():
                stat = entry.stat()
                entries.append((entry.name, stat.st_size, stat.st_mtime_ns))
    return (str(directory), tuple(sorted(entries)))


def default_calendar() -> WorkingCalendar:
    """The calendar built from the shipped notices and `settings.calendar_dir`."""
    global _cached
    directory = get_settings().calendar_dir
    fingerprint = _fingerprint(directory)
    cached = _cached
    if cached is not None and cached[0] == fingerprint:
        return cached[1]
    with _lock:
        if _cached is None or _cached[0] != fingerprint:
            _cached = (fingerprint, load_calendar(directory))
        return _cached[1]


def reset_default_calendar() -> None:
    """Forget the cached calendar (after changing the settings)."""
    global _cached
    with _lock:
        _cached = None
