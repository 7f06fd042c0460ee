"""The engine process's events, read on the GUI thread when its event loop is free.

A ZeroMQ socket's descriptor says only that something *may* have changed (edge-triggered), so
each wake-up reads until nothing is left (``EngineProcess.drain``), a long burst yields to a
paint between reads, and a slow timer reads too, in case a wake-up was missed; it also notices
an engine that ended without being told to."""

from __future__ import annotations

from PySide6.QtCore import QObject, QSocketNotifier, QTimer

from clientsvc.workstation.engine_host import EngineProcess

SAFETY_MS = 250


class EngineLink(QObject):
    def __init__(self, host: EngineProcess, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.host = host
        self.notifier = QSocketNotifier(host.fileno(), QSocketNotifier.Type.Read, self)
        self.notifier.activated.connect(self.drain)
        self.timer = QTimer(self, interval=SAFETY_MS)
        self.timer.timeout.connect(self.drain)
        self.timer.start()
        self._again = QTimer(self, singleShot=True, interval=0)
        self._again.timeout.connect(self.drain)
        QTimer.singleShot(0, self.drain)  # what arrived before the notifier existed

    def drain(self) -> None:
        if self.host.drain():
            self._again.start()  # more waiting: after whatever the GUI has to paint

    def close(self) -> None:
        self.notifier.setEnabled(False)
        self.timer.stop()
        self._again.stop()
