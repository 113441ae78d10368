"""Supervisors see stall alerts with the others, labelled 停滞."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from page_helpers import page_sign_in

from factories import receive
from gridconnect.services.stall_scan import scan_stalls


def test_a_supervisor_sees_an_application_nobody_touched_for_a_week_as_stalled(
    client: Any, staff: Any, services: Any, engine: Any
) -> None:
    app = receive(services, "hv")
    scan_stalls(engine, now=app.received_at + timedelta(days=10))

    page_sign_in(client, "supervisor_xa")
    alerts = client.get("/supervisor").text.split('id="alerts"')[1]

    assert app.number in alerts
    assert "停滞" in alerts
