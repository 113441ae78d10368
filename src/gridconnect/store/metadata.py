"""Imports every table module so that SQLModel.metadata knows all tables (Alembic, tests)."""

from sqlmodel import SQLModel

from gridconnect.store import auth_tables, report_tables, tables  # noqa: F401

metadata = SQLModel.metadata

# outages capability: the outage ledger's tables
from gridconnect.store import outage_tables  # noqa: E402, F401
