"""Edits to the audit trail by someone who can write the files, each found by the commands a
reviewer runs: ``authdesk admin audit-verify`` (the workstation's cache, with the center's head
asked for over its socket), ``authdesk center verify`` and ``authdesk center compare``.

A workstation's cache synced to a real center service (on a thread, on loopback) with the
workstation's own ``CenterSync``; the files edited with sqlite3 as an attacker would (the
append-only triggers dropped first); the commands run as real processes."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import zmq

from app.config import load_settings
from clientsvc.audit.chain import (
    GENESIS,
    event_hash,
    read_receipt_public,
    read_receipt_signer,
    write_receipt_key,
)
from clientsvc.audit.store import AuditStore
from clientsvc.audit.sync import CenterSync, SyncConfig
from clientsvc.center.service import CenterService
from clientsvc.center.store import CenterStore
from clientsvc.protocol.messages import request_digest
from tests.helpers import authdesk, free_port, make_identities, request

TERMINAL = "WS1"
OTHER = "WS2"


@dataclass
class Trail:
    data: Path  # the center's data directory (and WS1's: its audit.sqlite3, its settings)
    endpoint: str
    store: CenterStore
    cache: Path  # WS1's audit cache
    ids: Any

    @property
    def center_db(self) -> Path:
        return self.data / "center.sqlite3"

    def run(self, *args: str) -> tuple[int, str]:
        env = {
            "AUTHDESK_TRANSPORT": "plain",
            "AUTHDESK_CENTER_ENDPOINT": self.endpoint,
            "AUTHDESK_TERMINAL_ID": TERMINAL,
        }
        proc = authdesk(*args, "--data-dir", str(self.data), env=env)
        output, _ = proc.communicate(timeout=120)
        return proc.returncode, output

    def center_verify(self) -> tuple[int, str]:
        return self.run("center", "verify", "--db", str(self.center_db))

    def audit_verify(self) -> tuple[int, str]:
        return self.run("admin", "audit-verify")


def _sync(endpoint: str, public: Any, cache: Path, terminal: str, rounds: int) -> None:
    """``rounds`` rounds of 10 events, each synced to the center before the next (batches of
    10: one receipt a round)."""
    audit = AuditStore(cache)
    sync = CenterSync(
        SyncConfig(endpoint, terminal, public, batch=10, poll_ms=0, retry_ms=0, window=1),
        audit,
        lambda _status: None,
        context=zmq.Context.instance(),
    )
    try:
        for r in range(rounds):
            for i in range(10):
                audit.append("item_received", {"round": r, "i": i}, request_id=f"R{r}-{i}")
            sync.tick(idle=True)
            while audit.backlog()[0]:
                if not sync.pump(10_000):
                    raise AssertionError("the center did not answer")
    finally:
        sync.close()
        audit.close()


@pytest.fixture
def trail(tmp_path: Path) -> Iterator[Trail]:
    data = tmp_path / "data"
    ids = make_identities(data)
    settings = load_settings(None, env={}, data_dir=data)
    write_receipt_key(settings.receipt_secret("center"), settings.receipt_public("center"))
    public = read_receipt_public(settings.receipt_public("center"))
    signer = read_receipt_signer(settings.receipt_secret("center"))
    store = CenterStore(data / "center.sqlite3", data / "images", signer, ids.directory)
    endpoint = f"tcp://127.0.0.1:{free_port()}"
    service = CenterService(endpoint, store, context=zmq.Context.instance())
    thread = threading.Thread(target=service.serve_forever, name="center")
    thread.start()
    assert service.bound.wait(10)
    try:
        cache = settings.audit_path
        _sync(endpoint, public, cache, TERMINAL, rounds=3)  # rows 1–30, receipts at 10, 20, 30
        yield Trail(data, endpoint, store, cache, ids)
    finally:
        service.stop()
        thread.join(10)
        store.close()


def _edit(path: Path, *sql: str, params: tuple[Any, ...] = ()) -> None:
    db = sqlite3.connect(path)
    for trigger in db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
        db.execute(f"DROP TRIGGER {trigger[0]}")  # the attacker writes the file
    for statement in sql:
        db.execute(statement, params if "?" in statement else ())
    db.commit()
    db.close()


def _rehash(path: Path, table: str, from_seq: int, where: str = "") -> None:
    """Re-write rows ``from_seq``… (another payload) and re-hash them so that the chain is
    whole again: what someone who knows the hash function does."""
    db = sqlite3.connect(path)
    db.row_factory = sqlite3.Row
    for trigger in db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
        db.execute(f"DROP TRIGGER {trigger[0]}")
    rows = [dict(r) for r in db.execute(f"SELECT * FROM {table} WHERE 1=1 {where} ORDER BY seq")]
    prev = GENESIS
    for row in rows:
        if row["seq"] >= from_seq:
            row["payload"] = json.dumps({"rewritten": row["seq"]})
            row["prev_hash"] = prev
            row["hash"] = event_hash(prev, row)
            db.execute(
                f"UPDATE {table} SET payload = ?, prev_hash = ?, hash = ? WHERE seq = ? {where}",
                (row["payload"], row["prev_hash"], row["hash"], row["seq"]),
            )
        prev = row["hash"]
    db.commit()
    db.close()


def _intact(trail: Trail) -> None:
    rc, out = trail.audit_verify()
    assert rc == 0 and "30 events, chain intact" in out, out
    rc, out = trail.center_verify()
    assert rc == 0 and ": ok" in out.splitlines()[-1], out


# --- the workstation's cache cut back, or the center's copy ------------------------------------


def test_truncating_the_cache_tail_and_deleting_its_receipts_is_detected(trail: Trail) -> None:
    _intact(trail)
    # the cache: rows 21–30 and their receipt gone; what is left is a valid chain of 20 rows
    # with its receipts, exactly what the cache held earlier
    _edit(
        trail.cache, "DELETE FROM events WHERE seq > 20", "DELETE FROM receipts WHERE head_seq > 20"
    )
    rc, out = trail.audit_verify()
    assert rc == 1 and "chain BROKEN" in out, out
    assert "truncated" in out and "21" in out, out
    rc, out = trail.run(
        "center", "compare", "--db", str(trail.center_db), "--cache", str(trail.cache)
    )
    assert rc == 1 and "first difference: events seq 21: at the center, not in the cache" in out


def test_truncating_the_centers_copy_and_deleting_its_receipts_is_detected(trail: Trail) -> None:
    """The same edit at the center: its receipts of all terminals are one chain, so the
    receipt deleted is a gap as soon as any terminal was receipted since; and the cache holds
    a receipt the center no longer has."""
    public = read_receipt_public(
        load_settings(None, env={}, data_dir=trail.data).receipt_public("center")
    )
    _sync(trail.endpoint, public, trail.data / "ws2.sqlite3", OTHER, rounds=1)
    _edit(
        trail.center_db,
        f"DELETE FROM center_events WHERE terminal_id = '{TERMINAL}' AND seq > 20",
        f"DELETE FROM center_receipts WHERE terminal_id = '{TERMINAL}' AND head_seq > 20",
    )
    rc, out = trail.center_verify()
    assert rc == 1 and "receipt_gap" in out and "deleted" in out, out
    rc, out = trail.audit_verify()
    assert rc == 1 and "the cache holds receipt 3; the center's newest is 2" in out, out


def test_rehashing_a_suffix_and_deleting_later_receipts_is_detected(trail: Trail) -> None:
    _intact(trail)
    # the cache: rows 16–30 re-written and re-hashed, the receipts that name their hashes
    # (20, 30) deleted; the receipt at 10 still matches
    _rehash(trail.cache, "events", 16)
    _edit(trail.cache, "DELETE FROM receipts WHERE head_seq > 10")
    assert AuditStore(trail.cache).verify_chain() == []  # by itself, a valid chain
    rc, out = trail.audit_verify()
    assert rc == 1 and "rehashed" in out, out
    # the same at the center: rows 11–30 are then covered by no receipt
    _rehash(trail.center_db, "center_events", 16, f"AND terminal_id = '{TERMINAL}'")
    _edit(trail.center_db, "DELETE FROM center_receipts WHERE head_seq > 10")
    rc, out = trail.center_verify()
    assert rc == 1 and "uncovered" in out and "rows 11–30 are covered by no receipt" in out, out


def test_a_row_appended_at_the_center_without_a_receipt_is_flagged(trail: Trail) -> None:
    db = sqlite3.connect(trail.center_db)
    (head,) = db.execute(
        "SELECT hash FROM center_events WHERE terminal_id = ? AND seq = 30", (TERMINAL,)
    ).fetchone()
    db.close()
    row = {
        "seq": 31,
        "at_ms": 1_796_000_000_000,
        "kind": "decision_acked",
        "request_id": "R-FORGED",
        "authorizer_id": "A1",
        "payload": "{}",
        "prev_hash": head,
    }
    row["hash"] = event_hash(head, row)
    _edit(
        trail.center_db,
        "INSERT INTO center_events (terminal_id, seq, at_ms, kind, request_id, authorizer_id,"
        " payload, prev_hash, hash, received_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0)",
        params=(
            TERMINAL,
            *(
                row[k]
                for k in (
                    "seq",
                    "at_ms",
                    "kind",
                    "request_id",
                    "authorizer_id",
                    "payload",
                    "prev_hash",
                    "hash",
                )
            ),
        ),
    )
    rc, out = trail.center_verify()
    assert rc == 1 and "uncovered" in out and "rows 31–31 are covered by no receipt" in out, out
    # and the center will not sign it when the workstation asks for its head
    rc, out = trail.audit_verify()
    assert rc == 3 and "E_CHAIN_BROKEN" in out and "no receipt covers" in out, out


# --- the tables the lead's figures come from --------------------------------------------------


def _decided(trail: Trail) -> None:
    """A broker's records of a request approved by A1 (signed), pushed to the center."""
    req, _ = request("R9", amount_fen=250_000)
    decision = trail.ids.keys["A1"].sign_decision(
        request_id="R9",
        lease_id="L9",
        request_digest=request_digest(req.to_dict()),
        evidence=[e.sha256 for e in req.evidence],
        verdict="approve",
        reason_code=None,
        reason_text="",
    )
    bodies = [
        ("accepted", {"request": req.to_dict(), "digest": request_digest(req.to_dict())}),
        ("leased", {"lease": "L9", "to": "A1"}),
        ("approved", {"detail": "", "decision": decision.to_dict()}),
    ]
    records = [
        {
            "seq": i + 1,
            "at_ms": 1_796_000_000_000 + i,
            "request_id": "R9",
            "event": e,
            "body": json.dumps(b),
        }
        for i, (e, b) in enumerate(bodies)
    ]
    assert trail.store.broker_push("B1", 0, records).held_seq == 3
    assert trail.store.request("R9")["decided_by"] == "A1"  # type: ignore[index]
    rc, out = trail.center_verify()
    assert rc == 0, out


def test_changing_who_decided_a_request_at_the_center_is_found_by_center_verify(
    trail: Trail,
) -> None:
    _decided(trail)
    _edit(trail.center_db, "UPDATE center_requests SET decided_by = 'A2' WHERE request_id = 'R9'")
    rc, out = trail.center_verify()
    assert rc == 1, out
    assert "center_requests R9: decided_by is 'A2'; the brokers' records say 'A1'" in out, out


def test_changing_an_amount_in_center_requests_is_found(trail: Trail) -> None:
    _decided(trail)
    _edit(trail.center_db, "UPDATE center_requests SET amount_fen = 2500 WHERE request_id = 'R9'")
    rc, out = trail.center_verify()
    assert rc == 1, out
    assert "center_requests R9: amount_fen is 2500; the brokers' records say 250000" in out, out


def test_changing_a_brokers_record_is_found_by_its_signature(trail: Trail) -> None:
    """The records themselves: a request's amount changed in the broker's record (and so in
    the rebuilt table too) no longer matches the digest its authorizer signed."""
    _decided(trail)
    db = sqlite3.connect(trail.center_db)
    (body,) = db.execute(
        "SELECT body FROM center_broker_log WHERE request_id = 'R9' AND event = 'accepted'"
    ).fetchone()
    db.close()
    changed = json.loads(body)
    changed["request"]["amount_fen"] = 2500
    _edit(
        trail.center_db,
        "UPDATE center_broker_log SET body = ? WHERE request_id = 'R9' AND event = 'accepted'",
        "UPDATE center_requests SET amount_fen = 2500 WHERE request_id = 'R9'",
        params=(json.dumps(changed),),
    )
    rc, out = trail.center_verify()
    assert rc == 1 and "the request recorded is not the one decided" in out, out


# --- the cache against the center's copy -------------------------------------------------------


def test_audit_compare_names_the_first_difference(trail: Trail) -> None:
    rc, out = trail.run(
        "center", "compare", "--db", str(trail.center_db), "--cache", str(trail.cache)
    )
    assert rc == 0 and "the cache and the center's copy agree" in out, out
    _edit(
        trail.cache,
        "UPDATE events SET payload = '{\"round\":9}' WHERE seq = 25",
        "UPDATE events SET authorizer_id = 'A9' WHERE seq = 12",
    )
    rc, out = trail.run(
        "center", "compare", "--db", str(trail.center_db), "--cache", str(trail.cache)
    )
    assert rc == 1, out
    assert (
        "first difference: events seq 12: authorizer_id differs: the cache has 'A9', the center "
        "None" in out
    ), out
    assert "events seq 25: payload differs" in out and "2 difference(s)" in out, out


def test_audit_verify_checks_the_cache_against_the_centers_head_or_says_it_could_not(
    trail: Trail,
) -> None:
    rc, out = trail.audit_verify()
    assert rc == 0 and "checked against the center's head: seq 30" in out, out
    trail.endpoint = f"tcp://127.0.0.1:{free_port()}"  # nobody there
    rc, out = trail.audit_verify()
    assert rc == 3 and "NOT checked against the center (E_UNREACHABLE" in out, out
    rc, out = trail.run("admin", "audit-verify", "--offline")
    assert rc == 0 and "NOT checked against the center (offline)" in out, out
