"""events out (webhook endpoints and their outbox of deliveries) and the HubSpot connection

Revision ID: 20261203_0008
Revises: 20261203_0007
Create Date: 2026-12-03 12:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import app.models

revision: str = "20261203_0008"
down_revision: str | None = "20261203_0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

S = sqlmodel.sql.sqltypes.AutoString
UTC = app.models.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "webhook_endpoint",
        sa.Column("id", S(), nullable=False),
        sa.Column("company_id", S(), nullable=False),
        sa.Column("url", S(length=2000), nullable=False),
        sa.Column("description", S(length=200), nullable=True),
        sa.Column("events", sa.JSON(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("disabled_reason", S(length=80), nullable=True),
        sa.Column("secret_enc", S(length=400), nullable=False),
        sa.Column("created_at", UTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["company_id"], ["company.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        op.f("ix_webhook_endpoint_company_id"), "webhook_endpoint", ["company_id"], unique=False
    )
    op.create_table(
        "webhook_delivery",
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("endpoint_id", S(), nullable=False),
        sa.Column("company_id", S(), nullable=False),
        sa.Column("msg_id", S(length=40), nullable=False),
        sa.Column("type", S(length=40), nullable=False),
        sa.Column("body", S(), nullable=False),
        sa.Column("state", S(length=12), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_at", UTC(timezone=True), nullable=True),
        sa.Column("claimed_until", UTC(timezone=True), nullable=True),
        sa.Column("last_code", sa.Integer(), nullable=True),
        sa.Column("last_error", S(length=200), nullable=True),
        sa.Column("created_at", UTC(timezone=True), nullable=False),
        sa.Column("done_at", UTC(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["company_id"], ["company.id"]),
        sa.ForeignKeyConstraint(["endpoint_id"], ["webhook_endpoint.id"]),
        sa.PrimaryKeyConstraint("seq"),
    )
    op.create_index("ix_webhook_delivery_due", "webhook_delivery", ["state", "next_at"])
    op.create_index(
        "ix_webhook_delivery_endpoint", "webhook_delivery", ["endpoint_id", "state", "seq"]
    )
    op.create_table(
        "hubspot_config",
        sa.Column("company_id", S(), nullable=False),
        sa.Column("secret_enc", S(length=400), nullable=False),
        sa.Column("team", S(length=40), nullable=False),
        sa.Column("kind", S(length=8), nullable=False),
        sa.Column("updated_at", UTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["company_id"], ["company.id"]),
        sa.PrimaryKeyConstraint("company_id"),
    )
    op.create_table(
        "hubspot_replay",
        sa.Column("company_id", S(), nullable=False),
        sa.Column("key", S(length=200), nullable=False),
        sa.Column("answer", sa.JSON(), nullable=False),
        sa.Column("created_at", UTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["company_id"], ["company.id"]),
        sa.PrimaryKeyConstraint("company_id", "key"),
    )
    op.create_index(
        op.f("ix_hubspot_replay_created_at"), "hubspot_replay", ["created_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_hubspot_replay_created_at"), table_name="hubspot_replay")
    op.drop_table("hubspot_replay")
    op.drop_table("hubspot_config")
    op.drop_index("ix_webhook_delivery_endpoint", table_name="webhook_delivery")
    op.drop_index("ix_webhook_delivery_due", table_name="webhook_delivery")
    op.drop_table("webhook_delivery")
    op.drop_index(op.f("ix_webhook_endpoint_company_id"), table_name="webhook_endpoint")
    op.drop_table("webhook_endpoint")
