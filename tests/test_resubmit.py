"""Resubmissions (issue 15 §7, PROTOCOL.md §7.15): a teller's correction of a returned request
reaches the authorizer with the original and why it was returned, goes first to the one who
returned it, and only supersedes what it may; what changed, without Qt. Real sockets on
loopback for the broker; pure functions for the rules and the diff."""

from __future__ import annotations

import hashlib
import json
import queue
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import zmq

from clientsvc.broker import Broker
from clientsvc.broker.resubmission import Hold, hold_for, offer, refusal
from clientsvc.protocol.errors import ErrorCode, ProtocolError
from clientsvc.protocol.messages import (
    MAX_ITEM_BYTES,
    MAX_JSON_BYTES,
    AuthRequest,
    EvidenceRef,
    Item,
    Original,
    parse,
    request_digest,
)
from clientsvc.teller.client import TellerClient, verify_outcome
from clientsvc.workstation.decision import DecisionRequest
from clientsvc.workstation.engine import EngineConfig, WorkstationEngine
from clientsvc.workstation.resubmit import (
    Change,
    changes,
    dropped_evidence,
    new_evidence,
    original_of,
)
from tests.helpers import Identities, Worker, request, start_broker

RETURN_TEXT = "金额与凭证不符，请核对后重新提交"


# --- the rules, without sockets -------------------------------------------------------------


@pytest.mark.parametrize(
    ("hold", "at", "returner", "expected"),
    [
        (None, 0, "free", "anyone"),  # not a correction, or no preference configured
        (None, 0, "busy", "anyone"),
        (Hold("A1", 1000), 999, "free", "returner"),
        (Hold("A1", 1000), 999, "busy", "wait"),
        (Hold("A1", 1000), 999, "absent", "anyone"),  # away, signed out, not eligible
        (Hold("A1", 1000), 1000, "free", "anyone"),  # the hold is over: anyone, them included
        (Hold("A1", 1000), 1000, "busy", "anyone"),
        (Hold("A1", 1000), 5000, "absent", "anyone"),
    ],
)
def test_the_offer_rule(hold: Hold | None, at: int, returner: Any, expected: str) -> None:
    assert offer(hold, at, returner) == expected


def test_a_hold_lasts_the_configured_time_and_none_when_it_is_zero() -> None:
    assert hold_for("A1", 1_000, 60_000) == Hold("A1", 61_000)
    assert hold_for("A1", 1_000, 0) is None


FIXED = ("outlet_id", "terminal_id", "account_no", "account_name", "id_number")


def _req(request_id: str, **kw: Any) -> AuthRequest:
    """A request as ``tests.helpers.request`` makes it, with any of its fixed fields set."""
    fixed = {k: kw.pop(k) for k in FIXED if k in kw}
    req = request(request_id, **kw)[0]
    return AuthRequest.model_validate({**req.to_dict(), **fixed})


def test_what_a_request_may_supersede() -> None:
    new = _req("C1", supersedes="X1")
    original = _req("X1")
    assert refusal(_req("N1"), None, None) is None  # no supersedes: nothing to check
    assert refusal(new, original, "returned") is None
    unknown = refusal(new, None, None)
    assert unknown == "supersedes X1: no request of teller T1 with that id"
    # another teller's, or this teller's at another outlet: the very words of an unknown one
    assert refusal(new, _req("X1", teller_id="T2"), "returned") == unknown
    assert refusal(new, _req("X1", outlet_id="O2"), "returned") == unknown
    assert refusal(new, _req("X1", teller_id="T2"), "approved") == unknown  # state not told
    for state in ("pending", "in_review", "approved", "rejected", "cancelled", "timed_out"):
        assert refusal(new, original, state) == f"supersedes X1: it is {state}, not returned"
    for state in ("pending", "in_review", "approved", "rejected", "returned", "fallback_local"):
        assert refusal(new, original, "returned", [("C0", state)]) == (
            f"supersedes X1: corrected already by C0 ({state})"
        )
    # a correction that ended undecided does not count: the teller may correct again
    assert refusal(new, original, "returned", [("C0", "cancelled"), ("C9", "timed_out")]) is None


def test_what_changed_in_the_order_shown() -> None:
    original = _req(
        "X1",
        amount_fen=1_115_868,
        elements={"payee_name": "李四", "payee_account": "6222000011112222", "purpose": "货款"},
        summary="客户要求加急",
    )
    new = _req(
        "C1",
        amount_fen=1_105_868,
        account_name="张三丰",
        elements={"payee_account": "6222000011113333", "payee_name": "李四", "note": "已核"},
        summary="客户要求加急",
        supersedes="X1",
    )
    assert changes(original, new) == [
        Change("amount_fen", 1_115_868, 1_105_868),
        Change("account_name", "张三", "张三丰"),
        Change("payee_account", "6222000011112222", "6222000011113333", in_elements=True),
        Change("note", None, "已核", in_elements=True),  # added
        Change("purpose", "货款", None, in_elements=True),  # dropped
    ]
    assert changes(original, original) == []
    # a key of elements that is also a field's name stays apart from the field
    assert changes(_req("X1", elements={"amount_fen": "1"}), _req("C1", elements={})) == [
        Change("amount_fen", "1", None, in_elements=True)
    ]
    # exactly as sent: white space alone is a change (it is what the teller system keyed)
    assert changes(_req("X1", summary="a"), _req("C1", summary="a ")) == [
        Change("summary", "a", "a ")
    ]
    assert changes(_req("X1"), _req("C1", txn_type="cash_withdrawal"))[0] == Change(
        "txn_type", "transfer", "cash_withdrawal"
    )


def test_new_and_dropped_images() -> None:
    a, b, c = (b"\xff\xd8\xff" + bytes([i]) * 40 for i in range(3))
    sha = [hashlib.sha256(x).hexdigest() for x in (a, b, c)]
    original = _req("X1", blobs=[a, b])
    new = _req("C1", blobs=[c, a])
    assert new_evidence(original, new) == [sha[2]]
    assert dropped_evidence(original, new) == [sha[1]]
    assert new_evidence(original, original) == dropped_evidence(original, original) == []


def _item(new: AuthRequest, original: AuthRequest | None, ids: Identities, **kw: Any) -> Item:
    wire = None
    if original is not None:
        raw = original.to_dict()
        decision = ids.keys["A1"].sign_decision(
            request_id=original.request_id,
            lease_id="L1",
            request_digest=kw.pop("digest", request_digest(raw)),
            evidence=[e.sha256 for e in original.evidence],
            verdict="return",
            reason_code="T02",
            reason_text=RETURN_TEXT,
        )
        wire = Original(request=raw, decision=decision)
    raw_new = new.to_dict()
    return Item(
        lease_id="L2",
        request=raw_new,
        request_digest=request_digest(raw_new),
        enqueued_at=1,
        dispatched_at=2,
        lease_expires_at=3,
        attempt=1,
        original=wire,
    )


def test_the_workstation_takes_the_original_only_when_it_is_the_one_corrected(
    ids: Identities,
) -> None:
    original, new = _req("X1"), _req("C1", supersedes="X1")
    got = original_of(_item(new, original, ids))
    assert got is not None
    assert (got.request, got.raw, got.digest) == (
        original,
        original.to_dict(),
        request_digest(original.to_dict()),
    )
    assert (got.reason_code, got.reason_text, got.authorizer_id) == ("T02", RETURN_TEXT, "A1")
    assert got.decided_at == got.decision.decided_at
    assert original_of(_item(new, None, ids)) is None
    # an original that is not what the return signed, not the request named, not this teller's
    assert original_of(_item(new, original, ids, digest="0" * 64)) is None
    assert original_of(_item(_req("C1", supersedes="X9"), original, ids)) is None
    other = _req("X1", teller_id="T2")
    assert original_of(_item(_req("C1", supersedes="X1"), other, ids)) is None


def test_the_item_omits_original_when_there_is_none_and_refuses_a_non_return(
    ids: Identities,
) -> None:
    original, new = _req("X1"), _req("C1", supersedes="X1")
    plain = json.loads(_item(new, None, ids).to_frame())
    assert "original" not in plain
    frame = _item(new, original, ids).to_frame()
    _, raw = parse(frame, Item)
    assert raw["original"]["request"] == original.to_dict()
    assert raw["original"]["decision"]["verdict"] == "return"
    assert "captures" not in raw["original"]["decision"]  # as signed (§6.2)
    bad = json.loads(frame)
    bad["original"]["decision"]["verdict"] = "approve"
    with pytest.raises(ProtocolError) as info:
        parse(json.dumps(bad).encode(), Item)
    assert info.value.code is ErrorCode.MALFORMED


def _large(request_id: str, **kw: Any) -> tuple[AuthRequest, dict[str, Any]]:
    """A request whose frame is close to MAX_JSON_BYTES (the largest a broker accepts)."""
    refs = [
        EvidenceRef(
            sha256=f"{i:064x}",
            kind="voucher",
            mime="image/jpeg",
            size=10,
            meta={f"k{j:02d}": "字" * 200 for j in range(16)},
        )
        for i in range(6)
    ]
    req = _req(request_id, **kw).model_copy(update={"evidence": refs})
    assert MAX_JSON_BYTES - 8_000 < len(req.to_frame()) <= MAX_JSON_BYTES
    return req, req.to_dict()


def test_an_item_with_two_of_the_largest_requests_is_read(ids: Identities) -> None:
    """An item carries the request, and for a resubmission the original too: more than one
    body's 64 KiB, which is why items are read up to MAX_ITEM_BYTES."""
    original, _ = _large("X1")
    new, _ = _large("C1", supersedes="X1")
    frame = _item(new, original, ids).to_frame()
    assert 2 * MAX_JSON_BYTES - 16_000 < len(frame) <= MAX_ITEM_BYTES
    with pytest.raises(ProtocolError) as info:
        parse(frame, Item)
    assert info.value.code is ErrorCode.TOO_LARGE  # the limit of every other message
    item, _ = parse(frame, Item, max_bytes=MAX_ITEM_BYTES)
    assert original_of(item) is not None


# --- the broker, on real sockets -----------------------------------------------------------


@pytest.fixture
def broker(ids: Identities) -> Iterator[Broker]:
    b = start_broker(ids)
    yield b
    b.stop()


@pytest.fixture
def brokers(ids: Identities) -> Iterator[Callable[..., Broker]]:
    """Start a broker with these settings; every one started is stopped at the end."""
    started: list[Broker] = []

    def start(**overrides: Any) -> Broker:
        started.append(start_broker(ids, **overrides))
        return started[-1]

    yield start
    for b in started:
        b.stop()


@pytest.fixture
def teller(broker: Broker, ids: Identities) -> Iterator[TellerClient]:
    client = TellerClient(broker.bound_endpoint, "T1", ids.directory, context=broker._ctx)
    yield client
    client.close()


def _worker(broker: Broker, ids: Identities, who: str) -> Worker:
    w = Worker(broker.bound_endpoint, ids.keys[who], broker._ctx)
    w.sign_in()
    return w


def _presence(w: Worker, state: str) -> None:
    ack, _ = w.call(
        "authz.presence",
        [w.key.sign_presence(terminal_id="WS-" + w.key.authorizer_id, state=state).to_frame()],
    )
    assert ack.state == state  # type: ignore[attr-defined]


def _item_of(w: Worker, request_id: str, timeout_ms: int = 5000) -> Any:
    work = w.next_work(timeout_ms=timeout_ms)
    assert work is not None and work.type == "item", work
    assert work.request["request_id"] == request_id
    return work


def _return(w: Worker, item: Any) -> None:
    reply, _ = w.decide(item, "return", "T02", reason_text=RETURN_TEXT)
    assert reply.status == "accepted"  # type: ignore[attr-defined]


def _returned(teller: TellerClient, workers: list[Worker], request_id: str) -> Worker:
    """Submit ``request_id``; whoever gets it returns it. Returns who did."""
    req, blobs = request(request_id)
    teller.submit(req, blobs)
    poller = zmq.Poller()
    for w in workers:
        poller.register(w.sock, zmq.POLLIN)
    while True:  # the first of them to hear of it: the broker gave it to that one
        ready = dict(poller.poll(5000))
        assert ready, f"{request_id} reached nobody"
        for w in workers:
            if w.sock in ready or w.backlog:
                work = w.next_work(timeout_ms=100)
                if work is not None and work.type == "item":
                    assert work.request["request_id"] == request_id
                    _return(w, work)
                    return w


def _both_signed_in(broker: Broker) -> bool:
    """Both authorizers still there: neither fell silent (which would leave one to choose)."""
    return sum(1 for w in broker.workers.values() if w.ready and w.profile) == 2


def test_a_correction_goes_first_to_the_authorizer_who_returned_it(
    ids: Identities, brokers: Callable[..., Broker]
) -> None:
    """Two authorizers free: six corrections in a row are each first leased to whoever
    returned their original (by chance alone: 1 in 64)."""
    # heartbeats far apart: the one not being read does not fall silent meanwhile
    broker = brokers(heartbeat_ms=2500)
    with TellerClient(broker.bound_endpoint, "T1", ids.directory, context=broker._ctx) as teller:
        both = [_worker(broker, ids, "A1"), _worker(broker, ids, "A2")]
        for i in range(6):
            returner = _returned(teller, both, f"X{i}")
            correction, blobs = request(f"C{i}", supersedes=f"X{i}", amount_fen=99_000)
            teller.submit(correction, blobs)
            item = _item_of(returner, f"C{i}")
            assert item.attempt == 1  # the first lease, not one after the other's was lost
            reply, _ = returner.decide(item)
            assert reply.status == "accepted"  # type: ignore[attr-defined]
            assert teller.wait(f"C{i}", 5).state == "approved"
        assert _both_signed_in(broker)
        for w in both:
            w.close()


def test_the_item_carries_the_original_as_sent_and_the_signed_return(
    broker: Broker, ids: Identities, teller: TellerClient
) -> None:
    w = _worker(broker, ids, "A1")
    original, blobs = request("X1", elements={"purpose": "货款"})
    teller.submit(original, blobs)
    _return(w, _item_of(w, "X1"))
    returned = teller.wait("X1", 5)
    correction, _ = request(
        "C1",
        supersedes="X1",
        amount_fen=99_000,
        elements={"purpose": "货款"},
        blobs=list(blobs.values()),
    )
    teller.submit(correction, {})  # the same image, not sent again: the broker holds it
    item = _item_of(w, "C1")
    assert item.original.request == original.to_dict()  # exactly as the teller sent it
    decision = item.original.decision
    assert decision == returned.decision  # the return as signed, the teller's own copy
    assert (decision.verdict, decision.reason_code, decision.reason_text) == (
        "return",
        "T02",
        RETURN_TEXT,
    )
    assert decision.authorizer_id == "A1"
    assert decision.request_digest == request_digest(item.original.request)
    assert changes(original, correction) == [Change("amount_fen", 100_000, 99_000)]
    # the correction is decided and verified as any request: the original is not in it
    reply, _ = w.decide(item)
    assert reply.status == "accepted"  # type: ignore[attr-defined]
    outcome = teller.wait("C1", 5)
    assert "original" not in outcome.to_dict()
    assert verify_outcome(outcome, correction.to_dict(), ids.directory).outcome.state == "approved"
    # an ordinary request's item has no original
    plain, blobs = request("N1")
    teller.submit(plain, blobs)
    assert _item_of(w, "N1").original is None
    w.close()


def test_a_busy_returner_is_waited_for_the_hold_then_anyone_takes_it(
    ids: Identities, brokers: Callable[..., Broker]
) -> None:
    hold_ms = 400
    broker = brokers(resubmit_hold_ms=hold_ms)
    ctx = broker._ctx
    with TellerClient(broker.bound_endpoint, "T1", ids.directory, context=ctx) as teller:
        returner = _worker(broker, ids, "A1")
        _returned(teller, [returner], "X1")
        busy, blobs = request("Y1")
        teller.submit(busy, blobs)
        on_screen = _item_of(returner, "Y1")  # the returner is deciding something else
        other = _worker(broker, ids, "A2")  # free all along
        correction, blobs = request("C1", supersedes="X1")
        teller.submit(correction, blobs)
        item = _item_of(other, "C1")
        assert item.original is not None
        assert item.dispatched_at - item.enqueued_at >= hold_ms  # not before the hold ended
        reply, _ = returner.decide(on_screen)
        assert reply.status == "accepted"  # type: ignore[attr-defined]
        for w in (returner, other):
            w.close()


def test_a_correction_held_as_the_returners_next_item_stays_for_the_hold(
    ids: Identities, brokers: Callable[..., Broker]
) -> None:
    """With prefetch the returner has room for a next item: the correction waits there, and
    an idle colleague does not take it over until the hold is over."""
    hold_ms = 500
    broker = brokers(resubmit_hold_ms=hold_ms)
    with TellerClient(broker.bound_endpoint, "T1", ids.directory, context=broker._ctx) as teller:
        returner = _worker(broker, ids, "A1")
        returner.ask_prefetch(1)
        _returned(teller, [returner], "X1")
        busy, blobs = request("Y1")
        teller.submit(busy, blobs)
        _item_of(returner, "Y1")
        other = _worker(broker, ids, "A2")
        correction, blobs = request("C1", supersedes="X1")
        teller.submit(correction, blobs)
        held = _item_of(returner, "C1")  # as the returner's next item, though A2 is idle
        taken = _item_of(other, "C1")  # once the hold is over, the idle colleague takes it
        assert taken.dispatched_at >= held.enqueued_at + hold_ms
        revoke = returner.next_work()
        assert (revoke.type, revoke.reason, revoke.lease_id) == (
            "revoke",
            "reassigned",
            held.lease_id,
        )
        for w in (returner, other):
            w.close()


def test_when_the_returner_is_away_anyone_takes_it_at_once_and_back_they_come_first(
    ids: Identities, brokers: Callable[..., Broker]
) -> None:
    broker = brokers(resubmit_hold_ms=600_000)  # a hold that would outlast the test
    with TellerClient(broker.bound_endpoint, "T1", ids.directory, context=broker._ctx) as teller:
        returner = _worker(broker, ids, "A1")
        _returned(teller, [returner], "X1")
        _returned(teller, [returner], "X2")
        _presence(returner, "away")
        other = _worker(broker, ids, "A2")
        correction, blobs = request("C1", supersedes="X1")
        teller.submit(correction, blobs)
        item = _item_of(other, "C1")  # at once: the returner is away
        assert item.dispatched_at - item.enqueued_at < 5_000
        reply, _ = other.decide(item)
        assert reply.status == "accepted"  # type: ignore[attr-defined]
        # nobody else free: the next correction waits, and goes to the returner when back
        busy, blobs = request("Y1")
        teller.submit(busy, blobs)
        on_screen = _item_of(other, "Y1")
        correction, blobs = request("C2", supersedes="X2")
        teller.submit(correction, blobs)
        _presence(returner, "available")
        _item_of(returner, "C2")
        other.decide(on_screen)
        for w in (returner, other):
            w.close()


def test_without_a_hold_a_correction_is_dispatched_as_any_request(
    ids: Identities, brokers: Callable[..., Broker]
) -> None:
    broker = brokers(resubmit_hold_ms=0)
    with TellerClient(broker.bound_endpoint, "T1", ids.directory, context=broker._ctx) as teller:
        returner = _worker(broker, ids, "A1")
        _returned(teller, [returner], "X1")
        busy, blobs = request("Y1")
        teller.submit(busy, blobs)
        _item_of(returner, "Y1")
        other = _worker(broker, ids, "A2")
        correction, blobs = request("C1", supersedes="X1")
        teller.submit(correction, blobs)
        item = _item_of(other, "C1")  # at once, and still with its original
        assert item.original.decision.reason_code == "T02"
        for w in (returner, other):
            w.close()


def _refused(teller: TellerClient, req: AuthRequest, blobs: dict[str, bytes]) -> str:
    with pytest.raises(ProtocolError) as info:
        teller.submit(req, blobs)
    assert info.value.code is ErrorCode.SUPERSEDES
    return info.value.detail


def test_what_may_not_be_superseded_is_refused_and_kept_nowhere(
    broker: Broker, ids: Identities, teller: TellerClient
) -> None:
    w = _worker(broker, ids, "A1")
    req, blobs = request("C1", supersedes="NOPE")
    assert _refused(teller, req, blobs) == "supersedes NOPE: no request of teller T1 with that id"
    with pytest.raises(ProtocolError) as info:
        teller.status("C1")  # refused: not kept
    assert info.value.code is ErrorCode.UNKNOWN_REQUEST
    # not returned: still in review, or approved
    open_one, blobs = request("X1")
    teller.submit(open_one, blobs)
    first = _item_of(w, "X1")
    req, blobs = request("C1", supersedes="X1")
    assert _refused(teller, req, blobs) == "supersedes X1: it is in_review, not returned"
    w.decide(first)
    assert _refused(teller, req, blobs) == "supersedes X1: it is approved, not returned"
    # another teller's returned request: told nothing of it, not even that it exists
    with TellerClient(broker.bound_endpoint, "T2", ids.directory, context=broker._ctx) as t2:
        theirs, blobs = request("X2", teller_id="T2", elements={"purpose": "王五的货款"})
        t2.submit(theirs, blobs)
        _return(w, _item_of(w, "X2"))
        req, blobs = request("C2", supersedes="X2")
        detail = _refused(teller, req, blobs)
        assert detail == "supersedes X2: no request of teller T1 with that id"
        assert "王五" not in detail and "return" not in detail
    # one correction at a time; another once the first ended undecided
    mine, blobs = request("X3")
    teller.submit(mine, blobs)
    _return(w, _item_of(w, "X3"))
    _presence(w, "away")  # nobody decides the first correction
    c1, blobs = request("C3a", supersedes="X3")
    teller.submit(c1, blobs)
    c2, blobs2 = request("C3b", supersedes="X3")
    assert _refused(teller, c2, blobs2) == "supersedes X3: corrected already by C3a (pending)"
    assert teller.submit(c1, blobs).state == "pending"  # a retry of the first is no second one
    teller.cancel("C3a", "改为新申请")
    assert teller.submit(c2, blobs2).state == "pending"
    w.close()


def test_the_originals_and_their_corrections_survive_a_restart(
    ids: Identities, brokers: Callable[..., Broker]
) -> None:
    broker = brokers(heartbeat_ms=2500)
    endpoint = broker.bound_endpoint
    ctx = broker._ctx
    teller = TellerClient(endpoint, "T1", ids.directory, context=ctx)
    try:
        a1 = _worker(broker, ids, "A1")
        for i in range(4):
            _returned(teller, [a1], f"X{i}")
        _presence(a1, "signed_out")  # gone for sure before the next request arrives
        a1.close()
        c0, blobs = request("C0", supersedes="X0")
        teller.submit(c0, blobs)  # nobody signed in: pending when the broker stops
        broker.stop()
        broker = brokers(endpoint=endpoint, heartbeat_ms=2500)
        again, more = request("C0b", supersedes="X0")
        assert _refused(teller, again, more) == "supersedes X0: corrected already by C0 (pending)"
        a1 = _worker(broker, ids, "A1")
        item = _item_of(a1, "C0")  # restored with its original
        assert item.original.request["request_id"] == "X0"
        assert item.original.decision.request_digest == request_digest(item.original.request)
        assert item.original.decision.reason_text == RETURN_TEXT
        a1.decide(item)
        a2 = _worker(broker, ids, "A2")
        for i in range(1, 4):  # both free: each goes to A1, who returned them before the restart
            correction, blobs = request(f"C{i}", supersedes=f"X{i}")
            teller.submit(correction, blobs)
            item = _item_of(a1, f"C{i}")
            assert item.attempt == 1 and item.original.decision.authorizer_id == "A1"
            reply, _ = a1.decide(item)
            assert reply.status == "accepted"  # type: ignore[attr-defined]
        assert _both_signed_in(broker)
        for w in (a1, a2):
            w.close()
    finally:
        teller.close()


# --- the workstation engine ---------------------------------------------------------------


class _Events:
    def __init__(self) -> None:
        self.calls: queue.Queue[tuple[str, tuple[Any, ...]]] = queue.Queue()

    def __getattr__(self, name: str) -> Any:
        return lambda *args: self.calls.put((name, args))

    def next(self, name: str) -> tuple[Any, ...]:
        while True:
            got, args = self.calls.get(timeout=10)
            if got == name:
                return args


def test_the_engine_hands_the_window_the_original_and_what_changed(
    broker: Broker, ids: Identities, teller: TellerClient, tmp_path: Path
) -> None:
    events = _Events()
    config = EngineConfig(
        endpoint=broker.bound_endpoint,
        terminal_id="WS1",
        audit_path=tmp_path / "ws" / "audit.sqlite3",
        heartbeat_ms=200,
        queue_poll_ms=200,
    )
    engine = WorkstationEngine(config, ids.keys["A1"], events, broker._ctx)
    engine.start()
    try:
        voucher = b"\xff\xd8\xff\xe0voucher-first"
        original, blobs = request("X1", blobs=[voucher], elements={"payee_name": "李四"})
        teller.submit(original, blobs)
        (first,) = events.next("item_received")
        assert first.original is None
        engine.decide(DecisionRequest("X1", "return", "T02", RETURN_TEXT, lease_id=first.lease_id))
        assert events.next("decision_settled") == ("X1", True, "", "accepted")
        rescanned = b"\xff\xd8\xff\xe0voucher-rescanned"
        correction, blobs = request(
            "C1",
            blobs=[rescanned],
            elements={"payee_name": "李四四"},
            supersedes="X1",
        )
        teller.submit(correction, blobs)
        (item,) = events.next("item_received")
        got = item.original
        assert got is not None and got.request == original
        assert (got.reason_code, got.reason_text, got.authorizer_id) == ("T02", RETURN_TEXT, "A1")
        assert changes(got.request, item.request) == [
            Change("payee_name", "李四", "李四四", in_elements=True)
        ]
        assert new_evidence(got.request, item.request) == [hashlib.sha256(rescanned).hexdigest()]
        assert dropped_evidence(got.request, item.request) == [hashlib.sha256(voucher).hexdigest()]
    finally:
        engine.stop()
