"""The Qt binding itself: signals must not leak or steal references (PySide6 6.12.0 did)."""

from __future__ import annotations

import subprocess
import sys

from tests.helpers import ROOT

PROBE = r"""
import os, sys, threading
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PySide6.QtCore import QCoreApplication, QObject, Signal

app = QCoreApplication([])

class Emitter(QObject):
    sig_value_changed = Signal(object)

emitter = Emitter()
received = []
emitter.sig_value_changed.connect(received.append)
before = sys.getrefcount(True), sys.getrefcount(None)
for _ in range(30_000):                      # same thread
    emitter.sig_value_changed.emit(1)
worker = threading.Thread(target=lambda: [emitter.sig_value_changed.emit(b"x") for _ in range(30_000)])
worker.start()                               # and from another thread, queued to this one
worker.join()
app.processEvents()
after = sys.getrefcount(True), sys.getrefcount(None)
print(len(received), after[0] - before[0], after[1] - before[1])
"""


def test_tens_of_thousands_of_signals_keep_reference_counts() -> None:
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, f"the Qt binding aborted: {result.stderr[-500:]}"
    delivered, true_drift, none_drift = (int(x) for x in result.stdout.split())
    assert delivered == 60_000
    assert abs(true_drift) < 100 and abs(none_drift) < 100
