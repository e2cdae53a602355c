"""reps' ids in other systems: rep.external_ids and the rep_external_id uniqueness index

Revision ID: 20261203_0005
Revises: 20261202_0004
Create Date: 2026-12-03 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261203_0005"
down_revision: str | None = "20261202_0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("rep", schema=None) as batch_op:
        batch_op.add_column(sa.Column("external_ids", sa.JSON(), nullable=True))
    op.create_table(
        "rep_external_id",
        sa.Column("rep_id", sa.String(), nullable=False),
        sa.Column("system", sa.String(length=32), nullable=False),
        sa.Column("company_id", sa.String(), nullable=False),
        sa.Column("value", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["company_id"], ["company.id"]),
        sa.ForeignKeyConstraint(["rep_id"], ["rep.id"]),
        sa.PrimaryKeyConstraint("rep_id", "system"),
        sa.UniqueConstraint("company_id", "system", "value"),
    )


def downgrade() -> None:
    op.drop_table("rep_external_id")
    with op.batch_alter_table("rep", schema=None) as batch_op:
        batch_op.drop_column("external_ids")
