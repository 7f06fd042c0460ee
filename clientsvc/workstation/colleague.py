"""A simulated colleague for the demo: a second authorizer at the center, without a screen.

Dual authorization needs two people. In the demo one person sits at the workstation; this
colleague, signed in with their own key, takes items like anybody else (dispatch is random
among the eligible) and decides each after a pause, once its images have arrived: when the
machine check finds something it rejects or returns with the finding's reason (R02 for an
amount that differs, T01 for a voucher not dated today, …), and approves otherwise. It runs
the real engine: it signs, records in its own audit cache, and the broker checks it as any
other authorizer.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from clientsvc.checklist import checklist_for
from clientsvc.crosscheck import crosscheck
from clientsvc.protocol.messages import QueueStatus
from clientsvc.workstation.desk import finding_reason
from clientsvc.workstation.engine import ReceivedItem, WorkstationEngine

log = logging.getLogger("authdesk.colleague")


class Colleague:
    """``WorkstationEvents`` that decide. Attach with ``attach(engine)`` before starting it."""

    def __init__(self, think_s: float = 3.0, confirm_pin: Callable[[], None] | None = None) -> None:
        self.think_s = think_s
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
            entry = self._waiting.pop(request_id, None)
        if entry is None or self.engine is None:
            return
        item = entry[0]
        self.engine.item_displayed(request_id)
        reauth_at = None
        if item.reauth_required and self.confirm_pin is not None:
            self.confirm_pin()
            reauth_at = time.time_ns() // 1_000_000
        findings = crosscheck(item.request)
        if findings:  # never past a finding: only a person overrides, with a reason
            code = finding_reason(findings[0], checklist_for(item.request.txn_type))
            verdict = "reject" if code.startswith("R") else "return"
        else:
            verdict, code = "approve", None
        self.engine.decide(request_id, verdict, code, "", None, item.lease_id, reauth_at)

    def item_revoked(self, request_id: str, reason: str) -> None:
        with self._lock:
            self._waiting.pop(request_id, None)

    def decision_settled(self, request_id: str, accepted: bool, code: str, detail: str) -> None:
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
                request_id,
                "return",
                "T02",
                "影像无法查看，请重新扫描",
                None,
                entry[0].lease_id,
                reauth_at,
            )

    def capture_recorded(self, request_id: str, sha256: str) -> None:
        pass

    def queue_status(self, status: QueueStatus, my_count: int, my_total_ms: int) -> None:
        pass

    def failed(self, code: str, detail: str) -> None:
        log.warning("colleague: %s %s", code, detail)

    def sync_status(self, status: Any) -> None:
        pass

    def decisions_unresolved(self, request_ids: list[str]) -> None:
        log.warning("colleague: decisions from before a restart: %s", request_ids)
