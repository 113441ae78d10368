"""The one time source of the system (not an SLA clock: those live in workflow/clocks.py).

Every timestamp is taken here, at call time, so that freezegun (and any test that
swaps `now`) moves the whole system at once. Stored times are aware UTC; dates a
person sees are Asia/Shanghai.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


def now() -> datetime:
    """The current instant, aware, in UTC."""
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """An aware UTC datetime; naive values (as SQLite returns them) are taken as UTC."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def local_date(moment: datetime) -> date:
    """The Asia/Shanghai calendar date of an instant (naive values taken as UTC)."""
    # An aware instant converts to Shanghai directly: the same date as through UTC, one
    # conversion fewer (views read some hundreds of dates per page).
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(SHANGHAI).date()


def today() -> date:
    """Today's date in Asia/Shanghai."""
    return local_date(now())
