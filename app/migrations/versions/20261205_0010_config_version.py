"""company.config_version: raised by every write to what the hook prepares once per company

Revision ID: 20261205_0010
Revises: 20261204_0009
Create Date: 2026-12-05 12:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261205_0010"
down_revision: str | None = "20261204_0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("company") as t:
        t.add_column(sa.Column("config_version", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("company") as t:
        t.drop_column("config_version")
