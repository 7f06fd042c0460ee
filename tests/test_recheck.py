"""The rules re-checked from the signed record (what the center does with each decided request):
outcomes from a real broker pass; outcomes a wrong or tampered broker could produce are caught,
each with its reason."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterator
from typing import Any

import pytest

from clientsvc.broker import Broker
from clientsvc.protocol.messages import AuthRequest, Decision, Outcome
from clientsvc.recheck import recheck
from clientsvc.teller.client import TellerClient
from tests.helpers import Identities, Worker, make_identities, request, start_broker

DUAL_FEN = 250_000_00  # a cash withdrawal above the 200,000 yuan dual threshold (top level too)


@pytest.fixture
def ids(tmp_path) -> Identities:  # type: ignore[no-untyped-def]
    # A1, A2: top level; A3: level 1 (≤ 50,000 yuan); A4 is also teller T9 (maker ≠ checker)
    return make_identities(tmp_path, (("A1", 3, ""), ("A2", 3, ""), ("A3", 1, ""), ("A4", 3, "T9")))


@pytest.fixture
def broker(ids: Identities) -> Iterator[Broker]:
    b = start_broker(ids)
    yield b
    b.stop()


def _decide_at_broker(
    broker: Broker, ids: Identities, req: AuthRequest, blobs: Any, *who: str
) -> Outcome:
    with TellerClient(
        broker.bound_endpoint, req.teller_id, ids.directory, context=broker._ctx
    ) as teller:
        teller.submit(req, blobs)
        for name in who:
            w = Worker(broker.bound_endpoint, ids.keys[name], broker._ctx)
            w.sign_in()
            item = w.next_work()
            assert w.decide(item)[0].status == "accepted"  # type: ignore[attr-defined]
            w.close()
        return teller.wait(req.request_id, 5)


def test_outcomes_from_a_real_broker_keep_every_rule(broker: Broker, ids: Identities) -> None:
    small, blobs = request("S1", amount_fen=10_000 * 100)
    assert (
        recheck(_decide_at_broker(broker, ids, small, blobs, "A3"), small.to_dict(), ids.directory)
        == []
    )
    big, blobs = request("D1", txn_type="cash_withdrawal", amount_fen=DUAL_FEN)
    outcome = _decide_at_broker(broker, ids, big, blobs, "A1", "A2")
    assert outcome.state == "approved" and len(outcome.approvals) == 2
    assert recheck(outcome, big.to_dict(), ids.directory) == []


def _signed(ids: Identities, who: str, req: AuthRequest, **kw: Any) -> Decision:
    from clientsvc.protocol.messages import request_digest

    raw = req.to_dict()
    return ids.keys[who].sign_decision(
        request_id=req.request_id,
        lease_id="L1",
        request_digest=request_digest(raw),
        evidence=[e["sha256"] for e in raw["evidence"]],
        verdict=kw.pop("verdict", "approve"),
        reason_code=kw.pop("reason_code", None),
        reason_text="",
        **kw,
    )


def _outcome(decision: Decision, approvals: list[Decision] | None = None) -> Outcome:
    state = {"approve": "approved", "reject": "rejected", "return": "returned"}[decision.verdict]
    return Outcome(
        request_id=decision.request_id,
        state=state,  # type: ignore[arg-type]
        decision=decision,
        server_time=decision.decided_at,
        approvals=approvals or [],
    )


def _codes(findings: list[Any]) -> list[tuple[str, str]]:
    return [(f.code, f.authorizer_id) for f in findings]


def test_self_approval_is_found(ids: Identities) -> None:
    req, _ = request("R1", teller_id="T9", amount_fen=1_000 * 100)
    found = recheck(_outcome(_signed(ids, "A4", req)), req.to_dict(), ids.directory)
    assert _codes(found) == [("E_FORBIDDEN", "A4")] and "own request" in found[0].detail


def test_an_approval_above_the_authorizers_level_is_found(ids: Identities) -> None:
    req, _ = request("R1", amount_fen=80_000 * 100)  # level 2 needed; A3 has level 1
    found = recheck(_outcome(_signed(ids, "A3", req)), req.to_dict(), ids.directory)
    assert _codes(found) == [("E_FORBIDDEN", "A3")] and "authority" in found[0].detail


def test_an_approval_above_the_amount_limit_is_found(ids: Identities) -> None:
    profile = ids.directory.get("A1")
    assert profile is not None
    ids.directory.publish(dataclasses.replace(profile, amount_limit_fen=50_000 * 100))
    req, _ = request("R1", amount_fen=60_000 * 100)
    fresh = type(ids.directory)(ids.directory.path)  # the center's own copy of the files
    found = recheck(_outcome(_signed(ids, "A1", req)), req.to_dict(), fresh)
    assert _codes(found) == [("E_FORBIDDEN", "A1")]


def test_a_top_level_decision_without_the_pin_again_is_found(ids: Identities) -> None:
    req, _ = request("R1", amount_fen=300_000 * 100)  # transfer: top level, one approval
    now = time.time_ns() // 1_000_000
    without = recheck(_outcome(_signed(ids, "A1", req)), req.to_dict(), ids.directory)
    assert _codes(without) == [("E_REAUTH_REQUIRED", "A1")]
    stale = _signed(ids, "A1", req, decided_at=now, reauth_at=now - 10 * 60_000)
    assert _codes(recheck(_outcome(stale), req.to_dict(), ids.directory)) == [
        ("E_REAUTH_REQUIRED", "A1")
    ]
    fresh = _signed(ids, "A1", req, decided_at=now, reauth_at=now - 5_000)
    assert recheck(_outcome(fresh), req.to_dict(), ids.directory) == []


def test_a_dual_amount_approved_by_one_person_is_found(ids: Identities) -> None:
    req, _ = request("R1", txn_type="cash_withdrawal", amount_fen=DUAL_FEN)
    now = time.time_ns() // 1_000_000
    alone = _signed(ids, "A1", req, decided_at=now, reauth_at=now)
    found = recheck(_outcome(alone), req.to_dict(), ids.directory)  # no approvals at all
    assert _codes(found) == [("E_FORBIDDEN", "")] and "needs two" in found[0].detail
    twice = _signed(ids, "A1", req, decided_at=now + 1, reauth_at=now)
    found = recheck(_outcome(twice, [alone, twice]), req.to_dict(), ids.directory)
    assert ("E_BAD_SIGNATURE", "") in _codes(found)  # one person approved twice
    assert ("E_FORBIDDEN", "") in _codes(found)


def test_an_altered_decision_is_found(ids: Identities) -> None:
    req, _ = request("R1", amount_fen=1_000 * 100)
    decision = _signed(ids, "A1", req, verdict="reject", reason_code="R02")
    altered = Decision.model_validate({**decision.to_dict(), "reason_code": "R01"})
    found = recheck(_outcome(altered), req.to_dict(), ids.directory)
    assert _codes(found) == [("E_BAD_SIGNATURE", "")]
