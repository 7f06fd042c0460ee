"""When the center does not answer: the teller library falls back to local authorization
(本地授权) explicitly, records it through the broker (kept on disk until the broker has it),
and it reaches the center flagged for review. A remote decision and a local one never both
apply."""

from __future__ import annotations

from pathlib import Path

import zmq
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from clientsvc.audit.chain import ReceiptSigner
from clientsvc.center.lead import LeadDesk
from clientsvc.center.sampling import SamplePlan
from clientsvc.center.store import CenterStore
from clientsvc.protocol.errors import ErrorCode, ProtocolError
from clientsvc.teller.client import TellerClient
from tests.helpers import Identities, Worker, free_port, request, start_broker


def _records(broker_journal: Path) -> list[dict[str, object]]:
    import sqlite3

    with sqlite3.connect(broker_journal) as db:
        rows = db.execute("SELECT seq, at_ms, request_id, event, body FROM journal ORDER BY seq")
        return [
            {"seq": s, "at_ms": a, "request_id": r, "event": e, "body": b} for s, a, r, e, b in rows
        ]


def test_no_decision_in_time_falls_back_and_the_center_flags_it(
    ids: Identities, tmp_path: Path
) -> None:
    broker = start_broker(ids)  # nobody signed in: no authorizer will answer
    try:
        with TellerClient(broker.bound_endpoint, "T1", ids.directory) as teller:
            req, blobs = request("R1", wait_s=10)
            result = teller.authorize(req, blobs, grace_s=0.5)
            assert result.fallback_local and result.why == "no_decision_in_time"
            assert teller.status("R1").state == "timed_out"
            outcome = teller.record_local(req, "SUP-01", "approve", "主管现场核实")
            assert outcome.state == "fallback_local"
            assert teller.record_local(req, "SUP-01", "approve").state == "fallback_local"  # again
    finally:
        broker.stop()
    assert broker.config.journal is not None
    store = CenterStore(
        tmp_path / "c.sqlite3",
        tmp_path / "img",
        ReceiptSigner(Ed25519PrivateKey.generate()),
        ids.directory,
    )
    try:
        store.broker_push("B1", 0, _records(broker.config.journal))
        assert store.request("R1")["state"] == "fallback_local"  # type: ignore[index]
        assert store.request("R1")["decided_by"] == "local:SUP-01"  # type: ignore[index]
        assert [f["code"] for f in store.findings("R1")] == ["LOCAL_AUTHORIZATION"]
        from clientsvc.keystore import KeyStore, MemoryKeyring

        KeyStore(tmp_path / "lead", MemoryKeyring()).provision(
            ids.directory, authorizer_id="LEAD", name="L", level=3, pin="1", roles=("lead",)
        )
        import datetime as dt

        # the day the broker accepted it, in local time (not "today": the suite may run at
        # midnight)
        submitted = store.request("R1")["submitted_ms"]  # type: ignore[index]
        day = dt.date.fromtimestamp(submitted / 1000).isoformat()
        sample = LeadDesk(store).draw(day, day, SamplePlan(), 1, actor="LEAD")
        assert [(i["request_id"], i["how"]) for i in sample["items"]] == [("R1", "flagged")]
    finally:
        store.close()


def test_an_unreachable_broker_falls_back_and_the_record_waits_on_disk(
    ids: Identities, tmp_path: Path
) -> None:
    endpoint = f"tcp://127.0.0.1:{free_port()}"
    log = tmp_path / "teller" / "local.sqlite3"
    teller = TellerClient(
        endpoint, "T1", ids.directory, reply_timeout_ms=200, retries=0, local_log=log
    )
    req, blobs = request("R7", wait_s=10)
    result = teller.authorize(req, blobs, fallback_after_s=1.0)  # the teller system's limit
    assert result.fallback_local and result.why == "unreachable"
    try:
        teller.record_local(req, "SUP-02", "reject", "客户身份存疑", why="unreachable")
    except ProtocolError as err:
        assert err.code is ErrorCode.UNREACHABLE
    assert teller.local_log is not None and [r.request_id for r in teller.local_log.pending()] == [
        "R7"
    ]
    broker = start_broker(ids, endpoint=endpoint)  # the broker is back
    try:
        teller.reply_timeout_ms = 3000
        assert teller.flush_local() == 1 and teller.local_log.pending() == []
        assert teller.status("R7").state == "fallback_local"  # from the request it carried
    finally:
        teller.close()
        broker.stop()


def test_a_remote_and_a_local_decision_never_both_apply(ids: Identities) -> None:
    broker = start_broker(ids)
    ctx = zmq.Context.instance()
    try:
        with TellerClient(broker.bound_endpoint, "T1", ids.directory, context=ctx) as teller:
            worker = Worker(broker.bound_endpoint, ids.keys["A1"], ctx)
            worker.sign_in()
            first, blobs = request("R1")
            teller.submit(first, blobs)
            item = worker.next_work()
            teller.record_local(first, "SUP-03", "approve")  # the outlet went ahead locally
            revoked = worker.next_work()
            assert revoked.type == "revoke" and revoked.reason == "fallback_local"
            reply, _ = worker.decide(item)
            assert reply.type == "error" and reply.code == "E_INVALID_STATE"  # type: ignore[attr-defined]
            second, blobs = request("R2")
            teller.submit(second, blobs)
            item = worker.next_work()
            reply, _ = worker.decide(item)  # the center answered first
            assert reply.status == "accepted"  # type: ignore[attr-defined]
            try:
                teller.record_local(second, "SUP-03", "approve")
                raise AssertionError("a local authorization after the center's decision")
            except ProtocolError as err:
                assert err.code is ErrorCode.ALREADY_DECIDED
            worker.close()
    finally:
        broker.stop()
