"""The benchmark's workstation process: real engine, real window (offscreen), F9 by key press.

Records, per request: when its elements were on screen (GUI thread) and when F9 was pressed.
F9 is pressed once every image is verified, decoded and painted (``--think-ms`` later): a
person presses it only once the evidence is on screen.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtTest import QTest

from app.config import load_settings
from app.keys import make_keystore
from app.workstation import WorkstationApp, make_qapplication
from clientsvc.workstation.desk import rekey_policy


class HopProbe(QObject):
    """The engine → GUI hop alone: from the moment the engine's process sent the item's event
    to the moment the GUI thread has it, just before the window's own handling (the socket,
    the wake and any work the GUI thread was still doing)."""

    sig_probe = Signal(str, object)  # an int: Signal(int) would cut it to 32 bits

    def __init__(self) -> None:
        super().__init__()
        self.hop_ns: dict[str, int] = {}
        self.sig_probe.connect(self._on_probe)

    def _on_probe(self, request_id: str, emitted_ns: int) -> None:
        self.hop_ns[request_id] = time.perf_counter_ns() - emitted_ns


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--broker", required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument(
        "--think-ms", type=int, default=0, help="wait this long after the paint before F9"
    )
    args = parser.parse_args()
    settings = load_settings(
        None,
        data_dir=args.data_dir,
        keyring="memory",
        demo_secrets_file=args.data_dir / "demo-secrets.json",
        broker_endpoint=args.broker,
        terminal_id="BENCH-WS",
        video_endpoint="",
    )
    import os

    if os.environ.get("BENCH_SWITCH"):
        sys.setswitchinterval(float(os.environ["BENCH_SWITCH"]))
    qapp = make_qapplication()
    session = WorkstationApp(settings, make_keystore(settings))
    window = session.on_signed_in(session.keystore.unlock("A1001", "123456"))
    probe = HopProbe()
    bridge = session.bridge
    assert bridge is not None
    forward = bridge.item_received

    engine = session.engine
    assert engine is not None

    def item_received(item: Any) -> None:  # on the GUI thread, as the engine's event arrives
        # stamp_ns: when the engine's process sent it (perf_counter: one clock for both)
        probe.sig_probe.emit(item.request.request_id, engine.stamp_ns)
        forward(item)

    bridge.item_received = item_received  # type: ignore[method-assign]
    handed: dict[str, int] = {}  # when the GUI thread handed the decision to the engine
    decide = engine.decide

    def timed_hand(d: Any) -> None:
        handed[d.request_id] = time.time_ns()
        decide(d)

    engine.decide = timed_hand  # type: ignore[method-assign]
    shown: dict[str, int] = {}
    pressed: dict[str, int] = {}
    received: dict[str, int] = {}  # when the engine thread had it (ms resolution)
    evidence: dict[str, int] = {}  # when every image was decoded and painted
    order: list[str] = []

    def on_shown(request_id: str) -> None:
        shown[request_id] = time.time_ns()
        if window.desk.item is not None:
            received[request_id] = window.desk.item.received_at * 1_000_000

    viewer = window.workspace.viewers[0]

    def on_evidence(request_id: str) -> None:
        viewer.repaint()  # what the authorizer sees is painted now, whatever else is pending
        evidence[request_id] = time.time_ns()
        order.append(request_id)
        QTimer.singleShot(args.think_ms, lambda: press(request_id))

    def press(request_id: str) -> None:
        if window.desk.item is None or window.desk.item.request.request_id != request_id:
            return
        # the checklist answered first, as an authorizer does (F2, Shift+Space: the rest fine)
        QTest.keyClick(window, Qt.Key.Key_F2)
        QTest.keyClick(window.checklist.list, Qt.Key.Key_Space, Qt.KeyboardModifier.ShiftModifier)
        rekey = rekey_policy().for_item(window.desk.item.request, window.desk.item.reauth_required)
        if rekey is None:
            pressed[request_id] = time.time_ns()
            QTest.keyClick(window, Qt.Key.Key_F9)
            return
        # a high-risk item: F9 asks for the blind re-key; the last key (its Enter) is "pressed"
        QTest.keyClick(window, Qt.Key.Key_F9)
        QTest.keyClicks(window.bar.rekey_prompt.field, rekey.expected)
        pressed[request_id] = time.time_ns()
        QTest.keyClick(window.bar.rekey_prompt.field, Qt.Key.Key_Return)

    window.sig_item_shown.connect(on_shown)
    window.sig_evidence_shown.connect(on_evidence)
    signal.signal(signal.SIGTERM, lambda *_: qapp.quit())
    keepalive = QTimer()
    keepalive.timeout.connect(lambda: None)
    keepalive.start(100)
    qapp.exec()
    session.close()
    args.out.write_text(
        json.dumps(
            {
                "shown": shown,
                "pressed": pressed,
                "received": received,
                "evidence": evidence,
                "order": order,
                "hop_ns": probe.hop_ns,
                "handed": handed,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
