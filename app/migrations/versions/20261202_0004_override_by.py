"""who set a team's override, and when (shown to its members); default profiles for everyone
who has none (they are now made when a person is added, no longer when a page first lists them)

Revision ID: 20261202_0004
Revises: 20261201_0003
Create Date: 2026-12-02 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.models

revision: str = "20261202_0004"
down_revision: str | None = "20261201_0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("team", schema=None) as batch_op:
        batch_op.add_column(sa.Column("override_by", sa.String(length=120), nullable=True))
        batch_op.add_column(
            sa.Column("override_at", app.models.UTCDateTime(timezone=True), nullable=True)
        )
    _default_profiles()


def _default_profiles() -> None:
    """Everyone without profiles gets the defaults (a page read used to make them)."""
    from app.domain.presence import DEFAULT_PROFILES

    conn = op.get_bind()
    bare = conn.execute(
        sa.text("SELECT id FROM rep WHERE id NOT IN (SELECT DISTINCT rep_id FROM profile)")
    ).scalars()
    rows = [
        {"id": app.models.new_id(), "rep_id": rep_id, "name": d.name, "status": d.status.value,
         "minutes": d.minutes, "position": position}
        for rep_id in list(bare)
        for position, d in enumerate(DEFAULT_PROFILES)
    ]  # fmt: skip
    if rows:
        conn.execute(
            sa.text(
                "INSERT INTO profile (id, rep_id, name, status, minutes, position)"
                " VALUES (:id, :rep_id, :name, :status, :minutes, :position)"
            ),
            rows,
        )


def downgrade() -> None:
    with op.batch_alter_table("team", schema=None) as batch_op:
        batch_op.drop_column("override_at")
        batch_op.drop_column("override_by")
