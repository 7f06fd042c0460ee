"""Presence from the brokers' heartbeats: each broker's push names the authorizers connected to
it and how long since each was last heard; the board shows a workstation silent past its
liveness window as offline (离线), since when it was last heard. A reviewer's verdict takes a
reason code from the authorizer's lists.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "center_presence",
        sa.Column("broker_id", sa.String(64), primary_key=True),
        sa.Column("authorizer_id", sa.String(64), primary_key=True),
        sa.Column("terminal_id", sa.String(64), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("heard_ms", sa.BigInteger, nullable=False),
        sa.Column("window_ms", sa.BigInteger, nullable=False),
    )
    op.add_column("reviews", sa.Column("reason_code", sa.String(8), nullable=True))
