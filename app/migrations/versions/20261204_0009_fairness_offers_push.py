"""fairness (weights, daily caps, stride passes), offers, and Web Push subscriptions

Revision ID: 20261204_0009
Revises: 20261203_0008
Create Date: 2026-12-04 12:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import app.models

revision: str = "20261204_0009"
down_revision: str | None = "20261203_0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

S = sqlmodel.sql.sqltypes.AutoString
UTC = app.models.UTCDateTime


def upgrade() -> None:
    with op.batch_alter_table("team") as t:
        t.add_column(sa.Column("offer_seconds", sa.Integer(), nullable=True))
    with op.batch_alter_table("teammember") as t:
        t.add_column(sa.Column("weight", sa.Integer(), nullable=False, server_default="1"))
        t.add_column(sa.Column("cap_lead", sa.Integer(), nullable=True))
        t.add_column(sa.Column("cap_call", sa.Integer(), nullable=True))
    with op.batch_alter_table("turn") as t:
        t.add_column(sa.Column("pass_value", sa.BigInteger(), nullable=False, server_default="0"))
        t.add_column(sa.Column("pass_from", sa.BigInteger(), nullable=False, server_default="0"))
        t.add_column(sa.Column("day", S(length=10), nullable=True))
        t.add_column(sa.Column("day_count", sa.Integer(), nullable=False, server_default="0"))
    with op.batch_alter_table("assignment") as t:
        t.add_column(sa.Column("offer_state", S(length=12), nullable=True))
        t.add_column(sa.Column("offer_expires_at", UTC(timezone=True), nullable=True))
        t.create_index("ix_assignment_offer_expires_at", ["offer_expires_at"], unique=False)
    op.create_table(
        "push_subscription",
        sa.Column("id", S(), nullable=False),
        sa.Column("company_id", S(), nullable=False),
        sa.Column("rep_id", S(), nullable=False),
        sa.Column("endpoint", S(length=2000), nullable=False),
        sa.Column("p256dh", S(length=200), nullable=False),
        sa.Column("auth", S(length=100), nullable=False),
        sa.Column("created_at", UTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["company_id"], ["company.id"]),
        sa.ForeignKeyConstraint(["rep_id"], ["rep.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("endpoint"),
    )
    op.create_index(
        op.f("ix_push_subscription_rep_id"), "push_subscription", ["rep_id"], unique=False
    )
    op.create_table(
        "push_message",
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("subscription_id", S(), nullable=False),
        sa.Column("company_id", S(), nullable=False),
        sa.Column("payload", S(), nullable=False),
        sa.Column("state", S(length=12), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_at", UTC(timezone=True), nullable=True),
        sa.Column("claimed_until", UTC(timezone=True), nullable=True),
        sa.Column("created_at", UTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["company_id"], ["company.id"]),
        sa.ForeignKeyConstraint(["subscription_id"], ["push_subscription.id"]),
        sa.PrimaryKeyConstraint("seq"),
    )
    op.create_index("ix_push_message_due", "push_message", ["state", "next_at"], unique=False)
    op.create_index(
        op.f("ix_push_message_subscription_id"), "push_message", ["subscription_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_push_message_subscription_id"), table_name="push_message")
    op.drop_index("ix_push_message_due", table_name="push_message")
    op.drop_table("push_message")
    op.drop_index(op.f("ix_push_subscription_rep_id"), table_name="push_subscription")
    op.drop_table("push_subscription")
    with op.batch_alter_table("assignment") as t:
        t.drop_index("ix_assignment_offer_expires_at")
        t.drop_column("offer_expires_at")
        t.drop_column("offer_state")
    with op.batch_alter_table("turn") as t:
        for c in ("day_count", "day", "pass_from", "pass_value"):
            t.drop_column(c)
    with op.batch_alter_table("teammember") as t:
        for c in ("cap_call", "cap_lead", "weight"):
            t.drop_column(c)
    with op.batch_alter_table("team") as t:
        t.drop_column("offer_seconds")
