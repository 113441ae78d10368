"""Verified e-licences (一证办电, 刷脸办电, L17, L30).

An e-licence given for an application is checked with the platform before it is recorded:
`verified` records the document; `mismatch` records nothing but the check (the clerk sees
what differs); `pending` (no usable answer within the timeout) records the document
provisionally and leaves the check for `retry_pending_checks`, so the hall never waits on
the platform. A pending check that later turns out a mismatch raises a `licence_mismatch`
alert to the supervisors of the application's company and city, in the transaction that
records the answer.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import MappingProxyType
from typing import Any

from sqlalchemy import update
from sqlmodel import col, select

from gridconnect.config.vocabulary import LicenceType
from gridconnect.errors import GridconnectError, InvalidInput
from gridconnect.services.alert_raising import ALERT_TOPIC
from gridconnect.services.alert_routing import AlertRecipients
from gridconnect.services.applications import get_application
from gridconnect.services.context import EVERYTHING, Scope, Services
from gridconnect.services.govlink.approvals import LinkOff
from gridconnect.services.govlink.platform import GovPlatform, PlatformUnavailable, Verification
from gridconnect.services.govlink.transaction import change_with_link
from gridconnect.services.outbox import retry_delay
from gridconnect.store.alerts import alert_dedup_key, enqueue
from gridconnect.store.gov_tables import GovLicenceCheckRow
from gridconnect.store.tables import AlertRow, ApplicationRow
from gridconnect.store.uow import UnitOfWork
from gridconnect.timesource import as_utc
from gridconnect.workflow import application as flow
from gridconnect.workflow.events import AlertLevel
from gridconnect.workflow.model import Application, Document

MISMATCH_ALERT = str(AlertLevel.LICENCE_MISMATCH)
# Which document of the ledger's whitelist each kind of e-licence provides.
DOCUMENT_OF: Mapping[str, str] = MappingProxyType(
    {
        LicenceType.BUSINESS_LICENCE: "identity_document",
        LicenceType.IDENTITY_CARD: "identity_document",
        LicenceType.REAL_ESTATE: "property_certificate",
    }
)
LEASE = timedelta(seconds=60)


class PlatformDown(GridconnectError):
    status = 503
    code = "gov_platform_unavailable"


@dataclass(frozen=True)
class LicenceGiven:
    licence_type: str
    certificate_number: str
    holder_name: str


@dataclass(frozen=True)
class CheckView:
    id: int
    doc_type: str
    licence_type: str
    certificate_number: str
    holder_name: str
    licence_number: str | None
    state: str
    differences: list[dict[str, Any]]
    counted: bool
    checked_at: datetime | None


def _view(row: GovLicenceCheckRow) -> CheckView:
    assert row.id is not None
    return CheckView(
        id=row.id,
        doc_type=row.doc_type,
        licence_type=row.licence_type,
        certificate_number=row.certificate_number,
        holder_name=row.holder_name,
        licence_number=row.licence_number,
        state=row.state,
        differences=list(row.differences),
        counted=row.document_id is not None,
        checked_at=as_utc(row.checked_at) if row.checked_at else None,
    )


def checks_of(svc: Services, application_id: int) -> list[CheckView]:
    with svc.unit_of_work() as uow:
        rows = uow.session.exec(
            select(GovLicenceCheckRow)
            .where(GovLicenceCheckRow.application_id == application_id)
            .order_by(col(GovLicenceCheckRow.id))
        ).all()
        return [_view(r) for r in rows]


def _platform(svc: Services) -> GovPlatform:
    if svc.gov_platform is None:
        raise LinkOff(
            "no government platform is configured (GRIDCONNECT_GOV_PLATFORM_URL): "
            "type the e-licence reference in by hand",
            None,
        )
    return svc.gov_platform


def _document_type(licence_type: str) -> str:
    if licence_type not in DOCUMENT_OF:
        raise InvalidInput(
            f"unknown licence type {licence_type!r}",
            [{"field": "licence_type", "message": f"one of {', '.join(DOCUMENT_OF)}"}],
        )
    return DOCUMENT_OF[licence_type]


def _ask(platform: GovPlatform, message_id: str, given: LicenceGiven) -> Verification | str:
    """The platform's verdict, or the error text when it gave none (pending)."""
    try:
        return platform.verify_licence(
            message_id, given.licence_type, given.certificate_number, given.holder_name
        )
    except PlatformUnavailable as exc:
        return str(exc)


def _record(
    ctx: flow.Context,
    uow: UnitOfWork,
    app: Application,
    given: LicenceGiven,
    message_id: str,
    answer: Verification | str,
) -> GovLicenceCheckRow:
    assert app.id is not None
    doc_type = _document_type(given.licence_type)
    pending = isinstance(answer, str)
    state = "pending" if isinstance(answer, str) else answer.result
    row = GovLicenceCheckRow(
        application_id=app.id,
        doc_type=doc_type,
        licence_type=given.licence_type,
        certificate_number=given.certificate_number,
        holder_name=given.holder_name,
        licence_number=None if isinstance(answer, str) else answer.licence_number,
        message_id=message_id,
        state=state,
        differences=[] if isinstance(answer, str) else answer.differences,
        attempts=1,
        next_attempt_at=ctx.now + retry_delay(1) if pending else None,
        last_error=answer[:500] if isinstance(answer, str) else None,
        recorded_by=ctx.actor,
        created_at=ctx.now,
        checked_at=None if pending else ctx.now,
    )
    if state != "mismatch":
        reference = row.licence_number or f"{given.licence_type}:{given.certificate_number}"
        document = Document(
            stage=app.stage,
            doc_type=doc_type,
            source="e_license",
            recorded_by=ctx.actor,
            recorded_at=ctx.now,
            reference=reference,
        )
        flow.record_document(ctx, app, document)
    uow.session.add(row)
    return row


def _link_documents(uow: UnitOfWork, app: Application, rows: list[GovLicenceCheckRow]) -> None:
    """After the save: each counted check points at the document recorded for it."""
    documents = [d for d in app.documents if d.source == "e_license"]
    for row in rows:
        if row.state == "mismatch":
            continue
        for document in reversed(documents):
            if document.doc_type == row.doc_type and document.id is not None:
                row.document_id = document.id
                break
        uow.session.add(row)


def verify_and_record(
    svc: Services,
    application_id: int,
    given: LicenceGiven,
    actor: str,
    scope: Scope = EVERYTHING,
    expected_version: int | None = None,
) -> tuple[Application, CheckView]:
    """Check the e-licence with the platform, then record it by the answer (one transaction)."""
    platform = _platform(svc)
    _document_type(given.licence_type)
    get_application(svc, application_id, scope)  # unknown or out of scope: 404 before any call
    message_id = f"verify-{uuid.uuid4().hex[:20]}"
    answer = _ask(platform, message_id, given)

    def change(
        ctx: flow.Context, uow: UnitOfWork, app: Application
    ) -> tuple[list[flow.RaisedAlert], GovLicenceCheckRow]:
        return [], _record(ctx, uow, app, given, message_id, answer)

    def link(uow: UnitOfWork, app: Application, row: GovLicenceCheckRow) -> None:
        _link_documents(uow, app, [row])

    app, row = change_with_link(
        svc, application_id, actor, change, scope, expected_version, after_save=link
    )
    return app, _view(row)


def pull_licences(svc: Services, certificate_number: str) -> list[dict[str, Any]]:
    """The e-licences the platform holds for a certificate number (unknown types left out)."""
    platform = _platform(svc)
    if not certificate_number.strip():
        raise InvalidInput(
            "a certificate number is needed",
            [{"field": "certificate_number", "message": "required"}],
        )
    try:
        found = platform.list_licences(certificate_number.strip(), f"pull-{uuid.uuid4().hex[:20]}")
    except PlatformUnavailable as exc:
        raise PlatformDown(
            "the government platform does not answer; try again, or record the documents by hand",
            {"error": str(exc)},
        ) from None
    return [item for item in found if item.get("licence_type") in DOCUMENT_OF]


def attach_licences(
    svc: Services,
    application_id: int,
    certificate_number: str,
    actor: str,
    scope: Scope = EVERYTHING,
    expected_version: int | None = None,
) -> tuple[Application, list[CheckView]]:
    """Pull an applicant's e-licences and record, in one step, those the current stage takes.

    Pulled from the platform by the certificate number, they are verified by the pull itself.
    """
    get_application(svc, application_id, scope)
    licences = pull_licences(svc, certificate_number)

    def change(
        ctx: flow.Context, uow: UnitOfWork, app: Application
    ) -> tuple[list[flow.RaisedAlert], list[GovLicenceCheckRow]]:
        stage_takes = {d.code for d in ctx.policy.whitelist(str(app.kind), app.stage)}
        have = {d.doc_type for d in app.documents if d.stage == app.stage}
        rows = []
        for item in licences:
            doc_type = DOCUMENT_OF[str(item["licence_type"])]
            if doc_type not in stage_takes or doc_type in have:
                continue
            have.add(doc_type)
            given = LicenceGiven(
                str(item["licence_type"]),
                str(item.get("certificate_number") or certificate_number),
                str(item.get("holder_name") or ""),
            )
            verdict = Verification("verified", item.get("licence_number"), [])
            rows.append(_record(ctx, uow, app, given, f"pull-{uuid.uuid4().hex[:20]}", verdict))
        return [], rows

    def link(uow: UnitOfWork, app: Application, rows: list[GovLicenceCheckRow]) -> None:
        _link_documents(uow, app, rows)

    app, rows = change_with_link(
        svc, application_id, actor, change, scope, expected_version, after_save=link
    )
    return app, [_view(r) for r in rows]


# -- the retry of pending checks ----------------------------------------------------------


def _claim_due(svc: Services, now: datetime, batch: int) -> list[int]:
    """Pending checks due now, each leased (attempts counted) so a second pass skips them."""
    with svc.unit_of_work() as uow:
        due = list(
            uow.session.exec(
                select(GovLicenceCheckRow.id)
                .where(
                    GovLicenceCheckRow.state == "pending",
                    col(GovLicenceCheckRow.next_attempt_at) <= now,
                )
                .order_by(col(GovLicenceCheckRow.next_attempt_at))
                .limit(batch)
            ).all()
        )
        claimed = []
        for check_id in due:
            result = uow.session.execute(
                update(GovLicenceCheckRow)
                .where(
                    col(GovLicenceCheckRow.id) == check_id,
                    col(GovLicenceCheckRow.state) == "pending",
                    col(GovLicenceCheckRow.next_attempt_at) <= now,
                )
                .values(attempts=col(GovLicenceCheckRow.attempts) + 1, next_attempt_at=now + LEASE)
                .execution_options(synchronize_session=False)
            )
            if result.rowcount == 1:  # type: ignore[attr-defined]
                claimed.append(int(check_id))  # type: ignore[arg-type]
        uow.commit()
    return claimed


@dataclass
class RetryResult:
    verified: int = 0
    mismatched: int = 0
    still_pending: int = 0

    def summary(self) -> dict[str, int]:
        return dict(self.__dict__)


def retry_pending_checks(svc: Services, batch: int = 100) -> RetryResult:
    """Ask again about every pending check due now; a late mismatch raises an alert."""
    result = RetryResult()
    if svc.gov_platform is None:
        return result
    for check_id in _claim_due(svc, svc.now(), batch):
        with svc.unit_of_work() as uow:
            row = uow.session.get(GovLicenceCheckRow, check_id)
            assert row is not None
            given = LicenceGiven(row.licence_type, row.certificate_number, row.holder_name)
            message_id = row.message_id
        answer = _ask(svc.gov_platform, message_id, given)
        _resolve(svc, check_id, answer, result)
    return result


def _resolve(svc: Services, check_id: int, answer: Verification | str, result: RetryResult) -> None:
    now = svc.now()
    with svc.unit_of_work() as uow:
        row = uow.session.get(GovLicenceCheckRow, check_id)
        assert row is not None
        if row.state != "pending":
            return
        if isinstance(answer, str):
            row.last_error, row.next_attempt_at = answer[:500], now + retry_delay(row.attempts)
            result.still_pending += 1
        else:
            row.state, row.licence_number = answer.result, answer.licence_number
            row.differences, row.checked_at = answer.differences, now
            row.next_attempt_at, row.last_error = None, None
            if answer.result == "mismatch":
                _raise_mismatch(svc, uow, row, now)
                result.mismatched += 1
            else:
                result.verified += 1
        uow.session.add(row)
        uow.commit()


def _raise_mismatch(svc: Services, uow: UnitOfWork, row: GovLicenceCheckRow, now: datetime) -> None:
    """An alert without a clock, unique per (application, the check's time), like a stall."""
    application = uow.session.get(ApplicationRow, row.application_id)
    assert application is not None
    alert = AlertRow(
        clock_id=None,
        application_id=row.application_id,
        company=application.company,
        city=application.city,
        level=MISMATCH_ALERT,
        due_at=row.created_at,
        raised_at=now,
    )
    uow.session.add(alert)
    uow.session.flush()
    assert alert.id is not None
    recipients = AlertRecipients.of(svc.alert_channels)
    enqueue(
        uow.session,
        channels=recipients.channels_for(application.company, application.city),
        topic=ALERT_TOPIC,
        dedup_key=alert_dedup_key(alert.id, 1),
        payload={
            "application": application.number,
            "company": application.company,
            "city": application.city,
            "clock": MISMATCH_ALERT,
            "level": MISMATCH_ALERT,
            "stage": application.stage,
            "due_at": as_utc(row.created_at).isoformat(),
            "differences": row.differences,
        },
        at=now,
    )
