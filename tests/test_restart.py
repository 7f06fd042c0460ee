"""A broker that restarts carries on from its journal: the queue, the leases, the outcomes,
the seen nonces. In-process restarts for the details, and kill -9 of a broker process."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import zmq

from clientsvc.broker import Broker
from clientsvc.protocol.errors import ErrorCode, ProtocolError
from clientsvc.teller.client import TellerClient
from tests.helpers import (
    Identities,
    Worker,
    authdesk,
    free_port,
    request,
    start_broker,
    wait_for_broker,
)


def _restart(broker: Broker, ids: Identities) -> Broker:
    endpoint = broker.bound_endpoint
    broker.stop()  # its journal holds everything committed
    return start_broker(ids, endpoint=endpoint)


def test_a_restarted_broker_has_its_queue_its_leases_and_its_outcomes(ids: Identities) -> None:
    broker = start_broker(ids)
    endpoint = broker.bound_endpoint
    ctx = zmq.Context.instance()
    with TellerClient(endpoint, "T1", ids.directory, context=ctx) as teller:
        for rid in ("R1", "R2", "R3"):
            req, blobs = request(rid)
            teller.submit(req, blobs)
        worker = Worker(endpoint, ids.keys["A1"], ctx)
        worker.sign_in()
        first = worker.next_work()
        reply, decided = worker.decide(first)  # R? decided before the restart
        assert reply.status == "accepted"  # type: ignore[attr-defined]
        second = worker.next_work()  # leased, not yet decided, when the broker stops
        worker.close()
        broker = _restart(broker, ids)
        try:
            assert broker.restored == 3
            done = broker.entries[first.request["request_id"]]
            assert done.state == "approved" and done.decision is not None
            held = broker.entries[second.request["request_id"]]
            assert held.state == "in_review" and held.lease is not None
            assert held.lease.lease_id == second.lease_id  # the same lease, restored
            waiting = [e for e in broker.active.values() if e.state == "pending"]
            assert len(waiting) == 1
            # the teller asking again gets the outcome decided before the restart
            outcome = teller.wait(first.request["request_id"], 0)
            assert outcome.state == "approved"
            # the authorizer comes back: the item they held comes back under its lease, and
            # their decision on it stands
            back = Worker(endpoint, ids.keys["A1"], ctx)
            back.sign_in()
            again = back.next_work()
            assert again.lease_id == second.lease_id
            reply, _ = back.decide(again, "reject", "R01")
            assert reply.status == "accepted"  # type: ignore[attr-defined]
            assert teller.wait(second.request["request_id"], 0).state == "rejected"
            # the decision made before the restart, sent again: answered, not applied twice
            resent, _ = back.call("authz.decide", [decided.to_frame()])
            assert resent.status == "duplicate"  # type: ignore[attr-defined]
            back.close()
        finally:
            broker.stop()


def test_a_replayed_decision_is_refused_across_a_restart(ids: Identities) -> None:
    """The nonce of a decision applied before the restart is still seen after it."""
    broker = start_broker(ids)
    endpoint = broker.bound_endpoint
    ctx = zmq.Context.instance()
    with TellerClient(endpoint, "T1", ids.directory, context=ctx) as teller:
        req, blobs = request("R1")
        teller.submit(req, blobs)
        req2, blobs2 = request("R2")
        teller.submit(req2, blobs2)
        worker = Worker(endpoint, ids.keys["A1"], ctx)
        worker.sign_in()
        item = worker.next_work()
        _, decision = worker.decide(item)
        other = worker.next_work()
        worker.close()
        broker = _restart(broker, ids)
        try:
            back = Worker(endpoint, ids.keys["A1"], ctx)
            back.sign_in()
            assert back.next_work().lease_id == other.lease_id
            again = ids.keys["A1"].sign_decision(  # a new signature over a seen nonce
                request_id=other.request["request_id"],
                lease_id=other.lease_id,
                request_digest=other.request_digest,
                evidence=[e["sha256"] for e in other.request["evidence"]],
                verdict="approve",
                reason_code=None,
                reason_text="",
                nonce=decision.nonce,
            )
            reply, _ = back.call("authz.decide", [again.to_frame()])
            assert reply.code == "E_REPLAYED"  # type: ignore[attr-defined]
            back.close()
        finally:
            broker.stop()


def test_kill_9_of_the_broker_loses_no_request(
    tmp_path: Path, ids: Identities, spawned: list[subprocess.Popen[str]]
) -> None:
    """Requests acknowledged by a broker process that is then killed -9 are all there after
    it starts again: the teller's wait is answered by the new process."""
    from app.admin import ensure_demo_identities
    from app.config import load_settings

    endpoint = f"tcp://127.0.0.1:{free_port()}"
    settings = load_settings(
        None,
        env={},
        data_dir=tmp_path,
        keyring="memory",
        demo_secrets_file=tmp_path / "secrets.json",
        transport="plain",
    )
    ensure_demo_identities(settings)
    env = {
        "AUTHDESK_TRANSPORT": "plain",
        "AUTHDESK_VIDEO_ENDPOINT": "",
        "AUTHDESK_CENTER_ENDPOINT": "",
    }

    def start() -> subprocess.Popen[str]:
        proc = authdesk("broker", "--data-dir", str(tmp_path), "--endpoint", endpoint, env=env)
        spawned.append(proc)
        wait_for_broker(endpoint)
        return proc

    from clientsvc.identity import Directory

    directory = Directory(settings.directory)
    broker = start()
    ctx = zmq.Context.instance()
    with TellerClient(endpoint, "T1", directory, context=ctx) as teller:
        ids_submitted = []
        for i in range(20):
            req, blobs = request(f"K{i}")
            teller.submit(req, blobs)  # acknowledged: journaled
            ids_submitted.append(req.request_id)
        broker.kill()
        broker.wait(10)
        broker = start()
        for rid in ids_submitted:
            assert teller.wait(rid, 0).state == "pending"
        try:
            teller.wait("never-submitted", 0)
        except ProtocolError as err:
            assert err.code is ErrorCode.UNKNOWN_REQUEST
    broker.terminate()
    broker.wait(10)


def test_a_second_simulator_run_with_the_same_seed_uses_new_request_ids() -> None:
    """The broker remembers requests across restarts: a demo or a test run again with the same
    seed must not reuse an id with other content (it would be refused as a mismatch)."""
    import random

    from sim.teller import make_request

    first = make_request(random.Random(6), id_salt=1)
    second = make_request(random.Random(6), id_salt=2)
    assert first.request.request_id != second.request.request_id
    assert first.request.amount_fen == second.request.amount_fen  # the same request otherwise
    assert first.request.account_name == second.request.account_name


def test_a_lease_that_ran_out_while_the_broker_was_down_is_not_sent_back(
    ids: Identities,
) -> None:
    """Journaled an hour ago (an earlier run): the request's deadline has passed. After the
    restart it is timed out, and the authorizer who held it is not sent it again."""
    from clientsvc.broker.journal import Journal
    from clientsvc.protocol.messages import request_digest

    old = time.time_ns() // 1_000_000 - 3_600_000
    req, _ = request("OLD1")
    journal = Journal(ids.root / "journal.sqlite3")
    raw = req.to_dict()
    journal.accept(old, "OLD1", {"request": raw, "digest": request_digest(raw)}, {})
    journal.record_many([(old + 1000, "OLD1", "leased", {"lease": "L-old", "to": "A1"})])
    journal.close()
    broker = start_broker(ids)
    ctx = zmq.Context.instance()
    try:
        assert broker.restored == 1
        worker = Worker(broker.bound_endpoint, ids.keys["A1"], ctx)
        worker.sign_in()
        got = worker.next_work(timeout_ms=1000)
        assert got is None or got.type == "revoke"  # never the item itself
        with TellerClient(broker.bound_endpoint, req.teller_id, ids.directory, context=ctx) as t:
            assert t.status("OLD1").state == "timed_out"
        worker.close()
    finally:
        broker.stop()
