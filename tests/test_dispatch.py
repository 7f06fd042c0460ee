"""The broker's rooms on their own, without a socket: the waiting line through any sequence of
state changes (``state.Requests``), and who is picked for an item (``dispatch.pick`` and
``dispatch.reassign_to``, pure functions of the requests and workers they are given)."""

from __future__ import annotations

import random
from collections import Counter
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clientsvc.broker.dispatch import pick, reassign_to
from clientsvc.broker.resubmission import Hold
from clientsvc.broker.state import Entry, Lease, Requests, Worker
from clientsvc.dual import Verdicts
from clientsvc.protocol.messages import FINAL_STATES, Decision, RequestState
from clientsvc.rules import AuthorityPolicy
from tests.helpers import Identities, make_identities, request

POLICY = AuthorityPolicy()


def _entry(request_id: str, enqueued_at: int = 0, **kw: Any) -> Entry:
    req, _ = request(request_id, **kw)
    return Entry(req, req.to_dict(), "", enqueued_at=enqueued_at, deadline_at=0)


def _lease(entry: Entry, worker: Worker | None = None) -> Lease:
    return Lease(
        "L-" + entry.request_id, entry.request_id, worker.identity if worker else b"", "A", 0
    )


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["open", "lease", "requeue", "finish", "forget", "reopen"]),
            st.integers(0, 11),
            st.sampled_from(sorted(FINAL_STATES)),
        ),
        max_size=80,
    )
)
def test_the_waiting_line_is_always_the_pending_open_requests_in_order(
    steps: list[tuple[str, int, RequestState]],
) -> None:
    """Whatever happens to whichever requests in whatever order, the line is exactly the open
    requests that are pending, urgent first, then oldest; a request's place is its index."""
    requests = Requests()
    made: dict[int, Entry] = {}
    for op, n, final in steps:
        entry = made.get(n)
        if op == "open" and entry is None:
            entry = made[n] = _entry(f"Q{n}", enqueued_at=1000 - n * 7 % 5, urgent=n % 3 == 0)
            requests.open(entry)
        elif op == "reopen" and entry is not None:  # the same id, other content
            made[n] = _entry(f"Q{n}", enqueued_at=2000 + n)
            requests.open(made[n])
        elif entry is None or requests.get(entry.request_id) is not entry:
            continue
        elif op == "lease":
            requests.move(entry, RequestState.IN_REVIEW, _lease(entry))
        elif op == "requeue":
            requests.move(entry, RequestState.PENDING)
        elif op == "finish":
            requests.move(entry, final)
            assert entry.request_id not in requests.active and entry.lease is None
        elif op == "forget":
            requests.forget(entry)
            assert requests.get(entry.request_id) is None
        expected = sorted(
            (e for e in requests.active.values() if e.state is RequestState.PENDING),
            key=lambda e: (not e.request.urgent, e.enqueued_at, e.request_id),
        )
        assert list(requests.line()) == expected
        assert requests.waiting() == len(expected)
        assert [requests.position(e) for e in expected] == list(range(len(expected)))


def test_a_state_changes_only_by_a_move() -> None:
    entry = _entry("S1")
    with pytest.raises(AttributeError):
        entry.state = RequestState.APPROVED  # type: ignore[misc]
    requests = Requests()
    requests.open(entry)
    requests.move(entry, RequestState.APPROVED)
    assert entry.state is RequestState.APPROVED and entry.state == "approved"
    assert requests.active == {} and requests.entries == {"S1": entry}
    assert requests.position(entry) == 0 and requests.waiting() == 0


@pytest.fixture(scope="module")
def many(tmp_path_factory: pytest.TempPathFactory) -> Identities:
    """40 authorizers: every fourth one at level 1, the rest at level 3."""
    spec = tuple((f"B{i:03d}", 3 if i % 4 else 1, "") for i in range(40))
    return make_identities(tmp_path_factory.mktemp("many"), spec)


def _room(ids: Identities) -> list[Worker]:
    return [
        Worker(identity=a.encode(), profile=ids.directory.get(a), ready=True, presence="available")
        for a in sorted(ids.keys)
    ]


def _big(request_id: str = "U1") -> Entry:
    entry = _entry(request_id, amount_fen=5_000_000 * 100, txn_type="cash_withdrawal")
    entry.verdicts = Verdicts(needed=1)
    return entry


def test_the_pick_is_uniform_over_the_eligible_and_never_anyone_else(many: Identities) -> None:
    """背对背: among many authorizers, the one chosen for an item is uniformly random among
    those who may decide it and have nothing on screen; with none of them free, among those
    who asked to hold a next item; never one who may not decide it."""
    rng = random.Random(7)
    entry, room = _big(), _room(many)
    may = {w.identity for w in room if w.profile and w.profile.level == 3}

    def picks(n: int) -> Counter[bytes]:
        chosen = (pick(entry, room, policy=POLICY, rng=rng, at=0) for _ in range(n))
        return Counter(w.identity for w in chosen if w is not None)

    counts = picks(6000)
    assert set(counts) == may  # level 1 never; every level-3 one at some point
    expected = 6000 / len(may)
    assert all(abs(n - expected) < 0.35 * expected for n in counts.values()), counts
    for w in room:  # everyone busy; two of the eligible asked to hold a next item
        w.leases = [_lease(entry, w)]
    spare = [w for w in room if w.identity in may][:2]
    for w in spare:
        w.prefetch = 1
    assert set(picks(400)) == {w.identity for w in spare}
    for w in spare:
        w.prefetch = 0
    assert pick(entry, room, policy=POLICY, rng=rng, at=0) is None


def test_a_second_approval_is_never_picked_for_the_first_approver(many: Identities) -> None:
    entry, room = _big(), _room(many)
    first = next(w for w in room if w.profile and w.profile.level == 3)
    entry.verdicts = Verdicts(needed=2)
    entry.verdicts.approvals.append(Decision.model_construct(authorizer_id=first.authorizer_id))
    rng = random.Random(1)
    chosen = [pick(entry, room, policy=POLICY, rng=rng, at=0) for _ in range(500)]
    assert None not in chosen and all(w is not first for w in chosen)


def test_a_correction_waits_for_its_returner_while_the_hold_lasts(many: Identities) -> None:
    """§7.15: free, the returner gets it; busy, nobody does until the hold ends; absent (or
    once the hold is over), anyone eligible."""
    rng = random.Random(3)
    room = _room(many)
    returner = next(w for w in room if w.profile and w.profile.level == 3)
    entry = _entry("C1")
    entry.hold = Hold(returner=returner.authorizer_id or "", until=1000)
    kw: dict[str, Any] = {"policy": POLICY, "rng": rng, "workers": room}
    assert all(pick(entry, room, at=10, **kw) is returner for _ in range(50))
    returner.leases = [_lease(entry, returner)]  # busy: it waits for them
    free = [w for w in room if not w.leases]  # who may take an item now
    assert pick(entry, free, at=10, **kw) is None
    assert pick(entry, free, at=1000, **kw) not in (None, returner)  # the hold is over
    returner.presence = "away"  # absent: the ordinary pick
    assert pick(entry, free, at=10, **kw) is not None


def test_a_held_next_item_goes_to_an_idle_authorizer(many: Identities) -> None:
    """An item one authorizer only holds as their next is taken over by an idle eligible
    one, chosen at random; with nobody idle it stays where it is."""
    rng = random.Random(5)
    room = _room(many)[:8]
    entry = _entry("H1")
    kw: dict[str, Any] = {"policy": POLICY, "rng": rng, "workers": room}
    for w in room:
        w.leases = [_lease(entry, w)]
    assert reassign_to(entry, room, at=0, **kw) is None  # everyone busy
    idle = room[3]
    idle.leases = []
    assert reassign_to(entry, room, at=0, **kw) is idle
    entry.hold = Hold(returner=room[0].authorizer_id or "", until=1000)  # busy returner
    assert reassign_to(entry, room, at=10, **kw) is None
    assert reassign_to(entry, room, at=1000, **kw) is idle
