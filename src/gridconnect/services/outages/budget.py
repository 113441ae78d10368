"""Year to date: alert when a city and area class spends its yearly outage budget too fast.

The budget is the yearly AIHC target (L7). When the share of it already used runs ahead of
the share of the year gone by the policy's `ytd_margin_percent` points, the supervisors are
alerted (level `ahead`); when it is all used, again (level `exceeded`). Each alert is raised
once per (year, company, city, area class, level): its dedup key is unique in
`reliability_alert`, so a scan that runs every hour, or twice at once, raises it once.
A key without month-end counts for the months gone is skipped (the report names it).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlmodel import Session

from gridconnect.services.alert_routing import AlertRecipients
from gridconnect.services.context import Services
from gridconnect.services.outages.indices import MissingCustomerCount
from gridconnect.services.outages.notices import raise_reliability_alert
from gridconnect.services.outages.periods import year
from gridconnect.services.outages.report import reliability_report

log = logging.getLogger(__name__)


@dataclass
class BudgetScan:
    checked: int = 0
    raised: int = 0
    skipped: str | None = None


def scan_budgets(svc: Services) -> BudgetScan:
    """Compare each key's budget used with the year gone; raise what is due, once."""
    at = svc.now()
    policy = svc.policy.reliability
    result = BudgetScan()
    try:
        report = reliability_report(svc.engine, policy, year(at.year), at)
    except MissingCustomerCount as exc:
        result.skipped = exc.message
        log.info("budget scan skipped: %s", exc.message)
        return result
    recipients = AlertRecipients.of(svc.alert_channels)
    with Session(svc.engine) as session:
        for row in report["rows"]:
            used, gone = row.get("budget_used_percent"), row.get("year_elapsed_percent")
            if used is None or gone is None:
                continue
            result.checked += 1
            levels = []
            if used >= 100:
                levels.append("exceeded")
            if used - gone >= policy.ytd_margin_percent:
                levels.append("ahead")
            for level in levels:
                raised = raise_reliability_alert(
                    session,
                    dedup_key=(
                        f"budget:{at.year}:{row['company']}:{row['city']}:"
                        f"{row['area_class']}:{level}"
                    ),
                    kind=f"budget_{level}",
                    company=row["company"],
                    city=row["city"],
                    area_class=row["area_class"],
                    outage_id=None,
                    detail={
                        "year": at.year,
                        "level": level,
                        "aihc_hours": row["aihc_hours"],
                        "target_hours": row["target_hours"],
                        "budget_used_percent": used,
                        "year_elapsed_percent": gone,
                    },
                    channels=recipients.channels_for(row["company"], row["city"]),
                    at=at,
                )
                result.raised += raised is not None
        session.commit()
    return result
