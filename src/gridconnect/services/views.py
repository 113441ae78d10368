"""How an application is shown: the same dictionary for the API, pages and exports."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from gridconnect.calendar import WorkingCalendar
from gridconnect.config.policy_model import Policy
from gridconnect.workflow import application as flow
from gridconnect.workflow.clocks import read_clock
from gridconnect.workflow.model import NOT_APPLICABLE, Application, Clock


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def clock_view(calendar: WorkingCalendar, clock: Clock, now: datetime) -> dict[str, Any]:
    reading = read_clock(calendar, clock, now)
    return {
        "id": clock.id,
        "kind": clock.kind,
        "limit_working_days": clock.limit_working_days,
        "target_working_days": clock.target_working_days,
        "started_at": _iso(clock.started_at),
        "due_at": _iso(clock.due_at),
        "due_date": reading.due_date,
        "state": str(clock.state),
        "met_late": clock.late,
        "working_days_left": reading.working_days_left,
        "elapsed_working_days": reading.elapsed_working_days,
        "elapsed_calendar_days": reading.elapsed_calendar_days,
        "provisional": reading.provisional,
        "warned_at": _iso(clock.warned_at),
        "breached_at": _iso(clock.breached_at),
        "stopped_at": _iso(clock.stopped_at),
        "paused_working_days": clock.paused_working_days,
        "pauses": [
            {
                "paused_at": _iso(p.paused_at),
                "resumed_at": _iso(p.resumed_at),
                "working_days": p.working_days,
                "reason": p.reason,
            }
            for p in clock.pauses
        ],
    }


def stages_view(policy: Policy, app: Application) -> list[dict[str, Any]]:
    visits = {v.stage: v for v in app.visits}
    result = []
    for spec in policy.kind(app.kind).stages:
        visit = visits.get(spec.code)
        if visit is None:
            state = "pending"
        elif visit.left_at is None and app.is_open:
            state = "current"
        elif visit.left_at is None:
            state = "stopped"
        else:
            state = "done"
        result.append(
            {
                "stage": spec.code,
                "name": spec.name,
                "state": state,
                "entered_at": _iso(visit.entered_at) if visit else None,
                "left_at": _iso(visit.left_at) if visit else None,
            }
        )
    return result


def notice_view(
    policy: Policy,
    app: Application,
    required: list[str] | None = None,
    undecided: list[str] | None = None,
) -> dict[str, Any]:
    """The one-time notice (一次性告知): what is required (须提供), what may be (如适用).
    `required` and `undecided`: the codes, where the caller has them already."""
    if required is None:
        required = flow.required_missing(policy, app)
    if undecided is None:
        undecided = flow.undecided_if_applicable(policy, app)
    return {
        "missing_documents": [
            {"doc_type": code, "name": policy.document_name(code)} for code in required
        ],
        "documents_if_applicable": [
            {"doc_type": code, "name": policy.document_name(code)} for code in undecided
        ],
    }


def not_applicable_view(
    policy: Policy, app: Application, with_stage: bool = True
) -> list[dict[str, Any]]:
    """Documents recorded as not applicable to this customer, with the reason shown to them
    (and the stage they belong to: the customer's status shows it, the staff view not)."""
    result = []
    for d in app.documents:
        if d.source != NOT_APPLICABLE:
            continue
        reason = policy.not_applicable_reason(d.reference or "")
        shown = {
            "doc_type": d.doc_type,
            "name": policy.document_name(d.doc_type),
            "stage": d.stage,
            "reason_code": d.reference or "",
            "reason": reason.name if reason else d.reference or "",
            "recorded_by": d.recorded_by,
            "recorded_at": _iso(d.recorded_at),
        }
        if not with_stage:
            del shown["stage"]
        result.append(shown)
    return result


def application_view(
    policy: Policy, calendar: WorkingCalendar, app: Application, now: datetime
) -> dict[str, Any]:
    """Every field of an application as the API returns it."""
    # The notice's two lists also decide the allowed actions: found once for both.
    required = flow.required_missing(policy, app)
    undecided = flow.undecided_if_applicable(policy, app)
    return {
        "id": app.id,
        "number": app.number,
        "kind": str(app.kind),
        "company": app.company,
        "city": app.city,
        "area_class": app.area_class,
        "address": app.address,
        "customer": {
            "name": app.customer.name,
            "phone": app.customer.phone,
            "id_number": app.customer.id_number,
        },
        "capacity": app.capacity,
        "capacity_unit": "kVA" if app.kind == "hv" else "kW",
        "voltage_kv": app.voltage_kv,
        "supply": app.supply,
        "channel": app.channel,
        "stage": app.stage,
        "status": str(app.status),
        "suspended": app.suspended,
        "suspension_reason": app.suspension_reason,
        "suspension_note": app.suspension_note,
        "three_zero": app.three_zero,
        "on_site_reply": app.on_site_reply,
        "gov_approval": app.gov_approval,
        "version": app.version,
        "received_at": _iso(app.received_at),
        "closed_at": _iso(app.closed_at),
        "stages": stages_view(policy, app),
        "documents": [
            {
                "id": d.id,
                "stage": d.stage,
                "doc_type": d.doc_type,
                "name": policy.document_name(d.doc_type),
                "source": d.source,
                "reference": d.reference,
                "sha256": d.sha256,
                "file_name": d.file_name,
                "content_type": d.content_type,
                "size_bytes": d.size_bytes,
                "recorded_by": d.recorded_by,
                "recorded_at": _iso(d.recorded_at),
            }
            for d in app.documents
            if d.source != NOT_APPLICABLE
        ],
        **notice_view(policy, app, required, undecided),
        "not_applicable_documents": not_applicable_view(policy, app, with_stage=False),
        "stalled_since": _iso(app.stalled_since),
        "site_surveyed_at": _iso(app.site_surveyed_at),
        "allowed_actions": flow.actions(policy, app, required + undecided),
        "clocks": [clock_view(calendar, c, now) for c in app.clocks],
        "unconfigured_clocks": flow.unconfigured_clocks(policy, app),
    }


def mask_name(name: str) -> str:
    return name[0] + "*" * max(len(name) - 1, 1) if name else ""


def mask_phone(phone: str) -> str:
    return phone[:3] + "****" + phone[-4:] if len(phone) >= 8 else "****"
