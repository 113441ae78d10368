"""Persistence: SQLModel tables, repository and unit of work, Alembic migrations."""
