"""Decides items by simulated key presses, as an authorizer would (demo checks, benchmarks).

It approves an item the machine check found nothing on; otherwise it rejects or returns it with
the reason of the finding (an amount that differs: R02; an expired ID: R05; a voucher not
dated today: T01) — through the same shortcuts a person uses, so the whole keyboard path is
exercised. An item at the top authority level asks
for the PIN again: the autopilot types it, as the authorizer would.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest

from clientsvc.crosscheck import crosscheck
from clientsvc.workstation.desk import finding_reason, rekey_policy


class Autopilot:
    def __init__(self, session: Any, think_ms: int = 1200, pin: str | None = None) -> None:
        self.session = session
        self.think_ms = think_ms
        self.pin = pin
        self._hooked: Any = None
        self._poll = QTimer()
        self._poll.timeout.connect(self._on_poll_timeout)
        self._poll.start(100)

    def stop(self) -> None:
        self._poll.stop()

    def _on_poll_timeout(self) -> None:
        window = self.session.window
        if window is not None and window is not self._hooked:
            self._hooked = window
            window.sig_evidence_shown.connect(self._on_window_evidence_shown)

    def _on_window_evidence_shown(self, request_id: str) -> None:
        QTimer.singleShot(self.think_ms, lambda: self._decide(request_id))

    def _decide(self, request_id: str) -> None:
        window = self.session.window
        if window is None or window.item is None or window.item.request.request_id != request_id:
            return
        findings = crosscheck(window.item.request)
        if not findings:
            # the checklist first, as a careful authorizer: F2, Shift+Space (the rest fine)
            QTest.keyClick(window, Qt.Key.Key_F2)
            QTest.keyClick(
                window.checklist.list, Qt.Key.Key_Space, Qt.KeyboardModifier.ShiftModifier
            )
            QTest.keyClick(window, Qt.Key.Key_F9)
            rekey = rekey_policy().for_item(window.item.request, window.item.reauth_required)
            if window.rekey_prompt.isVisible() and rekey is not None:
                # read from the voucher (the simulator writes the request's own values)
                QTest.keyClicks(window.rekey_prompt.field, rekey.expected)
                QTest.keyClick(window.rekey_prompt.field, Qt.Key.Key_Return)
        else:
            # as a careful authorizer: the finding's own reason, a reject or a return as its
            # kind says; the window pre-selects that reason
            code = finding_reason(findings[0], window.checklist.rows())
            QTest.keyClick(window, Qt.Key.Key_F10 if code.startswith("R") else Qt.Key.Key_F11)
            QTest.keyClick(window, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        if window.pin_prompt.isVisible() and self.pin is not None:  # top level: the PIN again
            QTest.keyClicks(window.pin_prompt.field, self.pin)
            QTest.keyClick(window.pin_prompt.field, Qt.Key.Key_Return)
