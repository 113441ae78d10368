"""A page of the application list: most urgent first, loaded in a fixed number of queries."""

from __future__ import annotations

from freezegun import freeze_time
from sqlalchemy import event

from factories import receive
from gridconnect.services.context import EVERYTHING, Services
from gridconnect.services.listing import Filters, list_applications


def statements_for_a_page(services: Services) -> int:
    seen: list[str] = []

    def count(*args: object) -> None:
        seen.append(str(args[2]))

    event.listen(services.engine, "before_cursor_execute", count)
    try:
        list_applications(services, EVERYTHING, Filters(), "due", limit=50)
    finally:
        event.remove(services.engine, "before_cursor_execute", count)
    return len(seen)


def test_a_page_of_thirty_costs_the_same_queries_as_a_page_of_three(services: Services) -> None:
    with freeze_time("2026-09-28 02:00:00"):
        for _ in range(3):
            receive(services)
        three = statements_for_a_page(services)
        for _ in range(27):
            receive(services, "hv")
        assert statements_for_a_page(services) == three


def test_sorting_by_due_puts_the_most_urgent_first(services: Services) -> None:
    # every application has a clock now (acceptance: 1 working day)
    with freeze_time("2026-09-28 02:00:00") as frozen:
        later = receive(services)  # acceptance due 29 September
        frozen.move_to("2026-09-10 02:00:00")
        earlier = receive(services)  # acceptance due 11 September
        items, total = list_applications(services, EVERYTHING, Filters(), "due")
    assert total == 2
    assert [i["number"] for i in items] == [earlier.number, later.number]
