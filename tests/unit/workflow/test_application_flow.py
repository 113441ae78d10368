"""The stage machines and what they allow, on plain domain objects (no database)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from gridconnect.calendar import load_calendar
from gridconnect.config.policy import load_policy
from gridconnect.timesource import SHANGHAI
from gridconnect.workflow import application as flow
from gridconnect.workflow.errors import (
    DocumentNotAllowed,
    InvalidTransition,
    MissingDocuments,
    UnknownSuspensionReason,
)
from gridconnect.workflow.model import Application, ClockState, Customer, Document, Kind

POLICY = load_policy()
CALENDAR = load_calendar()


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI).astimezone(UTC)


def ctx(when: str = "2026-09-28 10:00") -> flow.Context:
    return flow.Context(POLICY, CALENDAR, at(when), "clerk1")


def new(
    kind: str = "lv_nonresidential", when: str = "2026-09-28 10:00", **kw: object
) -> Application:
    values: dict[str, object] = dict(
        number="T-1",
        company="sgcc",
        kind=Kind(kind),
        city="西安",
        area_class="urban",
        address="x",
        customer=Customer("张三", "13800138000", "610102199001011234"),
        capacity=100.0,
        voltage_kv=None,
        supply=None,
        channel="hall",
        received_at=at(when),
        stage="",
        three_zero=kind != "hv",
    )
    if kind == "hv":
        values.update(voltage_kv=10.0, supply="single", capacity=2000.0)
    values.update(kw)
    app = Application(**values)  # type: ignore[arg-type]
    flow.receive(ctx(when), app)
    return app


def provide(app: Application, when: str = "2026-09-29 10:00") -> None:
    for doc in POLICY.whitelist(app.kind, app.stage):
        flow.record_document(ctx(when), app, Document(app.stage, doc.code, "upload", "c", at(when)))


def test_low_voltage_goes_through_exactly_two_stages_to_connected() -> None:
    app = new()
    assert app.stage == "acceptance"
    provide(app)
    flow.advance(ctx("2026-09-29 11:00"), app)
    assert app.stage == "meter_install"
    flow.advance(ctx("2026-09-30 11:00"), app)
    assert (app.stage, app.status) == ("connected", "connected")
    assert [v.stage for v in app.visits] == ["acceptance", "meter_install"]


def test_high_voltage_goes_through_the_six_stages_in_order() -> None:
    app = new("hv")
    seen = [app.stage]
    while app.is_open:
        provide(app)
        flow.advance(ctx("2026-09-29 11:00"), app)
        seen.append(app.stage)
    assert seen == [
        "acceptance",
        "supply_plan",
        "design_review",
        "mid_inspection",
        "completion_inspection",
        "meter_install",
        "connected",
    ]


def test_advancing_with_documents_missing_names_all_of_them_at_once() -> None:
    app = new("hv")
    with pytest.raises(MissingDocuments) as caught:
        flow.advance(ctx(), app)
    assert caught.value.details["missing_documents"] == [
        "identity_document",
        "property_certificate",
        "project_approval",
    ]
    assert app.stage == "acceptance"


def test_a_commitment_letter_is_refused_with_the_allowed_types() -> None:
    app = new()
    with pytest.raises(DocumentNotAllowed) as caught:
        flow.record_document(
            ctx(), app, Document("", "commitment_letter", "upload", "c", at("2026-09-28 11:00"))
        )
    assert caught.value.details["allowed_types"] == ["identity_document", "property_certificate"]
    assert app.documents == []


def test_allowed_actions_come_from_the_machine_and_follow_the_state() -> None:
    app = new()
    assert flow.actions(POLICY, app) == ["suspend", "cancel", "start_gov_approval"]
    provide(app)
    assert "advance" in flow.actions(POLICY, app)
    flow.suspend(ctx(), app, "customer_construction", "土建未完")
    assert flow.actions(POLICY, app) == ["resume", "cancel", "start_gov_approval"]
    flow.cancel(ctx(), app)
    assert flow.actions(POLICY, app) == []


def test_a_suspended_application_cannot_advance_and_a_closed_one_cannot_be_suspended() -> None:
    app = new()
    provide(app)
    flow.suspend(ctx(), app, "customer_requested_wait", None)
    with pytest.raises(InvalidTransition):
        flow.advance(ctx(), app)
    flow.cancel(ctx(), app)
    with pytest.raises(InvalidTransition):
        flow.suspend(ctx(), app, "customer_requested_wait", None)


def test_an_unknown_suspension_reason_is_refused_with_the_list() -> None:
    app = new()
    with pytest.raises(UnknownSuspensionReason) as caught:
        flow.suspend(ctx(), app, "clerk_on_holiday", None)
    assert "customer_construction" in caught.value.details["allowed_reasons"]
    assert not app.suspended


def test_lv_nonresidential_three_zero_gets_a_15_day_full_process_clock_due_23_october() -> None:
    app = new()
    clock = app.clock("full_process")
    assert clock is not None
    assert clock.limit_working_days == 15
    assert clock.due_at == at("2026-10-24 00:00")
    assert clock.warn_at == at("2026-10-22 00:00")


def test_suspending_for_a_week_pushes_every_due_by_the_working_days_suspended() -> None:
    app = new()
    clock = app.clock("full_process")
    assert clock is not None
    flow.suspend(ctx("2026-10-12 09:00"), app, "customer_construction", None)
    assert clock.state == ClockState.PAUSED
    flow.resume(ctx("2026-10-19 09:00"), app)
    # (Mon 10-12, Mon 10-19] holds five working days.
    assert clock.paused_working_days == 5
    assert clock.due_at == at("2026-10-31 00:00")
    assert clock.pauses[0].working_days == 5
    assert clock.state == ClockState.RUNNING


def test_finishing_after_the_due_leaves_the_clock_breached_and_met_late() -> None:
    app = new()
    provide(app)
    flow.advance(ctx("2026-09-29 10:00"), app)
    raised = flow.advance(ctx("2026-10-26 10:00"), app)
    clock = app.clock("full_process")
    assert clock is not None
    assert clock.state == ClockState.BREACHED
    assert clock.late
    # The meter-install stage clock (5 working days from 29 September) was late too.
    assert sorted((r.clock.kind, r.level) for r in raised) == [
        ("full_process", "breach"),
        ("stage:meter_install", "breach"),
    ]


def test_cancelling_stops_every_clock() -> None:
    app = new("hv")
    flow.cancel(ctx("2026-09-30 10:00"), app)
    assert all(c.state == ClockState.CANCELLED and c.stopped_at for c in app.clocks)


def test_high_voltage_35_kv_has_no_government_approval_clock_and_says_so() -> None:
    app = new("hv", voltage_kv=35.0)
    flow.start_gov_approval(ctx(), app)
    assert app.gov_approval == "requested"
    assert app.clock("gov_approval") is None
    assert "gov_approval" in flow.unconfigured_clocks(POLICY, app)


def test_high_voltage_10_kv_government_approval_has_ten_working_days() -> None:
    app = new("hv")
    clock = flow.start_gov_approval(ctx("2026-09-28 10:00"), app)
    assert clock is not None
    assert clock.limit_working_days == 10
    flow.complete_gov_approval(ctx("2026-10-09 10:00"), app)
    assert clock.state == ClockState.MET
    with pytest.raises(InvalidTransition):
        flow.complete_gov_approval(ctx(), app)


def test_every_change_records_an_event_with_stages_before_and_after() -> None:
    app = new()
    provide(app)
    flow.advance(ctx("2026-09-29 11:00"), app)
    actions = [(e.action, e.stage_before, e.stage_after) for e in app.events]
    assert actions[0] == ("received", None, "acceptance")
    assert actions[-1] == ("advanced", "acceptance", "meter_install")


def test_high_voltage_20_kv_falls_between_the_ledgers_cases_and_shows_no_approval_clock() -> None:
    app = new("hv", voltage_kv=20.0)
    assert flow.start_gov_approval(ctx(), app) is None
    assert flow.unconfigured_clocks(POLICY, app) == ["gov_approval"]


def test_a_low_voltage_application_has_every_clock_configured() -> None:
    assert flow.unconfigured_clocks(POLICY, new()) == []
