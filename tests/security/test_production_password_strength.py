"""Staff passwords are stored as argon2id at production strength.

The test suite hashes with a cheap hasher (tests/fast_hashing.py) so that creating users costs
nothing; these tests make sure that shortcut never reaches a real process. The command line
runs in a child process, which loads no conftest, exactly as an administrator runs it.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from argon2 import extract_parameters
from argon2.profiles import RFC_9106_LOW_MEMORY
from sqlalchemy import Engine, text

# Each test starts a Python process; the first also hashes at full strength.
pytestmark = pytest.mark.slow


def _add_user_from_the_command_line(engine: Engine, environment: str) -> str:
    env = {
        **os.environ,
        "GRIDCONNECT_ENVIRONMENT": environment,
        "GRIDCONNECT_DATABASE_URL": engine.url.render_as_string(hide_password=False),
        "GRIDCONNECT_SECRET_KEY": "a-production-secret-of-sufficient-length-0123456789",
    }
    command = ["users", "add", "wang", "--role", "clerk", "--company", "sgcc", "--city", "西安"]
    result = subprocess.run(
        [sys.executable, "-m", "gridconnect.cli", *command],
        input="s3cret-pass\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    with engine.connect() as connection:
        stored: str = connection.execute(
            text("SELECT password_hash FROM app_user WHERE username = 'wang'")
        ).scalar_one()
    return stored


def test_a_user_added_in_production_gets_an_argon2id_hash_at_full_strength(
    engine: Engine,
) -> None:
    stored = _add_user_from_the_command_line(engine, "production")
    assert stored.startswith("$argon2id$")
    parameters = extract_parameters(stored)
    assert parameters == RFC_9106_LOW_MEMORY
    assert parameters.time_cost >= 3
    assert parameters.memory_cost >= 64 * 1024  # KiB


def test_the_cheap_test_hasher_is_not_what_the_package_ships() -> None:
    # In a fresh interpreter (no conftest) the package's hasher is the strong one.
    probe = (
        "from gridconnect.services import users; h = users._hasher; "
        "print(h.time_cost, h.memory_cost, h.parallelism)"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.split() == ["3", str(64 * 1024), "4"]
