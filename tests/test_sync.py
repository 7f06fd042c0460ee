"""The audit trail's way to the center over real sockets: a workstation engine deciding items
from a real broker, its sync loop pushing to a real center service; the broker's feed; an
audit cache from before the migrations."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import zmq
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from clientsvc.audit.chain import ReceiptSigner
from clientsvc.audit.store import AuditStore
from clientsvc.audit.sync import SyncConfig, SyncStatus
from clientsvc.broker import Broker
from clientsvc.broker.feed import CenterFeed
from clientsvc.center.service import CenterService
from clientsvc.center.store import CenterStore
from clientsvc.protocol.messages import request_digest
from clientsvc.teller.client import TellerClient
from clientsvc.workstation.decision import DecisionRequest
from clientsvc.workstation.engine import EngineConfig, WorkstationEngine
from tests.helpers import Identities, free_port, make_identities, request, start_broker
from tests.test_engine import Recorder

TERMINAL = "WS1"


class Center:
    """A center service on a thread, on a fixed endpoint (so it can stop and come back)."""

    def __init__(self, root: Path, ids: Identities, signer: ReceiptSigner, endpoint: str) -> None:
        self.root, self.ids, self.signer, self.endpoint = root, ids, signer, endpoint
        self.store: CenterStore | None = None
        self.service: CenterService | None = None
        self.thread: threading.Thread | None = None

    def start(self) -> Center:
        self.store = CenterStore(
            self.root / "center.sqlite3", self.root / "images", self.signer, self.ids.directory
        )
        self.service = CenterService(self.endpoint, self.store, context=zmq.Context.instance())
        self.thread = threading.Thread(target=self.service.serve_forever, name="center")
        self.thread.start()
        assert self.service.bound.wait(10)
        return self

    def stop(self) -> None:
        if self.service is not None and self.thread is not None and self.store is not None:
            self.service.stop()
            self.thread.join(10)
            self.store.close()
        self.thread = None


@pytest.fixture
def signer() -> ReceiptSigner:
    return ReceiptSigner(Ed25519PrivateKey.generate())


@pytest.fixture
def center_endpoint() -> str:
    return f"tcp://127.0.0.1:{free_port()}"


@pytest.fixture
def center(
    tmp_path: Path, ids: Identities, signer: ReceiptSigner, center_endpoint: str
) -> Iterator[Center]:
    c = Center(tmp_path / "center", ids, signer, center_endpoint)
    yield c
    c.stop()


@pytest.fixture
def broker(ids: Identities) -> Iterator[Broker]:
    b = start_broker(ids)
    yield b
    b.stop()


def start_engine(
    broker: Broker, ids: Identities, tmp_path: Path, sync: SyncConfig
) -> tuple[WorkstationEngine, Recorder]:
    audit = tmp_path / "ws" / "audit.sqlite3"
    recorder = Recorder(audit)
    config = EngineConfig(
        endpoint=broker.bound_endpoint,
        terminal_id=TERMINAL,
        audit_path=audit,
        heartbeat_ms=200,
        queue_poll_ms=200,
        sync=sync,
    )
    engine = WorkstationEngine(config, ids.keys["A1"], recorder, broker._ctx)
    engine.start()
    recorder.next("presence_changed")
    return engine, recorder


def sync_config(endpoint: str, public: Any, **kw: Any) -> SyncConfig:
    return SyncConfig(
        endpoint=endpoint,
        terminal_id=TERMINAL,
        center_public=public,
        timeout_ms=kw.pop("timeout_ms", 400),
        retry_ms=kw.pop("retry_ms", 200),
        poll_ms=100,
        **kw,
    )


def until(
    recorder: Recorder, test: Callable[[SyncStatus], bool], timeout: float = 20
) -> SyncStatus:
    """The first sync status (from now on) that passes ``test``."""
    while True:
        (status,) = recorder.next("sync_status", timeout)
        if test(status):
            return status


def decide_some(
    broker: Broker,
    ids: Identities,
    engine: WorkstationEngine,
    rec: Recorder,
    n: int,
    first: int = 0,
) -> None:
    with TellerClient(broker.bound_endpoint, "T1", ids.directory, context=broker._ctx) as teller:
        for i in range(first, first + n):
            req, blobs = request(f"R{i}")
            teller.submit(req, blobs)
            rec.next("item_received")
            engine.decide(DecisionRequest(f"R{i}", "approve"))
            assert rec.next("decision_settled")[:2] == (f"R{i}", True)


def test_decisions_reach_the_center_whole_and_the_status_drains_to_zero(
    broker: Broker, ids: Identities, tmp_path: Path, center: Center, signer: ReceiptSigner
) -> None:
    center.start()
    engine, rec = start_engine(
        broker, ids, tmp_path, sync_config(center.endpoint, signer.private.public_key())
    )
    try:
        decide_some(broker, ids, engine, rec, 3)
        status = until(rec, lambda s: s.pending == 0 and s.last_receipt_ms is not None)
        assert status.reachable and status.problem == ""
    finally:
        engine.stop()
    local = AuditStore(rec.audit_path)
    synced, head_hash = local.watermark()
    assert center.store is not None
    held = center.store.events(TERMINAL)
    assert [r["hash"] for r in held] == [r["hash"] for r in local.events()[:synced]]
    assert held[-1]["hash"] == head_hash
    assert sum(1 for r in held if r["kind"] == "decision") == 3
    assert center.store.verify()[TERMINAL].ok
    assert local.verify_chain(signer.private.public_key()) == []  # against its receipts
    local.close()


def test_offline_the_workstation_keeps_working_and_catches_up_on_reconnect(
    broker: Broker, ids: Identities, tmp_path: Path, center: Center, signer: ReceiptSigner
) -> None:
    engine, rec = start_engine(
        broker, ids, tmp_path, sync_config(center.endpoint, signer.private.public_key())
    )
    try:
        decide_some(broker, ids, engine, rec, 2)  # no center yet: decisions go on
        offline = until(rec, lambda s: not s.reachable and s.pending > 0)
        assert offline.oldest_ms is not None and offline.last_receipt_ms is None
        center.start()  # the center comes (back): no user action
        until(rec, lambda s: s.reachable and s.pending == 0)
        center.stop()  # and goes again, mid-shift
        decide_some(broker, ids, engine, rec, 2, first=2)
        until(rec, lambda s: not s.reachable and s.pending > 0)
        center.start()
        until(rec, lambda s: s.reachable and s.pending == 0)
    finally:
        engine.stop()
    assert center.store is not None
    decisions = [r for r in center.store.events(TERMINAL) if r["kind"] == "decision"]
    assert sorted(r["request_id"] for r in decisions) == ["R0", "R1", "R2", "R3"]  # once each
    assert center.store.verify()[TERMINAL].ok
    local = AuditStore(rec.audit_path)  # the center lost and back, twice, in the audit trail
    noted = [json.loads(e["payload"])["reachable"] for e in local.events("sync_status")]
    assert noted == [False, True, False, True]
    local.close()


def test_a_forged_receipt_is_refused_and_the_watermark_does_not_move(
    broker: Broker, ids: Identities, tmp_path: Path, center: Center
) -> None:
    """A center (or a man in the middle) without the center's receipt key: its receipts do
    not verify with the key the workstation pinned, so nothing counts as delivered."""
    center.start()
    pinned = Ed25519PrivateKey.generate().public_key()  # not the key the center signs with
    engine, rec = start_engine(broker, ids, tmp_path, sync_config(center.endpoint, pinned))
    try:
        decide_some(broker, ids, engine, rec, 1)
        status = until(rec, lambda s: s.problem != "")
        assert status.problem.startswith("E_BAD_SIGNATURE") and status.pending > 0
    finally:
        engine.stop()
    local = AuditStore(rec.audit_path)
    assert local.watermark()[0] == 0 and local.receipts() == []
    local.close()


# --- the broker's feed ----------------------------------------------------------------------------


def test_the_broker_sends_every_request_to_the_center_including_those_nobody_decided(
    ids: Identities, tmp_path: Path, center: Center
) -> None:
    center.start()
    broker = start_broker(ids)
    assert broker.config.journal is not None
    feed = CenterFeed(broker.config.journal, "BROKER-1", center.endpoint, poll_ms=50)
    feed.start()
    try:
        with TellerClient(
            broker.bound_endpoint, "T1", ids.directory, context=broker._ctx
        ) as teller:
            for i in range(3):
                req, blobs = request(f"R{i}")
                teller.submit(req, blobs)
            teller.cancel("R2")
        last = sqlite3.connect(broker.config.journal).execute("SELECT max(seq) FROM journal")
        assert feed.wait_for(int(last.fetchone()[0]), 20)
    finally:
        feed.stop()
        broker.stop()
    assert center.store is not None
    assert center.store.request("R0")["state"] == "pending"  # type: ignore[index]
    assert center.store.request("R2")["state"] == "cancelled"  # type: ignore[index]
    images = list((center.root / "images").rglob("*"))
    assert center.store.image(request("R0")[0].evidence[0].sha256) is not None, images


def _records(ids: Identities, signer_id: str, teller_id: str) -> list[dict[str, Any]]:
    req, _ = request("R9", teller_id=teller_id)
    decision = ids.keys[signer_id].sign_decision(
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
        ("leased", {"lease": "L9", "to": signer_id}),
        ("approved", {"detail": "", "decision": decision.to_dict()}),
    ]
    return [
        {"seq": i + 1, "at_ms": 1, "request_id": "R9", "event": e, "body": json.dumps(b)}
        for i, (e, b) in enumerate(bodies)
    ]


def test_the_center_re_checks_the_rules_of_every_decided_request(tmp_path: Path) -> None:
    """A broker that let the teller approve their own request (maker = checker): the center
    finds it in the signed record; a correct record gives no finding."""
    ids = make_identities(tmp_path, (("A1", 3, "T1"), ("A2", 3, "")))
    signer = ReceiptSigner(Ed25519PrivateKey.generate())
    store = CenterStore(tmp_path / "c.sqlite3", tmp_path / "img", signer, ids.directory)
    try:
        store.broker_push("B1", 0, _records(ids, "A1", teller_id="T1"))
        codes = {(f["code"], f["authorizer_id"]) for f in store.findings("R9")}
        assert ("E_FORBIDDEN", "A1") in codes
        assert store.request("R9")["state"] == "approved"  # type: ignore[index]
    finally:
        store.close()
    store = CenterStore(tmp_path / "d.sqlite3", tmp_path / "img", signer, ids.directory)
    try:
        store.broker_push("B1", 0, _records(ids, "A2", teller_id="T1"))
        assert store.findings("R9") == []
    finally:
        store.close()


def test_a_broker_push_that_skips_records_is_refused(tmp_path: Path, ids: Identities) -> None:
    from clientsvc.protocol.errors import ErrorCode, ProtocolError

    signer = ReceiptSigner(Ed25519PrivateKey.generate())
    store = CenterStore(tmp_path / "c.sqlite3", tmp_path / "img", signer, ids.directory)
    try:
        records = _records(ids, "A1", "T1")
        store.broker_push("B1", 0, records[:1])
        with pytest.raises(ProtocolError) as info:
            store.broker_push("B1", 0, records[1:])  # not built on what the center holds
        assert info.value.code is ErrorCode.CHAIN_GAP
        assert store.broker_head("B1") == 1
        assert store.broker_push("B1", 1, records[1:]).held_seq == 3
    finally:
        store.close()


# --- an audit cache from before the migrations ---------------------------------------------------

V1_SCHEMA = """
CREATE TABLE events (seq INTEGER NOT NULL PRIMARY KEY, at_ms INTEGER NOT NULL,
  kind VARCHAR(32) NOT NULL, request_id VARCHAR(64), authorizer_id VARCHAR(64),
  payload TEXT NOT NULL, prev_hash VARCHAR(64) NOT NULL, hash VARCHAR(64) NOT NULL UNIQUE);
CREATE TABLE outbox (nonce VARCHAR(32) NOT NULL PRIMARY KEY, request_id VARCHAR(64) NOT NULL,
  authorizer_id VARCHAR(64) NOT NULL, decision TEXT NOT NULL, state VARCHAR(16) NOT NULL,
  detail TEXT NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);
CREATE TABLE captures (sha256 VARCHAR(64) NOT NULL PRIMARY KEY, request_id VARCHAR(64) NOT NULL,
  camera_id VARCHAR(64) NOT NULL, captured_at_us INTEGER NOT NULL, jpeg BLOB NOT NULL);
CREATE TABLE meta (key VARCHAR(32) NOT NULL PRIMARY KEY, value TEXT NOT NULL);
INSERT INTO meta VALUES ('schema_version', '1');
"""


def test_a_cache_written_before_the_migrations_is_upgraded_with_its_events_intact(
    tmp_path: Path,
) -> None:
    path = tmp_path / "audit.sqlite3"
    first = AuditStore(tmp_path / "scratch.sqlite3")  # rows chained by the same code
    for i in range(20):
        first.append("presence", {"state": "away" if i % 2 else "available"})
    rows = first.events()
    first.close()
    db = sqlite3.connect(path)
    db.executescript(V1_SCHEMA)
    db.executemany(
        "INSERT INTO events VALUES (:seq, :at_ms, :kind, :request_id, :authorizer_id, :payload,"
        " :prev_hash, :hash)",
        rows,
    )
    db.commit()
    db.close()
    store = AuditStore(path)
    assert store.events() == rows and store.verify_chain() == []
    assert store.watermark() == (0, "0" * 64) and store.backlog()[0] == 20
    store.append("presence", {"state": "available"})
    assert store.verify_chain() == []
    store.close()
    db = sqlite3.connect(path)
    assert db.execute("SELECT version_num FROM alembic_version").fetchone() == ("0003",)
    assert db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone() == ("3",)
    db.close()


# --- a decision recorded, then the crash, before it was sent -------------------------------------


def test_a_decision_recorded_before_a_crash_is_resolved_with_the_broker_at_start(
    broker: Broker, ids: Identities, tmp_path: Path
) -> None:
    """The decision and its outbox entry were committed, then the process died before sending:
    the next start reports it "outcome unknown", resends it by request id, and settles it."""
    from tests.helpers import Worker

    req, blobs = request("R1")
    with TellerClient(broker.bound_endpoint, "T1", ids.directory, context=broker._ctx) as teller:
        teller.submit(req, blobs)
        worker = Worker(broker.bound_endpoint, ids.keys["A1"], broker._ctx)
        worker.sign_in()
        item = worker.next_work()
        decision = ids.keys["A1"].sign_decision(
            request_id="R1",
            lease_id=item.lease_id,
            request_digest=item.request_digest,
            evidence=[e.sha256 for e in req.evidence],
            verdict="approve",
            reason_code=None,
            reason_text="",
        )
        audit = tmp_path / "ws" / "audit.sqlite3"
        crashed = AuditStore(audit)
        crashed.record_decision(decision)  # committed …
        crashed.close()  # … and the process is gone before the send
        engine, rec = start_engine(broker, ids, tmp_path, sync_config("tcp://127.0.0.1:9", None))
        try:
            assert rec.next("decisions_unresolved") == (["R1"],)
            request_id, accepted, code, _ = rec.next("decision_settled")
            # the new session replaced the old one, whose lease went back to the queue: the
            # old decision is refused (never applied) and the item comes again to be decided
            assert request_id == "R1" and (accepted or code == "E_NOT_LEASED")
            if not accepted:
                (again,) = rec.next("item_received")
                assert again.request.request_id == "R1"
                assert teller.wait("R1", 0).state != "approved"
        finally:
            engine.stop()
            worker.close()
    store = AuditStore(audit)
    assert store.outbox_state("R1") in ("acked", "refused") and store.verify_chain() == []
    store.close()


def test_a_batch_sent_again_after_later_ones_were_stored_does_not_stall_the_sync(
    broker: Broker, ids: Identities, tmp_path: Path, center: Center, signer: ReceiptSigner
) -> None:
    """The receipts for two batches in flight were lost (the workstation was killed, or gave
    up waiting): it sends the first batch again, and the center answers with its head, further
    on. That is our row with our hash: accepted, and the sync goes on."""
    cache = AuditStore(tmp_path / "ws" / "audit.sqlite3")
    for i in range(120):
        cache.append("presence", {"state": "away" if i % 2 else "available"}, authorizer_id="A1")
    rows = cache.events()
    center.start()
    assert center.store is not None
    center.store.push(TERMINAL, rows)  # the center has them all; the workstation knows nothing
    statuses: list[SyncStatus] = []
    from clientsvc.audit.sync import CenterSync

    sync = CenterSync(
        sync_config(center.endpoint, signer.private.public_key(), batch=40),
        cache,
        statuses.append,
        zmq.Context.instance(),
    )
    try:
        sync.tick(idle=True)
        while not statuses or statuses[-1].pending or statuses[-1].last_receipt_ms is None:
            sync.pump(1000)
            assert not (statuses and statuses[-1].problem), statuses[-1].problem
        assert cache.watermark() == (120, rows[-1]["hash"])
    finally:
        sync.close()
        cache.close()
