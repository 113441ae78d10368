"""Database upkeep the product does itself: statistics after bulk loads, the autovacuum
check behind `/readyz`, and the online copy of an SQLite database (`gridconnect db backup`).

PostgreSQL plans queries from table statistics that autovacuum keeps up to date; right
after a bulk load (demo data, an import, a restore) there are none, and with autovacuum off
there never are: the month's report was measured at 101 s without them, under a
second with them. So every bulk load the product performs ends with `analyse(...)`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable
from pathlib import Path

from sqlalchemy import Engine, make_url, text

from gridconnect.store.db import is_postgres

# The tables an application's life fills: what a bulk load of applications touches.
APPLICATION_TABLES = (
    "application",
    "stage_visit",
    "document",
    "sla_clock",
    "sla_clock_pause",
    "event",
    "alert",
    "outbox",
    "number_counter",
)


def analyse(engine: Engine, tables: Iterable[str] = APPLICATION_TABLES) -> list[str]:
    """ANALYZE `tables` on PostgreSQL (SQLite plans without statistics); the tables done.

    Names not in the database are skipped, so callers can name what they may have filled.
    """
    if not is_postgres(engine):
        return []
    done = []
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        existing = set(
            connection.execute(
                text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
            ).scalars()
        )
        for table in tables:
            if table in existing:
                connection.execute(text(f'ANALYZE "{table}"'))
                done.append(table)
    return done


def autovacuum_off(engine: Engine) -> bool:
    """True when the PostgreSQL server runs without autovacuum (never on SQLite)."""
    if not is_postgres(engine):
        return False
    with engine.connect() as connection:
        setting = connection.execute(text("SHOW autovacuum")).scalar_one()
    return str(setting).lower() not in ("on", "true", "1")


class NotSQLite(ValueError):
    """`backup_sqlite` copies SQLite files; PostgreSQL has pg_dump (see the README)."""


def sqlite_path(url: str) -> Path:
    parsed = make_url(url)
    if not parsed.drivername.startswith("sqlite") or not parsed.database:
        raise NotSQLite(f"not an SQLite database file: {parsed.render_as_string()}")
    if parsed.database == ":memory:":
        raise NotSQLite("an in-memory database has nothing to back up")
    return Path(parsed.database)


def backup_sqlite(
    url: str,
    target: Path,
    progress: Callable[[int, int], None] | None = None,
    pages_per_step: int = 1024,
) -> int:
    """A consistent copy of the SQLite database at `url` in `target`, while it is in use.

    SQLite's online backup copies `pages_per_step` pages at a time and restarts when a
    writer changes the source meanwhile, so the copy is one moment's database; readers and
    writers of the service go on. `progress(done, total)` gets pages; returns the page count.
    """
    source_path = sqlite_path(url)
    if not source_path.exists():
        raise FileNotFoundError(f"no database file {source_path}")
    if target.resolve() == source_path.resolve():
        raise ValueError("the backup must not overwrite the database itself")
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    source = sqlite3.connect(source_path, timeout=30)
    copy = sqlite3.connect(partial)
    try:

        def step(_status: int, remaining: int, total: int) -> None:
            if progress is not None:
                progress(total - remaining, total)

        source.backup(copy, pages=pages_per_step, progress=step)
        pages = int(copy.execute("PRAGMA page_count").fetchone()[0])
        # A copy in rollback-journal mode is one self-contained file.
        copy.execute("PRAGMA journal_mode=DELETE")
    finally:
        copy.close()
        source.close()
    partial.replace(target)  # never a half-written file under the final name
    return pages
