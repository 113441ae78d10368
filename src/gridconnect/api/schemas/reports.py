"""The JSON monthly statistics and quarterly analysis (L55), described for OpenAPI.

The reports are built as plain data by `services.reports` and sent as they are (the same
data becomes CSV and XLSX); these models only describe them, and a test validates real
reports against the published schema. Extra keys are allowed: a figure the reports gain is
passed through and should be described here.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Ratio = float | None
RATIO = "a fraction from 0 to 1, 4 decimals; null when nothing was counted"


class Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class Period(Open):
    kind: Literal["month", "quarter"]
    label: str = Field(description="YYYY-MM or YYYYQn")
    first_day: str = Field(description="YYYY-MM-DD")
    last_day: str = Field(description="YYYY-MM-DD")


class ReportScope(Open):
    company: str | None
    cities: list[str] | None = Field(description="null: every city")


class Distribution(Open):
    mean: float | None
    median: float | None
    p90: float | None


class FullProcess(Open):
    """Connected applications' whole-process durations (received to connected)."""

    count: int
    working_days: Distribution
    calendar_days: Distribution


class GovApproval(Open):
    count: int = Field(description="government-approval clocks finished in the period")
    on_time_rate: Ratio = Field(description=RATIO)
    mean_working_days: float | None
    mean_calendar_days: float | None


class SummaryRow(Open):
    """One row of the summary: the total, or one company, city or kind (its key is set)."""

    scope: Literal["total"] | None = None
    company: str | None = None
    city: str | None = None
    kind: str | None = None
    received: int
    connected: int
    cancelled: int
    open_at_end: int
    three_zero: int
    three_zero_share: Ratio = Field(description=RATIO + " (三零 among received)")
    full_process: FullProcess
    clocks_finished: int = Field(description="SLA clocks that stopped in the period")
    on_time_rate: Ratio = Field(description=RATIO + " (clocks stopped within their limit)")
    warnings: int
    breaches: int
    suspensions: int
    suspended_working_days: int
    gov_approval: GovApproval


class Breakdowns(Open):
    """The same table for the total and per company, city and kind."""

    total: list[Any]
    company: list[Any]
    city: list[Any]
    kind: list[Any]


class Summary(Breakdowns):
    total: list[SummaryRow]
    company: list[SummaryRow]
    city: list[SummaryRow]
    kind: list[SummaryRow]


class StageRow(Open):
    company: str | None = None
    city: str | None = None
    kind: str | None = None
    scope: Literal["total"] | None = None
    stage: str
    completed: int
    mean_working_days: float | None
    mean_calendar_days: float | None


class StageTables(Breakdowns):
    total: list[StageRow]
    company: list[StageRow]
    city: list[StageRow]
    kind: list[StageRow]


class ClockRow(Open):
    company: str | None = None
    city: str | None = None
    kind: str | None = None
    scope: Literal["total"] | None = None
    clock: str = Field(description="full_process, gov_approval or stage:<stage code>")
    finished: int
    on_time: int
    late: int
    on_time_rate: Ratio = Field(description=RATIO)
    mean_working_days: float | None
    mean_calendar_days: float | None


class ClockTables(Breakdowns):
    total: list[ClockRow]
    company: list[ClockRow]
    city: list[ClockRow]
    kind: list[ClockRow]


class SuspensionRow(Open):
    company: str | None = None
    city: str | None = None
    kind: str | None = None
    scope: Literal["total"] | None = None
    reason: str
    count: int
    working_days: int


class SuspensionTables(Breakdowns):
    total: list[SuspensionRow]
    company: list[SuspensionRow]
    city: list[SuspensionRow]
    kind: list[SuspensionRow]


class Change(Open):
    change: float | None
    change_ratio: float | None = Field(description="change / earlier value")


class TrendRow(Open):
    figure: str
    value: float | None
    previous_quarter: float | None
    vs_previous: Change
    same_quarter_last_year: float | None
    vs_last_year: Change


class TrendPeriods(Open):
    previous_quarter: str
    same_quarter_last_year: str


class OpenApplication(Open):
    number: str
    company: str
    city: str
    kind: str
    stage: str | None
    received_at: str | None = Field(description="ISO 8601 instant")
    working_days: int | None
    calendar_days: int | None


class BreachRow(Open):
    number: str
    company: str
    city: str
    kind: str
    clock: str
    stage: str | None
    due_at: str | None
    raised_at: str | None
    days_late: int | None = Field(description="working days past due")
    paused_working_days: int | None
    suspension_reasons: list[str]


class DueDate(Open):
    due_on: str
    rule: str
    late: bool
    days_late: int


class SupervisionOrderCity(Open):
    """command centre: supervision orders (督办) issued in the period, per city ("合计" last)."""

    city: str
    issued: int
    answered: int
    answered_on_time: int
    answered_on_time_rate: Ratio = Field(description=RATIO)


class Report(Open):
    """月统计 (month) or 季分析 (quarter): the quarter adds trend, longest open, breaches, due."""

    period: Period
    generated_at: str = Field(description="ISO 8601 instant")
    scope: ReportScope
    provisional: bool = Field(description="a year of the period has no published notice yet")
    summary: Summary
    stages: StageTables
    clocks: ClockTables
    suspensions: SuspensionTables
    trend: list[TrendRow] | None = Field(default=None, description="quarterly only")
    trend_periods: TrendPeriods | None = Field(default=None, description="quarterly only")
    longest_open: list[OpenApplication] | None = Field(default=None, description="quarterly only")
    breaches: list[BreachRow] | None = Field(default=None, description="quarterly only")
    breaches_truncated: bool | None = Field(default=None, description="quarterly only")
    due: DueDate | None = Field(default=None, description="quarterly only")
    # command centre
    supervision_orders: list[SupervisionOrderCity] | None = Field(
        default=None, description="monthly only: orders per city, then the total (合计)"
    )
