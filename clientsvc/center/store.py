"""The center's storage: audit events from the workstations, the brokers' records, evidence
images; on SQLite (a file, the default) or PostgreSQL (by URL, psycopg 3), through the same
SQLAlchemy models and Alembic migrations.

A push is checked whole before anything is stored, and stored in one transaction: a batch that
does not continue the terminal's chain, carries a decision whose signature does not verify, or
is too large is refused with a code and leaves nothing behind. Storing is idempotent (``INSERT
… ON CONFLICT DO NOTHING``): a batch sent again after a lost receipt stores nothing new and gets
the same receipt.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from pydantic import ValidationError
from sqlalchemy import create_engine, func, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import (
    DataError,
    IntegrityError,
    ProgrammingError,
    SQLAlchemyError,
    StatementError,
)

from clientsvc import sqlitedb
from clientsvc.audit.chain import (
    GENESIS,
    ROW_KEYS,
    ChainReport,
    Receipt,
    ReceiptLinks,
    ReceiptSigner,
    check_batch,
    verify_chain,
)
from clientsvc.center.models import (
    center_broker_log,
    center_events,
    center_findings,
    center_images,
    center_presence,
    center_quarantine,
    center_receipts,
    center_requests,
)
from clientsvc.clock import now_ms
from clientsvc.crosscheck import reading_findings
from clientsvc.dual import DualPolicy
from clientsvc.identity import Directory, decision_signed_bytes
from clientsvc.migrate import upgrade
from clientsvc.protocol import edge
from clientsvc.protocol.canonical import MAX_SAFE_INT
from clientsvc.protocol.edge import check_text
from clientsvc.protocol.errors import ErrorCode, ProtocolError
from clientsvc.protocol.messages import AuthRequest, Decision, Outcome
from clientsvc.reading.signed import SignedReading
from clientsvc.recheck import recheck
from clientsvc.vigilance import dumps_mark, mark_of

log = logging.getLogger("authdesk.center")

MIGRATIONS = Path(__file__).with_name("migrations")
MAX_BATCH_ROWS = 5000  # rows in one audit push
MAX_BROKER_RECORDS = 5000  # records in one broker push
MAX_RECORD_BODY = 4 * 1024 * 1024  # one broker record's body (a request with its evidence refs)
MAX_IMAGES_PER_PUSH = 8
MAX_IMAGE_BYTES = 16 * 1024 * 1024
FINAL_EVENTS = ("approved", "rejected", "returned", "cancelled", "timed_out", "fallback_local")


def database_url(value: str | Path) -> str:
    """A SQLAlchemy URL from a URL or a file path (a path means SQLite)."""
    text_value = str(value)
    if "://" in text_value:
        if text_value.startswith(("postgresql://", "postgres://")):  # choose psycopg 3
            return "postgresql+psycopg://" + text_value.split("://", 1)[1]
        return text_value
    return f"sqlite:///{Path(text_value)}"


@dataclass(frozen=True)
class PushResult:
    receipt: Receipt | None  # None only for a push of no rows from a terminal never heard of
    stored: int  # rows new at the center (0 for a batch sent again)
    want: tuple[str, ...]  # frame grabs referenced and not yet held: send them next


@dataclass(frozen=True)
class CheckedPush:
    """A batch that passed every check needing no database (``CenterStore.check_push``)."""

    terminal_id: str
    rows: list[dict[str, Any]]
    images: dict[str, bytes]
    revoked: list[Decision]  # decisions signed by keys revoked since: stored, with a finding


@dataclass(frozen=True)
class BrokerPushResult:
    held_seq: int
    stored: int
    want: tuple[str, ...]  # evidence images referenced and not yet held
    quarantined: int = 0  # records kept in quarantine (``center_quarantine``)


class CenterStore:
    def __init__(
        self,
        url: str | Path,
        images_dir: Path,
        signer: ReceiptSigner,
        directory: Directory,
        dual: DualPolicy | None = None,
    ) -> None:
        self.url = database_url(url)
        if self.url.startswith("sqlite:///"):
            Path(self.url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        self.engine: Engine = create_engine(self.url, pool_pre_ping=True)
        self.dialect = self.engine.dialect.name
        if self.dialect == "sqlite":
            sqlitedb.on_connect(self.engine, own_transactions=True)
        with self.engine.begin() as conn:
            upgrade(conn, MIGRATIONS)
        self.images_dir = images_dir
        images_dir.mkdir(parents=True, exist_ok=True)
        self.signer = signer
        self.directory = directory
        self.dual = dual or DualPolicy()

    def close(self) -> None:
        self.engine.dispose()

    def _insert(self, table: Any) -> Any:  # the dialect's INSERT, with ON CONFLICT
        if self.dialect == "postgresql":
            return postgresql.insert(table)
        return sqlite.insert(table)

    # --- audit events from a workstation ---------------------------------------------------

    def head(self, conn: Connection, terminal_id: str) -> tuple[int, str]:
        row = conn.execute(
            select(center_events.c.seq, center_events.c.hash)
            .where(center_events.c.terminal_id == terminal_id)
            .order_by(center_events.c.seq.desc())
            .limit(1)
        ).first()
        return (0, GENESIS) if row is None else (int(row.seq), str(row.hash))

    def push(
        self,
        terminal_id: str,
        rows: Sequence[Mapping[str, Any]],
        images: Mapping[str, bytes] | None = None,
    ) -> PushResult:
        """Check and store a batch of a terminal's events (and frame grabs it attaches);
        commit; return the signed receipt."""
        return self.store_push(self.check_push(terminal_id, rows, images))

    def check_push(
        self,
        terminal_id: str,
        rows: Sequence[Mapping[str, Any]],
        images: Mapping[str, bytes] | None = None,
    ) -> CheckedPush:
        """Everything about a batch that needs no database: its shape, that it holds together
        as a chain, its images, every decision's signature. Raises the refusal."""
        batch = _clean_rows(rows)
        if batch:  # the batch holds together by itself (before any signature is looked at)
            check_batch(batch[:1], batch[0]["seq"] - 1, batch[0]["prev_hash"])
            check_batch(batch[1:], batch[0]["seq"], batch[0]["hash"])
        attached = _check_images(images or {})
        self.directory.refresh()  # once per batch: profiles as they are now
        decisions = [self._verified_decision(row) for row in batch if row["kind"] == "decision"]
        revoked = [d for d, was_revoked in decisions if was_revoked]
        return CheckedPush(terminal_id, batch, attached, revoked)

    def store_push(self, checked: CheckedPush) -> PushResult:
        """A checked batch: continues the chain held? Then stored and receipted, one commit."""
        terminal_id, batch, attached = checked.terminal_id, checked.rows, checked.images
        at = now_ms()
        try:
            with self.engine.begin() as conn:
                head_seq, head_hash = self.head(conn, terminal_id)
                old = [r for r in batch if r["seq"] <= head_seq]
                new = [r for r in batch if r["seq"] > head_seq]
                if old:
                    self._check_held(conn, terminal_id, old)
                if new and (new[0]["seq"], new[0]["prev_hash"]) != (head_seq + 1, head_hash):
                    check_batch(new[:1], head_seq, head_hash)  # raises: gap or wrong chain
                self._store_images(conn, attached, terminal_id, at)
                for chunk in range(0, len(new), EVENT_INSERT_ROWS):
                    _insert_events(conn, terminal_id, at, new[chunk : chunk + EVENT_INSERT_ROWS])
                head_seq, head_hash = self.head(conn, terminal_id)
                if new and (head_seq, head_hash) != (new[-1]["seq"], new[-1]["hash"]):
                    raise ProtocolError(  # another push of other rows won the race
                        ErrorCode.CHAIN_BROKEN, "the rows held changed while this batch was stored"
                    )
                receipt = self._receipt(conn, terminal_id, head_seq, head_hash, at, bool(new))
                for decision in checked.revoked:
                    self._finding(
                        conn,
                        decision.request_id,
                        decision.authorizer_id,
                        ErrorCode.UNKNOWN_KEY.value,
                        "signed with a key that has since been revoked",
                        f"audit:{terminal_id}",
                    )
                want = self._missing_images(conn, _captures_of(batch))
        except SQLAlchemyError as exc:
            log.error("audit push from %s not stored: %s", terminal_id, exc)
            raise ProtocolError(ErrorCode.STORAGE, "the center could not store the batch") from exc
        return PushResult(receipt, len(new), want)

    def _receipt(
        self,
        conn: Connection,
        terminal_id: str,
        head_seq: int,
        head_hash: str,
        at: int,
        moved: bool,
    ) -> Receipt | None:
        """The receipt for the head held. A head already receipted (a batch sent again, a push
        of no rows asking for the head) gets the receipt stored for it: one receipt per head,
        the same at the center and the terminal. A new head gets a new receipt, chained to the
        terminal's previous one and to the center's previous one, stored in this commit."""
        if not moved:
            stored = conn.execute(
                select(center_receipts).where(
                    center_receipts.c.terminal_id == terminal_id,
                    center_receipts.c.head_seq == head_seq,
                )
            ).first()
            if stored is not None:
                return Receipt.from_row(stored)
            if head_seq == 0:
                return None  # nothing held, nothing to sign
            # every head stored was receipted in its commit: a head without one is rows added
            # around the center's code. Signing them now would make them look received
            raise ProtocolError(
                ErrorCode.CHAIN_BROKEN,
                f"the center holds rows up to {head_seq} that no receipt covers: its copy was "
                "changed (authdesk center verify)",
            )
        before = conn.execute(
            select(center_receipts)
            .where(center_receipts.c.terminal_id == terminal_id)
            .order_by(center_receipts.c.head_seq.desc())
            .limit(1)
        ).first()
        if before is None:
            n, prev = 1, GENESIS
        else:
            mine = Receipt.from_row(before)
            if mine.n is not None:
                n = mine.n + 1
            else:  # after receipts from before the links: numbered on from their count
                n = (
                    1
                    + conn.execute(
                        select(func.count())
                        .select_from(center_receipts)
                        .where(center_receipts.c.terminal_id == terminal_id)
                    ).scalar_one()
                )
            prev = mine.digest()
        last = conn.execute(
            select(center_receipts)
            .where(center_receipts.c.serial.is_not(None))
            .order_by(center_receipts.c.serial.desc())
            .limit(1)
        ).first()
        serial, center_prev = (
            (1, GENESIS)
            if last is None
            else (
                int(last.serial) + 1,
                Receipt.from_row(last).digest(),
            )
        )
        # the rows held run 1 … head_seq without a gap (every batch continues the chain):
        # their count is head_seq
        receipt = self.signer.sign(
            terminal_id,
            head_seq,
            head_hash,
            head_seq,
            at,
            ReceiptLinks(n, prev, serial, center_prev),
        )
        # a plain INSERT: two pushes racing for the same place in a chain cannot both commit
        # (the key, the unique serial); the loser is answered E_STORAGE and sends again
        conn.execute(center_receipts.insert(), receipt.columns())
        return receipt

    def _check_held(self, conn: Connection, terminal_id: str, rows: list[dict[str, Any]]) -> None:
        """Rows the center holds already must come again unchanged (a batch sent twice)."""
        seqs = [r["seq"] for r in rows]
        held = {
            int(seq): str(digest)
            for seq, digest in conn.execute(
                select(center_events.c.seq, center_events.c.hash).where(
                    center_events.c.terminal_id == terminal_id, center_events.c.seq.in_(seqs)
                )
            )
        }
        for row in rows:
            if held.get(row["seq"]) != row["hash"]:
                raise ProtocolError(
                    ErrorCode.CHAIN_BROKEN,
                    f"seq {row['seq']} is held with another hash: the batch rewrites the past",
                )

    def _verified_decision(self, row: Mapping[str, Any]) -> tuple[Decision, bool]:
        """A decision row's signature must verify with the signer's key in the directory (a
        key revoked since still verifies what it signed before: noted as a finding)."""
        try:
            decision = Decision.model_validate(json.loads(row["payload"]))
        except (ValueError, ValidationError) as exc:
            raise ProtocolError(
                ErrorCode.MALFORMED, f"seq {row['seq']}: not a decision ({exc.__class__.__name__})"
            ) from exc
        if row["authorizer_id"] != decision.authorizer_id:
            raise ProtocolError(
                ErrorCode.BAD_SIGNATURE, f"seq {row['seq']}: the row names another authorizer"
            )
        profile = self.directory.cached(decision.authorizer_id)
        if profile is None or profile.key_id != decision.key_id:
            raise ProtocolError(
                ErrorCode.UNKNOWN_KEY,
                f"seq {row['seq']}: key {decision.key_id} of {decision.authorizer_id} is unknown",
            )
        try:
            profile.public_key.verify(
                bytes.fromhex(decision.signature), decision_signed_bytes(decision.to_dict())
            )
        except (InvalidSignature, ValueError) as exc:
            raise ProtocolError(
                ErrorCode.BAD_SIGNATURE, f"seq {row['seq']}: the decision's signature is wrong"
            ) from exc
        return decision, profile.revoked

    def receipts(self, terminal_id: str | None = None) -> list[Receipt]:
        """A terminal's receipts in head order; every terminal's with ``None``."""
        query = select(center_receipts).order_by(
            center_receipts.c.terminal_id, center_receipts.c.head_seq
        )
        if terminal_id is not None:
            query = query.where(center_receipts.c.terminal_id == terminal_id)
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return [Receipt.from_row(r) for r in rows]

    def events(self, terminal_id: str) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(*[center_events.c[k] for k in ROW_KEYS])
                .where(center_events.c.terminal_id == terminal_id)
                .order_by(center_events.c.seq)
            )
            return [dict(r._mapping) for r in rows]

    def terminals(self) -> list[str]:
        with self.engine.connect() as conn:
            a = conn.execute(select(center_events.c.terminal_id).distinct()).scalars().all()
            b = conn.execute(select(center_receipts.c.terminal_id).distinct()).scalars().all()
        return sorted({*a, *b})

    def verify(self) -> dict[str, ChainReport]:
        """Every terminal's chain against its receipts, every one of which the center holds
        (``authdesk center verify``; the rest of what it checks: ``clientsvc.center.verify``)."""
        public = self.signer.private.public_key()
        return {
            t: verify_chain(self.events(t), self.receipts(t), public, all_held=True)
            for t in self.terminals()
        }

    # --- images --------------------------------------------------------------------------------

    def image_path(self, sha256: str) -> Path:
        return self.images_dir / sha256[:2] / sha256

    def image(self, sha256: str) -> bytes | None:
        try:
            return self.image_path(sha256).read_bytes()
        except FileNotFoundError:
            return None

    def _store_images(
        self, conn: Connection, images: Mapping[str, bytes], source: str, at: int
    ) -> None:
        """Write each image file (durably, by its hash) before its row is committed."""
        for sha, data in images.items():
            path = self.image_path(sha)
            if not path.exists():
                path.parent.mkdir(parents=True, exist_ok=True)
                tmp = path.with_suffix(f".{os.getpid()}.tmp")
                with open(tmp, "wb") as handle:
                    handle.write(data)
                    handle.flush()
                    os.fsync(handle.fileno())
                os.replace(tmp, path)
            conn.execute(
                self._insert(center_images).on_conflict_do_nothing(),
                {"sha256": sha, "size": len(data), "source": source, "first_seen_ms": at},
            )

    def _missing_images(self, conn: Connection, shas: set[str]) -> tuple[str, ...]:
        if not shas:
            return ()
        held = set(
            conn.execute(select(center_images.c.sha256).where(center_images.c.sha256.in_(shas)))
            .scalars()
            .all()
        )
        return tuple(sorted(shas - held))

    # --- the brokers' records ------------------------------------------------------------------

    def broker_head(self, broker_id: str) -> int:
        with self.engine.connect() as conn:
            return self._broker_head(conn, broker_id)

    def _broker_head(self, conn: Connection, broker_id: str) -> int:
        """The last record held: stored, or kept in quarantine (so the feed goes on)."""
        value = conn.execute(
            select(func.max(center_broker_log.c.seq)).where(
                center_broker_log.c.broker_id == broker_id
            )
        ).scalar_one()
        kept = conn.execute(
            select(func.max(center_quarantine.c.seq)).where(
                center_quarantine.c.source == "broker", center_quarantine.c.sender == broker_id
            )
        ).scalar_one()
        return max(int(value or 0), int(kept or 0))

    def broker_push(
        self,
        broker_id: str,
        after_seq: int,
        records: Sequence[Mapping[str, Any]],
        images: Mapping[str, bytes] | None = None,
        workers: Any = None,
    ) -> BrokerPushResult:
        """Store a broker's journal records and the evidence images it attaches; keep each
        request's summary current; re-check the rules of each request that became final.

        ``after_seq`` is the record the broker builds on: it must be the last one held here
        (else ``E_CHAIN_GAP``, and the broker asks again); the records follow it in increasing
        order (the journal's numbering may skip a number a rolled-back write took).

        ``workers``: the authorizers connected to the broker as it pushed (presence from its
        heartbeats, ``presence_rows``); None from a broker that does not say."""
        batch, rejected = _clean_records(records)
        beats = presence_rows(workers) if workers is not None else None
        attached = _check_images(images or {})
        at = now_ms()
        try:
            with self.engine.begin() as conn:
                head = self._broker_head(conn, broker_id)
                everything = [r["seq"] for r in records]  # each checked: an int in range
                if everything and after_seq != head:
                    raise ProtocolError(
                        ErrorCode.CHAIN_GAP,
                        f"the center holds records up to {head}, not {after_seq}",
                    )
                last = head
                for seq in everything:
                    if seq <= last:
                        raise ProtocolError(
                            ErrorCode.CHAIN_GAP, f"record {seq} does not follow {last}"
                        )
                    last = seq
                self._store_images(conn, attached, broker_id, at)
                if beats is not None:
                    self._store_presence(conn, broker_id, beats, at)
                try:  # the whole batch at once: the usual case
                    with conn.begin_nested():
                        evidence = self._store_records(conn, broker_id, batch, at)
                    stored = batch
                except _RECORD_ERRORS:  # one of them cannot be stored: each on its own
                    evidence, stored = set(), []
                    for r in batch:
                        try:
                            with conn.begin_nested():
                                evidence |= self._store_records(conn, broker_id, [r], at)
                            stored.append(r)
                        except _RECORD_ERRORS as exc:
                            rejected.append({**r, "error": _why(exc)})
                for r in rejected:
                    self._quarantine(conn, "broker", broker_id, r, at)
                want = self._missing_images(conn, evidence)
                held = self._broker_head(conn, broker_id)
        except SQLAlchemyError as exc:
            log.error("broker push from %s not stored: %s", broker_id, exc)
            raise ProtocolError(
                ErrorCode.STORAGE, "the center could not store the records"
            ) from exc
        return BrokerPushResult(held, len(stored), want, len(rejected))

    def _store_presence(
        self, conn: Connection, broker_id: str, beats: list[dict[str, Any]], at: int
    ) -> None:
        """Each connected authorizer: last heard at the push's arrival less its silence. One
        no longer named keeps the time it was last heard: it goes stale, then offline."""
        for beat in beats:
            row = {
                "broker_id": broker_id,
                "authorizer_id": beat["authorizer_id"],
                "terminal_id": beat["terminal_id"],
                "state": beat["state"],
                "heard_ms": at - beat["silent_ms"],
                "window_ms": beat["window_ms"],
            }
            stmt = self._insert(center_presence).values(**row)
            conn.execute(
                stmt.on_conflict_do_update(
                    index_elements=["broker_id", "authorizer_id"],
                    set_={k: v for k, v in row.items() if k not in ("broker_id", "authorizer_id")},
                )
            )

    def presence(self) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(select(center_presence))]

    def _store_records(
        self, conn: Connection, broker_id: str, batch: list[dict[str, Any]], at: int
    ) -> set[str]:
        if batch:
            conn.execute(
                self._insert(center_broker_log).on_conflict_do_nothing(),
                [{"broker_id": broker_id, "received_ms": at, **r} for r in batch],
            )
        evidence: set[str] = set()
        for r in batch:
            evidence |= self._apply_record(conn, broker_id, r)
        return evidence

    def _quarantine(
        self, conn: Connection, source: str, sender: str, record: dict[str, Any], at: int
    ) -> None:
        """Keep a record the center cannot store as it is: its bytes (JSON with every
        non-ASCII character escaped, so any text survives, NUL and lone surrogates included)
        and why. It counts as received (the feed goes on after it) and is shown to the lead and
        by ``center verify``."""
        error = str(record.get("error", ""))
        kept = {k: v for k, v in record.items() if k != "error"}
        log.error("%s %s: record %s quarantined: %s", source, sender, record.get("seq"), error)
        conn.execute(
            self._insert(center_quarantine).on_conflict_do_nothing(),
            {
                "source": source,
                "sender": sender,
                "seq": int(record["seq"]),
                "request_id": _ascii(record.get("request_id"), 64),
                "event": _ascii(record.get("event"), 32),
                "record": json.dumps(kept, ensure_ascii=True, sort_keys=True).encode("ascii"),
                "error": _ascii(error, 500),
                "at_ms": at,
            },
        )

    def quarantined(self) -> list[dict[str, Any]]:
        """Every record held in quarantine, oldest first, with its bytes as received."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(center_quarantine).order_by(center_quarantine.c.id)).all()
        return [{**r._mapping, "record": bytes(r.record)} for r in rows]

    def _apply_record(self, conn: Connection, broker_id: str, record: dict[str, Any]) -> set[str]:
        body = edge.loads(record["body"], MAX_RECORD_BODY)
        request_id, kind = record["request_id"], record["event"]
        if kind == "accepted":
            raw = body.get("request", {})
            try:
                request = AuthRequest.model_validate(raw)
            except ValidationError as exc:
                raise ProtocolError(
                    ErrorCode.MALFORMED, f"record {record['seq']}: not a request"
                ) from exc
            try:
                mark = mark_of(body)
            except ValidationError as exc:
                raise ProtocolError(
                    ErrorCode.MALFORMED, f"record {record['seq']}: not a test mark"
                ) from exc
            conn.execute(
                self._insert(center_requests).on_conflict_do_nothing(),
                {
                    "request_id": request_id,
                    "broker_id": broker_id,
                    "teller_id": request.teller_id,
                    "outlet_id": request.outlet_id,
                    "txn_type": request.txn_type,
                    "amount_fen": request.amount_fen,
                    "submitted_ms": record["at_ms"],
                    "state": "pending",
                    "final_ms": None,
                    "decided_by": "",
                    "request": json.dumps(raw, ensure_ascii=False, sort_keys=True),
                    "decisions": "[]",
                    "test": None if mark is None else dumps_mark(mark),
                },
            )
            return {ref.sha256 for ref in request.evidence}
        current = conn.execute(
            select(
                center_requests.c.request,
                center_requests.c.decisions,
                center_requests.c.first_leased_ms,
                center_requests.c.broker_id,
            ).where(center_requests.c.request_id == request_id)
        ).first()
        if current is None:
            return set()  # a record of a request accepted before the log began
        if current.broker_id != broker_id:  # only the broker that accepted it speaks for it
            log.warning(
                "broker %s sent %s for %s, which %s accepted: ignored",
                broker_id,
                kind,
                request_id,
                current.broker_id,
            )
            return set()
        decisions: list[dict[str, Any]] = json.loads(current.decisions)
        if isinstance(body.get("decision"), dict):
            decisions.append(body["decision"])
        values: dict[str, Any] = {"decisions": json.dumps(decisions, ensure_ascii=False)}
        if kind in FINAL_EVENTS:
            values |= {"state": kind, "final_ms": record["at_ms"]}
            values["decided_by"] = "+".join(str(d.get("authorizer_id", "")) for d in decisions)
        if kind == "fallback_local" and isinstance(body.get("local"), dict):
            local = body["local"]  # 本地授权: recorded, and flagged for the lead's review
            values["decided_by"] = f"local:{local.get('supervisor_id', '')}"[:140]
            self._finding(
                conn,
                request_id,
                str(local.get("supervisor_id", "")),
                "LOCAL_AUTHORIZATION",
                f"authorized locally ({local.get('why')}): {local.get('verdict')} "
                f"{local.get('reason_text', '')}".strip(),
                "fallback",
            )
        elif kind == "leased":
            values |= {"state": "in_review", "leased_ms": record["at_ms"]}
            values["leased_to"] = str(body.get("to", ""))[:64]
            if current.first_leased_ms is None:
                values["first_leased_ms"] = record["at_ms"]
        elif kind in ("requeued", "approved_once"):
            values["state"] = "pending"
        conn.execute(
            update(center_requests)
            .where(center_requests.c.request_id == request_id)
            .values(**values)
        )
        if kind in ("approved", "rejected", "returned"):
            self._recheck(conn, request_id, kind, json.loads(current.request), decisions)
        return set()

    def _recheck(
        self,
        conn: Connection,
        request_id: str,
        state: str,
        raw: dict[str, Any],
        decisions: list[dict[str, Any]],
    ) -> None:
        """The rules again, from the signed record alone (``clientsvc.recheck``)."""
        try:
            parsed = [Decision.model_validate(d) for d in decisions]
            request = AuthRequest.model_validate(raw)
            approvals = [d for d in parsed if d.verdict == "approve"]
            outcome = Outcome(
                request_id=request_id,
                state=state,  # type: ignore[arg-type]
                decision=parsed[-1] if parsed else None,
                approvals=approvals if self.dual.approvals_needed(request) > 1 else [],
                server_time=now_ms(),
            )
            findings = recheck(outcome, raw, self.directory, dual=self.dual)
        except (ValidationError, ValueError) as exc:
            self._finding(
                conn, request_id, "", ErrorCode.MALFORMED.value, str(exc)[:500], "recheck"
            )
            return
        for f in findings:
            log.warning("re-check of %s: %s %s", request_id, f.code, f.detail)
            self._finding(conn, request_id, f.authorizer_id, f.code, f.detail, "recheck")
        self._recheck_readings(conn, request_id, request, parsed)

    def _recheck_readings(
        self, conn: Connection, request_id: str, request: AuthRequest, decisions: list[Decision]
    ) -> None:
        """Each decision names a reading the broker kept (or none), and an approval answers
        that reading's mismatches with an override naming them, as the broker checked."""
        held = {r.digest: r.reading for r in self.readings(request_id, conn)}
        for d in decisions:
            if d.reading is not None and d.reading not in held:
                detail = f"the decision names reading {d.reading[:12]}, which the broker never kept"
                self._finding(
                    conn, request_id, d.authorizer_id, "READING_UNKNOWN", detail, "recheck"
                )
                continue
            if d.verdict != "approve" or d.reading is None:
                continue
            missing = sorted(
                f.code
                for f in reading_findings(held[d.reading])
                if d.override is None or f.code not in d.override.findings
            )
            if missing:
                detail = f"approved past the reading's {', '.join(missing)} without an override"
                self._finding(
                    conn,
                    request_id,
                    d.authorizer_id,
                    ErrorCode.OVERRIDE_REQUIRED.value,
                    detail,
                    "recheck",
                )

    def _finding(
        self,
        conn: Connection,
        request_id: str,
        authorizer_id: str,
        code: str,
        detail: str,
        source: str,
    ) -> None:
        conn.execute(
            self._insert(center_findings).on_conflict_do_nothing(),
            {
                "request_id": request_id,
                "authorizer_id": authorizer_id,
                "code": code,
                "detail": detail,
                "source": source,
                "at_ms": now_ms(),
            },
        )

    def findings(self, request_id: str | None = None) -> list[dict[str, Any]]:
        query = select(center_findings).order_by(center_findings.c.id)
        if request_id is not None:
            query = query.where(center_findings.c.request_id == request_id)
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(query)]

    def readings(self, request_id: str, conn: Connection | None = None) -> list[SignedReading]:
        """The machine readings the broker kept for the request (its ``read`` records), in
        the order received; a record that is not a reading is left out (and logged)."""
        query = (
            select(center_broker_log.c.body)
            .where(center_broker_log.c.request_id == request_id)
            .where(center_broker_log.c.event == "read")
            .order_by(center_broker_log.c.seq)
        )

        def parse(rows: Any) -> list[SignedReading]:
            found = []
            for (body,) in rows:
                try:
                    found.append(SignedReading.from_dict(json.loads(body).get("reading")))
                except (ValueError, AttributeError, ProtocolError) as exc:
                    log.warning("a read record of %s is not a reading: %s", request_id, exc)
            return found

        if conn is not None:
            return parse(conn.execute(query))
        with self.engine.connect() as own:
            return parse(own.execute(query))

    def request(self, request_id: str) -> dict[str, Any] | None:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(center_requests).where(center_requests.c.request_id == request_id)
            ).first()
        return None if row is None else dict(row._mapping)

    def integrity_ok(self) -> bool:
        """SQLite's ``PRAGMA integrity_check`` (PostgreSQL: a query that reads every table)."""
        with self.engine.connect() as conn:
            if self.dialect == "sqlite":
                return bool(conn.execute(text("PRAGMA integrity_check")).scalar_one() == "ok")
            for table in (center_events, center_receipts, center_broker_log, center_requests):
                conn.execute(select(func.count()).select_from(table)).scalar_one()
            return True


# --- storing events fast ----------------------------------------------------------------------

EVENT_INSERT_ROWS = 500  # rows per executemany
_EVENT_COLUMNS = ("terminal_id", *ROW_KEYS, "received_ms")  # the table's order


def _insert_events(
    conn: Connection, terminal_id: str, at: int, rows: Sequence[Mapping[str, Any]]
) -> None:
    """``INSERT … ON CONFLICT DO NOTHING`` of many rows, ``ROWS_PER_STATEMENT`` to a
    statement, compiled by SQLAlchemy for the dialect once per size and handed to the driver's
    executemany. One row per statement costs PostgreSQL a round of its pipeline per row (twice
    the time for a batch, measured by ``bench.audit``)."""
    values = [(terminal_id, *[r[k] for k in ROW_KEYS], at) for r in rows]
    k = ROWS_PER_STATEMENT
    whole = len(values) - len(values) % k
    if whole:
        conn.exec_driver_sql(
            _compiled_insert(conn.dialect, k),
            [tuple(x for row in values[i : i + k] for x in row) for i in range(0, whole, k)],
        )
    if whole < len(values):
        rest = values[whole:]
        conn.exec_driver_sql(
            _compiled_insert(conn.dialect, len(rest)), tuple(x for row in rest for x in row)
        )


ROWS_PER_STATEMENT = 20
_COMPILED: dict[tuple[str, int], str] = {}


def _compiled_insert(dialect: Any, rows: int) -> str:
    """The statement for ``rows`` rows, positional parameters row by row in
    ``_EVENT_COLUMNS`` order (checked), as SQLAlchemy compiles it for the dialect (psycopg in
    its ``format`` style: tuples are cheaper for the driver than named parameters)."""
    key = (dialect.name, rows)
    if key not in _COMPILED:
        insert = postgresql.insert if dialect.name == "postgresql" else sqlite.insert
        one = {c: None for c in _EVENT_COLUMNS}
        statement = insert(center_events).values([one] * rows).on_conflict_do_nothing()
        target = type(dialect)(paramstyle="format") if dialect.name == "postgresql" else dialect
        compiled = statement.compile(dialect=target)
        expected = [f"{c}_m{i}" for i in range(rows) for c in _EVENT_COLUMNS]
        if not compiled.positional or list(compiled.positiontup or ()) != expected:
            raise RuntimeError(f"unexpected parameters: {compiled.positiontup}")
        _COMPILED[key] = compiled.string
    return _COMPILED[key]


# --- checking what a push carries ---------------------------------------------------------------


def _clean_rows(rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    if not isinstance(rows, list):
        raise ProtocolError(ErrorCode.MALFORMED, "events must be a list")
    if len(rows) > MAX_BATCH_ROWS:
        raise ProtocolError(ErrorCode.TOO_LARGE, f"{len(rows)} rows: at most {MAX_BATCH_ROWS}")
    clean = []
    for i, row in enumerate(rows):
        if not isinstance(row, dict):
            raise ProtocolError(ErrorCode.MALFORMED, f"row {i} is not an object")
        try:
            item = {
                "seq": row["seq"],
                "at_ms": row["at_ms"],
                "kind": row["kind"],
                "request_id": row["request_id"],
                "authorizer_id": row["authorizer_id"],
                "payload": row["payload"],
                "prev_hash": row["prev_hash"],
                "hash": row["hash"],
            }
        except KeyError as exc:
            raise ProtocolError(ErrorCode.MALFORMED, f"row {i} has no {exc}") from exc
        seq, at, kind, rid, aid = (
            item[k] for k in ("seq", "at_ms", "kind", "request_id", "authorizer_id")
        )
        if (
            type(seq) is not int
            or not 0 < seq <= MAX_SAFE_INT
            or type(at) is not int
            or not 0 <= at <= MAX_SAFE_INT
            or type(kind) is not str
            or not 0 < len(kind) <= 32
            or type(item["payload"]) is not str
            or not _is_hash(item["prev_hash"])
            or not _is_hash(item["hash"])
            or not (rid is None or (type(rid) is str and len(rid) <= 64))
            or not (aid is None or (type(aid) is str and len(aid) <= 64))
        ):
            raise ProtocolError(ErrorCode.MALFORMED, f"row {i} has a field of the wrong type")
        clean.append(item)
    return clean


def _clean_records(
    records: Sequence[Mapping[str, Any]],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The records to store, and those to quarantine (each with its ``error``): a record with
    a place in the feed (a ``seq``) but something else wrong is kept aside, never refused
    with the batch (the broker would send the same batch for ever)."""
    if not isinstance(records, list):
        raise ProtocolError(ErrorCode.MALFORMED, "records must be a list")
    if len(records) > MAX_BROKER_RECORDS:
        raise ProtocolError(
            ErrorCode.TOO_LARGE, f"{len(records)} records: at most {MAX_BROKER_RECORDS}"
        )
    clean: list[dict[str, Any]] = []
    rejected: list[dict[str, Any]] = []
    for i, r in enumerate(records):
        if not isinstance(r, dict):
            raise ProtocolError(ErrorCode.MALFORMED, f"record {i} is not an object")
        seq, at, rid, kind, body = (
            r.get(k) for k in ("seq", "at_ms", "request_id", "event", "body")
        )
        if type(seq) is not int or not 0 < seq <= MAX_SAFE_INT:
            raise ProtocolError(ErrorCode.MALFORMED, f"record {i} has no place (seq) in the feed")
        item = {"seq": seq, "at_ms": at, "request_id": rid, "event": kind, "body": body}
        if (
            type(at) is not int
            or not 0 <= at <= MAX_SAFE_INT
            or not isinstance(rid, str)
            or not 0 < len(rid) <= 64
            or not isinstance(kind, str)
            or not 0 < len(kind) <= 32
            or not isinstance(body, str)
        ):
            rejected.append({**item, "error": f"record {seq} has a field of the wrong type"})
            continue
        try:  # what the edge refuses (a NUL, a lone surrogate, …) is never stored
            check_text(rid, "request_id")
            check_text(kind, "event")
            if not isinstance(edge.loads(body, MAX_RECORD_BODY), dict):
                raise ProtocolError(ErrorCode.MALFORMED, "the body is not a JSON object")
        except ProtocolError as err:
            rejected.append({**item, "error": f"{err.code.value} record {seq}: {err.detail}"})
            continue
        clean.append(item)
    return clean, rejected


# what one record can fail with, storing it or applying it: that record goes to quarantine.
# A lost connection or a database that refuses everything is not one record's fault: it
# fails the push (E_STORAGE), the broker sends it again
_RECORD_ERRORS = (
    DataError,
    IntegrityError,
    ProgrammingError,
    StatementError,
    ProtocolError,
    ValueError,
    TypeError,
    KeyError,
    AttributeError,
    RecursionError,
)


PRESENCE_STATES = ("available", "away", "locked", "signed_out")
MAX_WORKERS = 1000


def presence_rows(workers: Any) -> list[dict[str, Any]]:
    """A push's ``workers``, checked at the edge: a list of at most 1,000 objects, each with an
    authorizer id and a terminal id (ASCII ids), a state, and ``silent_ms`` and ``window_ms``
    (counts up to a day). Anything else is refused whole (``E_MALFORMED``), records and all:
    a broker that sends garbage is broken, and it sends the same records again once fixed."""
    if not isinstance(workers, list) or len(workers) > MAX_WORKERS:
        raise ProtocolError(ErrorCode.MALFORMED, "workers must be a list of at most 1000")
    out = []
    day = 86_400_000
    for w in workers:
        ok = isinstance(w, dict) and all(
            isinstance(w.get(k), str) and _ID_RE.fullmatch(w[k])
            for k in ("authorizer_id", "terminal_id")
        )
        ok = ok and w.get("state") in PRESENCE_STATES
        ok = ok and all(
            type(w.get(k)) is int and 0 <= w[k] <= day for k in ("silent_ms", "window_ms")
        )
        if not ok:
            raise ProtocolError(ErrorCode.MALFORMED, "a worker's presence is not well-formed")
        out.append(
            {k: w[k] for k in ("authorizer_id", "terminal_id", "state", "silent_ms", "window_ms")}
        )
    return out


def _why(exc: BaseException) -> str:
    if isinstance(exc, ProtocolError):
        return f"{exc.code.value} {exc.detail}"
    if isinstance(exc, SQLAlchemyError):
        return f"{exc.__class__.__name__}: {getattr(exc, 'orig', exc)}"
    return f"{exc.__class__.__name__}: {exc}"


def _ascii(value: Any, limit: int) -> str:
    """A text any database holds: non-ASCII and control characters escaped."""
    text_value = value if isinstance(value, str) else ("" if value is None else repr(value))
    return "".join(
        c if " " <= c <= "~" else c.encode("unicode_escape", "backslashreplace").decode("ascii")
        for c in text_value[:limit]
    )[:limit]


def _check_images(images: Mapping[str, bytes]) -> dict[str, bytes]:
    if len(images) > MAX_IMAGES_PER_PUSH:
        raise ProtocolError(
            ErrorCode.TOO_LARGE, f"{len(images)} images: at most {MAX_IMAGES_PER_PUSH} per push"
        )
    for sha, data in images.items():
        if not data or len(data) > MAX_IMAGE_BYTES:
            raise ProtocolError(ErrorCode.TOO_LARGE, f"image {sha[:12]}… is {len(data)} bytes")
        if hashlib.sha256(data).hexdigest() != sha:
            raise ProtocolError(
                ErrorCode.EVIDENCE_MISMATCH, f"image {sha[:12]}… does not match its hash"
            )
    return dict(images)


def _captures_of(rows: list[dict[str, Any]]) -> set[str]:
    shas: set[str] = set()
    for row in rows:
        if row["kind"] == "frame_grabbed":
            try:
                sha = json.loads(row["payload"]).get("sha256")
            except (ValueError, AttributeError):
                continue
            if isinstance(sha, str) and _is_hash(sha):
                shas.add(sha)
    return shas


_HASH = re.compile(r"[0-9a-f]{64}")
_ID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:\-]{0,63}")


def _is_hash(value: Any) -> bool:
    return isinstance(value, str) and _HASH.fullmatch(value) is not None
