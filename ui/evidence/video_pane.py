"""The live counter video pane, fed by the subscriber thread through a one-frame slot."""

from __future__ import annotations

import threading
import time
from collections import deque

from PySide6.QtCore import QObject, QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from clientsvc.video.subscriber import VideoFrame
from ui.evidence.library import ShownImage
from ui.evidence.viewer import watermark_tile

STATUS_BAND = QColor(0, 0, 0, 150)  # under the status words, over the picture
FILL = QColor("#1b1f24")  # where there is no picture


class VideoBridge(QObject):
    """Implements ``VideoEvents``. The subscriber thread leaves the newest frame in one slot
    and signals only when the GUI has taken the previous one: however slow the GUI, at most
    one signal is queued and no frame waits behind another."""

    sig_frame_ready = Signal()
    """A new frame is in the slot (take it with ``take``)."""
    sig_state_changed = Signal(object, str, str)
    """The video of a camera changed state (camera id or None, state, detail)."""
    sig_frame_dropped = Signal(str)
    """An unreadable frame was dropped (why)."""

    def __init__(self) -> None:
        super().__init__()
        self._lock = threading.Lock()
        self._latest: VideoFrame | None = None
        self._signalled = False

    def video_frame(self, frame: VideoFrame) -> None:
        with self._lock:
            self._latest = frame
            if self._signalled:
                return
            self._signalled = True
        self.sig_frame_ready.emit()

    def take(self) -> VideoFrame | None:
        with self._lock:
            frame, self._latest, self._signalled = self._latest, None, False
        return frame

    def video_state(self, camera_id: str | None, state: str, detail: str) -> None:
        self.sig_state_changed.emit(camera_id, state, detail)

    def video_dropped(self, camera_id: str | None, reason: str) -> None:
        self.sig_frame_dropped.emit(reason)


class VideoPane(QWidget):
    sig_frame_painted = Signal(object)
    """A frame reached the screen (its FrameHeader): for the glass-to-glass measurement."""
    sig_live_changed = Signal(bool)
    """A current picture is on screen (True), or no longer (False): a grab is possible or not."""

    def __init__(self, bridge: VideoBridge) -> None:
        super().__init__()
        self.bridge = bridge
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setMinimumSize(320, 180)
        self.watermark = ""
        self.camera_id: str | None = None
        self.has_item = False  # no item on screen: the pane says so, not "no camera"
        self.state = "off"
        self.detail = ""
        self.frame: VideoFrame | None = None
        self._shown: ShownImage | None = None
        self._painted: deque[float] = deque(maxlen=60)  # when recent frames reached the screen
        self._age_ms = 0.0
        self.dropped = 0
        self._fresh = False
        bridge.sig_frame_ready.connect(self._on_bridge_frame_ready)
        bridge.sig_state_changed.connect(self._on_bridge_state_changed)
        bridge.sig_frame_dropped.connect(self._on_bridge_frame_dropped)
        self._stats = QTimer(self, interval=500)
        self._stats.timeout.connect(self.update)
        self._stats.start()

    def heightForWidth(self, width: int) -> int:
        return width * 9 // 16

    def hasHeightForWidth(self) -> bool:
        return True

    def watch(self, camera_id: str | None) -> None:
        """Which camera this pane is for (the subscriber is told by the owner)."""
        if camera_id != self.camera_id:
            self.camera_id = camera_id
            self.frame, self._shown = None, None
            self._painted.clear()
            self.dropped = 0
            self.state = "off" if camera_id is None else "waiting"
            self.update()

    def fps(self) -> float:
        """Frames painted per second over the last two seconds (0 until a second is seen)."""
        now = time.monotonic()
        recent = [t for t in self._painted if now - t <= 2.0]
        if len(recent) < 2 or recent[-1] - recent[0] < 1.0:
            return 0.0
        return (len(recent) - 1) / (recent[-1] - recent[0])

    def _on_bridge_frame_ready(self) -> None:
        frame = self.bridge.take()
        if frame is None or frame.header.camera_id != self.camera_id:
            return
        was_live = self.is_live()
        self.frame = frame
        self._shown = ShownImage(frame.pixels)
        self._fresh = True
        if self.state in ("waiting", "stalled", "bad_frames"):
            self.state = "live"  # a good frame is proof enough
        self.repaint()  # now: a frame late by one event-loop turn is a frame late
        if not was_live:
            self.sig_live_changed.emit(True)

    def is_live(self) -> bool:
        return self.frame is not None and self.state == "live"

    def _on_bridge_state_changed(self, camera_id: str | None, state: str, detail: str) -> None:
        if camera_id == self.camera_id:
            was_live = self.is_live()
            self.state, self.detail = state, detail
            self.update()
            if was_live != self.is_live():
                self.sig_live_changed.emit(self.is_live())

    def _on_bridge_frame_dropped(self, reason: str) -> None:
        self.dropped += 1

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), FILL)
        shown = self._shown
        if shown is not None and self.state == "live":  # never a frozen picture
            size = shown.size().scaled(self.size(), Qt.AspectRatioMode.KeepAspectRatio)
            target = QRectF(0, 0, size.width(), size.height())
            target.moveCenter(QRectF(self.rect()).center())
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
            painter.drawImage(target, shown.image)
            if self.watermark:
                painter.fillRect(target, QBrush(watermark_tile(self.watermark)))
        if self._fresh and self.frame is not None:
            self._fresh = False
            now_us = time.time_ns() // 1000
            self._age_ms = (now_us - self.frame.header.captured_at_us) / 1000
            self._painted.append(time.monotonic())
            self.sig_frame_painted.emit(self.frame.header)
        self._paint_status(painter)

    def status_font(self) -> QFont:
        font = QFont(self.font())
        font.setPointSizeF(10.5)
        font.setBold(True)
        return font

    def status_lines(self) -> tuple[list[str], QColor]:
        """The words painted over the bottom of the picture, and their colour."""
        if self.camera_id is None and not self.has_item:
            lines = [self.tr("No item on screen")]
            colour = QColor("#c9d1db")
        elif self.camera_id is None:
            lines = [self.tr("No counter camera for this item")]
            colour = QColor("#c9d1db")
        elif self.state == "live":
            lines = [
                self.tr("LIVE  %1  ·  %2 fps  ·  %3 ms old")
                .replace("%1", self.camera_id)
                .replace("%2", f"{self.fps():.0f}" if self.fps() else "—")
                .replace("%3", f"{self._age_ms:.0f}")
            ]
            colour = QColor("#7ee2a8") if self._age_ms < 500 else QColor("#ffb84d")
        elif self.state == "stalled":
            lines = [
                self.tr("Camera %1 stopped sending: no current picture").replace(
                    "%1", self.camera_id
                )
            ]
            colour = QColor("#ff8a80")
        elif self.state == "bad_frames":
            lines = [
                self.tr("Camera %1 sends unreadable pictures").replace("%1", self.camera_id),
                self.detail,
            ]
            colour = QColor("#ff8a80")
        else:
            lines = [self.tr("Connecting to camera %1…").replace("%1", self.camera_id)]
            colour = QColor("#c9d1db")
        if self.dropped:
            lines.append(self.tr("%1 unreadable frames dropped").replace("%1", str(self.dropped)))
        return lines, colour

    def _paint_status(self, painter: QPainter) -> None:
        painter.setFont(self.status_font())
        lines, colour = self.status_lines()
        # at the bottom: the camera's own clock, burnt in at the top, stays visible
        top = self.height() - 22 * len(lines) - 6
        painter.fillRect(QRectF(0, top, self.width(), self.height() - top), STATUS_BAND)
        painter.setPen(colour)
        for i, line in enumerate(lines):
            painter.drawText(QPointF(8, top + 20 + 22 * i), line)
