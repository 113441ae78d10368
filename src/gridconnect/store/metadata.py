"""Imports every table module so that SQLModel.metadata knows all tables (Alembic, tests)."""

from sqlmodel import SQLModel

# selfservice
import gridconnect.store.selfservice_tables  # noqa: F401
from gridconnect.store import auth_tables, report_tables, tables  # noqa: F401

metadata = SQLModel.metadata
