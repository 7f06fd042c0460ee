"""Dual authorization (双人授权): two different authorizers must approve above the amount for
the type; a reject or a return by either ends it. Real sockets, and the state machine driven by
Hypothesis through every sequence of events."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from clientsvc.broker import Broker
from clientsvc.dual import DualPolicy, Verdicts
from clientsvc.identity import SigningKey
from clientsvc.protocol.errors import ErrorCode, ProtocolError
from clientsvc.protocol.messages import Decision
from clientsvc.teller.client import TellerClient, verify_outcome
from tests.helpers import Identities, Worker, make_identities, request, start_broker

BIG = 250_000_00  # 250,000 yuan: a cash withdrawal above the 200,000 yuan threshold


@pytest.fixture
def ids(tmp_path) -> Identities:  # type: ignore[no-untyped-def]
    return make_identities(tmp_path, (("A1", 3, ""), ("A2", 3, ""), ("A3", 3, "")))


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


def sign_in(broker: Broker, ids: Identities, who: str) -> Worker:
    w = Worker(broker.bound_endpoint, ids.keys[who], broker._ctx)
    w.sign_in()
    return w


def test_the_policy_asks_two_approvals_from_the_amount_for_the_type() -> None:
    policy = DualPolicy()
    assert (
        policy.approvals_needed(request("R1", txn_type="cash_withdrawal", amount_fen=BIG)[0]) == 2
    )
    assert (
        policy.approvals_needed(request("R1", txn_type="cash_withdrawal", amount_fen=100)[0]) == 1
    )
    assert policy.approvals_needed(request("R1", txn_type="password_reset", amount_fen=0)[0]) == 1


def test_two_different_authorizers_approve_and_the_teller_checks_both(
    broker: Broker, ids: Identities, teller: TellerClient
) -> None:
    first = sign_in(broker, ids, "A1")
    req, blobs = request("R1", txn_type="cash_withdrawal", amount_fen=BIG)
    teller.submit(req, blobs)
    item = first.next_work()
    assert item.approvals_needed == 2 and item.prior_approvals == []
    reply, _one = first.decide(item)
    assert reply.status == "accepted"  # type: ignore[attr-defined]
    assert teller.status("R1").state == "pending"  # waiting for a second authorizer
    assert first.next_work(timeout_ms=300) is None  # never back to the same person
    second = sign_in(broker, ids, "A2")
    again = second.next_work()
    assert again.request["request_id"] == "R1"
    assert [d.authorizer_id for d in again.prior_approvals] == ["A1"]  # sees the first
    reply, _two = second.decide(again)
    assert reply.status == "accepted"  # type: ignore[attr-defined]
    outcome = teller.wait("R1", 5)
    assert outcome.state == "approved"
    assert {a.authorizer_id for a in outcome.approvals} == {"A1", "A2"}
    verify_outcome(outcome, req.to_dict(), ids.directory)
    first.close()
    second.close()


def test_the_same_person_twice_on_a_dual_authorization_is_refused(
    broker: Broker, ids: Identities, teller: TellerClient
) -> None:
    first = sign_in(broker, ids, "A1")
    req, blobs = request("R1", txn_type="cash_withdrawal", amount_fen=BIG)
    teller.submit(req, blobs)
    item = first.next_work()
    _, _one = first.decide(item)
    # A1 signs a second approval of the same request (a fresh nonce) and sends it
    error, _ = first.decide(item)
    assert error.code == "E_ALREADY_DECIDED"  # type: ignore[attr-defined]
    assert teller.status("R1").state == "pending"
    first.close()


def test_a_reject_by_the_second_authorizer_ends_it(
    broker: Broker, ids: Identities, teller: TellerClient
) -> None:
    first = sign_in(broker, ids, "A1")
    req, blobs = request("R1", txn_type="cash_withdrawal", amount_fen=BIG)
    teller.submit(req, blobs)
    first.decide(first.next_work())
    second = sign_in(broker, ids, "A2")
    reply, _ = second.decide(second.next_work(), "reject", "R08")
    assert reply.status == "accepted"  # type: ignore[attr-defined]
    outcome = teller.wait("R1", 5)
    assert outcome.state == "rejected" and outcome.decision.authorizer_id == "A2"  # type: ignore[union-attr]
    verify_outcome(outcome, req.to_dict(), ids.directory)
    first.close()
    second.close()


def test_a_teller_refuses_an_outcome_whose_two_approvals_are_one_person(
    broker: Broker, ids: Identities, teller: TellerClient
) -> None:
    first = sign_in(broker, ids, "A1")
    second = sign_in(broker, ids, "A2")
    req, blobs = request("R1", txn_type="cash_withdrawal", amount_fen=BIG)
    teller.submit(req, blobs)
    workers = {w.key.authorizer_id: w for w in (first, second)}
    decided = []
    while len(decided) < 2:
        for w in workers.values():
            item = w.next_work(timeout_ms=200)
            if item is not None and item.type == "item":
                decided.append(w.decide(item)[1])
    outcome = teller.wait("R1", 5)
    assert outcome.state == "approved"
    forged = outcome.model_copy(update={"approvals": [decided[0], decided[0]]})
    with pytest.raises(ProtocolError) as info:
        verify_outcome(forged, req.to_dict(), ids.directory)
    assert info.value.code is ErrorCode.BAD_SIGNATURE
    first.close()
    second.close()


# --- the state machine, every sequence -------------------------------------------------------

KEYS = {
    name: SigningKey(name, Ed25519PrivateKey.from_private_bytes(bytes([i]) * 32))
    for i, name in enumerate(("A1", "A2", "A3"), start=1)
}


def _decision(who: str, verdict: str) -> Decision:
    return KEYS[who].sign_decision(
        request_id="R1",
        lease_id="L1",
        request_digest="0" * 64,
        evidence=[],
        verdict=verdict,
        reason_code={"approve": None, "reject": "R01", "return": "T01"}[verdict],
        reason_text="",
    )


class DualAuthorization(RuleBasedStateMachine):
    """No sequence of decisions approves with fewer distinct approvers than needed, nothing
    changes after the end, and a reject or a return by anyone ends it."""

    def __init__(self) -> None:
        super().__init__()
        self.verdicts: Verdicts | None = None

    @precondition(lambda self: self.verdicts is None)
    @rule(needed=st.sampled_from([1, 2]))
    def start(self, needed: int) -> None:
        self.verdicts = Verdicts(needed=needed)

    @precondition(lambda self: self.verdicts is not None)
    @rule(
        who=st.sampled_from(["A1", "A2", "A3"]),
        verdict=st.sampled_from(["approve", "reject", "return"]),
    )
    def decide(self, who: str, verdict: str) -> None:
        assert self.verdicts is not None
        before_final = self.verdicts.final
        already = who in self.verdicts.approvers()
        decision = _decision(who, verdict)
        try:
            final = self.verdicts.apply(decision)
        except ProtocolError as err:
            assert err.code is ErrorCode.ALREADY_DECIDED
            assert before_final is not None or already  # refused only after the end or a repeat
            assert self.verdicts.final is before_final  # and nothing changed
            return
        assert before_final is None and not already
        if verdict != "approve":
            assert (
                final
                and self.verdicts.final_state
                == {"reject": "rejected", "return": "returned"}[verdict]
            )

    @invariant()
    def approved_only_by_enough_different_people(self) -> None:
        v = self.verdicts
        if v is not None and v.final_state == "approved":
            approvers = [d.authorizer_id for d in v.approvals]
            assert len(set(approvers)) == len(approvers) >= v.needed

    @invariant()
    def one_approval_per_person(self) -> None:
        v = self.verdicts
        if v is not None:
            approvers = [d.authorizer_id for d in v.approvals]
            assert len(set(approvers)) == len(approvers)


TestDualAuthorizationStateMachine = DualAuthorization.TestCase
