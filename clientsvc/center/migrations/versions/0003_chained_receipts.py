"""Chained receipts (version 2: each names the receipt before it, the terminal's and the
center's) and the quarantine of records the center could not store as they are.

Receipts signed before keep their row as it was (the new columns NULL) and keep verifying as
version-1 receipts; the first chained receipt of a terminal names the last of them.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer, "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("center_receipts") as batch:
        batch.add_column(sa.Column("n", sa.BigInteger))
        batch.add_column(sa.Column("prev", sa.String(64)))
        batch.add_column(sa.Column("serial", sa.BigInteger))
        batch.add_column(sa.Column("center_prev", sa.String(64)))
    op.create_index("center_receipts_serial", "center_receipts", ["serial"], unique=True)
    op.create_table(
        "center_quarantine",
        sa.Column("id", ID, primary_key=True, autoincrement=True),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("sender", sa.String(64), nullable=False),
        sa.Column("seq", sa.BigInteger, nullable=False),
        sa.Column("request_id", sa.String(64), nullable=False),
        sa.Column("event", sa.String(32), nullable=False),
        sa.Column("record", sa.LargeBinary, nullable=False),
        sa.Column("error", sa.Text, nullable=False),
        sa.Column("at_ms", sa.BigInteger, nullable=False),
        sa.UniqueConstraint("source", "sender", "seq", name="center_quarantine_once"),
    )
