"""The decision desk's model, without Qt: the items in hand, the steps of a decision, the lock,
presence, what is audited, and what the status strip must say.

The window is a shell around it. It feeds the model what happened (an item arrived, an image
failed, the checklist changed, a key was pressed) and draws what the model says, from its state
and from the typed events it emits (``Shown``, ``Cleared``, ``Notice``, ``LockChanged``,
``Delivered``, ``Changed``). The rules of what may be decided now are ``desk.gate``; this model
is the one caller of the engine's decision service, and so the one place that decides which
events are written to the audit trail.

A decision goes through steps: the reason (reject, return), or the override's written reason,
then the blind re-key when the item needs one (approvals only), then the PIN again when the
item is at the top authority level or is an override, then it is signed and sent.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol

from clientsvc.audit.sync import SyncStatus
from clientsvc.catalogue import TEXT_REQUIRED, reasons_for
from clientsvc.checklist import ChecklistRow
from clientsvc.crosscheck import Finding, crosscheck, reading_findings
from clientsvc.workstation.decision import DecisionRequest
from clientsvc.workstation.desk import (
    OVERRIDE_MIN_CHARS,
    Blocked,
    DeskState,
    Gate,
    Rekey,
    RekeyPolicy,
    finding_reason,
    gate,
    rekey_policy,
)
from clientsvc.workstation.engine import ReceivedItem

FALLBACK_SHOWN_S = 30 * 60  # an outlet's local authorization is shown for half an hour
SYNC_LATE_MS = 10 * 60_000  # events older than this, not at the center: the strip warns
TAKEN_BACK = ("timed_out", "cancelled", "fallback_local")  # ended at the teller's side


class DecisionService(Protocol):
    """What the desk needs from the engine (thread-safe, non-blocking calls)."""

    def decide(self, decision: DecisionRequest) -> None: ...
    def set_presence(self, state: str) -> None: ...
    def note(self, kind: str, payload: dict[str, Any], request_id: str | None = None) -> None: ...
    def item_displayed(self, request_id: str) -> None: ...
    def grab_frame(
        self, request_id: str, camera_id: str, captured_at_us: int, jpeg: bytes
    ) -> None: ...


class Step(StrEnum):
    """Where the decision of the item on screen stands."""

    NONE = "none"  # the decision keys
    REASON = "reason"  # choosing a reject's or a return's reason
    OVERRIDE = "override"  # writing why the findings are overridden
    REKEY = "rekey"  # typing the last four digits from the voucher
    PIN = "pin"  # the PIN again


class Say(StrEnum):
    """What the window must tell the authorizer (the words live in ``ui/``)."""

    APPROVE_REFUSED = "approve_refused"  # args: why, image problem, findings, open rows
    REQUEST_CHANGED = "request_changed"
    READING_FOUND = "reading_found"  # the machine's reading arrived with mismatches: args: codes
    REVOKED = "revoked"  # args: reason
    EVIDENCE_FAILED = "evidence_failed"  # args: code, sha256
    DECISION_REFUSED = "decision_refused"  # args: code
    NO_PIN_CHECK = "no_pin_check"
    CONNECTION_LOST = "connection_lost"
    CONNECTED = "connected"
    UNRESOLVED = "unresolved"  # args: request ids still unknown
    UNRESOLVED_REFUSED = "unresolved_refused"  # args: {request id: code}
    UNRESOLVED_DELIVERED = "unresolved_delivered"  # args: request ids
    FAILED = "failed"  # args: code, detail


@dataclass(frozen=True)
class Shown:
    """A new item is on screen: everything looked at so far is void."""

    item: ReceivedItem


@dataclass(frozen=True)
class ReadingShown:
    """The machine reading of the item on screen arrived, or its status changed: the element
    panel and the findings are drawn again (what was looked at so far stands)."""

    item: ReceivedItem


@dataclass(frozen=True)
class Cleared:
    """No item on screen."""


@dataclass(frozen=True)
class Notice:
    say: Say
    args: tuple[Any, ...] = ()


@dataclass(frozen=True)
class LockChanged:
    locked: bool
    why: str = ""  # "idle" or "manual"


@dataclass(frozen=True)
class Delivered:
    request_id: str
    at_ms: int


@dataclass(frozen=True)
class Signing:
    """The decision is about to be signed: what was looked at is recorded first."""


@dataclass(frozen=True)
class Changed:
    """Something the window draws from the model's state changed (enablement, steps, strip)."""


Event = Shown | ReadingShown | Cleared | Notice | LockChanged | Delivered | Signing | Changed


@dataclass(frozen=True)
class ReasonChoice:
    """The reason panel as it opens: the verdict (a failing row may route F10 to a return),
    the codes offered, the one pre-selected and the message pre-filled for the teller."""

    verdict: str
    routed: bool
    codes: tuple[str, ...]
    selected: str
    message: str


def reason_choice(
    verdict: str,
    failing: list[ChecklistRow],
    findings: tuple[Finding, ...],
    rows: tuple[ChecklistRow, ...],
) -> ReasonChoice:
    """A failing row routes to a reject or a return as its data says (F10 on a row that calls
    for a return opens the return); its reason is pre-selected, then a finding's; a failing row
    says what is wrong in the teller's language: its failure ("凭证日期非当日")."""
    routed = bool(failing) and all(r.fail_verdict != verdict for r in failing)
    if routed:
        verdict = failing[0].fail_verdict
    codes = tuple(reasons_for(verdict))
    mine = [row for row in failing if row.fail_verdict == verdict]
    wanted = [row.fail_reason for row in mine] + [finding_reason(f, rows) for f in findings]
    wanted = [c for c in wanted if c in codes]
    message = "；".join(row.failure("zh") for row in mine)[:200]
    return ReasonChoice(verdict, routed, codes, wanted[0] if wanted else codes[0], message)


@dataclass(frozen=True)
class SyncLine:
    """The audit trail's way to the center, for the status strip."""

    state: str  # "no_key", "refused", "up_to_date", "pending"
    level: str  # "", "warn", "error"
    pending: int = 0
    since_ms: int | None = None
    reachable: bool = True
    code: str = ""


def sync_line(status: SyncStatus, now_ms: int) -> SyncLine:
    """Offline is normal, but it shows: late or unreachable is a warning, refused an error."""
    if status.problem == "no receipt key":
        return SyncLine("no_key", "warn")
    if status.problem:
        return SyncLine("refused", "error", code=status.problem.split(":", 1)[0])
    if status.pending == 0:
        return SyncLine("up_to_date", "")
    late = status.oldest_ms is not None and now_ms - status.oldest_ms > SYNC_LATE_MS
    level = "warn" if (not status.reachable or late) else ""
    return SyncLine("pending", level, status.pending, status.oldest_ms, status.reachable)


@dataclass
class _Intent:
    """A decision on its way through its steps."""

    verdict: str
    code: str | None = None
    text: str = ""
    override: dict[str, Any] | None = None


@dataclass
class Desk:
    """The items in hand and the decision of the one on screen (see the module's words)."""

    service: DecisionService
    clock: Callable[[], float] = time.monotonic  # seconds, for the wait clock and windows
    wall_ms: Callable[[], int] = lambda: time.time_ns() // 1_000_000
    today: Callable[[], dt.date] = dt.date.today  # the branch's day, for the findings
    rekeys: RekeyPolicy = field(default_factory=rekey_policy)
    can_check_pin: bool = True
    item: ReceivedItem | None = None
    upcoming: list[ReceivedItem] = field(default_factory=list)  # held as "next", in order
    findings: tuple[Finding, ...] = ()  # the machine's, for the item on screen
    step: Step = Step.NONE
    reason: ReasonChoice | None = None
    rekey: Rekey | None = None
    rekey_wrong: int = 0
    sending: bool = False  # signed and on its way
    settled: bool = False  # delivered; held on screen a moment, locked
    locked: bool = False
    presence: str = "available"
    connected: bool = False
    hash_failed: dict[str, str] = field(default_factory=dict)  # sha256 → code, items in hand
    unresolved: dict[str, str] = field(default_factory=dict)  # from before a restart
    orphaned: list[tuple[str, str, str, float]] = field(default_factory=list)
    fallback_outlets: dict[str, float] = field(default_factory=dict)  # outlet → when
    # what the window knows of the item on screen: its images, its checklist
    evidence_loading: bool = False
    evidence_problem: str = ""  # the first image's problem (an error code), or ""
    checklist_rows: tuple[ChecklistRow, ...] = ()
    failing: list[ChecklistRow] = field(default_factory=list)  # rows failing (marked or found)
    marked_failing: tuple[str, ...] = ()
    open_required: tuple[ChecklistRow, ...] = ()
    ticked: dict[str, str] = field(default_factory=dict)
    listeners: list[Callable[[Event], None]] = field(default_factory=list)
    _arrived: dict[str, float] = field(default_factory=dict)
    _received_at: float = 0.0
    _intent: _Intent | None = None
    _rekeyed: str | None = None
    _presence_before_lock: str = "available"
    _override_for: list[str] = field(default_factory=list)

    # --- reading -------------------------------------------------------------------------

    def in_hand(self) -> list[ReceivedItem]:
        return ([self.item] if self.item is not None else []) + self.upcoming

    def state(self) -> DeskState:
        has = self.item is not None
        return DeskState(
            has_item=has,
            locked=self.locked,
            sending=self.sending or self.settled,
            panel_open=self.step is not Step.NONE,
            evidence_failed=has and bool(self.evidence_problem),
            evidence_loading=has and self.evidence_loading,
            findings=self.findings,
            failing_rows=self.marked_failing,
            open_required=tuple(r.id for r in self.open_required),
        )

    def gate(self) -> Gate:
        return gate(self.state())

    def busy(self) -> bool:
        """The item is signed, on its way or delivered: no key acts on it."""
        return self.item is None or self.sending or self.settled

    def checklist_answered(
        self,
        rows: tuple[ChecklistRow, ...],
        failing: list[ChecklistRow],
        marked_failing: tuple[str, ...],
        open_required: tuple[ChecklistRow, ...],
        ticked: dict[str, str],
    ) -> None:
        """The checklist as answered now (``failing``: marked, or failed by a finding)."""
        self.checklist_rows, self.failing, self.marked_failing = rows, failing, marked_failing
        self.open_required, self.ticked = open_required, ticked

    def enablement(self, has_image: bool, has_video: bool) -> dict[str, bool]:
        """For each state an action is enabled in (``ui/actions.py``'s ``enabled_when``),
        whether it holds now."""
        gate, idle = self.gate(), not self.busy() and self.step is Step.NONE
        return {
            "always": True,
            "unlocked": not self.locked,
            "item": idle,
            "decidable": gate.may("approve"),
            "overridable": gate.may("override"),
            "approve_refused": idle and not gate.may("approve"),  # F9 says why
            "reason_open": not self.busy() and self.step is not Step.NONE,
            "image": self.item is not None and has_image,
            "video": not self.busy() and has_video,
        }

    def evidence_announced(self) -> bool:
        """The item on screen may be said to be fully shown: every image ready, none failed,
        no step open."""
        idle = not self.busy() and self.step is Step.NONE
        return idle and not self.evidence_loading and not self.evidence_problem

    def pending_verdict(self) -> str | None:
        """The verdict of the decision on its way through its steps."""
        return self._intent.verdict if self._intent is not None else None

    def pending_is_override(self) -> bool:
        return self._intent is not None and self._intent.override is not None

    def waited_seconds(self) -> float:
        """How long the teller has waited: the wait at dispatch + the time at this desk."""
        if self.item is None:
            return 0.0
        at_dispatch = (self.item.dispatched_at - self.item.enqueued_at) / 1000
        return at_dispatch + (self.clock() - self._received_at)

    def outlets_on_fallback(self) -> list[str]:
        """Outlets that authorized locally in the last half hour."""
        now = self.clock()
        self.fallback_outlets = {
            o: t for o, t in self.fallback_outlets.items() if now - t < FALLBACK_SHOWN_S
        }
        return sorted(self.fallback_outlets)

    # --- what happened -------------------------------------------------------------------

    def receive(self, item: ReceivedItem) -> None:
        if self.locked:  # sent before the broker knew: it takes it back
            return
        rid = item.request.request_id
        if self.item is not None and self.item.request.request_id == rid:
            # the item on screen, sent again under a new lease (requeued while the connection
            # was down, or the teller resubmitted it)
            if item.digest == self.item.digest:
                self.item = item  # the same content: carry on, under the new lease
            else:
                self._show(item)  # other content: everything looked at so far is void
                self._emit(Notice(Say.REQUEST_CHANGED))
            return
        self.upcoming = [held for held in self.upcoming if held.request.request_id != rid]
        self._arrived[rid] = self.clock()
        self.upcoming.append(item)  # held as next while one is on screen: its images load
        if self.item is None or self.settled:
            self.next()
        else:
            self._emit(Changed())

    def reading_arrived(self, item: ReceivedItem) -> None:
        """The machine reading of an item in hand arrived (or its status changed). On screen:
        its mismatches join the findings at once; a decision whose steps are open is checked
        again at its next step (an approval no longer goes through, an override must name the
        new findings). Held as next: kept for when it is shown."""
        rid = item.request.request_id
        if self.item is not None and self.item.request.request_id == rid:
            if self.item.lease_id != item.lease_id:
                return
            before = {f.code for f in self.findings}
            self.item = item
            self.findings = self._findings_of(item)
            found = sorted({f.code for f in self.findings} - before)
            self._emit(ReadingShown(item))
            if found:
                self._emit(Notice(Say.READING_FOUND, (found,)))
            self._emit(Changed())
            return
        self.upcoming = [
            item if held.request.request_id == rid and held.lease_id == item.lease_id else held
            for held in self.upcoming
        ]

    def _findings_of(self, item: ReceivedItem) -> tuple[Finding, ...]:
        """The teller system's findings, then the reader's (each stops approval)."""
        read = item.reading.reading if item.reading is not None else None
        return (*crosscheck(item.request, self.today()), *reading_findings(read))

    def next(self) -> None:
        """The item on screen is done: the next one in hand, or nothing."""
        if self.upcoming:
            self._show(self.upcoming.pop(0))
        else:
            self._clear()
        wanted = {r.sha256 for i in self.in_hand() for r in i.request.evidence}
        self.hash_failed = {s: c for s, c in self.hash_failed.items() if s in wanted}

    def revoke(self, request_id: str, reason: str) -> None:
        held = [i for i in self.in_hand() if i.request.request_id == request_id]
        if reason in TAKEN_BACK:
            outlet = held[0].request.outlet_id if held else ""
            self.orphaned.append((request_id, reason, outlet, self.clock()))
            if reason == "fallback_local" and outlet:
                self.fallback_outlets[outlet] = self.clock()
        if self.item is not None and self.item.request.request_id == request_id:
            self._emit(Notice(Say.REVOKED, (reason,)))
            self.next()
            return
        self.upcoming = [i for i in self.upcoming if i.request.request_id != request_id]
        self._arrived.pop(request_id, None)
        self._emit(Changed())

    def image_failed(self, request_id: str, sha256: str, code: str) -> bool:
        """An image of an item in hand failed its hash or its checks: True when it is on
        screen (the window marks it)."""
        if not any(i.request.request_id == request_id for i in self.in_hand()):
            return False
        self.hash_failed[sha256] = code
        on_screen = self.item is not None and self.item.request.request_id == request_id
        if on_screen:
            self.evidence_problem = self.evidence_problem or code
            self._emit(Notice(Say.EVIDENCE_FAILED, (code, sha256)))
            self._emit(Changed())
        return on_screen

    def settle(self, request_id: str, accepted: bool, code: str) -> None:
        if request_id in self.unresolved:
            self.unresolved[request_id] = "delivered" if accepted else code
            self._say_unresolved()
        if self.item is None or self.item.request.request_id != request_id:
            return
        if accepted:
            self._emit(Delivered(request_id, self.wall_ms()))
            if self.upcoming:
                self.next()  # decided → the next item, its images already decoded
                return
            # nothing in hand: the item stays a moment, locked, so that one arriving now
            # replaces it without the empty screen flashing in between
            self.settled = True
            self._emit(Changed())
            return
        self.sending = False
        self._emit(Notice(Say.DECISION_REFUSED, (code,)))
        if code in ("E_NOT_LEASED", "E_ALREADY_DECIDED", "E_INVALID_STATE"):
            self.next()
        self._emit(Changed())

    def settled_hold_over(self) -> None:
        if self.settled:
            self.next()

    def set_unresolved(self, request_ids: list[str]) -> None:
        self.unresolved = {rid: "" for rid in request_ids}
        self._say_unresolved()

    def set_connected(self, connected: bool) -> None:
        self.connected = connected
        self._emit(Notice(Say.CONNECTED if connected else Say.CONNECTION_LOST))
        self._emit(Changed())

    def set_presence(self, state: str) -> None:
        """The engine's word on presence (the broker's)."""
        self.presence = state
        self._emit(Changed())

    def toggle_away(self) -> None:
        self.service.set_presence("away" if self.presence == "available" else "available")

    def lock(self, why: str) -> None:
        """Lock: what this desk held goes back to the queue, and only the PIN unlocks."""
        if self.locked:
            return
        self.locked = True
        self._presence_before_lock = self.presence if self.presence != "locked" else "available"
        self.upcoming.clear()
        self._arrived.clear()
        self.hash_failed.clear()
        self._clear()
        self.service.set_presence("locked")
        self.service.note("locked", {"why": why})
        self._emit(LockChanged(True, why))

    def unlock(self) -> None:
        if not self.locked:
            return
        self.locked = False
        self.service.set_presence(self._presence_before_lock)
        self.service.note("unlocked", {})
        self._emit(LockChanged(False))

    def audit(self, kind: str, payload: dict[str, Any], request_id: str | None = None) -> None:
        """What the window saw that belongs in the trail (views, a PIN refused)."""
        self.service.note(kind, payload, request_id)

    # --- deciding ------------------------------------------------------------------------

    def approve(self) -> None:
        if self.item is None:
            return
        if self.busy() or self.step is not Step.NONE:
            return
        if not self.gate().may("approve"):
            why = self.gate().approve
            args = (why, self.evidence_problem, self.findings, self.open_required)
            self._emit(Notice(Say.APPROVE_REFUSED, args))
            payload = {"why": [w.value for w in why]}
            self.service.note("approve_refused", payload, self.item.request.request_id)
            return
        self._proceed(_Intent("approve"))

    def open_override(self) -> bool:
        if self.item is None or not self.gate().may("override"):
            return False
        self.step = Step.OVERRIDE
        codes = sorted({f.code for f in self.findings})
        self._override_for = codes  # what the authorizer saw as the reason was opened
        self.service.note("override_opened", {"findings": codes}, self.item.request.request_id)
        self._emit(Changed())
        return True

    def send_override(self, note: str) -> bool:
        """False: the reason is too short (the window says so at its field)."""
        if self.step is not Step.OVERRIDE:
            return False
        note = note.strip()
        if len("".join(note.split())) < OVERRIDE_MIN_CHARS:
            return False
        codes = list(self._override_for)  # checked against the findings as they are now
        self._proceed(_Intent("approve", override={"findings": codes, "note": note}))
        return True

    def open_reason(self, verdict: str) -> bool:
        if self.busy() or self.step is not Step.NONE:
            return False
        self.reason = reason_choice(verdict, self.failing, self.findings, self.checklist_rows)
        self.step = Step.REASON
        self._emit(Changed())
        return True

    def send_reason(self, code: str, text: str) -> bool:
        """False: "Other" without a message (the window says so at its field)."""
        if self.step is not Step.REASON or self.reason is None or self.sending:
            return False
        text = text.strip()
        if code in TEXT_REQUIRED and not text:
            return False
        self._proceed(_Intent(self.reason.verdict, code, text))
        return True

    def rekey_typed(self, typed: str) -> bool:
        if self.step is not Step.REKEY or self.rekey is None or self.item is None:
            return False
        rid = self.item.request.request_id
        if not self.rekey.matches(typed):
            self.rekey_wrong += 1
            payload = {"field": self.rekey.field, "wrong": self.rekey_wrong}
            self.service.note("rekey_refused", payload, rid)
            return False
        field_name = self.rekey.field
        assert self._intent is not None
        if not self._still_allowed(self._intent, Step.REKEY.value, rekey="matched"):
            return True  # typed right, but the item may no longer be approved: said why
        self.rekey, self._rekeyed = None, rid
        self._proceed(self._intent)  # the decision first: its record is not behind this note
        self.service.note("rekey_matched", {"field": field_name}, rid)
        return True

    def pin_accepted(self, request_id: str) -> None:
        if self.step is not Step.PIN or self._intent is None or self.item is None:
            return  # a PIN check that ends after its step was left: the decision stays as it is
        intent, self._intent = self._intent, None
        self.step = Step.NONE
        if self.item.request.request_id != request_id:
            self._emit(Changed())  # the item went while the PIN was checked: nothing to sign
            return
        if self._still_allowed(intent, "signing"):  # the rules again: the PIN took a while
            self._send(intent, reauth_at=self.wall_ms())

    def cancel(self) -> None:
        """Esc, or the step's Back: the decision keys again."""
        self.step, self.reason, self.rekey, self._intent = Step.NONE, None, None, None
        self._emit(Changed())

    # --- inside --------------------------------------------------------------------------

    def _still_allowed(self, intent: _Intent, at: str, **context: Any) -> bool:
        """The rules again, as a decision moves to its next step (``at``: the step it was at)
        or is signed (``at="signing"``): while its steps were open an image may have failed or
        a checklist row been marked. When they no longer allow it, nothing is sent, the words
        say why (F9's words for an approval) and the refusal is audited with where it came."""
        assert self.item is not None
        key = "override" if intent.override is not None else intent.verdict
        rules = gate(dataclasses.replace(self.state(), panel_open=False))
        codes = sorted({f.code for f in self.findings})
        if rules.may(key) and intent.override is not None and intent.override["findings"] != codes:
            # the reading came while the override was written: it names findings no longer all
            self.step, self.reason, self.rekey, self._intent = Step.NONE, None, None, None
            self._emit(Notice(Say.READING_FOUND, (codes,)))
            payload = {"findings": codes, "at": at, **context}
            self.service.note("override_refused", payload, self.item.request.request_id)
            self._emit(Changed())
            return False
        if rules.may(key):
            return True
        self.step, self.reason, self.rekey, self._intent = Step.NONE, None, None, None
        why = getattr(rules, "ret" if key == "return" else key)
        args = (why, self.evidence_problem, self.findings, self.open_required)
        self._emit(Notice(Say.APPROVE_REFUSED, args))
        payload = {"why": [w.value for w in why], "key": key, "at": at, **context}
        kind = "approve_refused" if key in ("approve", "override") else "decision_refused"
        self.service.note(kind, payload, self.item.request.request_id)
        self._emit(Changed())
        return False

    def _proceed(self, intent: _Intent) -> None:
        """The next step of a decision: the re-key, the PIN again, or signing it."""
        assert self.item is not None
        if not self._still_allowed(intent, self.step.value):
            return
        self._intent, self.reason = intent, None
        rid = self.item.request.request_id
        rekey = self.rekeys.for_item(self.item.request, self.item.reauth_required)
        if intent.verdict == "approve" and rekey is not None and self._rekeyed != rid:
            self.step, self.rekey = Step.REKEY, rekey
        elif self.item.reauth_required or intent.override is not None:
            if not self.can_check_pin:  # nothing to check it with: never decided without
                self.step, self._intent = Step.NONE, None
                self._emit(Notice(Say.NO_PIN_CHECK))
            else:
                self.step = Step.PIN
        else:
            self._send(intent, None)
            return
        self._emit(Changed())

    def _send(self, intent: _Intent, reauth_at: int | None) -> None:
        """Sign and send: the rules were checked just before (``_proceed``, ``pin_accepted``)."""
        assert self.item is not None
        self.step, self._intent = Step.NONE, None
        self.sending = True  # locks every decision key before anything else can run
        self._emit(Signing())
        self.service.decide(
            DecisionRequest(
                self.item.request.request_id,
                intent.verdict,
                intent.code,
                intent.text,
                self.ticked if any(self.ticked.values()) else None,  # the checklist, if used
                self.item.lease_id,  # the item as shown: a re-sent one is refused, not signed
                reauth_at,
                intent.override,
                self.item.reading_digest,  # the machine's reading as shown: signed with it
            )
        )
        self._emit(Changed())

    def _show(self, item: ReceivedItem) -> None:
        self.item = item
        self._received_at = self._arrived.pop(item.request.request_id, self.clock())
        self.sending = self.settled = False
        self.step, self.reason, self.rekey, self._intent = Step.NONE, None, None, None
        self._rekeyed, self.rekey_wrong = None, 0  # other content: typed again
        self.findings = self._findings_of(item)
        self.evidence_loading, self.evidence_problem = bool(item.request.evidence), ""
        self.checklist_rows, self.failing, self.marked_failing = (), [], ()
        self.open_required, self.ticked = (), {}
        self._emit(Shown(item))  # the window fills in the findings and the checklist
        self.service.item_displayed(item.request.request_id)
        self._emit(Changed())

    def _clear(self) -> None:
        self.item = None
        self.sending = self.settled = False
        self.step, self.reason, self.rekey, self._intent = Step.NONE, None, None, None
        self.findings = ()
        self._emit(Cleared())
        self._emit(Changed())

    def _say_unresolved(self) -> None:
        unknown = [rid for rid, how in self.unresolved.items() if not how]
        refused = {rid: how for rid, how in self.unresolved.items() if how != "delivered"}
        if unknown:
            self._emit(Notice(Say.UNRESOLVED, (unknown,)))
        elif refused:
            self._emit(Notice(Say.UNRESOLVED_REFUSED, (refused,)))
        else:
            self._emit(Notice(Say.UNRESOLVED_DELIVERED, (list(self.unresolved),)))

    def _emit(self, event: Event) -> None:
        for listener in list(self.listeners):
            listener(event)


__all__ = [
    "Blocked",
    "Changed",
    "Cleared",
    "DecisionRequest",
    "DecisionService",
    "Delivered",
    "Desk",
    "Event",
    "LockChanged",
    "Notice",
    "ReadingShown",
    "ReasonChoice",
    "Say",
    "Shown",
    "Signing",
    "Step",
    "SyncLine",
    "reason_choice",
    "sync_line",
]
