"""The government link's monthly figures (L55 电力接入工程审批工作台账, L18, L23).

Per department: final decisions in the month, the mean and longest of its own elapsed
working days (submission to its decision), refusals. Leads received in the month: how many
were converted or closed, and the mean days from lead to application.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func
from sqlmodel import col, select

from gridconnect.config.vocabulary import Department
from gridconnect.services.context import EVERYTHING, Scope, Services
from gridconnect.services.govlink.leads import lead_statistics
from gridconnect.services.reports.periods import parse_month
from gridconnect.store.gov_tables import GovApprovalRow, GovDepartmentRow, GovLicenceCheckRow
from gridconnect.store.tables import ApplicationRow


def department_times(svc: Services, scope: Scope, start: Any, end: Any) -> list[dict[str, Any]]:
    query = (
        select(GovDepartmentRow.department, GovDepartmentRow.state, GovDepartmentRow.working_days)
        .join(GovApprovalRow, col(GovApprovalRow.id) == col(GovDepartmentRow.approval_id))
        .join(ApplicationRow, col(ApplicationRow.id) == col(GovApprovalRow.application_id))
        .where(col(GovDepartmentRow.decided_at) >= start, col(GovDepartmentRow.decided_at) < end)
    )
    if scope.company is not None:
        query = query.where(col(ApplicationRow.company) == scope.company)
    if scope.cities is not None:
        query = query.where(col(ApplicationRow.city).in_(scope.cities))
    with svc.unit_of_work() as uow:
        rows = uow.session.exec(query).all()
    figures = []
    for department in Department:
        days = [r[2] for r in rows if r[0] == department and r[2] is not None]
        refused = sum(1 for r in rows if r[0] == department and r[1] == "refused")
        figures.append(
            {
                "department": str(department),
                "name": department.label,
                "decided": len(days),
                "refused": refused,
                "mean_working_days": round(sum(days) / len(days), 1) if days else None,
                "longest_working_days": max(days) if days else None,
            }
        )
    return figures


def pending_licence_checks(svc: Services, scope: Scope) -> int:
    """E-licences counted provisionally right now, waiting for the platform's answer."""
    query = (
        select(func.count())
        .select_from(GovLicenceCheckRow)
        .join(ApplicationRow, col(ApplicationRow.id) == col(GovLicenceCheckRow.application_id))
        .where(col(GovLicenceCheckRow.state) == "pending")
    )
    if scope.company is not None:
        query = query.where(col(ApplicationRow.company) == scope.company)
    if scope.cities is not None:
        query = query.where(col(ApplicationRow.city).in_(scope.cities))
    with svc.unit_of_work() as uow:
        return int(uow.session.exec(query).one())


def gov_monthly(svc: Services, month: str, scope: Scope = EVERYTHING) -> dict[str, Any]:
    period = parse_month(month)
    leads = lead_statistics(svc, period.start, period.end, scope)
    return {
        "month": period.label,
        "departments": department_times(svc, scope, period.start, period.end),
        "pending_licence_checks": pending_licence_checks(svc, scope),
        "leads": {
            "received": leads.received,
            "converted": leads.converted,
            "closed": leads.closed,
            "mean_days_to_application": leads.mean_days_to_application,
        },
    }
