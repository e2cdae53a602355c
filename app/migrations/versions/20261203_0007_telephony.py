"""telephony: Twilio accounts (sealed auth token), the lock each call set, team extensions

Revision ID: 20261203_0007
Revises: 20261203_0005
Create Date: 2026-12-03 12:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import app.models

revision: str = "20261203_0007"
down_revision: str | None = "20261203_0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "twilio_config",
        sa.Column("company_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("account_sid", sqlmodel.sql.sqltypes.AutoString(length=34), nullable=False),
        sa.Column("auth_token_enc", sqlmodel.sql.sqltypes.AutoString(length=400), nullable=False),
        sa.Column("answer_seconds", sa.Integer(), nullable=False),
        sa.Column("updated_at", app.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["company_id"], ["company.id"]),
        sa.PrimaryKeyConstraint("company_id"),
    )
    op.create_table(
        "call_lock",
        sa.Column("rep_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("company_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("call_sid", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("assignment_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("at", app.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["company_id"], ["company.id"]),
        sa.ForeignKeyConstraint(["rep_id"], ["rep.id"]),
        sa.PrimaryKeyConstraint("rep_id"),
    )
    with op.batch_alter_table("team", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("extension", sqlmodel.sql.sqltypes.AutoString(length=6), nullable=True)
        )
        batch_op.create_index("ux_team_company_extension", ["company_id", "extension"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("team", schema=None) as batch_op:
        batch_op.drop_index("ux_team_company_extension")
        batch_op.drop_column("extension")
    op.drop_table("call_lock")
    op.drop_table("twilio_config")
