"""The demo's stream shows the whole loop (issue 15 §9): a seeded stream, decided as a careful
authorizer decides (the autopilot's and the colleague's ``careful_choice``), has the shares of
practice — about 5 % rejected, returns, mismatches, dual items — and resubmits returned items
after a while, from the same terminal, ``supersedes`` the returned one, corrected or not. The
person at each counter is the ID's holder, or, in a fraud, somebody else. Driven by a fake
clock and dry (the images' meta, not their pixels), so a whole day runs in a second or two."""

from __future__ import annotations

import collections
import datetime as dt
import random
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from clientsvc.checklist import checklist_for
from clientsvc.crosscheck import crosscheck
from clientsvc.dual import DualPolicy
from sim.colleague import careful_choice
from sim.counter import CounterScenes
from sim.render import Face, id_sex
from sim.teller import (
    _FEMALE_GIVEN,
    MISMATCHES,
    SimulatedRequest,
    Stream,
    StreamMix,
    make_request,
)

STATE = {"approve": "approved", "reject": "rejected", "return": "returned"}


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@dataclass
class Run:
    """A stream decided by a careful authorizer, each item ``think_s`` after it was sent."""

    stream: Stream
    clock: FakeClock
    think_s: float = 10.0
    sent: list[tuple[float, SimulatedRequest]] = field(default_factory=list)
    outcome: dict[str, str] = field(default_factory=dict)  # request id → final state
    decided_at: dict[str, float] = field(default_factory=dict)
    by_id: dict[str, SimulatedRequest] = field(default_factory=dict)

    def run(self, seen_by: CounterScenes | None = None) -> None:
        pending: list[tuple[float, SimulatedRequest]] = []
        while not self.stream.done:
            sim = self.stream.due()
            if sim is not None:
                self.sent.append((self.clock.now, sim))
                self.by_id[sim.request.request_id] = sim
                pending.append((self.clock.now, sim))
                continue
            self.clock.now += 1.0
            for entry in [p for p in pending if self.clock.now - p[0] >= self.think_s]:
                pending.remove(entry)
                sim = entry[1]
                person = sim.person
                if seen_by is not None and sim.request.camera_id is not None:
                    person = seen_by.get(sim.request.camera_id)  # what the video shows
                choice = careful_choice(sim.request, checklist_for(sim.request.txn_type), person)
                state = STATE[choice.verdict]
                self.outcome[sim.request.request_id] = state
                self.decided_at[sim.request.request_id] = self.clock.now
                self.stream.final(sim, state)


def _run(seed: int, count: int, **kw: object) -> Run:
    clock = FakeClock()
    stream = Stream(seed, count, rate_per_s=0.25, clock=clock, images=False, **kw)  # type: ignore[arg-type]
    run = Run(stream, clock)
    run.run()
    return run


@pytest.fixture(scope="module")
def day() -> Run:
    """About a day of one center's items (BRIEF §1: 430)… six of them."""
    return _run(15, 2500, mix=StreamMix(resubmit_after_s=30.0))


def test_a_seeded_stream_has_the_shares_of_practice(day: Run) -> None:
    sims = [s for _, s in day.sent]
    new = [s for s in sims if s.request.supersedes is None]
    assert len(new) == 2500 and day.stream.made == 2500
    states = collections.Counter(day.outcome.values())
    assert set(states) == {"approved", "rejected", "returned"}
    share = {k: v / len(sims) for k, v in states.items()}
    assert 0.035 <= share["rejected"] <= 0.065, share  # about 5 %, as in practice
    assert 0.03 <= share["returned"] <= 0.07, share
    mismatched = [s for s in new if s.defect in MISMATCHES]
    assert 0.02 <= len(mismatched) / len(new) <= 0.05  # a few %
    for sim in mismatched:  # each one a machine finding, and rejected
        assert {f.code for f in crosscheck(sim.request)} & {"amount", "account", "name"}
        assert day.outcome[sim.request.request_id] == "rejected"
    dual = [s for s in new if DualPolicy().approvals_needed(s.request) == 2]
    assert 0.06 <= len(dual) / len(new) <= 0.2  # large amounts are fewer than small ones
    clean = [s for s in new if s.defect is None]
    assert all(day.outcome[s.request.request_id] == "approved" for s in clean)
    kinds = collections.Counter(s.request.txn_type for s in new)
    assert len(kinds) == 8  # every type of the catalogue


def test_returned_items_are_resubmitted_from_the_same_terminal(day: Run) -> None:
    resubmissions = [(at, s) for at, s in day.sent if s.request.supersedes is not None]
    returned = [rid for rid, state in day.outcome.items() if state == "returned"]
    assert len(resubmissions) >= 0.6 * len(returned) and resubmissions
    superseded = [s.request.supersedes for _, s in resubmissions]
    assert len(superseded) == len(set(superseded))  # each returned request corrected once
    corrected = collections.Counter()
    for at, sim in resubmissions:
        old = day.by_id[sim.request.supersedes or ""]
        assert day.outcome[old.request.request_id] == "returned"
        assert (sim.request.teller_id, sim.request.terminal_id, sim.request.camera_id) == (
            old.request.teller_id,
            old.request.terminal_id,
            old.request.camera_id,
        )
        assert sim.request.request_id != old.request.request_id
        # after a plausible delay: half to one and a half times the parameter
        waited = at - day.decided_at[old.request.request_id]
        assert 0.5 * 30 - 1 <= waited <= 1.5 * 30 + 1, waited
        state = day.outcome[sim.request.request_id]
        same_images = [e.sha256 for e in sim.request.evidence] == [
            e.sha256 for e in old.request.evidence
        ]
        if sim.corrected:  # a new voucher, dated today: approved
            assert not same_images and state == "approved"
        else:  # the same papers again: returned again
            assert same_images and state == "returned"
        corrected[bool(sim.corrected)] += 1
    assert corrected[True] > corrected[False] > 0  # most, not all, are put right


def test_a_stream_is_the_same_for_the_same_seed() -> None:
    a, b = _run(3, 60), _run(3, 60)

    def shape(run: Run) -> list[tuple[str, str | None, int]]:
        return [(s.request.txn_type, s.defect, s.request.amount_fen) for _, s in run.sent]

    assert shape(a) == shape(b)
    assert shape(a) != shape(_run(4, 60))


def test_the_demo_opening_shows_every_outcome_within_minutes() -> None:
    """Today all 10 of a demo's decisions were approvals."""
    run = _run(6, 12, showcase=True, mix=StreamMix(resubmit_after_s=25.0))
    first = [s for at, s in run.sent if at - run.sent[0][0] <= 180]  # three minutes
    states = {run.outcome[s.request.request_id] for s in first}
    assert states == {"approved", "rejected", "returned"}
    assert any(s.request.supersedes for s in first)  # a resubmission
    assert any(s.defect in MISMATCHES for s in first)  # a mismatch
    assert any(s.defect == "impostor" for s in first)
    assert any(DualPolicy().approvals_needed(s.request) == 2 for s in first)
    resubmitted = next(s for s in first if s.request.supersedes)
    assert resubmitted.corrected and run.outcome[resubmitted.request.request_id] == "approved"


def test_the_person_at_the_counter_is_the_holder_of_the_id_or_an_impostor(
    tmp_path: Path,
) -> None:
    scenes = CounterScenes(tmp_path)
    clock = FakeClock()
    mix = StreamMix(impostor=0.05)  # more of them than in practice, to see enough
    stream = Stream(8, 400, rate_per_s=0.5, clock=clock, images=False, scenes=scenes, mix=mix)
    run = Run(stream, clock)
    run.run(seen_by=scenes)  # decided from what the counter camera is told to show
    today = dt.date.today()
    impostors = 0
    for _, sim in run.sent:
        request = sim.request
        if request.txn_type == "cashbox_override":
            assert sim.person is None  # a teller's own operation: no customer
            continue
        holder = Face.of_id(request.id_number, today)
        assert sim.person is not None and sim.person.sex == id_sex(request.id_number)
        card = next(e for e in request.evidence if e.kind == "id_front")
        assert card.meta["sex"] == id_sex(request.id_number)  # the card says what the number says
        given = request.account_name[1:]  # a woman's name for a woman, a man's for a man
        if card.meta["sex"] == "女":
            assert given in _FEMALE_GIVEN | {"洋"}, request.account_name
        else:
            assert given not in _FEMALE_GIVEN - {"敏"}, request.account_name
        if sim.defect == "impostor":
            impostors += 1
            assert not sim.person.looks_like(holder)
            assert run.outcome[request.request_id] == "rejected"
        else:
            assert sim.person.looks_like(holder)
    assert impostors >= 10
    assert list(tmp_path.iterdir()) == []  # every customer left: nobody at the counters


def test_a_cashbox_override_has_no_customer_account_id_or_signature() -> None:
    """尾箱超限 is the teller's own operation: no customer's account, ID card or signature."""
    sim = make_request(random.Random(3), txn_type="cashbox_override", mismatch_rate=0.0)
    request = sim.request
    assert [e.kind for e in request.evidence] == ["voucher"]
    voucher = request.evidence[0]
    assert not {"account_no", "account_name", "id_number"} & set(voucher.meta)
    assert not {"account", "name", "id_number", "signature"} & set(voucher.regions)
    assert {"extra:尾箱号", "extra:尾箱限额", "seal", "amount"} <= set(voucher.regions)
    assert request.account_name == "" and request.id_type == "other"
    assert request.id_number == request.teller_id  # (the protocol wants one: the teller's)
    assert not request.account_no.startswith("62")  # the cash box's own, not a bank card
    assert crosscheck(request) == [] and sim.person is None
    rows = {r.id for r in checklist_for("cashbox_override")}
    assert rows.isdisjoint({"signature", "account", "account_name", "id_number", "face"})
