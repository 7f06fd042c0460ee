"""The status strip across the top of the main window: the connection, presence (away colours
the whole strip), the queue, the audit trail's way to the center, items taken back, outlets on
local authorization, the last decision delivered, who is signed in and the time."""

from __future__ import annotations

import time

from PySide6.QtCore import QDateTime, QTimer
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QWidget

from clientsvc.protocol.messages import QueueStatus
from clientsvc.workstation.desk_model import SyncLine
from ui import texts
from ui.named import named


def repolish(widget: QWidget) -> None:
    """A dynamic property changed: the style sheet's rules for it apply again."""
    widget.style().unpolish(widget)
    widget.style().polish(widget)


def set_level(widget: QWidget, level: str) -> None:
    if widget.property("level") != level:
        widget.setProperty("level", level)
        repolish(widget)


def mmss(seconds: float) -> str:
    seconds = max(0, int(seconds))
    return f"{seconds // 60:02d}:{seconds % 60:02d}"


class StatusStrip(QFrame):
    def __init__(self, authorizer_id: str, authorizer_name: str) -> None:
        super().__init__()
        self.setObjectName("StatusStrip")
        row = QHBoxLayout(self)
        row.setContentsMargins(8, 4, 8, 4)
        self.lbl_connection = QLabel()
        self.lbl_presence = QLabel()
        self.lbl_waiting = QLabel()
        self.lbl_oldest = QLabel()
        self.lbl_my_count = QLabel()
        self.lbl_my_avg = QLabel()
        self.lbl_sync = named(QLabel(), "SyncStatus")  # the audit trail's way to the center
        self.lbl_orphans = QLabel()  # items ended at the teller's side while held here
        self.lbl_fallback = named(QLabel(), "SyncStatus")  # outlets on local authorization
        self.lbl_clock = QLabel()
        self.lbl_last_decision = named(QLabel(), "LastDecision")
        self.lbl_user = QLabel(f"{authorizer_name}  {authorizer_id}")
        for widget in (
            self.lbl_connection,
            self.lbl_presence,
            self.lbl_waiting,
            self.lbl_oldest,
            self.lbl_my_count,
            self.lbl_my_avg,
            self.lbl_sync,
            self.lbl_orphans,
            self.lbl_fallback,
        ):
            widget.setProperty("role", "value")
            row.addWidget(widget)
        row.addStretch(1)
        row.addWidget(self.lbl_last_decision)
        row.addSpacing(16)
        row.addWidget(self.lbl_user)
        row.addWidget(self.lbl_clock)

    def show_state(self, connected: bool, presence: str) -> None:
        self.lbl_connection.setText(
            self.tr("● Connected") if connected else self.tr("○ Disconnected")
        )
        self.lbl_presence.setText(
            self.tr("Available") if presence == "available" else self.tr("Away (F12)")
        )
        # away colours the whole strip: seen from across the room, and by the authorizer
        if self.property("presence") != presence:
            self.setProperty("presence", presence)
            repolish(self)
            for child in self.findChildren(QLabel):
                repolish(child)

    def show_queue(self, status: QueueStatus, my_count: int, my_total_ms: int) -> None:
        self.lbl_waiting.setText(self.tr("Waiting: %1").replace("%1", str(status.waiting)))
        oldest = "—"
        if status.oldest_enqueued_at is not None:
            oldest = mmss((status.server_time - status.oldest_enqueued_at) / 1000)
        self.lbl_oldest.setText(self.tr("Oldest: %1").replace("%1", oldest))
        self.lbl_my_count.setText(self.tr("My items today: %1").replace("%1", str(my_count)))
        average = mmss(my_total_ms / my_count / 1000) if my_count else "—"
        self.lbl_my_avg.setText(self.tr("My average: %1").replace("%1", average))

    def show_sync(self, line: SyncLine) -> None:
        """Events not yet at the center, and since when: offline is normal, but it shows."""
        if line.state == "no_key":
            text = self.tr("Center: not set up (no receipt key)")
        elif line.state == "refused":
            text = self.tr("Center refused our records (%1): call IT").replace("%1", line.code)
        elif line.state == "up_to_date":
            text = self.tr("Center: up to date")
        else:
            since = ""
            if line.since_ms is not None:
                since = time.strftime("%H:%M", time.localtime(line.since_ms / 1000))
            text = (
                self.tr("%1 events not yet at the center, since %2")
                .replace("%1", str(line.pending))
                .replace("%2", since)
            )
            if not line.reachable:
                text += self.tr(" (center not reachable)")
        self.lbl_sync.setText(text)
        set_level(self.lbl_sync, line.level)

    def show_taken_back(
        self, orphaned: list[tuple[str, str, str, float]], outlets: list[str]
    ) -> None:
        """Items the teller's side ended while held here, and outlets on local authorization."""
        if orphaned:
            self.lbl_orphans.setText(self.tr("Taken back: %1").replace("%1", str(len(orphaned))))
            self.lbl_orphans.setToolTip(
                "\n".join(
                    f"{rid} {outlet}: {texts.revoke_reason(why)}"
                    for rid, why, outlet, _ in orphaned[-20:]
                )
            )
        self.lbl_fallback.setText(
            self.tr("Local authorization at: %1").replace("%1", ", ".join(outlets))
            if outlets
            else ""
        )
        set_level(self.lbl_fallback, "warn" if outlets else "")

    def show_delivered(self, request_id: str, at_ms: int) -> None:
        when = QDateTime.fromMSecsSinceEpoch(at_ms).toString("HH:mm:ss")
        self.lbl_last_decision.setText(
            self.tr("✓ %1 delivered %2").replace("%1", request_id).replace("%2", when)
        )

    def tick(self) -> None:
        self.lbl_clock.setText(QDateTime.currentDateTime().toString("HH:mm:ss"))


class MessageBanner(QLabel):
    """The one place that shows a message to the authorizer, above the item."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("Banner")
        self.setWordWrap(True)
        self.setVisible(False)
        self._timer = QTimer(self, singleShot=True)
        self._timer.timeout.connect(self.hide)

    def present(self, level: str, message: str, tooltip: str = "", timeout_ms: int = 0) -> None:
        if not message:  # e.g. connected again: the loss's message goes
            self.hide()
            return
        self.setText(message)
        self.setToolTip(tooltip)
        set_level(self, level)
        self.show()
        if timeout_ms:
            self._timer.start(timeout_ms)
        else:
            self._timer.stop()
