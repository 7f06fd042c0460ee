"""The center's first schema: events, receipts, images, the broker's log, requests, findings.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from clientsvc.center.models import metadata

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    # the center's first slice (before migrations) had a center_events table without
    # received_ms: keep its rows under another name, start the real table fresh
    inspector = sa.inspect(bind)
    if "center_events" in inspector.get_table_names():
        columns = {c["name"] for c in inspector.get_columns("center_events")}
        if "received_ms" not in columns:
            op.rename_table("center_events", "center_events_slice0")
    # the first revision is the models as they are; later revisions spell out their changes
    metadata.create_all(bind)
