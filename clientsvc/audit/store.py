"""The local audit cache: SQLite through SQLAlchemy 2, hash-chained, append-only.

Exactly one thread writes (the workstation engine's). Every event is committed before it takes
effect elsewhere: an item is recorded before it is shown, a decision (with its outbox entry,
in the same transaction) before it is sent. Triggers refuse UPDATE and DELETE of events.
"""

from __future__ import annotations

import hashlib
import json
import logging
import sqlite3
import threading
import weakref
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Column,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    event,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from clientsvc import sqlitedb
from clientsvc.audit.chain import (
    GENESIS,
    ROW_KEYS,
    ChainProblem,
    Receipt,
    event_hash,
    verify_chain,
)
from clientsvc.clock import now_ms
from clientsvc.migrate import upgrade
from clientsvc.protocol.canonical import canonical_bytes
from clientsvc.protocol.errors import ErrorCode, ProtocolError
from clientsvc.protocol.messages import Decision

log = logging.getLogger("authdesk.audit")

CHECKPOINT_EVERY_S = 2.0
SCHEMA_VERSION = 3  # the Alembic head (migrations/versions); meta.schema_version follows it
MIGRATIONS = Path(__file__).with_name("migrations")

metadata = MetaData()

events = Table(
    "events",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("at_ms", Integer, nullable=False),
    Column("kind", String(32), nullable=False),
    Column("request_id", String(64)),
    Column("authorizer_id", String(64)),
    Column("payload", Text, nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False, unique=True),
)

outbox = Table(
    "outbox",
    metadata,
    Column("nonce", String(32), primary_key=True),  # one row per signed decision
    Column("request_id", String(64), nullable=False, index=True),
    Column("authorizer_id", String(64), nullable=False),
    Column("decision", Text, nullable=False),
    Column("state", String(16), nullable=False),  # pending | acked | refused
    Column("detail", Text, nullable=False, default=""),
    Column("created_at", Integer, nullable=False),
    Column("updated_at", Integer, nullable=False),
)

captures = Table(
    "captures",
    metadata,
    Column("sha256", String(64), primary_key=True),  # of the JPEG, as the camera sent it
    Column("request_id", String(64), nullable=False, index=True),
    Column("camera_id", String(64), nullable=False),
    Column("captured_at_us", Integer, nullable=False),
    Column("jpeg", LargeBinary, nullable=False),
)

meta = Table(
    "meta",
    metadata,
    Column("key", String(32), primary_key=True),
    Column("value", Text, nullable=False),
)

receipts = Table(  # the center's signed receipts; the highest head_seq is the sync watermark
    "receipts",
    metadata,
    Column("head_seq", Integer, primary_key=True, autoincrement=False),
    Column("terminal_id", String(64), nullable=False),
    Column("head_hash", String(64), nullable=False),
    Column("count", Integer, nullable=False),
    Column("at_ms", Integer, nullable=False),
    Column("key_id", String(64), nullable=False),
    Column("signature", String(128), nullable=False),
    Column("received_at", Integer, nullable=False),
    Column("n", Integer),  # the receipt's links (version 2; NULL on older receipts)
    Column("prev", String(64)),
    Column("serial", Integer),
    Column("center_prev", String(64)),
)

_GUARDS = (  # re-asserted at every open: a guard dropped by hand comes back
    "CREATE TRIGGER IF NOT EXISTS events_no_update BEFORE UPDATE ON events "
    "BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END",
    "CREATE TRIGGER IF NOT EXISTS events_no_delete BEFORE DELETE ON events "
    "BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END",
    "CREATE TRIGGER IF NOT EXISTS receipts_no_update BEFORE UPDATE ON receipts "
    "BEGIN SELECT RAISE(ABORT, 'receipts are append-only'); END",
    "CREATE TRIGGER IF NOT EXISTS receipts_no_delete BEFORE DELETE ON receipts "
    "BEGIN SELECT RAISE(ABORT, 'receipts are append-only'); END",
)


def _checkpoint_loop(path: Path, stop: threading.Event) -> None:
    """Copy the WAL into the database file every few seconds, on a connection and a thread of
    its own: SQLite's automatic checkpoint would do it inside a commit now and then, and put
    that fsync on the path of a decision. PASSIVE never blocks the writer."""
    db = sqlite3.connect(path, isolation_level=None)
    try:
        while not stop.wait(CHECKPOINT_EVERY_S):
            try:
                db.execute("PRAGMA wal_checkpoint(PASSIVE)")
            except sqlite3.Error as exc:  # busy or full: the next round tries again
                log.warning("audit cache checkpoint: %s", exc)
    finally:
        db.close()


class AuditStore:
    """Open (and create) an audit cache file. Use from one thread only."""

    def __init__(self, path: Path, max_pages: int | None = None) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.engine: Engine = create_engine(f"sqlite:///{path}", future=True)
        sqlitedb.on_connect(self.engine, autocheckpoint=False)
        if max_pages is not None:  # tests: make "the disk" fill up

            def _limit(dbapi_connection: Any, _record: Any) -> None:
                dbapi_connection.execute(f"PRAGMA max_page_count={int(max_pages)}")

            event.listen(self.engine, "connect", _limit)
        try:
            with self.engine.begin() as conn:
                legacy = conn.execute(
                    text("SELECT 1 FROM sqlite_master WHERE type='table' AND name='events'")
                ).first()
                upgrade(conn, MIGRATIONS, stamp_first="0001" if legacy else None)
                for ddl in _GUARDS:
                    conn.execute(text(ddl))
                conn.execute(
                    text("INSERT OR IGNORE INTO meta(key, value) VALUES ('schema_version', :v)"),
                    {"v": str(SCHEMA_VERSION)},
                )
        except SQLAlchemyError as exc:
            raise _storage_error(exc) from exc
        self._head = self._load_head()
        self.last_at_ms = 0
        self._stop_checkpoints = threading.Event()
        self._checkpointer: threading.Thread | None = threading.Thread(
            target=_checkpoint_loop,
            args=(self.path, self._stop_checkpoints),
            name="audit-checkpoint",
            daemon=True,
        )
        self._checkpointer.start()
        # a store dropped without close() stops its checkpoints too (the thread holds only the
        # file's path and the event, never the store)
        weakref.finalize(self, self._stop_checkpoints.set)

    def _load_head(self) -> tuple[int, str]:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(events.c.seq, events.c.hash).order_by(events.c.seq.desc()).limit(1)
            ).first()
        return (0, GENESIS) if row is None else (int(row.seq), str(row.hash))

    def close(self) -> None:
        self._stop_checkpoints.set()
        if self._checkpointer is not None:
            self._checkpointer.join(10)
            self._checkpointer = None
        self.engine.dispose()

    # --- writing ---------------------------------------------------------------------------

    def _row(
        self, kind: str, payload: dict[str, Any], request_id: str | None, authorizer_id: str | None
    ) -> dict[str, Any]:
        seq, prev = self._head
        row: dict[str, Any] = {
            "seq": seq + 1,
            "at_ms": now_ms(),
            "kind": kind,
            "request_id": request_id,
            "authorizer_id": authorizer_id,
            "payload": canonical_bytes(payload).decode("utf-8"),
            "prev_hash": prev,
        }
        row["hash"] = event_hash(prev, row)
        self.last_at_ms = row["at_ms"]  # the time of the latest event built (and then written)
        return row

    def append(
        self,
        kind: str,
        payload: dict[str, Any],
        *,
        request_id: str | None = None,
        authorizer_id: str | None = None,
    ) -> int:
        """Append one event and commit; returns its sequence number."""
        row = self._row(kind, payload, request_id, authorizer_id)
        try:
            with self.engine.begin() as conn:
                _insert_rows(conn, [row])
        except SQLAlchemyError as exc:
            raise _storage_error(exc) from exc
        self._head = (row["seq"], row["hash"])
        return int(row["seq"])

    def append_all(
        self, rows: list[tuple[str, dict[str, Any], str | None]], authorizer_id: str | None
    ) -> None:
        """Append several events (kind, payload, request id) in one commit."""
        built = []
        try:
            for kind, payload, request_id in rows:
                row = self._row(kind, payload, request_id, authorizer_id)
                built.append(row)
                self._head = (row["seq"], row["hash"])  # the next row chains onto this one
            with self.engine.begin() as conn:
                _insert_rows(conn, built)
        except SQLAlchemyError as exc:
            self._head = self._load_head()
            raise _storage_error(exc) from exc
        except BaseException:  # a row that could not be built: the chain's head as written
            self._head = self._load_head()
            raise

    def record_capture(
        self,
        *,
        request_id: str,
        authorizer_id: str,
        camera_id: str,
        captured_at_us: int,
        jpeg: bytes,
    ) -> str:
        """A frame grabbed from the counter camera: the event and the JPEG, in one commit.
        Returns its SHA-256, which the decision then carries."""
        sha = hashlib.sha256(jpeg).hexdigest()
        payload = {
            "sha256": sha,
            "camera_id": camera_id,
            "captured_at_us": captured_at_us,
            "size": len(jpeg),
        }
        row = self._row("frame_grabbed", payload, request_id, authorizer_id)
        try:
            with self.engine.begin() as conn:
                _insert_rows(conn, [row])
                exists = conn.execute(
                    select(captures.c.sha256).where(captures.c.sha256 == sha)
                ).first()
                if exists is None:
                    conn.execute(
                        insert(captures),
                        {
                            "sha256": sha,
                            "request_id": request_id,
                            "camera_id": camera_id,
                            "captured_at_us": captured_at_us,
                            "jpeg": jpeg,
                        },
                    )
        except SQLAlchemyError as exc:
            raise _storage_error(exc) from exc
        self._head = (row["seq"], row["hash"])
        return sha

    def capture(self, sha256: str) -> bytes | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(captures.c.jpeg).where(captures.c.sha256 == sha256)).first()
        return None if row is None else bytes(row.jpeg)

    def record_decision(
        self,
        decision: Decision,
        checklist: dict[str, str] | None = None,
        before: list[tuple[str, dict[str, Any], str | None]] | None = None,
    ) -> int:
        """The decision event and its outbox entry, in one transaction, before it is sent;
        with the checklist as the authorizer ticked it (row id → pass / fail / ""), if any,
        and ``before`` it the events still owed (kind, payload, request id), in that order:
        one commit on the way from F9 to the broker."""
        data = decision.to_dict()
        rows = []
        try:
            for kind, payload, request_id in before or ():
                rows.append(self._row(kind, payload, request_id, decision.authorizer_id))
                self._head = (rows[-1]["seq"], rows[-1]["hash"])
            if checklist:
                rows.append(
                    self._row(
                        "checklist",
                        {"rows": checklist},
                        decision.request_id,
                        decision.authorizer_id,
                    )
                )
                self._head = (rows[-1]["seq"], rows[-1]["hash"])
            row = self._row("decision", data, decision.request_id, decision.authorizer_id)
        except BaseException:  # a row that could not be built: the chain's head as written
            self._head = self._load_head()
            raise
        rows.append(row)
        at = row["at_ms"]
        try:
            with self.engine.begin() as conn:
                _insert_rows(conn, rows)
                conn.exec_driver_sql(
                    "INSERT INTO outbox (nonce, request_id, authorizer_id, decision, state,"
                    " detail, created_at, updated_at) VALUES (?, ?, ?, ?, 'pending', '', ?, ?)",
                    (
                        decision.nonce,
                        decision.request_id,
                        decision.authorizer_id,
                        json.dumps(data, ensure_ascii=False),
                        at,
                        at,
                    ),
                )
        except SQLAlchemyError as exc:
            self._head = self._load_head()
            raise _storage_error(exc) from exc
        self._head = (row["seq"], row["hash"])
        return int(row["seq"])

    def settle_decision(
        self, request_id: str, authorizer_id: str, state: str, detail: str = ""
    ) -> None:
        """Record the broker's answer (acked or refused) and close the outbox entry."""
        row = self._row(f"decision_{state}", {"detail": detail}, request_id, authorizer_id)
        try:
            with self.engine.begin() as conn:
                _insert_rows(conn, [row])
                conn.execute(
                    update(outbox)
                    .where(
                        outbox.c.request_id == request_id,
                        outbox.c.authorizer_id == authorizer_id,
                        outbox.c.state == "pending",
                    )
                    .values(state=state, detail=detail, updated_at=row["at_ms"])
                )
        except SQLAlchemyError as exc:
            raise _storage_error(exc) from exc
        self._head = (row["seq"], row["hash"])

    # --- reading ---------------------------------------------------------------------------

    def pending_decisions(self) -> list[Decision]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(outbox.c.decision).where(outbox.c.state == "pending")).all()
        return [Decision.model_validate(json.loads(r.decision)) for r in rows]

    def outbox_state(self, request_id: str) -> str | None:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(outbox.c.state)
                .where(outbox.c.request_id == request_id)
                .order_by(outbox.c.created_at.desc())
                .limit(1)
            ).first()
        return None if row is None else str(row.state)

    def events(self, kind: str | None = None) -> list[dict[str, Any]]:
        query = select(events).order_by(events.c.seq)
        if kind is not None:
            query = query.where(events.c.kind == kind)
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(query)]

    def count_today(self, authorizer_id: str, since_ms: int) -> tuple[int, int]:
        """(decisions accepted by the broker, total ms from on screen to decided) since a time.

        An item held as "next" is counted from when it was shown (``item_shown``), not from
        when it arrived; it is decided when its decision was signed (the ``decision`` event),
        and counted once the broker accepted it (``decision_acked``)."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(events.c.request_id, events.c.kind, events.c.at_ms)
                .where(
                    events.c.authorizer_id == authorizer_id,
                    events.c.at_ms >= since_ms,
                    events.c.kind.in_(
                        ("item_received", "item_shown", "decision", "decision_acked")
                    ),
                )
                .order_by(events.c.seq)
            ).all()
        shown: dict[str, int] = {}
        decided: dict[str, int] = {}
        count = total = 0
        for r in rows:
            if r.kind == "item_received":
                shown.setdefault(r.request_id, r.at_ms)
            elif r.kind == "item_shown":
                shown[r.request_id] = r.at_ms
            elif r.kind == "decision":
                decided[r.request_id] = r.at_ms
            elif r.request_id in shown and r.request_id in decided:
                count += 1
                total += decided.pop(r.request_id) - shown.pop(r.request_id)
        return count, total

    def verify_chain(self, public: Any = None, anchor: Receipt | None = None) -> list[ChainProblem]:
        """Walk the chain against the receipts kept (``clientsvc.audit.chain.verify_chain``);
        ``public``: the center's receipt key, to check the receipts' signatures too;
        ``anchor``: the center's receipt for its head, asked for now (already verified)."""
        return list(verify_chain(self.events(), self.receipts(), public, anchor=anchor).problems)

    # --- sync to the center -------------------------------------------------------------------

    def watermark(self) -> tuple[int, str]:
        """(seq, hash) of the last event the center has acknowledged; (0, GENESIS) if none."""
        with self.engine.connect() as conn:
            row = conn.execute(
                select(receipts.c.head_seq, receipts.c.head_hash)
                .order_by(receipts.c.head_seq.desc())
                .limit(1)
            ).first()
        return (0, GENESIS) if row is None else (int(row.head_seq), str(row.head_hash))

    def hash_at(self, seq: int) -> str | None:
        with self.engine.connect() as conn:
            value = conn.execute(select(events.c.hash).where(events.c.seq == seq)).scalar()
        return None if value is None else str(value)

    def unsynced(self, after_seq: int, limit: int) -> list[dict[str, Any]]:
        """Up to ``limit`` events after ``after_seq``, in order."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(events).where(events.c.seq > after_seq).order_by(events.c.seq).limit(limit)
            )
            return [dict(r._mapping) for r in rows]

    def backlog(self) -> tuple[int, int | None]:
        """(events not yet at the center, the time of the oldest of them)."""
        synced, _ = self.watermark()
        with self.engine.connect() as conn:
            row = conn.execute(
                select(func.count(), func.min(events.c.at_ms)).where(events.c.seq > synced)
            ).one()
        return int(row[0]), (None if row[1] is None else int(row[1]))

    def record_receipt(self, receipt: Receipt) -> None:
        """Keep a receipt (already verified): it moves the watermark to its ``head_seq``."""
        try:
            with self.engine.begin() as conn:
                conn.execute(
                    sqlite_insert(receipts)
                    .values(**receipt.columns(), received_at=now_ms())
                    .on_conflict_do_nothing()
                )
        except SQLAlchemyError as exc:
            raise _storage_error(exc) from exc

    def receipts(self) -> list[Receipt]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(receipts).order_by(receipts.c.head_seq)).all()
        return [Receipt.from_row(r) for r in rows]

    def last_receipt(self) -> Receipt | None:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(receipts).order_by(receipts.c.head_seq.desc()).limit(1)
            ).first()
        return None if row is None else Receipt.from_row(row)

    def captures_for(self, shas: list[str]) -> dict[str, bytes]:
        if not shas:
            return {}
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(captures.c.sha256, captures.c.jpeg).where(captures.c.sha256.in_(shas))
            ).all()
        return {str(r.sha256): bytes(r.jpeg) for r in rows}


_INSERT_EVENT = (
    "INSERT INTO events (seq, at_ms, kind, request_id, authorizer_id, payload, prev_hash, hash)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)


def _insert_rows(conn: Any, rows: list[dict[str, Any]]) -> None:
    """Events straight to the driver (on the path of every decision: SQLAlchemy's statement
    handling would cost more than the rows)."""
    conn.exec_driver_sql(_INSERT_EVENT, [tuple(r[k] for k in ROW_KEYS) for r in rows])


def _storage_error(exc: SQLAlchemyError) -> ProtocolError:
    message = str(getattr(exc, "orig", exc))
    if isinstance(exc, OperationalError) and "full" in message:
        return ProtocolError(ErrorCode.STORAGE, "the audit cache is full (disk full)")
    return ProtocolError(ErrorCode.STORAGE, f"audit cache write failed: {message[:200]}")
