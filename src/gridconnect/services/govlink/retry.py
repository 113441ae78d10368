"""The retry pass of the government link: pending e-licence checks and unsent submissions.

Run with every outbox pass by the scheduler and by `gridconnect gov retry`. Each request is
retried with the outbox's backoff (30 s doubling, at most an hour apart) until the platform
answers; nothing waits on it meanwhile.
"""

from __future__ import annotations

from sqlmodel import col, select

from gridconnect.services.context import Services
from gridconnect.services.govlink.approvals import submit_pending
from gridconnect.services.govlink.licences import RetryResult, retry_pending_checks
from gridconnect.store.gov_tables import GovApprovalRow


def retry_submissions(svc: Services, batch: int = 100) -> int:
    """Send each submission still `submitting` and due; how many the platform accepted."""
    if svc.gov_platform is None:
        return 0
    with svc.unit_of_work() as uow:
        due = list(
            uow.session.exec(
                select(GovApprovalRow.id)
                .where(
                    GovApprovalRow.state == "submitting",
                    col(GovApprovalRow.next_attempt_at) <= svc.now(),
                )
                .limit(batch)
            ).all()
        )
    return sum(1 for approval_id in due if approval_id and submit_pending(svc, approval_id))


def retry_all(svc: Services) -> tuple[RetryResult, int]:
    return retry_pending_checks(svc), retry_submissions(svc)
