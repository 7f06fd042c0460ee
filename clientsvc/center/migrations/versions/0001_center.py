"""The center's first schema: events, receipts, images, the broker's log, requests, findings.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer, "sqlite")


def upgrade() -> None:
    bind = op.get_bind()
    # the center's first slice (before migrations) had a center_events table without
    # received_ms: keep its rows under another name, start the real table fresh
    inspector = sa.inspect(bind)
    if "center_events" in inspector.get_table_names():
        columns = {c["name"] for c in inspector.get_columns("center_events")}
        if "received_ms" not in columns:
            op.rename_table("center_events", "center_events_slice0")
    op.create_table(
        "center_events",
        sa.Column("terminal_id", sa.String(64), primary_key=True),
        sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("at_ms", sa.BigInteger, nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("request_id", sa.String(64)),
        sa.Column("authorizer_id", sa.String(64)),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.Column("received_ms", sa.BigInteger, nullable=False),
    )
    op.create_index("center_events_request", "center_events", ["request_id"])
    op.create_table(
        "center_receipts",
        sa.Column("terminal_id", sa.String(64), primary_key=True),
        sa.Column("head_seq", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("head_hash", sa.String(64), nullable=False),
        sa.Column("count", sa.BigInteger, nullable=False),
        sa.Column("at_ms", sa.BigInteger, nullable=False),
        sa.Column("key_id", sa.String(64), nullable=False),
        sa.Column("signature", sa.String(128), nullable=False),
    )
    op.create_table(
        "center_images",
        sa.Column("sha256", sa.String(64), primary_key=True),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("source", sa.String(64), nullable=False),
        sa.Column("first_seen_ms", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "center_broker_log",
        sa.Column("broker_id", sa.String(64), primary_key=True),
        sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("at_ms", sa.BigInteger, nullable=False),
        sa.Column("request_id", sa.String(64), nullable=False),
        sa.Column("event", sa.String(32), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("received_ms", sa.BigInteger, nullable=False),
    )
    op.create_index("center_broker_log_request", "center_broker_log", ["request_id"])
    op.create_table(
        "center_requests",
        sa.Column("request_id", sa.String(64), primary_key=True),
        sa.Column("broker_id", sa.String(64), nullable=False),
        sa.Column("teller_id", sa.String(64), nullable=False),
        sa.Column("outlet_id", sa.String(64), nullable=False),
        sa.Column("txn_type", sa.String(64), nullable=False),
        sa.Column("amount_fen", sa.BigInteger, nullable=False),
        sa.Column("submitted_ms", sa.BigInteger, nullable=False),
        sa.Column("state", sa.String(32), nullable=False),
        sa.Column("final_ms", sa.BigInteger),
        sa.Column("decided_by", sa.String(140), nullable=False),
        sa.Column("request", sa.Text, nullable=False),
        sa.Column("decisions", sa.Text, nullable=False),
    )
    op.create_index("center_requests_submitted", "center_requests", ["submitted_ms"])
    op.create_table(
        "center_findings",
        sa.Column("id", ID, primary_key=True, autoincrement=True),
        sa.Column("request_id", sa.String(64), nullable=False),
        sa.Column("authorizer_id", sa.String(64), nullable=False),
        sa.Column("code", sa.String(32), nullable=False),
        sa.Column("detail", sa.Text, nullable=False),
        sa.Column("source", sa.String(64), nullable=False),
        sa.Column("at_ms", sa.BigInteger, nullable=False),
        sa.UniqueConstraint(
            "request_id", "authorizer_id", "code", "source", name="center_findings_once"
        ),
    )
