"""Application numbers as the customer sees them, on SQLite and PostgreSQL (PostgreSQL
gives the number in SQL, in the statement that writes the row; SQLite before the row, in
Python: both must agree)."""

from __future__ import annotations

import pytest
from freezegun import freeze_time
from sqlalchemy import text

from factories import receive
from gridconnect.services.applications import get_application
from gridconnect.services.context import Services


@freeze_time("2026-09-28 02:00:00")
def test_a_serial_past_six_digits_keeps_all_its_digits(services: Services) -> None:
    receive(services)
    with services.engine.begin() as connection:
        connection.execute(text("UPDATE number_counter SET last_serial = 999998"))
    received = [receive(services) for _ in range(2)]
    assert [app.number for app in received] == ["SGCC-2026-999999", "SGCC-2026-1000000"]
    assert received[1].id is not None
    assert get_application(services, received[1].id).number == "SGCC-2026-1000000"


@freeze_time("2026-09-28 02:00:00")
def test_a_failed_registration_gives_its_number_back(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    receive(services)
    from gridconnect.services import applications

    def refuse(*_: object) -> None:  # after the number was given, before the commit
        raise RuntimeError("the customer's notice could not be queued")

    with monkeypatch.context() as patched:
        patched.setattr(applications, "_notify_customer", refuse)
        with pytest.raises(RuntimeError):
            receive(services)
    assert receive(services).number == "SGCC-2026-000002"
