"""Monthly statistics and quarterly analysis (L55), computed with SQL aggregates."""

from gridconnect.services.reports.monthly import monthly_report, period_report
from gridconnect.services.reports.periods import InvalidPeriod, parse_month, parse_quarter
from gridconnect.services.reports.quarterly import quarterly_report

__all__ = [
    "InvalidPeriod",
    "monthly_report",
    "parse_month",
    "parse_quarter",
    "period_report",
    "quarterly_report",
]
