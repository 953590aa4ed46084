"""Reminder: index only pending reminders; allow only known states.

The claim looks for pending reminders by ``next_attempt_at``. The first index
covered (state, next_attempt_at) over every row, so it grew with the history of
sent, done and expired reminders; a partial index over pending rows stays as
small as the queue. A CHECK constraint keeps the states to the five the sender
knows, whichever process writes (on SQLite this copies the table: batch mode).

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

PENDING = sa.text("state = 'pending'")
STATES = "state IN ('pending', 'sent', 'done', 'failed', 'expired')"


def upgrade():
    with op.batch_alter_table("reminder", schema=None) as batch_op:
        batch_op.drop_index("ix_reminder_due")
        batch_op.create_check_constraint("state", STATES)
    # Outside batch mode: SQLite's table copy would not keep the partial WHERE.
    op.create_index(
        "ix_reminder_pending",
        "reminder",
        ["next_attempt_at"],
        unique=False,
        sqlite_where=PENDING,
        postgresql_where=PENDING,
    )


def downgrade():
    op.drop_index("ix_reminder_pending", table_name="reminder")
    with op.batch_alter_table("reminder", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_reminder_state"), type_="check")
        batch_op.create_index("ix_reminder_due", ["state", "next_attempt_at"], unique=False)
