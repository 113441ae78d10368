"""Imports every table module so that SQLModel.metadata knows all tables (Alembic, tests)."""

from sqlmodel import SQLModel

import gridconnect.store.gov_tables

# selfservice
import gridconnect.store.selfservice_tables  # noqa: F401
from gridconnect.store import auth_tables, report_tables, tables  # noqa: F401
from gridconnect.store import plan_tables as plan_tables  # plans, charges, capacity

metadata = SQLModel.metadata

# outages capability: the outage ledger's tables
from gridconnect.store import outage_tables  # noqa: E402, F401
