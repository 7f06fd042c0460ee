"""The center's signed receipts, kept by the workstation: the highest one is the sync
watermark (every event up to its ``head_seq`` is at the center). Receipts are append-only.

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


def upgrade() -> None:
    op.create_table(
        "receipts",
        sa.Column("head_seq", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("terminal_id", sa.String(64), nullable=False),
        sa.Column("head_hash", sa.String(64), nullable=False),
        sa.Column("count", sa.Integer, nullable=False),
        sa.Column("at_ms", sa.Integer, nullable=False),
        sa.Column("key_id", sa.String(64), nullable=False),
        sa.Column("signature", sa.String(128), nullable=False),
        sa.Column("received_at", sa.Integer, nullable=False),
    )
    op.execute(
        "CREATE TRIGGER receipts_no_update BEFORE UPDATE ON receipts "
        "BEGIN SELECT RAISE(ABORT, 'receipts are append-only'); END"
    )
    op.execute(
        "CREATE TRIGGER receipts_no_delete BEFORE DELETE ON receipts "
        "BEGIN SELECT RAISE(ABORT, 'receipts are append-only'); END"
    )
    op.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")
