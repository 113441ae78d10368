"""Migration 0012 (the government link) goes down and up again on both databases."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from sqlalchemy import inspect

from gridconnect.store.db import alembic_config, make_engine, upgrade

GOV_TABLES = {
    "gov_licence_check",
    "gov_approval",
    "gov_department",
    "gov_inbound_message",
    "gov_lead",
}


def _tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_the_government_link_tables_are_removed_and_rebuilt(
    database_url: str, tmp_path: Path
) -> None:
    url = database_url if database_url.startswith("postgresql") else f"sqlite:///{tmp_path}/m.db"
    upgrade(url)
    assert _tables(url) >= GOV_TABLES
    try:
        command.downgrade(alembic_config(url), "0012-1")
        assert not GOV_TABLES & _tables(url)
        assert "application" in _tables(url)
    finally:
        upgrade(url)
    assert _tables(url) >= GOV_TABLES
