"""The center's first schema: events, receipts, images, the broker's log, requests, findings.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

from __future__ import annotations

from alembic import op

from clientsvc.center.models import metadata

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    # the first revision is the models as they are; later revisions spell out their changes
    metadata.create_all(op.get_bind())
