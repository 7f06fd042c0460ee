"""A machine finding stops approval at the broker too (PROTOCOL.md §6.4 check 12b): a broker
on real sockets refuses an approval of a mismatched request that is not a signed override of
its findings made with the PIN again; the teller verifies the override and sees it."""

from __future__ import annotations

import json
import random
import time
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from clientsvc.audit.chain import ReceiptSigner
from clientsvc.center.lead import LeadDesk
from clientsvc.center.sampling import SamplePlan
from clientsvc.center.store import CenterStore
from clientsvc.crosscheck import crosscheck
from clientsvc.teller.client import TellerClient, verify_outcome
from sim.teller import make_request
from tests.helpers import Identities, Worker, start_broker
from tests.test_lead import DAY, _ms, broker_records, end_of_day, people  # noqa: F401

NOTE = "客户现场确认，凭证金额笔误已由客户签字更正"


def _mismatched(seed: int = 5) -> Any:
    sim = make_request(
        random.Random(seed), txn_type="cash_withdrawal", mismatch_rate=1.0, teller_id="T9"
    )
    assert [f.code for f in crosscheck(sim.request)] == ["amount"]
    return sim


def test_an_approval_of_a_mismatched_request_is_refused_unless_it_is_a_signed_override(
    ids: Identities,
) -> None:
    broker = start_broker(ids)
    sim = _mismatched()
    try:
        w = Worker(broker.bound_endpoint, ids.keys["A1"], broker._ctx)
        w.sign_in()
        with TellerClient(
            broker.bound_endpoint, "T9", ids.directory, context=broker._ctx
        ) as teller:
            teller.submit(sim.request, sim.evidence)
            item = w.next_work()
            assert item is not None and item.request["request_id"] == sim.request.request_id
            reply, _ = w.decide(item)  # one F9, as before: refused
            assert reply.type == "error" and reply.code == "E_OVERRIDE_REQUIRED", reply  # type: ignore[attr-defined]
            assert "amount" in reply.detail  # type: ignore[attr-defined]
            override = {"findings": ["amount"], "note": NOTE}
            reply, _ = w.decide(item, override=override)  # without the PIN again
            assert reply.type == "error" and reply.code == "E_REAUTH_REQUIRED", reply  # type: ignore[attr-defined]
            now = time.time_ns() // 1_000_000
            reply, _ = w.decide(item, override=override, reauth_at=now, decided_at=now)
            assert reply.type == "decision_ack" and reply.status == "accepted", reply  # type: ignore[attr-defined]
            outcome = teller.wait(sim.request.request_id, 10)
            verified = verify_outcome(outcome, sim.request.to_dict(), ids.directory)
            assert outcome.state == "approved"
            assert verified.override is not None
            assert verified.override.findings == ["amount"] and verified.override.note == NOTE
        w.close()
    finally:
        broker.stop()


def test_a_reject_of_a_mismatched_request_needs_no_override(ids: Identities) -> None:
    broker = start_broker(ids)
    sim = _mismatched(6)
    try:
        w = Worker(broker.bound_endpoint, ids.keys["A1"], broker._ctx)
        w.sign_in()
        with TellerClient(
            broker.bound_endpoint, "T9", ids.directory, context=broker._ctx
        ) as teller:
            teller.submit(sim.request, sim.evidence)
            item = w.next_work()
            reply, _ = w.decide(item, "reject", "R02")
            assert reply.type == "decision_ack", reply
            verified = verify_outcome(
                teller.wait(sim.request.request_id, 10), sim.request.to_dict(), ids.directory
            )
            assert verified.outcome.state == "rejected" and verified.override is None
        w.close()
    finally:
        broker.stop()


# --- at the center: always in the lead's sample, counted per authorizer -----------------------


def test_an_override_is_always_in_the_lead_sample_and_counted_per_authorizer(
    center_db: str,
    tmp_path: Path,
    people: Identities,  # noqa: F811
) -> None:
    from clientsvc.protocol.messages import AuthRequest, request_digest

    records = broker_records(people, 20, random.Random(3))
    sim = _mismatched(7)
    raw = AuthRequest.model_validate(
        {**sim.request.to_dict(), "request_id": "OVR1", "submitted_at": _ms(10)}
    ).to_dict()
    decided = _ms(10, 5)
    decision = people.keys["A2"].sign_decision(
        request_id="OVR1",
        lease_id="L-OVR",
        request_digest=request_digest(raw),
        evidence=[e["sha256"] for e in raw["evidence"]],
        verdict="approve",
        reason_code=None,
        reason_text="",
        decided_at=decided,
        reauth_at=decided - 5_000,
        override={"findings": ["amount"], "note": NOTE},
    )
    seq = records[-1]["seq"] + 1
    for at, event, body in (
        (_ms(10), "accepted", {"request": raw, "digest": request_digest(raw)}),
        (_ms(10, 1), "leased", {"lease": "L-OVR", "to": "A2"}),
        (decided, "approved", {"detail": "", "decision": decision.to_dict()}),
    ):
        records.append(
            {
                "seq": seq,
                "at_ms": at,
                "request_id": "OVR1",
                "event": event,
                "body": json.dumps(body),
            }
        )
        seq += 1
    store = CenterStore(
        center_db,
        tmp_path / "images",
        ReceiptSigner(Ed25519PrivateKey.generate()),
        people.directory,
    )
    try:
        store.broker_push("B1", 0, records)
        desk = LeadDesk(store, wait_target_s=60, clock=end_of_day)
        sample = desk.draw(DAY, DAY, SamplePlan(default_rate=0.0, min_per_authorizer=0), 1, "LEAD")
        assert ("OVR1", "flagged") in [(i["request_id"], i["how"]) for i in sample["items"]]
        stats = desk.stats(DAY, DAY)
        assert stats["overrides"] == 1
        assert stats["by_authorizer"]["A2"]["overrides"] == 1
        assert stats["by_authorizer"]["A1"]["overrides"] == 0
    finally:
        store.close()
