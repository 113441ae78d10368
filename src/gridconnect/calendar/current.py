"""The process-wide calendar: shipped notices plus those in GRIDCONNECT_CALENDAR_DIR.

This is the only calendar module that reads settings. After a new notice is loaded, call
`reset_default_calendar()` so the next `default_calendar()` sees it.
"""

from __future__ import annotations

from functools import lru_cache

from gridconnect.calendar.files import load_calendar
from gridconnect.calendar.working import WorkingCalendar
from gridconnect.config.settings import get_settings


@lru_cache(maxsize=1)
def default_calendar() -> WorkingCalendar:
    """The calendar built from the shipped notices and `settings.calendar_dir`."""
    return load_calendar(get_settings().calendar_dir)


def reset_default_calendar() -> None:
    """Forget the cached calendar (after loading a notice or changing the settings)."""
    default_calendar.cache_clear()
