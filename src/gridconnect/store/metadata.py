"""Imports every table module so that SQLModel.metadata knows all tables (Alembic, tests)."""

from sqlmodel import SQLModel

from gridconnect.store import (  # noqa: F401
    auth_tables,
    plan_tables,  # supply plans, charges, capacity (issue 16)
    report_tables,
    tables,
)

metadata = SQLModel.metadata
