"""The wrong-access-code limit holds under parallel guesses (real threads, on
PostgreSQL and SQLite): exactly five guesses are evaluated, every other one gets 429."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import text

from factories import new_application
from gridconnect.services.attempts import TooManyAttempts
from gridconnect.services.public import (
    MAX_WRONG_CODES,
    StatusNotFound,
    apply_online,
    public_status,
)

SECRET = "race-test-secret-0123456789-0123456789"
GUESSES = 30


def _guess_in_parallel(services, number: str, code_of: Callable[[int], str]) -> list[str]:
    """GUESSES threads released together, guess i trying `code_of(i)`; what each was told:
    "read" (the status), "evaluated" (a wrong code, answered 404) or "refused" (429)."""
    start = threading.Barrier(GUESSES)

    def guess(i: int) -> str:
        start.wait()
        try:
            public_status(services, number, code_of(i), SECRET)
        except StatusNotFound:
            return "evaluated"
        except TooManyAttempts:
            return "refused"
        return "read"

    with ThreadPoolExecutor(GUESSES) as pool:
        return list(pool.map(guess, range(GUESSES)))


def test_thirty_parallel_wrong_codes_get_exactly_five_evaluated(services, engine):
    app, _code = apply_online(services, new_application("lv_residential"), SECRET)
    answers = _guess_in_parallel(services, app.number, lambda i: f"WRONG-{i:04d}")
    assert answers.count("evaluated") == MAX_WRONG_CODES
    assert answers.count("refused") == GUESSES - MAX_WRONG_CODES
    with engine.connect() as connection:
        recorded = connection.execute(
            text("SELECT count(*) FROM attempt WHERE subject LIKE 'code-client:%'")
        ).scalar_one()
    # Each evaluated guess is counted once against the guessing client (and once against
    # the number: the second limit).
    assert recorded == MAX_WRONG_CODES


def test_the_right_code_among_parallel_wrong_ones_never_lets_a_sixth_guess_through(
    services, engine
):
    app, code = apply_online(services, new_application("lv_residential"), SECRET)
    answers = _guess_in_parallel(
        services, app.number, lambda i: code if i == 7 else f"WRONG-{i:04d}"
    )
    # The right code is only compared while fewer than five wrong ones are recorded; once it
    # is, it counts for nothing. Either way no more than five wrong codes are evaluated.
    assert answers.count("evaluated") == MAX_WRONG_CODES
    assert answers.count("read") <= 1
    assert answers.count("refused") == GUESSES - MAX_WRONG_CODES - answers.count("read")
