"""Each department's own working days reach the monthly ledger (L55) and the link's report."""

from __future__ import annotations

from datetime import UTC, datetime

from factories import receive
from gridconnect.services.context import Services
from gridconnect.services.govlink.approvals import DecisionInput, start_parallel_approval
from gridconnect.services.govlink.callbacks import receive_decision
from gridconnect.services.govlink.platform import GovPlatform
from gridconnect.services.govlink.statistics import gov_monthly
from gridconnect.services.reports import monthly_report
from gridconnect.services.reports.render import sheets

MONDAY = datetime(2026, 11, 2, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai


def _decided(day: int) -> datetime:
    return datetime(2026, 11, day, 2, 0, tzinfo=UTC)


def test_departments_times_are_counted_in_working_days_and_shown_per_month(
    services: Services,
) -> None:
    # An unreachable platform: the submission waits for a retry, the clock runs anyway.
    services.gov_platform = GovPlatform("http://127.0.0.1:9", "s" * 40, timeout_seconds=0.5)
    services.now = lambda: MONDAY
    app = receive(services, "hv", city="咸阳")
    assert app.id is not None
    start_parallel_approval(services, app.id, "clerk1")
    receive_decision(
        services, "a", app.number, DecisionInput("planning", "approved", decided_at=_decided(5))
    )
    receive_decision(
        services, "b", app.number, DecisionInput("housing", "approved", decided_at=_decided(5))
    )
    answer = receive_decision(
        services,
        "c",
        app.number,
        DecisionInput("transport", "refused", "占道", decided_at=_decided(10)),
    )
    assert answer["approval_state"] == "decided"
    figures = {d["department"]: d for d in gov_monthly(services, "2026-11")["departments"]}
    assert figures["planning"]["mean_working_days"] == 3  # Tue, Wed, Thu
    assert figures["transport"]["longest_working_days"] == 6  # to the next Tuesday
    assert figures["transport"]["refused"] == 1
    assert figures["landscaping"]["decided"] == 0
    assert gov_monthly(services, "2026-11")["pending_licence_checks"] == 0
    report = monthly_report(services, "2026-11")
    ledger = {d["department"]: d["mean_working_days"] for d in report["gov_departments"]}
    assert ledger["housing"] == 3
    titles = [title for title, _, _ in sheets(report)]
    assert "审批部门用时" in titles
