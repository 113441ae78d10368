"""Migration 0009 (customers' self-service) goes up and down again on both databases."""

from __future__ import annotations

from alembic import command
from sqlalchemy import Engine, inspect

from gridconnect.store.db import alembic_config


def test_the_recovery_table_comes_and_goes_with_its_migration(engine: Engine) -> None:
    url = engine.url.render_as_string(hide_password=False)
    assert "recovery_challenge" in inspect(engine).get_table_names()
    command.downgrade(alembic_config(url), "0007")
    assert "recovery_challenge" not in inspect(engine).get_table_names()
    command.upgrade(alembic_config(url), "head")
    assert "recovery_challenge" in inspect(engine).get_table_names()
