"""The broker with real sockets on loopback: dispatch, leases, cancel, refusals, garbage."""

from __future__ import annotations

import dataclasses
import os
import random
import time
from collections.abc import Iterator
from typing import Any

import pytest
import zmq

from clientsvc.broker import Broker
from clientsvc.protocol import mdp
from clientsvc.protocol.messages import Cancel, Decision, EvidenceGet, Wait
from clientsvc.rules import REAUTH_WINDOW_MS
from clientsvc.teller.client import TellerClient, verify_outcome
from tests.helpers import Identities, Peer, Worker, request, revoke, start_broker


@pytest.fixture
def broker(ids: Identities) -> Iterator[Broker]:
    b = start_broker(ids)
    yield b
    b.stop()


@pytest.fixture
def teller(broker: Broker, ids: Identities) -> Iterator[TellerClient]:
    client = TellerClient(broker.bound_endpoint, "T1", ids.directory, context=broker._ctx)
    yield client
    client.close()


def worker(broker: Broker, ids: Identities, who: str) -> Worker:
    w = Worker(broker.bound_endpoint, ids.keys[who], broker._ctx)
    w.sign_in()
    return w


def test_approve_round_trip_with_verified_signature(
    broker: Broker, ids: Identities, teller: TellerClient
) -> None:
    w = worker(broker, ids, "A1")
    req, blobs = request("R1")
    ack = teller.submit(req, blobs)
    assert ack.state in ("pending", "in_review")  # dispatched before the ack when someone is free
    item = w.next_work()
    assert item.type == "item" and item.request["request_id"] == "R1"
    reply, _ = w.decide(item)
    assert reply.status == "accepted"  # type: ignore[attr-defined]
    outcome = teller.wait("R1", 5)
    assert outcome.state == "approved"
    assert verify_outcome(outcome, req.to_dict(), ids.directory).authorizer.authorizer_id == "A1"  # type: ignore[union-attr]
    w.close()


def test_two_workstations_never_get_the_same_item(
    broker: Broker, ids: Identities, teller: TellerClient
) -> None:
    workers = [worker(broker, ids, "A1"), worker(broker, ids, "A2")]
    for i in range(30):
        req, blobs = request(f"R{i}")
        teller.submit(req, blobs)
    seen: dict[str, str] = {}
    decided = 0
    while decided < 30:
        progressed = False
        for w in workers:
            item = w.next_work(timeout_ms=200)
            if item is None or item.type != "item":
                continue
            rid = item.request["request_id"]
            assert rid not in seen, f"{rid} went to {seen.get(rid)} and {w.key.authorizer_id}"
            seen[rid] = w.key.authorizer_id
            reply, _ = w.decide(item)
            assert reply.status == "accepted"  # type: ignore[attr-defined]
            decided += 1
            progressed = True
        assert progressed or decided == 30, "the broker stopped dispatching"
    assert len(seen) == 30
    assert set(seen.values()) == {"A1", "A2"}  # both got work: dispatch is spread, not pinned
    for w in workers:
        w.close()


def test_a_workstation_that_dies_mid_item_loses_it_to_the_other(
    broker: Broker, ids: Identities, teller: TellerClient
) -> None:
    first = worker(broker, ids, "A1")
    req, blobs = request("R1")
    teller.submit(req, blobs)
    item = first.next_work()
    assert item.type == "item"
    first.close()  # dies: no heartbeats, no disconnect
    second = worker(broker, ids, "A2")
    again = second.next_work(timeout_ms=5000)
    assert again is not None and again.request["request_id"] == "R1"
    assert again.attempt == 2 and again.lease_id != item.lease_id
    reply, _ = second.decide(again)
    assert reply.status == "accepted"  # type: ignore[attr-defined]
    # the dead workstation's decision on the old lease would be refused
    late = ids.keys["A1"].sign_decision(
        request_id="R1",
        lease_id=item.lease_id,
        request_digest=item.request_digest,
        evidence=[e["sha256"] for e in item.request["evidence"]],
        verdict="approve",
        reason_code=None,
        reason_text="",
    )
    peer = Peer(broker.bound_endpoint, broker._ctx)
    error, _ = peer.call("authz.decide", [late.to_frame()])
    assert error.code == "E_ALREADY_DECIDED"  # type: ignore[attr-defined]
    peer.close()
    second.close()


def test_cancel_before_dispatch(broker: Broker, teller: TellerClient) -> None:
    req, blobs = request("R1")
    teller.submit(req, blobs)
    outcome = teller.cancel("R1", "customer left")
    assert outcome.state == "cancelled"
    assert teller.status("R1").state == "cancelled"


def test_cancel_after_dispatch_revokes_the_item(
    broker: Broker, ids: Identities, teller: TellerClient
) -> None:
    w = worker(broker, ids, "A1")
    req, blobs = request("R1")
    teller.submit(req, blobs)
    item = w.next_work()
    assert teller.cancel("R1").state == "cancelled"
    revoke = w.next_work()
    assert (
        revoke.type == "revoke"
        and revoke.reason == "cancelled"
        and revoke.lease_id == item.lease_id
    )
    error, _ = w.decide(item)
    assert error.code == "E_INVALID_STATE"  # type: ignore[attr-defined]
    w.close()


def test_only_the_submitting_teller_may_cancel_or_wait(
    broker: Broker, ids: Identities, teller: TellerClient
) -> None:
    req, blobs = request("R1")
    teller.submit(req, blobs)
    peer = Peer(broker.bound_endpoint, broker._ctx)
    error, _ = peer.call("authz.cancel", [Cancel(request_id="R1", teller_id="T2").to_frame()])
    assert error.code == "E_FORBIDDEN"  # type: ignore[attr-defined]
    error, _ = peer.call(
        "authz.wait", [Wait(request_id="R1", teller_id="T2", wait_ms=0).to_frame()]
    )
    assert error.code == "E_FORBIDDEN"  # type: ignore[attr-defined]
    peer.close()


def test_resubmission_is_idempotent_and_a_reused_id_is_refused(
    broker: Broker, teller: TellerClient
) -> None:
    req, blobs = request("R1")
    assert teller.submit(req, blobs).state in ("pending", "in_review")
    assert teller.submit(req, blobs).state == "pending"  # a retry: same request, not a second one
    assert len(broker.entries) == 1
    other, other_blobs = request("R1", amount_fen=5)
    from clientsvc.protocol.errors import ErrorCode, ProtocolError

    with pytest.raises(ProtocolError) as info:
        teller.submit(other, other_blobs)
    assert info.value.code is ErrorCode.DUPLICATE_MISMATCH


def test_evidence_must_match_its_hash_and_is_served_content_addressed(
    broker: Broker, teller: TellerClient
) -> None:
    from clientsvc.protocol.errors import ErrorCode, ProtocolError

    req, blobs = request("R1")
    sha = next(iter(blobs))
    with pytest.raises(ProtocolError) as info:
        teller.submit(req, {sha: blobs[sha] + b"tampered"})
    assert info.value.code in (ErrorCode.EVIDENCE_MISSING, ErrorCode.EVIDENCE_MISMATCH)
    with pytest.raises(ProtocolError) as info:
        teller.submit(req, {})
    assert info.value.code is ErrorCode.EVIDENCE_MISSING
    teller.submit(req, blobs)
    peer = Peer(broker.bound_endpoint, broker._ctx)
    header, body = peer.call("evidence.get", [EvidenceGet(sha256=sha).to_frame()])
    assert header.type == "evidence" and body[1] == blobs[sha]  # type: ignore[attr-defined]
    missing, _ = peer.call("evidence.get", [EvidenceGet(sha256="0" * 64).to_frame()])
    assert missing.code == "E_EVIDENCE_MISSING"  # type: ignore[attr-defined]
    peer.close()


def test_items_go_only_to_eligible_authorizers(
    broker: Broker, ids: Identities, teller: TellerClient
) -> None:
    junior = worker(broker, ids, "A3")  # level 1: up to 50,000 yuan
    big, blobs = request("BIG", amount_fen=300_000 * 100)
    teller.submit(big, blobs)
    assert junior.next_work(timeout_ms=600) is None
    small, blobs = request("SMALL", amount_fen=1_000 * 100)
    teller.submit(small, blobs)
    item = junior.next_work()
    assert item.request["request_id"] == "SMALL"
    senior = worker(broker, ids, "A1")
    assert senior.next_work().request["request_id"] == "BIG"
    junior.close()
    senior.close()


def test_maker_is_not_checker(tmp_path) -> None:
    from tests.helpers import make_identities

    ids = make_identities(tmp_path, (("A1", 3, "T1"), ("A2", 3, "")))
    broker = start_broker(ids)
    try:
        own = worker(broker, ids, "A1")  # A1 is also staff member T1
        with TellerClient(
            broker.bound_endpoint, "T1", ids.directory, context=broker._ctx
        ) as teller:
            req, blobs = request("R1", teller_id="T1")
            teller.submit(req, blobs)
            assert own.next_work(timeout_ms=600) is None
            other = worker(broker, ids, "A2")
            assert other.next_work().request["request_id"] == "R1"
            other.close()
        own.close()
    finally:
        broker.stop()


def test_away_stops_dispatch_and_available_resumes(
    broker: Broker, ids: Identities, teller: TellerClient
) -> None:
    w = worker(broker, ids, "A1")
    w.call(
        "authz.presence", [ids.keys["A1"].sign_presence(terminal_id="WS", state="away").to_frame()]
    )
    req, blobs = request("R1")
    teller.submit(req, blobs)
    assert w.next_work(timeout_ms=600) is None
    w.call(
        "authz.presence",
        [ids.keys["A1"].sign_presence(terminal_id="WS", state="available").to_frame()],
    )
    assert w.next_work().request["request_id"] == "R1"
    w.close()


def _fresh(item, key, **changes) -> Decision:  # type: ignore[no-untyped-def]
    fields = dict(
        request_id=item.request["request_id"],
        lease_id=item.lease_id,
        request_digest=item.request_digest,
        evidence=[e["sha256"] for e in item.request["evidence"]],
        verdict="approve",
        reason_code=None,
        reason_text="",
    )
    fields.update(changes)
    return key.sign_decision(**fields)  # type: ignore[no-any-return]


def test_the_broker_refuses_forged_wrong_and_replayed_decisions(
    broker: Broker, ids: Identities, teller: TellerClient
) -> None:
    w = worker(broker, ids, "A1")
    req, blobs = request("R1")
    teller.submit(req, blobs)
    item = w.next_work()
    key = ids.keys["A1"]

    def refused(decision: Decision) -> str:
        reply, _ = w.call("authz.decide", [decision.to_frame()])
        assert reply.request_id == decision.request_id  # type: ignore[attr-defined]
        return reply.code  # type: ignore[attr-defined,no-any-return]

    altered = _fresh(item, key).to_dict()
    altered["verdict"] = "reject"
    altered["reason_code"] = "R02"
    assert refused(Decision.model_validate(altered)) == "E_BAD_SIGNATURE"
    assert (
        refused(_fresh(item, ids.keys["A2"])) == "E_NOT_LEASED"
    )  # signed by a real key, not the lessee
    assert refused(_fresh(item, key, request_digest="0" * 64)) == "E_WRONG_REQUEST"
    assert refused(_fresh(item, key, evidence=[])) == "E_EVIDENCE_MISMATCH"
    assert refused(_fresh(item, key, lease_id="L-other")) == "E_NOT_LEASED"
    assert refused(_fresh(item, key, verdict="reject")) == "E_REASON_REQUIRED"
    assert refused(_fresh(item, key, verdict="return", reason_code="R01")) == "E_REASON_REQUIRED"
    assert refused(_fresh(item, key, verdict="reject", reason_code="R99")) == "E_REASON_REQUIRED"
    assert refused(_fresh(item, key, reason_code="R01")) == "E_REASON_REQUIRED"
    assert refused(_fresh(item, key, decided_at=1)) == "E_CLOCK_SKEW"
    assert refused(_fresh(item, key, request_id="R-unknown")) == "E_UNKNOWN_REQUEST"
    good = _fresh(item, key)
    ack, _ = w.call("authz.decide", [good.to_frame()])
    assert ack.status == "accepted"  # type: ignore[attr-defined]
    again, _ = w.call("authz.decide", [good.to_frame()])
    assert again.status == "duplicate"  # type: ignore[attr-defined]  # a retry, not applied twice
    assert refused(_fresh(item, key, nonce=good.nonce)) == "E_ALREADY_DECIDED"
    assert broker.stats["decided"] == 1
    assert teller.wait("R1", 5).state == "approved"
    w.close()


def test_a_replayed_presence_is_refused(broker: Broker, ids: Identities) -> None:
    peer = Peer(broker.bound_endpoint, broker._ctx)
    presence = ids.keys["A1"].sign_presence(terminal_id="WS", state="available").to_frame()
    ok, _ = peer.call("authz.presence", [presence])
    assert ok.type == "presence_ack"  # type: ignore[attr-defined]
    replay, _ = peer.call("authz.presence", [presence])
    assert replay.code == "E_REPLAYED"  # type: ignore[attr-defined]
    peer.close()


def test_mdp_v2_client_and_worker_interoperate(broker: Broker, ids: Identities) -> None:
    req, blobs = request("R1")
    client = Peer(broker.bound_endpoint, broker._ctx)
    ack, _frames = client.call("authz.submit", [req.to_frame(), *blobs.values()], version=2)
    assert ack.type == "submit_ack"  # type: ignore[attr-defined]
    w = Peer(broker.bound_endpoint, broker._ctx)
    w.call(
        "authz.presence",
        [ids.keys["A1"].sign_presence(terminal_id="WS", state="available").to_frame()],
        version=2,
    )
    w.send_raw(mdp.worker_frames(mdp.WorkerCommand.READY, version=2, service="authz"))
    while True:
        assert w.sock.poll(5000)
        message = mdp.parse_from_broker(w.sock.recv_multipart())
        if message.command is mdp.WorkerCommand.REQUEST:
            break
    assert message.version == 2
    from clientsvc.protocol.messages import parse

    item, _ = parse(message.body[0])
    decision = _fresh(item, ids.keys["A1"])
    # a stock MDP/0.2 worker answers with FINAL carrying the decision
    w.send_raw(
        mdp.worker_frames(
            mdp.WorkerCommand.REPLY, version=2, client=message.client, body=[decision.to_frame()]
        )
    )
    outcome, _ = client.call(
        "authz.wait", [Wait(request_id="R1", teller_id="T1", wait_ms=5000).to_frame()], version=2
    )
    assert outcome.state == "approved"  # type: ignore[attr-defined]
    client.close()
    w.close()


def test_a_thousand_malformed_frames_then_the_broker_still_serves(
    broker: Broker, ids: Identities, teller: TellerClient
) -> None:
    rng = random.Random(7)
    attacker = Peer(broker.bound_endpoint, broker._ctx)
    req, _ = request("R0")
    good = req.to_frame()
    makers = [
        lambda: [b""],
        lambda: [b"", b"MDPC01"],
        lambda: [
            b"",
            b"MDPC01",
            b"authz.submit",
            good[: rng.randint(0, len(good) - 1)],
        ],  # truncated
        lambda: [b"", b"MDPX99", b"authz.submit", good],  # wrong header
        lambda: [b"", b"MDPC01", b"authz.submit", b"{" + b"x" * 70_000],  # huge
        lambda: [os.urandom(rng.randint(1, 200)) for _ in range(rng.randint(1, 6))],  # random bytes
        lambda: [b"", b"MDPW01", bytes([rng.randint(0, 255)]), os.urandom(8)],
        lambda: [b"", b"MDPC01", b"no.such.service", b"{}"],
        lambda: [b"", b"MDPC01", b"authz.decide", b'{"v":1,"type":"decision"}'],
        lambda: [
            b"",
            b"MDPC01",
            b"authz.wait",
            b'{"v":1,"type":"wait","request_id":"x","teller_id":"' + b"9" * 5000 + b'"}',
        ],
    ]
    for i in range(1000):
        attacker.send_raw(makers[i % len(makers)]())
    # drain what came back: error replies, each with a stable code
    codes = set()
    while attacker.sock.poll(300):
        frames = attacker.sock.recv_multipart()
        try:
            reply = mdp.parse_client_reply(frames)
            from clientsvc.protocol.messages import parse

            codes.add(parse(reply.body[0])[0].code)  # type: ignore[attr-defined]
        except Exception:
            codes.add("worker-disconnect")
    assert {"E_MALFORMED", "E_UNKNOWN_SERVICE", "E_TOO_LARGE"} <= codes
    assert broker.stats["malformed"] > 100
    # and it still serves
    w = worker(broker, ids, "A1")
    req, blobs = request("R1")
    assert teller.submit(req, blobs).state in ("pending", "in_review")
    item = w.next_work()
    reply, _ = w.decide(item)
    assert reply.status == "accepted"  # type: ignore[attr-defined]
    assert teller.wait("R1", 5).state == "approved"
    attacker.close()
    w.close()


def test_an_oversized_message_is_dropped_by_the_socket(ids: Identities) -> None:
    broker = start_broker(ids, max_message_bytes=64 * 1024)
    try:
        big = Peer(broker.bound_endpoint, broker._ctx)
        req, blobs = request("BIG", blobs=[b"\xff\xd8\xff" + os.urandom(200_000)])
        big.send_raw(mdp.client_request("authz.submit", [req.to_frame(), *blobs.values()]))
        assert not big.sock.poll(500)  # the connection is dropped, nothing is allocated
        big.close()
        with TellerClient(
            broker.bound_endpoint, "T1", ids.directory, context=broker._ctx
        ) as teller:
            small, blobs = request("SMALL", blobs=[b"\xff\xd8\xfftiny"])
            assert teller.submit(small, blobs).state == "pending"
        assert "BIG" not in broker.entries
    finally:
        broker.stop()


def test_queue_status_and_mmi(broker: Broker, ids: Identities, teller: TellerClient) -> None:
    from clientsvc.protocol.messages import QueueStatusGet

    req, blobs = request("R1", urgent=True)
    teller.submit(req, blobs)
    peer = Peer(broker.bound_endpoint, broker._ctx)
    status, _ = peer.call("authz.queue", [QueueStatusGet().to_frame()])
    assert status.waiting == 1 and status.oldest_enqueued_at is not None  # type: ignore[attr-defined]
    peer.sock.send_multipart(mdp.client_request("mmi.service", [b"authz.submit"]))
    assert peer.sock.poll(2000)
    assert mdp.parse_client_reply(peer.sock.recv_multipart()).body == [b"200"]
    peer.close()


def test_the_journal_records_every_state_change(
    broker: Broker, ids: Identities, teller: TellerClient
) -> None:
    w = worker(broker, ids, "A1")
    req, blobs = request("R1")
    teller.submit(req, blobs)
    item = w.next_work()
    w.decide(item, "reject", "R02")
    assert teller.wait("R1", 5).state == "rejected"
    events = broker.journal.events("R1")
    assert [e for e, _ in events] == ["accepted", "leased", "rejected"]
    assert events[0][1]["request"]["request_id"] == "R1"
    assert events[-1][1]["decision"]["reason_code"] == "R02"  # the signed decision is kept
    sha = req.evidence[0].sha256
    assert broker.journal.evidence(sha) == ("image/jpeg", blobs[sha])
    w.close()


def test_a_message_that_once_crashed_the_broker_gets_an_error(
    broker: Broker, teller: TellerClient
) -> None:
    peer = Peer(broker.bound_endpoint, broker._ctx)
    req, blobs = request("R1")
    raw = req.to_dict()
    raw["v"] = 1.0  # equal to 1 in Python, not in the protocol
    import json

    error, _ = peer.call("authz.submit", [json.dumps(raw).encode(), *blobs.values()])
    assert error.code == "E_UNSUPPORTED_VERSION" and error.request_id == "R1"  # type: ignore[attr-defined]
    assert teller.submit(req, blobs).state == "pending"  # still serving
    peer.close()


def test_a_declared_image_type_must_match_the_bytes(broker: Broker, teller: TellerClient) -> None:
    from clientsvc.protocol.errors import ErrorCode, ProtocolError

    req, blobs = request("R1", blobs=[b"GIF89a not a jpeg at all"])
    with pytest.raises(ProtocolError) as info:
        teller.submit(req, blobs)
    assert info.value.code is ErrorCode.EVIDENCE_MISMATCH


def test_mmi_knows_exactly_the_services(broker: Broker, ids: Identities) -> None:
    peer = Peer(broker.bound_endpoint, broker._ctx)

    def mmi(name: bytes) -> bytes:
        peer.sock.send_multipart(mdp.client_request("mmi.service", [name]))
        assert peer.sock.poll(2000)
        return mdp.parse_client_reply(peer.sock.recv_multipart()).body[0]

    assert mmi(b"authz.submit") == b"200" and mmi(b"mmi.service") == b"200"
    assert mmi(b"authz.foo") == b"404" and mmi(b"evidence.put") == b"404"
    assert mmi(b"authz") == b"404"  # no workstation yet
    w = worker(broker, ids, "A1")
    assert mmi(b"authz") == b"200"
    peer.close()
    w.close()


def test_sign_out_drops_the_worker_without_a_reconnect(broker: Broker, ids: Identities) -> None:
    w = worker(broker, ids, "A1")
    ack, _ = w.call(
        "authz.presence",
        [ids.keys["A1"].sign_presence(terminal_id="WS", state="signed_out").to_frame()],
    )
    assert ack.state == "signed_out"  # type: ignore[attr-defined]
    assert not any(f[-1:] == [b"\x05"] for f in w.backlog)  # no DISCONNECT sent to a leaving worker
    assert all(
        x.profile is None or x.profile.authorizer_id != "A1" for x in broker.workers.values()
    )
    w.close()


_ = zmq  # the module is used through helpers


def test_an_invalid_request_id_in_a_refused_body_does_not_stop_the_broker(
    broker: Broker, teller: TellerClient
) -> None:
    peer = Peer(broker.bound_endpoint, broker._ctx)
    error, _ = peer.call(
        "authz.wait", [b'{"v":1,"type":"wait","request_id":"a b","teller_id":"T1"}']
    )
    assert error.code == "E_MALFORMED" and error.request_id is None  # type: ignore[attr-defined]
    req, blobs = request("R1")
    assert teller.submit(req, blobs).state in ("pending", "in_review")
    assert broker.stats["internal_errors"] == 0
    peer.close()


def test_a_revoked_authorizer_gets_no_new_items(
    broker: Broker, ids: Identities, teller: TellerClient
) -> None:
    w = worker(broker, ids, "A1")
    revoke(ids, "A1")
    req, blobs = request("R1")
    teller.submit(req, blobs)
    assert w.next_work(timeout_ms=600) is None
    other = worker(broker, ids, "A2")
    assert other.next_work().request["request_id"] == "R1"
    w.close()
    other.close()


def test_disconnect_to_an_unknown_worker_mirrors_its_framing(broker: Broker) -> None:
    peer = Peer(broker.bound_endpoint, broker._ctx)
    peer.send_raw(mdp.worker_frames(mdp.WorkerCommand.HEARTBEAT, version=2, delimited=False))
    assert peer.sock.poll(2000)
    assert peer.sock.recv_multipart() == mdp.worker_frames(
        mdp.WorkerCommand.DISCONNECT, version=2, delimited=False
    )
    peer.close()


def test_a_full_disk_at_the_broker_refuses_the_request_and_loses_nothing_acked(
    broker: Broker, ids: Identities, teller: TellerClient
) -> None:
    from clientsvc.protocol.errors import ErrorCode, ProtocolError

    first, blobs = request("R1")
    teller.submit(first, blobs)
    pages = broker.journal._db.execute("PRAGMA page_count").fetchone()[0]
    broker.journal._db.execute(f"PRAGMA max_page_count={pages}")  # the disk is now full
    w = worker(broker, ids, "A1")
    item = w.next_work()  # R1 goes out; R2 will be refused and taken back
    assert item.request["request_id"] == "R1"
    big, big_blobs = request("R2", blobs=[b"\xff\xd8\xff" + os.urandom(300_000)])
    with pytest.raises(ProtocolError) as info:
        teller.submit(big, big_blobs)
    assert info.value.code is ErrorCode.STORAGE
    assert "R2" not in broker.entries
    assert teller.status("R1").state == "in_review"  # what was acked is still there
    assert broker.stats["internal_errors"] == 0
    w.close()


def test_prefetch_holds_the_next_item_so_deciding_moves_straight_on(
    broker: Broker, ids: Identities, teller: TellerClient
) -> None:
    w = worker(broker, ids, "A1")
    assert w.ask_prefetch(3) == 1  # the broker grants one held item, never more
    for i in range(3):
        req, blobs = request(f"R{i}")
        teller.submit(req, blobs)
    first, second = w.next_work(), w.next_work()
    assert [first.request["request_id"], second.request["request_id"]] == ["R0", "R1"]
    assert w.next_work(timeout_ms=300) is None  # one on screen, one held: no third
    assert teller.status("R1").state == "in_review"  # held is leased: nobody else gets it
    reply, _ = w.decide(first)
    assert reply.status == "accepted"  # type: ignore[attr-defined]
    third = w.next_work()  # R1 is now on screen; R2 becomes the held one
    assert third.request["request_id"] == "R2"
    for item in (second, third):
        reply, _ = w.decide(item)
        assert reply.status == "accepted"  # type: ignore[attr-defined]
    w.close()


def test_without_options_a_worker_gets_one_item_at_a_time_as_in_mdp(
    broker: Broker, ids: Identities, teller: TellerClient
) -> None:
    w = worker(broker, ids, "A1")
    for i in range(2):
        req, blobs = request(f"R{i}")
        teller.submit(req, blobs)
    first = w.next_work()
    assert w.next_work(timeout_ms=300) is None
    w.decide(first)
    assert w.next_work().request["request_id"] == "R1"
    w.close()


def test_an_idle_authorizer_takes_over_an_item_another_only_holds(
    broker: Broker, ids: Identities, teller: TellerClient
) -> None:
    busy = worker(broker, ids, "A1")
    busy.ask_prefetch(1)
    for i in range(2):
        req, blobs = request(f"R{i}")
        teller.submit(req, blobs)
    on_screen, held = busy.next_work(), busy.next_work()
    assert held.request["request_id"] == "R1"
    idle = worker(broker, ids, "A2")  # signs in with nothing to do while R1 only waits
    taken = idle.next_work()
    assert taken.type == "item" and taken.request["request_id"] == "R1"
    assert taken.lease_id != held.lease_id
    revoke = busy.next_work()
    assert (revoke.type, revoke.reason, revoke.lease_id) == ("revoke", "reassigned", held.lease_id)
    error, _ = busy.decide(held)  # the old lease no longer counts
    assert error.code == "E_NOT_LEASED"  # type: ignore[attr-defined]
    reply, _ = busy.decide(on_screen)
    assert reply.status == "accepted"  # type: ignore[attr-defined]
    busy.close()
    idle.close()


def test_going_away_gives_back_the_held_item_but_keeps_the_one_on_screen(
    broker: Broker, ids: Identities, teller: TellerClient
) -> None:
    w = worker(broker, ids, "A1")
    w.ask_prefetch(1)
    for i in range(2):
        req, blobs = request(f"R{i}")
        teller.submit(req, blobs)
    on_screen, held = w.next_work(), w.next_work()
    assert held.request["request_id"] == "R1"
    ack, _ = w.call(
        "authz.presence", [w.key.sign_presence(terminal_id="WS-A1", state="away").to_frame()]
    )
    assert ack.state == "away"  # type: ignore[attr-defined]
    revoke = w.next_work()
    assert (revoke.reason, revoke.request_id) == ("reassigned", "R1")
    assert teller.status("R1").state == "pending"
    reply, _ = w.decide(on_screen)  # the item they were looking at can still be decided
    assert reply.status == "accepted"  # type: ignore[attr-defined]
    assert w.next_work(timeout_ms=300) is None  # away: nothing new
    w.close()


def test_a_dead_workstation_loses_both_its_items_to_the_queue(
    broker: Broker, ids: Identities, teller: TellerClient
) -> None:
    first = worker(broker, ids, "A1")
    first.ask_prefetch(1)
    for i in range(2):
        req, blobs = request(f"R{i}")
        teller.submit(req, blobs)
    first.next_work(), first.next_work()
    first.close()  # dies without a word
    second = worker(broker, ids, "A2")
    second.ask_prefetch(1)
    got = {second.next_work(timeout_ms=5000).request["request_id"] for _ in range(2)}
    assert got == {"R0", "R1"}
    second.close()


# --- who may decide: authority, the PIN again, locking ------------------------------------------

TOP_LEVEL_FEN = 300_000 * 100  # above every amount band: the top authority level


def test_an_approval_above_the_authorizers_limit_is_refused(
    broker: Broker, ids: Identities, teller: TellerClient
) -> None:
    """The item was within A1's limit when leased; branch IT lowers the limit; the decision
    that follows is refused, and no item above the new limit reaches A1 again."""
    w = worker(broker, ids, "A1")
    req, blobs = request("R1", amount_fen=80_000 * 100)
    teller.submit(req, blobs)
    item = w.next_work()
    profile = ids.directory.get("A1")
    assert profile is not None
    ids.directory.publish(dataclasses.replace(profile, amount_limit_fen=50_000 * 100))
    os.utime(ids.directory.path / "A1.json", ns=(2, 2))  # seen as changed at once
    reply, _ = w.decide(item)
    assert reply.code == "E_FORBIDDEN"  # type: ignore[attr-defined]
    req2, blobs2 = request("R2", amount_fen=60_000 * 100)
    teller.submit(req2, blobs2)
    assert all(
        got.type == "revoke"  # type: ignore[attr-defined]
        for got in iter(lambda: w.next_work(timeout_ms=600), None)
    )
    w.close()


def test_a_top_level_decision_needs_the_pin_entered_again(
    broker: Broker, ids: Identities, teller: TellerClient
) -> None:
    w = worker(broker, ids, "A1")
    low, low_blobs = request("LOW", amount_fen=1_000 * 100)
    teller.submit(low, low_blobs)
    first = w.next_work()
    assert not first.reauth_required  # type: ignore[attr-defined]
    assert w.decide(first)[0].status == "accepted"  # type: ignore[attr-defined]
    top, blobs = request("TOP", amount_fen=TOP_LEVEL_FEN)
    teller.submit(top, blobs)
    item = w.next_work()
    assert item.reauth_required  # type: ignore[attr-defined]
    now = time.time_ns() // 1_000_000
    for reauth_at in (None, now - REAUTH_WINDOW_MS - 5_000, now + 60_000):
        reply, _ = w.decide(item, reauth_at=reauth_at)
        assert reply.code == "E_REAUTH_REQUIRED", reauth_at  # type: ignore[attr-defined]
    reply, _ = w.decide(item, reauth_at=now)
    assert reply.status == "accepted"  # type: ignore[attr-defined]
    outcome = teller.wait("TOP", 5)
    assert outcome.state == "approved" and outcome.decision is not None
    assert outcome.decision.reauth_at == now  # signed: the teller's copy carries it
    verify_outcome(outcome, top.to_dict(), ids.directory)
    w.close()


def test_a_locked_workstation_gives_back_what_it_holds_and_gets_nothing(
    broker: Broker, ids: Identities, teller: TellerClient
) -> None:
    w = worker(broker, ids, "A1")
    w.ask_prefetch(1)
    for rid in ("R1", "R2"):
        req, blobs = request(rid)
        teller.submit(req, blobs)
    held = [w.next_work(), w.next_work()]
    assert sorted(i.request["request_id"] for i in held) == ["R1", "R2"]  # type: ignore[attr-defined]
    w.call(
        "authz.presence",
        [ids.keys["A1"].sign_presence(terminal_id="WS", state="locked").to_frame()],
    )
    revokes = [w.next_work(), w.next_work()]
    assert {(r.type, r.reason) for r in revokes} == {("revoke", "locked")}  # type: ignore[attr-defined]
    req, blobs = request("R3")
    teller.submit(req, blobs)
    assert w.next_work(timeout_ms=600) is None  # nothing while locked
    other = worker(broker, ids, "A2")  # what A1 held is someone else's now
    assert other.next_work().request["request_id"] in ("R1", "R2", "R3")  # type: ignore[attr-defined]
    w.call(
        "authz.presence",
        [ids.keys["A1"].sign_presence(terminal_id="WS", state="available").to_frame()],
    )
    assert w.next_work().type == "item"  # type: ignore[attr-defined]
    other.close()
    w.close()


def test_a_replayed_decision_is_refused(
    broker: Broker, ids: Identities, teller: TellerClient
) -> None:
    """A decision captured on the wire and sent again: the same frame is answered "duplicate"
    and not applied twice; its nonce under another request, or an old time, is refused."""
    w = worker(broker, ids, "A1")
    w.ask_prefetch(1)
    for rid in ("R1", "R2"):
        req, blobs = request(rid)
        teller.submit(req, blobs)
    first, second = w.next_work(), w.next_work()
    reply, captured = w.decide(first)
    assert reply.status == "accepted"  # type: ignore[attr-defined]
    again, _ = w.call("authz.decide", [captured.to_frame()])
    assert again.status == "duplicate"  # type: ignore[attr-defined]
    assert broker.stats["decided"] == 1
    reply, _ = w.decide(second, nonce=captured.nonce)  # the nonce seen within 240 s
    assert reply.code == "E_REPLAYED"  # type: ignore[attr-defined]
    old = time.time_ns() // 1_000_000 - 10 * 60_000
    reply, _ = w.decide(second, decided_at=old)  # signed ten minutes ago
    assert reply.code == "E_CLOCK_SKEW"  # type: ignore[attr-defined]
    assert w.decide(second)[0].status == "accepted"  # type: ignore[attr-defined]
    w.close()


def test_a_submit_ack_says_the_place_in_the_line(
    broker: Broker, ids: Identities, teller: TellerClient
) -> None:
    """Nobody signed in: each request waits; an urgent one goes ahead of the others."""
    places = [teller.submit(*request(f"P{i}")).position for i in range(4)]
    urgent = teller.submit(*request("PU", urgent=True))
    assert places == [0, 1, 2, 3]
    assert urgent.state == "pending" and urgent.position == 0
    assert broker.queue_status().waiting == 5


def test_no_reply_leaves_before_the_commits_it_speaks_of_are_on_disk(
    broker: Broker, ids: Identities
) -> None:
    """Group commit: a burst of requests shares fsyncs, and every reply to a client is sent
    only once the journal has synced every commit made before it."""
    sent: list[tuple[bool, list[bytes]]] = []
    send = broker._send

    def spy(identity: bytes, frames: list[bytes]) -> bool:
        sent.append((broker.journal.unsynced, frames))
        return send(identity, frames)

    broker._send = spy  # type: ignore[method-assign]
    peer = Peer(broker.bound_endpoint, broker._ctx)
    burst = 40
    for i in range(burst):
        req, blobs = request(f"G{i}")
        peer.send_raw(mdp.client_request("authz.submit", [req.to_frame(), *blobs.values()]))
    acks = [peer.reply("authz.submit")[0] for _ in range(burst)]
    assert {a.request_id for a in acks} == {f"G{i}" for i in range(burst)}  # type: ignore[attr-defined]
    replies = [(unsynced, f) for unsynced, f in sent if mdp.C_CLIENT_V1 in f]
    assert len(replies) == burst and not any(unsynced for unsynced, _ in replies)
    assert 1 <= broker.journal.syncs < burst  # one fsync covered several commits
    peer.close()


def test_a_failed_fsync_stops_the_broker_without_acknowledging(
    broker: Broker, ids: Identities
) -> None:
    """fsync failing (EIO: the disk may not have what was committed) cannot be made to
    happen on this machine's disk, so the journal's sync is made to fail here. Nothing is
    acknowledged, the broker stops, and restarted on the same journal it answers the retry."""
    import errno

    from clientsvc.broker.broker import JournalLost

    def failing() -> None:
        raise OSError(errno.EIO, "Input/output error")

    broker.journal.sync = failing  # type: ignore[method-assign]

    peer = Peer(broker.bound_endpoint, broker._ctx)
    req, blobs = request("F1")
    peer.send_raw(mdp.client_request("authz.submit", [req.to_frame(), *blobs.values()]))
    assert broker._thread is not None
    broker._thread.join(10)
    assert not broker._thread.is_alive()
    assert broker.stats["syncs_failed"] == 1 and isinstance(broker.failure, JournalLost)
    assert peer.sock.poll(0) == 0  # no acknowledgement ever left
    peer.close()
    again = start_broker(ids)
    try:
        teller = TellerClient(again.bound_endpoint, "T1", ids.directory, context=again._ctx)
        ack = teller.submit(req, blobs)  # the teller's retry, same id
        assert ack.request_id == "F1" and ack.state == "pending"
        teller.close()
    finally:
        again.stop()


def test_the_feed_to_the_center_passes_on_only_what_is_on_disk(tmp_path: Any) -> None:
    """A record committed but not yet fsynced is not sent to the center: after a power loss
    the broker could not have it, and the center must not hold what the broker lost."""
    import sqlite3

    from clientsvc.broker.feed import CenterFeed
    from clientsvc.broker.journal import Journal

    journal = Journal(tmp_path / "journal.sqlite3")
    feed = CenterFeed(
        tmp_path / "journal.sqlite3", "B1", "tcp://127.0.0.1:1", durable=lambda: journal.durable_seq
    )
    feed.held_seq = 0
    db = sqlite3.connect(tmp_path / "journal.sqlite3")
    journal.record_many([(1, "R1", "requeued", {}), (2, "R1", "requeued", {})])
    assert journal.unsynced and feed._next(db, [])[0] == []  # committed, not durable
    journal.sync()
    assert [r["seq"] for r in feed._next(db, [])[0]] == [1, 2]
    journal.record_many([(3, "R2", "requeued", {})])
    assert [r["seq"] for r in feed._next(db, [])[0]] == [1, 2]
    db.close()
    journal.close()
    reopened = Journal(tmp_path / "journal.sqlite3")  # what is in the file after a restart
    assert reopened.durable_seq == 3
    reopened.close()
