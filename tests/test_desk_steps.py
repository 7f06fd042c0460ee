"""The desk model's steps, without Qt (issue 15 §1): Hypothesis drives ``Desk`` through any
sequence of what can happen at a desk (items arriving and going, images loading and failing,
the checklist answered, every decision key, the re-key typed right or wrong, the PIN, the
lock, deliveries and refusals) and checks, at every call the desk makes to the engine, the
rules an authorizer and the bank rely on:

- an approval is never sent while the gate blocks it: no finding, every image verified, no row
  failing, every required row answered;
- an override names every finding, carries a written reason and always the PIN again;
- an item at the top authority level is never decided without the PIN again;
- an approval that needs a re-key is never sent before the right digits were typed;
- a reject or a return carries a reason code of its verdict, and words where the code needs
  them;
- one decision per item shown, for the lease shown, never while locked;
- a lock clears everything held, and nothing arrives while locked.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field, replace
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from clientsvc.catalogue import TEXT_REQUIRED, reasons_for
from clientsvc.checklist import checklist_for
from clientsvc.crosscheck import crosscheck
from clientsvc.protocol.messages import AuthRequest, request_digest
from clientsvc.reading.model import Verdict
from clientsvc.workstation import desk_model as dm
from clientsvc.workstation.decision import DecisionRequest
from clientsvc.workstation.desk import OVERRIDE_MIN_CHARS, finding_rows, rekey_policy
from clientsvc.workstation.engine import ReceivedItem
from sim.teller import make_request
from tests.helpers import sign_reading

TODAY = dt.date(2026, 12, 3)


def _pool() -> list[ReceivedItem]:
    """Items of every kind the rules treat apart: clean, with a finding, large enough to be
    re-keyed, at the top level (the PIN again), dual."""
    items = []
    kinds = [
        dict(txn_type="cash_withdrawal", amount_fen=1_200_000),
        dict(txn_type="transfer", amount_fen=9_000_000),  # re-keyed: the payee account
        dict(txn_type="cash_withdrawal", defect="amount"),  # the voucher disagrees
        dict(txn_type="reversal", amount_fen=3_000_000),
        dict(txn_type="password_reset"),
        dict(txn_type="cashbox_override", amount_fen=2_500_000),
        dict(txn_type="transfer", defect="account"),
        dict(txn_type="cash_withdrawal", defect="voucher_date"),
    ]
    for i, kind in enumerate(kinds):
        sim = make_request(
            random.Random(i),
            mismatch_rate=0.0,
            expired_rate=0.0,
            today=TODAY,
            images=False,
            **kind,  # type: ignore[arg-type]
        )
        raw = {**sim.request.to_dict(), "request_id": f"Q{i}"}
        for top in (False, True):
            items.append(
                ReceivedItem(
                    lease_id=f"L{i}{int(top)}",
                    request=AuthRequest.model_validate(raw),
                    raw=raw,
                    digest=request_digest(raw),
                    enqueued_at=1_000,
                    dispatched_at=2_000,
                    received_at=0,
                    lease_expires_at=10**9,
                    attempt=1,
                    approvals_needed=2 if i % 3 == 0 else 1,
                    reauth_required=top,
                )
            )
    return items


POOL = _pool()
assert any(crosscheck(i.request, TODAY) for i in POOL), "no item with a finding in the pool"
assert not crosscheck(POOL[0].request, TODAY)


@dataclass
class Snapshot:
    """The desk as it stood when it called the engine."""

    call: dict[str, Any]
    item: ReceivedItem | None
    findings: tuple[Any, ...]
    loading: bool
    problem: str
    marked_failing: tuple[str, ...]
    open_required: tuple[str, ...]
    locked: bool
    rekeyed: bool


@dataclass
class Recorder:
    desk: dm.Desk | None = None
    decisions: list[Snapshot] = field(default_factory=list)
    notes: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    presence: list[str] = field(default_factory=list)
    # what was re-keyed right: the request and its content (the same content sent again under
    # a new lease is not typed again)
    rekeyed: set[tuple[str, str]] = field(default_factory=set)

    readings: list[str | None] = field(default_factory=list)  # what each decision names

    def decide(self, decision: DecisionRequest) -> None:
        d = self.desk
        self.readings.append(decision.reading)
        assert d is not None
        request_id = decision.request_id
        self.decisions.append(
            Snapshot(
                dict(
                    request_id=request_id,
                    verdict=decision.verdict,
                    code=decision.reason_code,
                    text=decision.reason_text,
                    checklist=decision.checklist,
                    lease_id=decision.lease_id,
                    reauth_at=decision.reauth_at,
                    override=decision.override,
                ),
                d.item,
                d.findings,
                d.evidence_loading,
                d.evidence_problem,
                d.marked_failing,
                tuple(r.id for r in d.open_required),
                d.locked,
                d.item is not None and (request_id, d.item.digest) in self.rekeyed,
            )
        )

    def note(self, kind: str, payload: dict[str, Any], request_id: str | None = None) -> None:
        self.notes.append((kind, payload))

    def set_presence(self, state: str) -> None:
        self.presence.append(state)

    def item_displayed(self, request_id: str) -> None:
        pass

    def grab_frame(self, request_id: str, camera_id: str, captured_at_us: int, jpeg: bytes) -> None:
        pass


class DeskMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.now = 100.0
        self.service = Recorder()
        self.desk = dm.Desk(
            self.service,
            clock=lambda: self.now,
            wall_ms=lambda: int(self.now * 1000),
            today=lambda: TODAY,
            rekeys=rekey_policy(),
        )
        self.service.desk = self.desk
        self.events: list[dm.Event] = []
        self.desk.listeners.append(self.events.append)
        self.leases = 0
        self.checked = 0
        # per item shown: the decisions sent for it, and those the broker refused (after a
        # refusal it may be decided again)
        self.sent_here = self.refused_here = 0
        self.desk.listeners.append(self._on_event)

    def _on_event(self, event: dm.Event) -> None:
        if isinstance(event, dm.Shown | dm.Cleared):
            self.sent_here = self.refused_here = 0
        if isinstance(event, dm.Signing):
            self.sent_here += 1
            assert self.sent_here <= 1 + self.refused_here, "an item sent twice"

    # --- what happens ------------------------------------------------------------------

    @rule(i=st.integers(0, len(POOL) - 1), changed=st.booleans())
    def item_arrives(self, i: int, changed: bool) -> None:
        self.leases += 1
        item = replace(POOL[i], lease_id=f"{POOL[i].lease_id}-{self.leases}")
        if changed:  # the same request id sent again with other content
            raw = {**item.raw, "summary": f"改 {self.leases}"}
            item = replace(
                item, raw=raw, request=AuthRequest.model_validate(raw), digest=request_digest(raw)
            )
        self.desk.receive(item)

    @rule(i=st.integers(0, len(POOL) - 1))
    def another_item_arrives(self, i: int) -> None:
        self.item_arrives(i, False)

    @rule()
    def images_ready(self) -> None:
        self.desk.evidence_loading = False

    @rule(code=st.sampled_from(["E_HASH_MISMATCH", "E_IMAGE_TOO_LARGE"]))
    def image_fails(self, code: str) -> None:
        if self.desk.item is not None:
            rid = self.desk.item.request.request_id
            self.desk.image_failed(rid, "ab" * 32, code)

    @rule(how=st.sampled_from(["all_fine", "one_fails", "nothing", "required_only"]))
    def checklist(self, how: str) -> None:
        d = self.desk
        if d.item is None:
            return
        rows = checklist_for(d.item.request.txn_type)
        found = finding_rows(d.findings)
        failing = [r for r in rows if r.id in found]
        marked: tuple[str, ...] = ()
        ticked = {r.id: "" for r in rows}
        answered: set[str] = set()
        if how == "all_fine":
            answered = {r.id for r in rows}
        elif how == "required_only":
            answered = {r.id for r in rows if r.required}
        elif how == "one_fails" and rows:
            marked = (rows[0].id,)
            failing = [*failing, rows[0]]
            answered = {r.id for r in rows}
        for rid in answered:
            ticked[rid] = "fail" if rid in marked else "ok"
        open_required = tuple(r for r in rows if r.required and r.id not in answered)
        d.checklist_answered(rows, failing, marked, open_required, ticked)

    @rule()
    def approve(self) -> None:
        self.desk.approve()

    @rule(how=st.sampled_from(["all_fine", "required_only"]))
    def look_tick_and_approve(self, how: str) -> None:
        """What an authorizer does most: the images shown, the checklist answered, F9."""
        self.images_ready()
        self.checklist(how)
        self.desk.approve()
        self._finish()

    @rule(look=st.booleans())
    def override_with_words(self, look: bool) -> None:
        if look:
            self.images_ready()
            self.checklist("required_only")
        if self.desk.open_override():
            self.desk.send_override("客户已到柜面核实，凭证金额为柜员笔误，已电话确认")
            self._finish()

    @rule(verdict=st.sampled_from(["reject", "return"]))
    def reject_or_return_as_offered(self, verdict: str) -> None:
        if self.desk.open_reason(verdict):
            choice = self.desk.reason
            assert choice is not None
            self.desk.send_reason(choice.selected, choice.message or "请核对后重新提交")
            self._finish()

    def _finish(self) -> None:
        """The re-key typed right, then the PIN, when the decision asks for them."""
        if self.desk.step is dm.Step.REKEY:
            self.rekey(True)
        if self.desk.step is dm.Step.PIN:
            self.pin_accepted(True, False)

    @rule()
    def override(self) -> None:
        self.desk.open_override()

    @rule(
        note=st.sampled_from(
            ["", "短", "客户已到柜面核实，凭证金额为柜员笔误，已电话确认", "  x  "]
        )
    )
    def override_reason(self, note: str) -> None:
        self.desk.send_override(note)

    @rule(verdict=st.sampled_from(["reject", "return"]))
    def open_reason(self, verdict: str) -> None:
        self.desk.open_reason(verdict)

    @rule(pick=st.integers(0, 20), text=st.sampled_from(["", "请重新扫描凭证", "  "]))
    def send_reason(self, pick: int, text: str) -> None:
        choice = self.desk.reason
        codes = choice.codes if choice is not None else ("R01",)
        self.desk.send_reason(codes[pick % len(codes)], text)

    @rule(right=st.booleans())
    def rekey(self, right: bool) -> None:
        d = self.desk
        if d.rekey is None or d.item is None:
            d.rekey_typed("0000")
            return
        expected = d.rekey.expected
        typed = expected if right else ("9" + expected)[:4] if expected != "9999" else "1234"
        if right:
            self.service.rekeyed.add((d.item.request.request_id, d.item.digest))
        d.rekey_typed(typed)

    @rule(same=st.booleans(), rekey_first=st.booleans())
    def pin_accepted(self, same: bool, rekey_first: bool) -> None:
        if rekey_first and self.desk.step is dm.Step.REKEY:
            self.rekey(True)
        item = self.desk.item
        self.desk.pin_accepted(item.request.request_id if item and same else "OTHER")

    @rule()
    def cancel(self) -> None:
        self.desk.cancel()

    @rule(why=st.sampled_from(["idle", "manual"]))
    def lock(self, why: str) -> None:
        self.desk.lock(why)

    @rule()
    def unlock(self) -> None:
        self.desk.unlock()

    @rule(accepted=st.booleans(), code=st.sampled_from(["", "E_NOT_LEASED", "E_SIGNATURE"]))
    def settle(self, accepted: bool, code: str) -> None:
        """The broker's answer to the decision on its way (only then: one answer each)."""
        d = self.desk
        if not d.sending or d.item is None or not self.service.decisions:
            return
        rid = self.service.decisions[-1].call["request_id"]
        if rid != d.item.request.request_id:
            return
        if not accepted:
            self.refused_here += 1
        d.settle(rid, accepted, "" if accepted else code or "E_SIGNATURE")

    @rule()
    def settled_hold_over(self) -> None:
        self.desk.settled_hold_over()

    @rule(reason=st.sampled_from(["timed_out", "cancelled", "fallback_local", "reassigned"]))
    def revoke(self, reason: str) -> None:
        held = self.desk.in_hand()
        if held:
            self.desk.revoke(held[-1].request.request_id, reason)

    @rule(seconds=st.floats(0.1, 600))
    def time_passes(self, seconds: float) -> None:
        self.now += seconds

    # --- what must hold ------------------------------------------------------------------

    @invariant()
    def every_decision_sent_was_allowed(self) -> None:
        for snap in self.service.decisions[self.checked :]:
            call, item = snap.call, snap.item
            assert item is not None, "a decision with no item on screen"
            assert not snap.locked, "a decision while locked"
            assert call["request_id"] == item.request.request_id
            assert call["lease_id"] == item.lease_id, "not the lease shown"
            if item.reauth_required:
                assert call["reauth_at"] is not None, "a top-level item without the PIN again"
            if call["verdict"] == "approve":
                assert not snap.loading and not snap.problem, "approved unseen images"
                assert not snap.marked_failing, "approved with a row marked failing"
                assert not snap.open_required, "approved with required rows open"
                rekey = rekey_policy().for_item(item.request, item.reauth_required)
                if rekey is not None:
                    assert snap.rekeyed, "approved without the re-key"
                override = call["override"]
                if snap.findings:
                    assert override is not None, "a finding approved without an override"
                    assert override["findings"] == sorted({f.code for f in snap.findings})
                    assert len("".join(override["note"].split())) >= OVERRIDE_MIN_CHARS
                    assert call["reauth_at"] is not None, "an override without the PIN again"
                else:
                    assert override is None, "an override of nothing"
            else:
                assert call["verdict"] in ("reject", "return")
                assert call["override"] is None
                assert call["code"] in reasons_for(call["verdict"])
                if call["code"] in TEXT_REQUIRED:
                    assert call["text"].strip()
        self.checked = len(self.service.decisions)

    @invariant()
    def a_lock_holds_nothing(self) -> None:
        d = self.desk
        if d.locked:
            assert d.item is None and not d.upcoming
            assert d.step is dm.Step.NONE

    @invariant()
    def a_step_belongs_to_an_item(self) -> None:
        d = self.desk
        if d.item is None:
            assert d.step is dm.Step.NONE and d.pending_verdict() is None
        if d.step is dm.Step.REKEY:
            assert d.rekey is not None and d.pending_verdict() == "approve"
        if d.step is dm.Step.PIN:
            assert d.pending_verdict() is not None
        if d.step is dm.Step.OVERRIDE:
            assert d.findings

    @invariant()
    def the_findings_are_the_items(self) -> None:
        d = self.desk
        expected = tuple(crosscheck(d.item.request, TODAY)) if d.item is not None else ()
        assert d.findings == expected


DeskMachine.TestCase.settings = settings(
    max_examples=300,
    stateful_step_count=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
test_the_desk_never_sends_what_its_rules_forbid = DeskMachine.TestCase


def test_the_pool_reaches_every_step() -> None:
    """The machine above can reach each step: a re-keyed item, a top-level one, a finding."""
    policy = rekey_policy()
    assert any(policy.for_item(i.request, False) for i in POOL)
    assert any(i.reauth_required for i in POOL)
    assert any(crosscheck(i.request, TODAY) for i in POOL)


def test_what_changes_while_a_step_is_open_is_checked_again_before_signing() -> None:
    """An image fails while the PIN is asked, or a row is marked failing while the override's
    reason is written: nothing is sent, and the desk says why (what the machine above found
    before the desk checked its rules again at signing)."""
    m = DeskMachine()
    top = next(
        i
        for i, item in enumerate(POOL)
        if item.reauth_required and not crosscheck(item.request, TODAY)
    )
    m.item_arrives(top, False)
    m.images_ready()
    m.checklist("all_fine")
    m.desk.approve()
    assert m.desk.step is dm.Step.REKEY  # the top level: re-keyed, then the PIN again
    m.rekey(True)
    assert m.desk.step is dm.Step.PIN
    m.image_fails("E_HASH_MISMATCH")
    m.pin_accepted(True, False)
    assert m.service.decisions == [] and m.desk.step is dm.Step.NONE
    refused = [e for e in m.events if isinstance(e, dm.Notice) and e.say is dm.Say.APPROVE_REFUSED]
    assert refused and refused[-1].args[1] == "E_HASH_MISMATCH"
    assert m.service.notes[-1] == (
        "approve_refused",
        {"why": ["evidence_failed"], "key": "approve", "at": "signing"},
    )

    m = DeskMachine()
    found = next(i for i, item in enumerate(POOL) if crosscheck(item.request, TODAY))
    m.item_arrives(found, False)
    m.images_ready()
    m.checklist("required_only")
    assert m.desk.open_override()
    m.checklist("one_fails")  # marked while the reason is written
    m.desk.send_override("客户已到柜面核实，凭证金额为柜员笔误，已电话确认")
    assert m.service.decisions == [] and m.desk.step is dm.Step.NONE


def test_a_pin_check_that_ends_during_another_step_changes_nothing() -> None:
    """What the machine above found: a PIN check ending while the re-key was asked (a late
    answer, or one for an item gone) took the decision's intent with it."""
    m = DeskMachine()
    big = next(
        i
        for i, item in enumerate(POOL)
        if item.reauth_required and not crosscheck(item.request, TODAY)
    )
    m.item_arrives(big, False)
    m.images_ready()
    m.checklist("all_fine")
    m.desk.approve()
    assert m.desk.step is dm.Step.REKEY
    m.desk.pin_accepted(m.desk.item.request.request_id)  # type: ignore[union-attr]
    assert m.desk.step is dm.Step.REKEY and m.desk.pending_verdict() == "approve"
    m.rekey(True)
    assert m.desk.step is dm.Step.PIN
    m.pin_accepted(True, False)
    assert [d.call["verdict"] for d in m.service.decisions] == ["approve"]


def _with_reading(item: ReceivedItem, **verdicts: Verdict) -> ReceivedItem:
    signed = sign_reading(item.request, item.digest, verdicts)
    return replace(item, reading=signed, reading_status="")


def test_a_reading_that_arrives_mid_approval_with_a_mismatch_stops_it() -> None:
    """The machine's reading comes while the PIN is asked: its mismatch is a finding at once,
    the approval is not signed, the desk says the reading disagrees; the override must then
    name the reader's finding, and the decision is signed with the reading's digest."""
    m = DeskMachine()
    top = next(
        i
        for i, item in enumerate(POOL)
        if item.reauth_required and not crosscheck(item.request, TODAY)
    )
    m.item_arrives(top, False)
    m.images_ready()
    m.checklist("all_fine")
    assert m.desk.item is not None and m.desk.item.reading is None
    m.desk.approve()
    if m.desk.step is dm.Step.REKEY:
        m.rekey(True)
    assert m.desk.step is dm.Step.PIN
    read = _with_reading(m.desk.item, amount=Verdict.MISMATCH, account_no=Verdict.MATCH)
    m.desk.reading_arrived(read)
    assert [f.code for f in m.desk.findings] == ["read_amount"]
    assert any(isinstance(e, dm.ReadingShown) for e in m.events)
    said = [e for e in m.events if isinstance(e, dm.Notice) and e.say is dm.Say.READING_FOUND]
    assert said and said[-1].args == (["read_amount"],)
    m.pin_accepted(True, False)
    assert m.service.decisions == []  # not signed: the reading disagrees
    assert m.desk.open_override()
    m.desk.send_override("客户当面核实金额，凭证小写为笔误，已电话确认")
    m.pin_accepted(True, False)
    sent = m.service.decisions[-1].call
    assert sent["override"]["findings"] == ["read_amount"]
    assert m.desk.item is not None  # the desk passes the reading's digest to be signed


def test_an_override_written_before_the_reading_must_name_its_findings() -> None:
    m = DeskMachine()
    found = next(
        i
        for i, item in enumerate(POOL)
        if crosscheck(item.request, TODAY) and not item.reauth_required
    )
    m.item_arrives(found, False)
    m.images_ready()
    m.checklist("required_only")
    assert m.desk.open_override()
    assert m.desk.item is not None
    m.desk.reading_arrived(_with_reading(m.desk.item, account_name=Verdict.MISMATCH))
    m.desk.send_override("客户已到柜面核实，凭证金额为柜员笔误，已电话确认")
    m.pin_accepted(True, False)
    assert m.service.decisions == [] and m.desk.step is dm.Step.NONE
    assert m.service.notes[-1][0] == "override_refused"


def test_a_reading_with_no_mismatch_changes_no_decision_and_is_signed_with_it() -> None:
    m = DeskMachine()
    clean = next(
        i
        for i, item in enumerate(POOL)
        if not crosscheck(item.request, TODAY) and not item.reauth_required
    )
    m.item_arrives(clean, False)
    m.images_ready()
    assert m.desk.item is not None
    read = _with_reading(m.desk.item, amount=Verdict.MATCH, id_name=Verdict.UNREADABLE)
    m.desk.reading_arrived(read)
    assert m.desk.findings == ()  # "?" is no finding: it does not stop approval
    m.look_tick_and_approve("all_fine")
    if m.desk.step is dm.Step.REKEY:
        m.rekey(True)
    assert m.service.decisions, m.desk.step
    assert m.service.readings[-1] == read.reading_digest


def test_a_reading_for_an_item_held_as_next_waits_with_it() -> None:
    m = DeskMachine()
    m.item_arrives(0, False)
    m.item_arrives(2, False)
    held = m.desk.upcoming[0]
    m.desk.reading_arrived(_with_reading(held, amount=Verdict.MISMATCH))
    assert m.desk.upcoming[0].reading is not None and m.desk.findings == m.desk._findings_of(
        m.desk.item  # type: ignore[arg-type]
    )
