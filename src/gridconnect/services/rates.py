"""One definition of the on-time rate, for the dashboard, the API and the spreadsheets.

按期率 (on-time rate) of a period = clocks kept ÷ clocks whose outcome fell in the period,
where a clock's outcome falls in the period when it stopped in it (kept unless late) or
when it is still open and its due fell in the period up to now (not kept). The monthly
report computes it (`reports.queries.clock_results`, `on_time_rate` below); the dashboard
reads the report (`dashboard.on_time_rates`); the JSON API and the XLSX render the report:
one query, one division, the same figures everywhere. Supervision orders have clocks but
are not the application's deadlines: they are counted apart, not in this rate.
"""

from __future__ import annotations

#: Shown where the rate is shown (the supervisor's page, the spreadsheet's notes).
ON_TIME_DEFINITION = (
    "按期率 = 按期办结的时限 ÷（本期结束计时的时限 + 本期已到期仍未办结的时限）；"
    "未办结的超期时限计为超期"
)
#: Clocks that are not application deadlines and stay out of the rate.
EXCLUDED_CLOCKS = frozenset({"supervision_order"})


def on_time_rate(kept: int, counted: int) -> float | None:
    """The share of counted clocks kept, to four places; None when nothing was counted."""
    return round(kept / counted, 4) if counted else None
