"""Decides items by simulated key presses, as a careful authorizer would (demo checks,
benchmarks).

What it decides is ``careful_choice`` (the simulated colleague's too): never past a machine
finding — it rejects or returns with the finding's reason (an amount that differs: R02; an
expired ID: R05; a voucher not dated today: T01) —, a reject when the person in the counter
video is not the person on the ID photo (it marks the checklist's face row failing: R06), an
approval otherwise, after the checklist. It decides through the same shortcuts a person uses,
so the whole keyboard path is exercised. An item at the top authority level asks for the PIN
again, and a large one for the blind re-key: the autopilot types them, as the authorizer would.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest

from clientsvc.workstation.desk import rekey_policy
from sim.colleague import at_counter, careful_choice
from sim.counter import CounterScenes


def _item(window: Any) -> Any:
    """The item on screen (the window's desk model holds it; an older window held it)."""
    desk = getattr(window, "desk", None)
    return desk.item if desk is not None and hasattr(desk, "item") else window.item


def _prompt(window: Any, name: str) -> Any:
    """The PIN or re-key prompt: on the decision bar, or on an older window itself."""
    bar = getattr(window, "bar", None)
    return getattr(bar, name) if bar is not None and hasattr(bar, name) else getattr(window, name)


class Autopilot:
    def __init__(
        self,
        session: Any,
        think_ms: int = 1200,
        pin: str | None = None,
        scenes: CounterScenes | None = None,
    ) -> None:
        self.session = session
        self.think_ms = think_ms
        self.pin = pin
        self.scenes = scenes  # the counter video, as the autopilot watches it
        self.decided: dict[str, int] = {}  # verdict → how many (said at the end of a demo)
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
        item = _item(window) if window is not None else None
        if item is None or item.request.request_id != request_id:
            return
        request = item.request
        rows = window.checklist.rows()
        choice = careful_choice(request, rows, at_counter(self.scenes, request))
        self.decided[choice.verdict] = self.decided.get(choice.verdict, 0) + 1
        if choice.verdict == "approve":
            # the checklist first, as a careful authorizer: F2, Shift+Space (the rest fine)
            QTest.keyClick(window, Qt.Key.Key_F2)
            QTest.keyClick(
                window.checklist.list, Qt.Key.Key_Space, Qt.KeyboardModifier.ShiftModifier
            )
            QTest.keyClick(window, Qt.Key.Key_F9)
            rekey = rekey_policy().for_item(request, item.reauth_required)
            field = _prompt(window, "rekey_prompt").field
            if field.isVisible() and rekey is not None:
                # read from the voucher (the simulator writes the request's own values)
                QTest.keyClicks(field, rekey.expected)
                QTest.keyClick(field, Qt.Key.Key_Return)
        else:
            if choice.failing_row is not None:
                # what only a person sees: F2, Space down to the row, X on it
                QTest.keyClick(window, Qt.Key.Key_F2)
                for row in rows:
                    if row.id == choice.failing_row:
                        QTest.keyClick(window.checklist.list, Qt.Key.Key_X)
                        break
                    QTest.keyClick(window.checklist.list, Qt.Key.Key_Space)
            # the reason its row or finding says, a reject or a return as its kind says; the
            # window pre-selects it
            key = Qt.Key.Key_F10 if choice.verdict == "reject" else Qt.Key.Key_F11
            QTest.keyClick(window, key)
            QTest.keyClick(window, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        pin = _prompt(window, "pin_prompt").field
        if pin.isVisible() and self.pin is not None:  # top level: the PIN again
            QTest.keyClicks(pin, self.pin)
            QTest.keyClick(pin, Qt.Key.Key_Return)
