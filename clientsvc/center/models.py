"""The center's tables: SQLAlchemy Core, the same on SQLite and PostgreSQL.

Times are milliseconds since the epoch (``BigInteger``: PostgreSQL's ``integer`` is 32-bit).
Every table written by a push is keyed so that storing the same thing twice changes nothing
(``INSERT … ON CONFLICT DO NOTHING``).
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

# every audit event of every terminal, as the terminal chained it
center_events = Table(
    "center_events",
    metadata,
    Column("terminal_id", String(64), primary_key=True),
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("at_ms", BigInteger, nullable=False),
    Column("kind", String(32), nullable=False),
    Column("request_id", String(64)),
    Column("authorizer_id", String(64)),
    Column("payload", Text, nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    Column("received_ms", BigInteger, nullable=False),
    Index("center_events_request", "request_id"),
)

# every receipt the center signed: what ``verify`` checks the chains against
center_receipts = Table(
    "center_receipts",
    metadata,
    Column("terminal_id", String(64), primary_key=True),
    Column("head_seq", BigInteger, primary_key=True, autoincrement=False),
    Column("head_hash", String(64), nullable=False),
    Column("count", BigInteger, nullable=False),
    Column("at_ms", BigInteger, nullable=False),
    Column("key_id", String(64), nullable=False),
    Column("signature", String(128), nullable=False),
    # the links (receipt version 2; NULL on receipts signed before them): this terminal's
    # n-th receipt and the previous one's digest; the center's serial-th and the previous one's
    Column("n", BigInteger),
    Column("prev", String(64)),
    Column("serial", BigInteger),
    Column("center_prev", String(64)),
    Index("center_receipts_serial", "serial", unique=True),
)

# records the center could not store as they are (a text PostgreSQL cannot hold, any error of
# one record): kept here with their bytes, for the lead and ``center verify``; the rest of the
# batch goes on, and the feed with it
center_quarantine = Table(
    "center_quarantine",
    metadata,
    Column(
        "id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    ),
    Column("source", String(16), nullable=False),  # broker
    Column("sender", String(64), nullable=False),  # the broker's id
    Column("seq", BigInteger, nullable=False),
    Column("request_id", String(64), nullable=False),
    Column("event", String(32), nullable=False),
    Column("record", LargeBinary, nullable=False),  # the record as received (JSON, ASCII-escaped)
    Column("error", Text, nullable=False),
    Column("at_ms", BigInteger, nullable=False),
    UniqueConstraint("source", "sender", "seq", name="center_quarantine_once"),
)

# evidence images and frame grabs, content-addressed: the bytes are files named by SHA-256
center_images = Table(
    "center_images",
    metadata,
    Column("sha256", String(64), primary_key=True),
    Column("size", BigInteger, nullable=False),
    Column("source", String(64), nullable=False),  # the terminal or broker that sent it first
    Column("first_seen_ms", BigInteger, nullable=False),
)

# the broker's journal, record by record: every request, including those no workstation saw
center_broker_log = Table(
    "center_broker_log",
    metadata,
    Column("broker_id", String(64), primary_key=True),
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("at_ms", BigInteger, nullable=False),
    Column("request_id", String(64), nullable=False),
    Column("event", String(32), nullable=False),
    Column("body", Text, nullable=False),
    Column("received_ms", BigInteger, nullable=False),
    Index("center_broker_log_request", "request_id"),
)

# one row per request, kept current from the broker's log
center_requests = Table(
    "center_requests",
    metadata,
    Column("request_id", String(64), primary_key=True),
    Column("broker_id", String(64), nullable=False),
    Column("teller_id", String(64), nullable=False),
    Column("outlet_id", String(64), nullable=False),
    Column("txn_type", String(64), nullable=False),
    Column("amount_fen", BigInteger, nullable=False),
    Column("submitted_ms", BigInteger, nullable=False),
    Column("state", String(32), nullable=False),
    Column("final_ms", BigInteger),
    Column("decided_by", String(140), nullable=False, default=""),  # authorizer ids, "+"-joined
    Column("request", Text, nullable=False),
    Column("decisions", Text, nullable=False, default="[]"),  # every accepted decision, in order
    Column("first_leased_ms", BigInteger),  # first shown to an authorizer (queue wait ends)
    Column("leased_ms", BigInteger),  # the latest lease (the decision's)
    Column("leased_to", String(64)),
    # a vigilance test item: its mark (pack, case, lead, defect) as JSON; NULL for a real one
    Column("test", Text, nullable=True),
    Index("center_requests_submitted", "submitted_ms"),
)

# what the center's re-check of the rules found (and signatures by keys since revoked)
center_findings = Table(
    "center_findings",
    metadata,
    Column(
        "id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    ),
    Column("request_id", String(64), nullable=False),
    Column("authorizer_id", String(64), nullable=False),
    Column("code", String(32), nullable=False),
    Column("detail", Text, nullable=False),
    Column("source", String(64), nullable=False),
    Column("at_ms", BigInteger, nullable=False),
    UniqueConstraint("request_id", "authorizer_id", "code", "source", name="center_findings_once"),
)


ID = BigInteger().with_variant(Integer, "sqlite")

# the lead's samples: plan, seed and eligible set recorded, so the draw can be re-run
samples = Table(
    "samples",
    metadata,
    Column("sample_id", String(16), primary_key=True),
    Column("day_from", String(10), nullable=False),
    Column("day_to", String(10), nullable=False),
    Column("seed", BigInteger, nullable=False),
    Column("plan", Text, nullable=False),
    Column("plan_fingerprint", String(64), nullable=False),
    Column("eligible_hash", String(64), nullable=False),
    Column("eligible", Text, nullable=False),
    Column("created_by", String(64), nullable=False),
    Column("created_ms", BigInteger, nullable=False),
)

sample_items = Table(
    "sample_items",
    metadata,
    Column("sample_id", String(16), primary_key=True),
    Column("request_id", String(64), primary_key=True),
    Column("how", String(16), nullable=False),  # drawn | minimum | manual
    Column("txn_type", String(64), nullable=False),
    Column("weight", String(32), nullable=False),
    Column("added_by", String(64), nullable=False),
)

# a reviewer's own verdict, recorded before the original decision is shown (blind)
reviews = Table(
    "reviews",
    metadata,
    Column("sample_id", String(16), primary_key=True),
    Column("request_id", String(64), primary_key=True),
    Column("reviewer", String(64), primary_key=True),
    Column("verdict", String(16), nullable=False),
    Column("note", Text, nullable=False),
    Column("at_ms", BigInteger, nullable=False),
    Column("reason_code", String(8), nullable=True),  # R.. / T.. as the authorizer's lists
)

# 差错认定: no error, or an error of a category, confirmed by a second person
review_findings = Table(
    "review_findings",
    metadata,
    Column("id", ID, primary_key=True, autoincrement=True),
    Column("sample_id", String(16), nullable=False),
    Column("request_id", String(64), nullable=False),
    Column("reviewer", String(64), nullable=False),
    Column("outcome", String(16), nullable=False),  # no_error | error
    Column("category", String(8), nullable=False),  # "" or a code of ERROR_CATEGORIES
    Column("note", Text, nullable=False),
    Column("at_ms", BigInteger, nullable=False),
    Column(
        "state", String(24), nullable=False
    ),  # final | awaiting_confirmation | confirmed | rejected
    Column("confirmed_by", String(64)),
    Column("confirmed_ms", BigInteger),
    UniqueConstraint("sample_id", "request_id", name="review_findings_once"),
)

# presence from the brokers' heartbeats (``broker.push`` ``workers``): when the center last
# knew each authorizer's workstation to be connected, on the center's clock (the push's
# arrival less the broker's "silent for"), and the broker's liveness window
center_presence = Table(
    "center_presence",
    metadata,
    Column("broker_id", String(64), primary_key=True),
    Column("authorizer_id", String(64), primary_key=True),
    Column("terminal_id", String(64), nullable=False),
    Column("state", String(16), nullable=False),
    Column("heard_ms", BigInteger, nullable=False),
    Column("window_ms", BigInteger, nullable=False),
)
