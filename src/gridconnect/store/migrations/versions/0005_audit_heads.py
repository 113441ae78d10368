"""audit heads: every chain anchored on its application row; TRUNCATE event refused

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27 01:30:00

`application.audit_length` and `application.audit_head` record how many events an
application's chain has and the hash of its last one; the repository updates them in the
transaction that appends events, and `gridconnect audit verify` checks that each chain ends
where its row says, so deleting a chain's tail, a whole chain or the whole table (TRUNCATE
passes row triggers) is found. Existing rows are backfilled here from their events. On
PostgreSQL a statement trigger refuses TRUNCATE of `event` (SQLite has no TRUNCATE; its
DELETE trigger from 0004 already fires for a DELETE without WHERE). The columns are added
with ALTER TABLE ADD COLUMN, so SQLite's batch mode does not rebuild `application` and
the event triggers of 0004 stay in place.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

GENESIS = "0" * 64  # a copy: migrations do not import the code they outlive


def upgrade() -> None:
    with op.batch_alter_table("application", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("audit_length", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(
            sa.Column("audit_head", sa.String(length=64), nullable=False, server_default=GENESIS)
        )
    op.execute(
        """
        UPDATE application SET
            audit_length = COALESCE(
                (SELECT MAX(e.seq) FROM event e WHERE e.application_id = application.id), 0),
            audit_head = COALESCE(
                (SELECT e.hash FROM event e WHERE e.application_id = application.id
                 ORDER BY e.seq DESC LIMIT 1), audit_head)
        """
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE TRIGGER event_no_truncate BEFORE TRUNCATE ON event "
            "FOR EACH STATEMENT EXECUTE FUNCTION event_append_only()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER event_no_truncate ON event")
    # Plain DROP COLUMN (SQLite 3.35+): a batch rebuild of `application` would drop the
    # table, which the foreign keys of every child table refuse.
    op.execute("ALTER TABLE application DROP COLUMN audit_head")
    op.execute("ALTER TABLE application DROP COLUMN audit_length")
