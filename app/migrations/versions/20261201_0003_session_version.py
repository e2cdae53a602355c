"""session version per person; team PIN attempts move to the throttle table

Revision ID: 20261201_0003
Revises: 20261126_0002
Create Date: 2026-12-01 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.models

revision: str = "20261201_0003"
down_revision: str | None = "20261126_0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Existing people start at version 1, the version their current sessions carry.
    with op.batch_alter_table("rep", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("session_version", sa.Integer(), nullable=False, server_default="1")
        )
    # PIN attempts are counted atomically in the throttle table (key pin:team:<id>) now.
    with op.batch_alter_table("team", schema=None) as batch_op:
        batch_op.drop_column("pin_locked_until")
        batch_op.drop_column("pin_window_start")
        batch_op.drop_column("pin_failures")


def downgrade() -> None:
    with op.batch_alter_table("team", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("pin_failures", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(
            sa.Column("pin_window_start", app.models.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("pin_locked_until", app.models.UTCDateTime(timezone=True), nullable=True)
        )
    with op.batch_alter_table("rep", schema=None) as batch_op:
        batch_op.drop_column("session_version")
