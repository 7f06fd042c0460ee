"""Vigilance test items: a request the broker slipped into the queue from a lead's signed test
pack carries its mark (pack, case, defect) from the broker's journal; the figures leave it
out, and the lead's desk counts what each authorizer caught.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("center_requests") as batch:
        batch.add_column(sa.Column("test", sa.Text, nullable=True))
