"""The lead's desk: lease times on requests; samples, their items, re-reviews, findings.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer, "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("center_requests") as batch:
        batch.add_column(sa.Column("first_leased_ms", sa.BigInteger))
        batch.add_column(sa.Column("leased_ms", sa.BigInteger))
        batch.add_column(sa.Column("leased_to", sa.String(64)))
    op.create_table(
        "samples",
        sa.Column("sample_id", sa.String(16), primary_key=True),
        sa.Column("day_from", sa.String(10), nullable=False),
        sa.Column("day_to", sa.String(10), nullable=False),
        sa.Column("seed", sa.BigInteger, nullable=False),
        sa.Column("plan", sa.Text, nullable=False),
        sa.Column("plan_fingerprint", sa.String(64), nullable=False),
        sa.Column("eligible_hash", sa.String(64), nullable=False),
        sa.Column("eligible", sa.Text, nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("created_ms", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "sample_items",
        sa.Column("sample_id", sa.String(16), primary_key=True),
        sa.Column("request_id", sa.String(64), primary_key=True),
        sa.Column("how", sa.String(16), nullable=False),
        sa.Column("txn_type", sa.String(64), nullable=False),
        sa.Column("weight", sa.String(32), nullable=False),
        sa.Column("added_by", sa.String(64), nullable=False),
    )
    op.create_table(
        "reviews",
        sa.Column("sample_id", sa.String(16), primary_key=True),
        sa.Column("request_id", sa.String(64), primary_key=True),
        sa.Column("reviewer", sa.String(64), primary_key=True),
        sa.Column("verdict", sa.String(16), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("at_ms", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "review_findings",
        sa.Column("id", ID, primary_key=True, autoincrement=True),
        sa.Column("sample_id", sa.String(16), nullable=False),
        sa.Column("request_id", sa.String(64), nullable=False),
        sa.Column("reviewer", sa.String(64), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("category", sa.String(8), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("at_ms", sa.BigInteger, nullable=False),
        sa.Column("state", sa.String(24), nullable=False),
        sa.Column("confirmed_by", sa.String(64)),
        sa.Column("confirmed_ms", sa.BigInteger),
        sa.UniqueConstraint("sample_id", "request_id", name="review_findings_once"),
    )
