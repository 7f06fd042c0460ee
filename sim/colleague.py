"""A simulated colleague for the demo: a second authorizer at the center, without a screen.

Dual authorization needs two people. In the demo one person sits at the workstation; this
colleague, signed in with their own key, takes items like anybody else (dispatch is random
among the eligible) and decides each after a pause, once its images have arrived, as a careful
authorizer does (``careful_choice``): when the machine check finds something it rejects or
returns with the finding's reason (R02 for an amount that differs, T01 for a voucher not dated
today, …); when the person in the counter video is not the person on the ID photo it rejects
(R06); otherwise it approves. It runs the real engine: it signs, records in its own audit
cache, and the broker checks it as any other authorizer.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from clientsvc.checklist import ChecklistRow, checklist_for
from clientsvc.crosscheck import crosscheck, local_date, reading_findings
from clientsvc.protocol.messages import AuthRequest, QueueStatus
from clientsvc.reading.model import Reading
from clientsvc.workstation.decision import DecisionRequest
from clientsvc.workstation.desk import FINDING_ROW, finding_reason
from clientsvc.workstation.engine import ReceivedItem, WorkstationEngine
from sim.counter import CounterScenes
from sim.render import Face

log = logging.getLogger("authdesk.colleague")


@dataclass(frozen=True)
class Choice:
    """What a careful authorizer decides on an item, and which checklist row failed."""

    verdict: str  # approve, reject, return
    reason_code: str | None = None
    failing_row: str | None = None  # a row only a person sees failing (the face in the video)
    finding_row: str | None = None  # the row a machine finding fails (its words to the teller)


def careful_choice(
    request: AuthRequest,
    rows: tuple[ChecklistRow, ...],
    at_counter: Face | None,
    now_ms: int | None = None,
    reading: Reading | None = None,
) -> Choice:
    """As a careful authorizer decides: never past a machine finding (its reason: a reject or
    a return as its kind says); then the customer in the counter video against the ID photo
    (a different person: reject, the face row's reason); else approve. ``at_counter`` is who
    the video shows, None when it shows nobody or nothing (then only the papers decide)."""
    findings = [*crosscheck(request), *reading_findings(reading)]
    if findings:  # never past a finding: only a person overrides, with a reason
        code = finding_reason(findings[0], rows)
        row = FINDING_ROW.get(findings[0].code)
        return Choice("reject" if code.startswith("R") else "return", code, finding_row=row)
    has_photo = any(ref.kind == "id_front" for ref in request.evidence)
    if has_photo and at_counter is not None:
        today = local_date(now_ms if now_ms is not None else time.time_ns() // 1_000_000)
        if not at_counter.looks_like(Face.of_id(request.id_number, today)):
            face = next((r for r in rows if r.id == "face"), None)
            return Choice("reject", face.fail_reason if face else "R06", "face")
    return Choice("approve")


def at_counter(scenes: CounterScenes | None, request: AuthRequest) -> Face | None:
    """Who the request's counter camera shows (the demo's simulated counters), if known."""
    if scenes is None or request.camera_id is None:
        return None
    return scenes.get(request.camera_id)


class Colleague:
    """``WorkstationEvents`` that decide. Attach with ``attach(engine)`` before starting it."""

    def __init__(
        self,
        think_s: float = 3.0,
        confirm_pin: Callable[[], None] | None = None,
        scenes: CounterScenes | None = None,
    ) -> None:
        self.think_s = think_s
        self.scenes = scenes  # the counter video, as the colleague watches it
        # enters the PIN again for a top-level item (the key store checks it and counts it)
        self.confirm_pin = confirm_pin
        self.engine: WorkstationEngine | None = None
        self._lock = threading.Lock()
        self._waiting: dict[str, tuple[ReceivedItem, set[str]]] = {}
        self.decided = 0

    def attach(self, engine: WorkstationEngine) -> None:
        self.engine = engine

    # --- WorkstationEvents (engine thread) ------------------------------------------------

    def item_received(self, item: ReceivedItem) -> None:
        wanted = {ref.sha256 for ref in item.request.evidence}
        with self._lock:
            self._waiting[item.request.request_id] = (item, wanted)
        if not wanted:
            self._ready(item.request.request_id)

    def evidence_loaded(self, request_id: str, sha256: str, data: bytes) -> None:
        with self._lock:
            entry = self._waiting.get(request_id)
            if entry is None:
                return
            entry[1].discard(sha256)
            done = not entry[1]
        if done:
            self._ready(request_id)

    def _ready(self, request_id: str) -> None:
        timer = threading.Timer(self.think_s, self._decide, args=(request_id,))
        timer.daemon = True
        timer.start()

    def _decide(self, request_id: str) -> None:
        with self._lock:
            entry = self._waiting.get(request_id)  # kept until settled: a reading may come
        if entry is None or self.engine is None:
            return
        item = entry[0]
        self.engine.item_displayed(request_id)
        reauth_at = None
        if item.reauth_required and self.confirm_pin is not None:
            self.confirm_pin()
            reauth_at = time.time_ns() // 1_000_000
        request = item.request
        rows = checklist_for(request.txn_type)
        reading = item.reading.reading if item.reading is not None else None
        choice = careful_choice(request, rows, at_counter(self.scenes, request), reading=reading)
        text = ""
        checklist = None
        said = next((r for r in rows if r.id == choice.finding_row), None)
        if said is not None and said.fail_reason == choice.reason_code:  # as the window says it
            text = said.failure("zh")
        if choice.failing_row is not None:  # what only a person sees: said as the row says it
            row = next(r for r in rows if r.id == choice.failing_row)
            text = row.failure("zh")
            checklist = {r.id: ("fail" if r.id == row.id else "") for r in rows}
        self.engine.decide(
            DecisionRequest(
                request_id,
                choice.verdict,
                choice.reason_code,
                text,
                checklist,
                item.lease_id,
                reauth_at,
                reading=item.reading_digest,  # what it was shown of the machine's reading
            )
        )

    def item_reading(self, item: ReceivedItem) -> None:
        with self._lock:
            entry = self._waiting.get(item.request.request_id)
            if entry is not None:
                self._waiting[item.request.request_id] = (item, entry[1])

    def item_revoked(self, request_id: str, reason: str) -> None:
        with self._lock:
            self._waiting.pop(request_id, None)

    def decision_settled(self, request_id: str, accepted: bool, code: str, detail: str) -> None:
        with self._lock:
            entry = self._waiting.pop(request_id, None)
        if code == "E_READING_STALE" and entry is not None:  # it came meanwhile: look again
            with self._lock:
                self._waiting[request_id] = entry
            self._ready(request_id)
        if accepted:
            self.decided += 1
        log.info("colleague decision on %s: %s %s", request_id, accepted, code)

    def connection_changed(self, connected: bool, detail: str) -> None:
        pass

    def presence_changed(self, state: str) -> None:
        pass

    def evidence_failed(self, request_id: str, sha256: str, code: str) -> None:
        with self._lock:
            entry = self._waiting.pop(request_id, None)
        if entry is not None and self.engine is not None:  # as a person would: ask for a rescan
            reauth_at = None
            if entry[0].reauth_required and self.confirm_pin is not None:
                self.confirm_pin()
                reauth_at = time.time_ns() // 1_000_000
            self.engine.decide(
                DecisionRequest(
                    request_id,
                    "return",
                    "T02",
                    "影像无法查看，请重新扫描",
                    lease_id=entry[0].lease_id,
                    reauth_at=reauth_at,
                )
            )

    def capture_recorded(self, request_id: str, sha256: str) -> None:
        pass

    def queue_status(self, status: QueueStatus, my_count: int, my_total_ms: int) -> None:
        pass

    def failed(self, code: str, detail: str) -> None:
        log.warning("colleague: %s %s", code, detail)

    def sync_status(self, status: Any) -> None:
        pass

    def test_revealed(self, request_id: str, defect: str, note: str, caught: bool) -> None:
        pass

    def decisions_unresolved(self, request_ids: list[str]) -> None:
        log.warning("colleague: decisions from before a restart: %s", request_ids)
