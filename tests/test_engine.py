"""The workstation engine against a real broker: record first, then show or send."""

from __future__ import annotations

import queue
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from clientsvc.audit import AuditStore
from clientsvc.broker import Broker
from clientsvc.protocol.errors import ProtocolError
from clientsvc.teller.client import TellerClient, verify_outcome
from clientsvc.workstation.decision import DecisionRequest
from clientsvc.workstation.engine import EngineConfig, WorkstationEngine
from tests.helpers import Identities, request, revoke, start_broker


class Recorder:
    """WorkstationEvents that queues every call (and checks the audit file when a decision settles)."""

    def __init__(self, audit_path: Path) -> None:
        self.calls: queue.Queue[tuple[str, tuple[Any, ...]]] = queue.Queue()
        self.audit_path = audit_path
        self.recorded_in_order: list[bool] = []
        self.on_item: Callable[[Any], None] | None = None
        self.skipped: list[tuple[str, tuple[Any, ...]]] = []

    def __getattr__(self, name: str) -> Any:
        return lambda *args: self.calls.put((name, args))

    def item_received(self, item: Any) -> None:
        if self.on_item is not None:
            self.on_item(item)
        self.calls.put(("item_received", (item,)))

    def decision_settled(self, request_id: str, *args: Any) -> None:
        """Checks, when the broker has answered, that the item and the decision were recorded first."""
        with sqlite3.connect(self.audit_path) as db:
            kinds = [
                k
                for (k,) in db.execute(
                    "SELECT kind FROM events WHERE request_id = ?", (request_id,)
                )
            ]
        self.recorded_in_order.append(kinds[:2] == ["item_received", "decision"])
        self.calls.put(("decision_settled", (request_id, *args)))

    def next(self, name: str, timeout: float = 10) -> tuple[Any, ...]:
        """The next call of ``name``; calls of other names are kept for later, in order."""
        for i, (got, args) in enumerate(self.skipped):
            if got == name:
                del self.skipped[i]
                return args
        while True:
            got, args = self.calls.get(timeout=timeout)
            if got == name:
                return args
            self.skipped.append((got, args))


@pytest.fixture
def broker(ids: Identities) -> Iterator[Broker]:
    b = start_broker(ids)
    yield b
    b.stop()


@pytest.fixture
def engine(
    broker: Broker, ids: Identities, tmp_path: Path
) -> Iterator[tuple[WorkstationEngine, Recorder]]:
    audit = tmp_path / "ws" / "audit.sqlite3"
    recorder = Recorder(audit)
    config = EngineConfig(
        endpoint=broker.bound_endpoint,
        terminal_id="WS1",
        audit_path=audit,
        heartbeat_ms=200,
        queue_poll_ms=200,
    )
    eng = WorkstationEngine(config, ids.keys["A1"], recorder, broker._ctx)
    eng.start()
    recorder.next("presence_changed")
    yield eng, recorder
    eng.stop()


def test_item_and_decision_are_recorded_before_the_decision_is_sent(
    engine: tuple[WorkstationEngine, Recorder], broker: Broker, ids: Identities
) -> None:
    eng, rec = engine
    with TellerClient(broker.bound_endpoint, "T1", ids.directory, context=broker._ctx) as teller:
        req, blobs = request("R1")
        teller.submit(req, blobs)
        (_item,) = rec.next("item_received")
        request_id, sha, data = rec.next("evidence_loaded")
        assert (request_id, data) == ("R1", blobs[sha])
        eng.decide(DecisionRequest("R1", "return", "T02", "影像不清晰，请重扫"))
        assert rec.next("decision_settled") == ("R1", True, "", "accepted")
        assert rec.recorded_in_order == [True]
        outcome = teller.wait("R1", 5)
        assert outcome.state == "returned"
        assert (
            verify_outcome(outcome, req.to_dict(), ids.directory).outcome.decision.reason_code
            == "T02"
        )  # type: ignore[union-attr]
    eng.stop()
    store = AuditStore(rec.audit_path)
    kinds = [e["kind"] for e in store.events()]
    assert kinds[:1] == ["signed_in"] and "signed_out" in kinds
    assert kinds.index("item_received") < kinds.index("decision") < kinds.index("decision_acked")
    assert store.outbox_state("R1") == "acked" and store.verify_chain() == []
    store.close()


def test_a_refused_decision_is_reported_and_recorded(
    engine: tuple[WorkstationEngine, Recorder], broker: Broker, ids: Identities
) -> None:
    eng, rec = engine
    with TellerClient(broker.bound_endpoint, "T1", ids.directory, context=broker._ctx) as teller:
        req, blobs = request("R1")
        teller.submit(req, blobs)
        rec.next("item_received")
        teller.cancel("R1")
        assert rec.next("item_revoked") == ("R1", "cancelled")
    eng.decide(
        DecisionRequest("R1", "approve", None, "")
    )  # too late: the engine no longer holds it
    code, _ = rec.next("failed")
    assert code == "E_NOT_LEASED"


def _fill_the_disk(store: AuditStore) -> None:
    """Cap the database at its size, then use up the room left (on the engine thread)."""
    with store.engine.connect() as conn:
        pages = conn.exec_driver_sql("PRAGMA page_count").scalar()
        conn.exec_driver_sql(f"PRAGMA max_page_count={pages}")
    for payload in ({"pad": "x" * 200}, {}):
        try:
            while True:
                store.append("filler", payload)
        except ProtocolError:
            pass


def test_a_full_disk_blocks_the_decision_and_nothing_is_sent(
    engine: tuple[WorkstationEngine, Recorder], broker: Broker, ids: Identities
) -> None:
    eng, rec = engine
    with TellerClient(broker.bound_endpoint, "T1", ids.directory, context=broker._ctx) as teller:
        req, blobs = request("R1")
        teller.submit(req, blobs)
        rec.next("item_received")
        eng.item_displayed("R1")  # as the window does: the item's row is written now
        done: queue.Queue[bool] = queue.Queue()
        eng.run_on_engine_thread(lambda: (_fill_the_disk(eng._audit), done.put(True)))  # type: ignore[arg-type]
        done.get(timeout=10)
        eng.decide(DecisionRequest("R1", "approve", None, ""))
        request_id, accepted, code, detail = rec.next("decision_settled")
        assert (request_id, accepted, code) == ("R1", False, "E_STORAGE") and "full" in detail
        assert teller.status("R1").state == "in_review"  # the broker never saw a decision
        assert broker.stats["decided"] == 0


def test_an_item_that_cannot_be_recorded_is_taken_off_screen_and_given_back(
    engine: tuple[WorkstationEngine, Recorder], broker: Broker, ids: Identities
) -> None:
    """Full disk between the item's arrival and its record: it can't be decided, nothing is
    lost — the broker gets it back for another authorizer."""
    eng, rec = engine
    done: queue.Queue[bool] = queue.Queue()
    eng.run_on_engine_thread(lambda: (_fill_the_disk(eng._audit), done.put(True)))  # type: ignore[arg-type]
    done.get(timeout=10)
    # decided the moment it arrives (queued on the engine thread before it is next idle), so
    # the decision itself finds that the item's row can't be written
    rec.on_item = lambda item: eng.decide(
        DecisionRequest(item.request.request_id, "approve", None, "")
    )
    with TellerClient(broker.bound_endpoint, "T1", ids.directory, context=broker._ctx) as teller:
        req, blobs = request("R1")
        teller.submit(req, blobs)
        rec.next("item_received")
        assert rec.next("item_revoked") == ("R1", "not_recorded")
        request_id, accepted, code, _ = rec.next("decision_settled")
        assert (request_id, accepted, code) == ("R1", False, "E_STORAGE")
        assert teller.status("R1").state == "pending"  # back in the queue, not lost
        assert broker.stats["decided"] == 0


def test_a_decision_refused_by_the_broker_is_settled_once(
    engine: tuple[WorkstationEngine, Recorder], broker: Broker, ids: Identities
) -> None:
    eng, rec = engine
    with TellerClient(broker.bound_endpoint, "T1", ids.directory, context=broker._ctx) as teller:
        req, blobs = request("R1")
        teller.submit(req, blobs)
        rec.next("item_received")
        revoke(ids, "A1")  # branch IT revokes the key while the item is on screen
        eng.decide(DecisionRequest("R1", "approve", None, ""))
        assert rec.next("decision_settled") == (
            "R1",
            False,
            "E_UNKNOWN_KEY",
            "no valid key for authorizer A1",
        )
        assert teller.status("R1").state == "in_review"


def test_an_incomplete_reason_is_caught_before_signing(
    engine: tuple[WorkstationEngine, Recorder], broker: Broker, ids: Identities
) -> None:
    eng, rec = engine
    with TellerClient(broker.bound_endpoint, "T1", ids.directory, context=broker._ctx) as teller:
        req, blobs = request("R1")
        teller.submit(req, blobs)
        rec.next("item_received")
        eng.decide(DecisionRequest("R1", "reject", None, ""))
        request_id, accepted, code, _ = rec.next("decision_settled")
        assert (request_id, accepted, code) == ("R1", False, "E_REASON_REQUIRED")
        eng.decide(DecisionRequest("R1", "reject", "R08", ""))
        assert rec.next("decision_settled")[:2] == ("R1", True)


def test_signing_out_and_back_in_on_the_same_engine_gets_items_again(
    engine: tuple[WorkstationEngine, Recorder], broker: Broker, ids: Identities
) -> None:
    eng, rec = engine
    eng.set_presence("signed_out")
    assert rec.next("presence_changed") == ("signed_out",)
    eng.set_presence("available")
    assert rec.next("presence_changed") == ("available",)
    with TellerClient(broker.bound_endpoint, "T1", ids.directory, context=broker._ctx) as teller:
        req, blobs = request("R1")
        teller.submit(req, blobs)
        (item,) = rec.next("item_received")
        assert item.request.request_id == "R1"


def test_a_grabbed_frame_is_recorded_and_carried_signed_in_the_decision(
    engine: tuple[WorkstationEngine, Recorder], broker: Broker, ids: Identities
) -> None:
    import hashlib

    eng, rec = engine
    frame = b"\xff\xd8\xff\xe0 a counter camera frame \xff\xd9"
    with TellerClient(broker.bound_endpoint, "T1", ids.directory, context=broker._ctx) as teller:
        req, blobs = request("R1")
        teller.submit(req, blobs)
        rec.next("item_received")
        eng.grab_frame("R1", "CAM-O1-T1", 1_764_000_000_000_000, frame)
        sha = hashlib.sha256(frame).hexdigest()
        assert rec.next("capture_recorded") == ("R1", sha)
        eng.decide(DecisionRequest("R1", "approve", None, "", {"face": "pass"}))
        assert rec.next("decision_settled")[:2] == ("R1", True)
        outcome = teller.wait("R1", 5)
        verified = verify_outcome(outcome, req.to_dict(), ids.directory)
        assert verified.outcome.decision.captures == [sha]  # type: ignore[union-attr]
    eng.stop()
    store = AuditStore(rec.audit_path)
    assert store.capture(sha) == frame
    kinds = [e["kind"] for e in store.events()]
    assert kinds.index("frame_grabbed") < kinds.index("checklist") < kinds.index("decision")
    assert store.verify_chain() == []
    store.close()


def test_a_tampered_capture_list_is_refused_by_the_teller(
    engine: tuple[WorkstationEngine, Recorder], broker: Broker, ids: Identities
) -> None:
    """The captures are signed: a decision whose frame hashes were swapped does not verify."""
    eng, rec = engine
    with TellerClient(broker.bound_endpoint, "T1", ids.directory, context=broker._ctx) as teller:
        req, blobs = request("R1")
        teller.submit(req, blobs)
        rec.next("item_received")
        eng.grab_frame("R1", "CAM-O1-T1", 1, b"\xff\xd8\xff frame \xff\xd9")
        rec.next("capture_recorded")
        eng.decide(DecisionRequest("R1", "approve", None, ""))
        rec.next("decision_settled")
        outcome = teller.wait("R1", 5)
    assert outcome.decision is not None
    forged = outcome.model_copy(
        update={"decision": outcome.decision.model_copy(update={"captures": ["0" * 64]})}
    )
    with pytest.raises(ProtocolError) as info:
        verify_outcome(forged, req.to_dict(), ids.directory)
    assert info.value.code.value == "E_BAD_SIGNATURE"


def test_the_engine_holds_the_next_item_with_its_images_fetched(
    engine: tuple[WorkstationEngine, Recorder], broker: Broker, ids: Identities
) -> None:
    eng, rec = engine
    with TellerClient(broker.bound_endpoint, "T1", ids.directory, context=broker._ctx) as teller:
        for rid in ("R1", "R2", "R3"):
            req, blobs = request(rid)
            teller.submit(req, blobs)
        received = [rec.next("item_received")[0].request.request_id for _ in range(2)]
        fetched = {rec.next("evidence_loaded")[0] for _ in range(2)}
        assert received == ["R1", "R2"]
        assert fetched == {"R1", "R2"}  # the held item's image came without being shown
        assert teller.status("R3").state == "pending"  # one on screen, one held: no more
        eng.item_displayed("R1")
        eng.decide(DecisionRequest("R1", "approve", None, ""))
        assert rec.next("decision_settled")[:2] == ("R1", True)
        third = rec.next("item_received")[0]
        assert third.request.request_id == "R3"
        eng.item_displayed("R2")
        eng.decide(DecisionRequest("R2", "approve", None, ""))
        assert rec.next("decision_settled")[:2] == ("R2", True)
    eng.stop()
    store = AuditStore(rec.audit_path)
    shown = [e["request_id"] for e in store.events("item_shown")]
    assert shown == ["R1", "R2"]
    store.close()


def test_a_decision_on_an_item_sent_again_since_it_was_shown_is_not_signed(
    engine: tuple[WorkstationEngine, Recorder], broker: Broker, ids: Identities
) -> None:
    eng, rec = engine
    with TellerClient(broker.bound_endpoint, "T1", ids.directory, context=broker._ctx) as teller:
        req, blobs = request("R1")
        teller.submit(req, blobs)
        (item,) = rec.next("item_received")
        eng.decide(DecisionRequest("R1", "approve", None, "", None, "L-an-older-lease"))
        request_id, accepted, code, _ = rec.next("decision_settled")
        assert (request_id, accepted, code) == ("R1", False, "E_ITEM_CHANGED")
        assert teller.status("R1").state == "in_review"  # nothing was sent
        eng.decide(DecisionRequest("R1", "approve", None, "", None, item.lease_id))
        assert rec.next("decision_settled")[:2] == ("R1", True)


def test_my_count_and_average_today_come_from_the_audit_cache_and_stay_current(
    broker: Broker, ids: Identities, tmp_path: Path
) -> None:
    """The strip's figures: read from the cache once at sign-in (so a restart keeps them),
    then counted as decisions are acknowledged, from when each item was on screen."""
    audit = tmp_path / "ws" / "audit.sqlite3"

    def session() -> tuple[WorkstationEngine, Recorder]:
        rec = Recorder(audit)
        config = EngineConfig(
            endpoint=broker.bound_endpoint,
            terminal_id="WS1",
            audit_path=audit,
            heartbeat_ms=200,
            queue_poll_ms=100,
        )
        eng = WorkstationEngine(config, ids.keys["A1"], rec, broker._ctx)
        eng.start()
        return eng, rec

    eng, rec = session()
    with TellerClient(broker.bound_endpoint, "T1", ids.directory, context=broker._ctx) as teller:
        for rid in ("R1", "R2"):
            req, blobs = request(rid)
            teller.submit(req, blobs)
            rec.next("item_received")
            eng.item_displayed(rid)
            eng.decide(DecisionRequest(rid, "approve", None, ""))
            assert rec.next("decision_settled")[:2] == (rid, True)
    while True:
        _status, count, total = rec.next("queue_status")
        if count == 2:
            break
    assert total >= 0
    eng.stop()
    again, rec2 = session()  # signed in again: the day's figures are still there
    _status, count, total_again = rec2.next("queue_status")
    assert count == 2 and total_again == total
    again.stop()


def test_the_engine_takes_a_reading_records_it_and_signs_the_decision_with_it(
    engine: tuple[WorkstationEngine, Recorder], broker: Broker, ids: Identities
) -> None:
    """The reading arrives after the item: the engine records it, hands it to the window,
    refuses (unsigned) an approval that does not name it, and signs one that does; the
    teller's verification covers the digest."""
    from clientsvc.protocol.canonical import canonical_bytes
    from tests.test_reader_service import RawReader, blank_reading, publish_reader

    eng, rec = engine
    key = publish_reader(ids, "R1")
    reader = RawReader(broker)
    with TellerClient(broker.bound_endpoint, "T1", ids.directory, context=broker._ctx) as teller:
        req, blobs = request("R1")
        teller.submit(req, blobs)
        (item,) = rec.next("item_received")
        assert item.reading is None and item.reading_status == "pending"
        client, job = reader.job()
        signed = blank_reading(job, key, "R1")
        reader.answer(client, [canonical_bytes(signed.to_dict())])
        (read,) = rec.next("item_reading")
        assert read.reading_digest == signed.digest and read.lease_id == item.lease_id
        eng.decide(DecisionRequest("R1", "approve", lease_id=item.lease_id))
        assert rec.next("decision_settled")[:3] == ("R1", False, "E_READING_STALE")
        eng.decide(DecisionRequest("R1", "approve", lease_id=item.lease_id, reading=signed.digest))
        assert rec.next("decision_settled") == ("R1", True, "", "accepted")
        outcome = teller.wait("R1", 5)
        verified = verify_outcome(outcome, req.to_dict(), ids.directory)
        assert verified.outcome.decision is not None
        assert verified.outcome.decision.reading == signed.digest
    reader.close()
    eng.stop()
    store = AuditStore(rec.audit_path)
    kinds = [e["kind"] for e in store.events()]
    assert kinds.index("item_received") < kinds.index("reading_received") < kinds.index("decision")
    store.close()
