"""Imports every table module so that SQLModel.metadata knows all tables (Alembic, tests)."""

from sqlmodel import SQLModel

from gridconnect.store import (  # noqa: F401
    auth_tables,
    gov_tables,
    report_tables,
    tables,
)

metadata = SQLModel.metadata
