"""Alerts reach the robots of their own company and city, and the province-wide ones."""

from __future__ import annotations

import json

import pytest
from freezegun import freeze_time
from sqlmodel import Session, select

from factories import receive
from gridconnect.config.settings import load_settings
from gridconnect.services.alert_routing import AlertRecipients
from gridconnect.services.context import Services
from gridconnect.services.sla_scan import scan
from gridconnect.store.tables import OutboxRow

PROVINCE = "http://127.0.0.1:9/province"
XIAN = "http://127.0.0.1:9/sgcc-xian"
YULIN = "http://127.0.0.1:9/sgcc-yulin"
LOCAL = "http://127.0.0.1:9/local"
RECIPIENTS = AlertRecipients.from_settings(
    [PROVINCE], {"sgcc/西安": [XIAN], "sgcc/榆林": [YULIN], "local": [LOCAL]}
)


def deliveries(services: Services) -> dict[str, set[str]]:
    """channel -> the application numbers whose alerts were queued for it."""
    found: dict[str, set[str]] = {}
    with Session(services.engine) as session:
        for row in session.exec(select(OutboxRow).where(OutboxRow.topic == "alert")):
            found.setdefault(row.channel, set()).add(row.payload["application"])
    return found


def test_a_breach_goes_to_its_city_and_the_province_but_not_to_other_cities(
    services: Services,
) -> None:
    with freeze_time("2026-09-28 02:00:00") as frozen:
        xian = receive(services, city="西安")
        yulin = receive(services, city="榆林")
        local = receive(services, company="local", city="榆林")
        frozen.move_to("2026-10-26 02:00:00")
        scan(services.engine, alert_channels=RECIPIENTS)
    sent = deliveries(services)
    assert sent[PROVINCE] == {xian.number, yulin.number, local.number}
    assert sent[XIAN] == {xian.number}
    assert sent[YULIN] == {yulin.number}
    assert sent[LOCAL] == {local.number}


def test_a_channel_named_twice_for_an_alert_gets_it_once() -> None:
    recipients = AlertRecipients.from_settings([XIAN], {"sgcc": [XIAN], "sgcc/西安": [XIAN]})
    assert recipients.channels_for("sgcc", "西安") == [XIAN]


def test_routes_come_from_the_environment_as_json(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GRIDCONNECT_ALERT_ROUTES", json.dumps({"sgcc/西安": [XIAN]}))
    settings = load_settings()
    recipients = AlertRecipients.from_settings(settings.alert_webhooks, settings.alert_routes)
    assert recipients.channels_for("sgcc", "西安") == [XIAN]
    assert recipients.channels_for("sgcc", "榆林") == []
