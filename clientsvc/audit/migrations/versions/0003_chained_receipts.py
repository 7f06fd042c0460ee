"""Chained receipts (version 2): the center's links kept with each receipt. Receipts kept
before keep their row (the new columns NULL) and keep verifying as version-1 receipts.

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


def upgrade() -> None:
    # ADD COLUMN keeps the table (and its append-only triggers) as it is
    op.add_column("receipts", sa.Column("n", sa.Integer))
    op.add_column("receipts", sa.Column("prev", sa.String(64)))
    op.add_column("receipts", sa.Column("serial", sa.Integer))
    op.add_column("receipts", sa.Column("center_prev", sa.String(64)))
    op.execute("UPDATE meta SET value = '3' WHERE key = 'schema_version'")
