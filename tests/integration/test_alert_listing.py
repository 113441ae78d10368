"""What supervisors see of alerts: open ones only, and a withdrawn breach raised again."""

from __future__ import annotations

from freezegun import freeze_time
from sqlalchemy import update
from sqlmodel import Session, select

from factories import provide_all_documents, receive
from gridconnect.services.alerts import list_alerts
from gridconnect.services.applications import perform
from gridconnect.services.context import EVERYTHING, Services
from gridconnect.services.sla_scan import scan
from gridconnect.store.tables import AlertRow, ClockRow, OutboxRow


def withdraw_every_alert(services: Services) -> None:
    """What `sla recompute` does when a deadline moves out past now."""
    with Session(services.engine) as session:
        session.execute(update(AlertRow).values(cleared_at=services.now()))
        session.commit()


def test_a_withdrawn_alert_is_not_listed_as_open(services: Services) -> None:
    with freeze_time("2026-09-28 02:00:00") as frozen:
        receive(services)
        frozen.move_to("2026-10-22 02:00:00")
        scan(services.engine)
        # the full process nears its due; acceptance (1 working day) is long past its own
        open_alerts = list_alerts(services, EVERYTHING, "open")
        assert sorted((a["clock"], a["level"]) for a in open_alerts) == [
            ("full_process", "warning"),
            ("stage:acceptance", "breach"),
        ]
        withdraw_every_alert(services)
        assert list_alerts(services, EVERYTHING, "open") == []
        withdrawn = list_alerts(services, EVERYTHING, "all")
    assert withdrawn[0]["cleared_at"] is not None


def test_finishing_late_raises_again_a_breach_that_had_been_withdrawn(services: Services) -> None:
    services.alert_channels = ["http://127.0.0.1:9/alerts"]
    with freeze_time("2026-09-28 02:00:00") as frozen:
        app = receive(services)
        assert app.id is not None
        frozen.move_to("2026-10-26 02:00:00")
        scan(services.engine, alert_channels=services.alert_channels)
        withdraw_every_alert(services)
        with Session(services.engine) as session:  # a recompute also sets the clock running
            session.execute(update(ClockRow).values(state="running", breached_at=None))
            session.commit()
        app = provide_all_documents(services, app)
        perform(services, app.id, "advance", actor="clerk1")
        perform(services, app.id, "advance", actor="clerk1")
        open_alerts = list_alerts(services, EVERYTHING, "open")
    breaches = [a for a in open_alerts if a["clock"] == "full_process"]
    assert [(a["level"], a["times_raised"]) for a in breaches] == [("breach", 2)]
    with Session(services.engine) as session:
        keys = sorted(row.dedup_key for row in session.exec(select(OutboxRow)))
    alert_id = breaches[0]["id"]
    assert f"alert:{alert_id}" in keys
    assert f"alert:{alert_id}:2" in keys


def test_a_breach_withdraws_its_warning_from_the_open_list(services: Services) -> None:
    with freeze_time("2026-09-28 02:00:00") as frozen:
        receive(services)
        frozen.move_to("2026-10-22 02:00:00")
        scan(services.engine)
        frozen.move_to("2026-10-24 02:00:00")
        scan(services.engine)
        open_alerts = list_alerts(services, EVERYTHING, "open")
        every = list_alerts(services, EVERYTHING, "all")
    full_process = [a for a in open_alerts if a["clock"] == "full_process"]
    assert [a["level"] for a in full_process] == ["breach"]
    [warning] = [a for a in every if a["clock"] == "full_process" and a["level"] == "warning"]
    assert warning["cleared_at"] is not None  # kept, with its history


def test_a_clerk_finishing_late_also_withdraws_the_warning(services: Services) -> None:
    with freeze_time("2026-09-28 02:00:00") as frozen:
        app = receive(services)
        assert app.id is not None
        provide_all_documents(services, app)
        frozen.move_to("2026-10-22 02:00:00")
        scan(services.engine)
        frozen.move_to("2026-10-30 02:00:00")
        current = app
        while current.is_open:
            current = perform(services, app.id, "advance", "clerk1")
        open_alerts = list_alerts(services, EVERYTHING, "open")
    assert "warning" not in [a["level"] for a in open_alerts]
    assert "breach" in [a["level"] for a in open_alerts]
