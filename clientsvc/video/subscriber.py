"""The workstation's side of the live video: one thread, one SUB socket, the newest frame only.

``watch(camera_id)`` subscribes to the camera of the item under review (and drops the previous
one); ``watch(None)`` stops. The socket keeps only the newest message (``CONFLATE``), so a slow
reader never sees an old frame. Each frame is decoded here, reduced for the pane, off the GUI
thread; the raw JPEG is kept with it for a full-size grab.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import zmq

from clientsvc.curve import Transport
from clientsvc.imaging import decode
from clientsvc.mailbox import Mailbox
from clientsvc.protocol.errors import ProtocolError
from clientsvc.video.frames import BadFrame, FrameHeader, topic, unpack

log = logging.getLogger("authdesk.video")

VIDEO_MAX_PIXELS = 3840 * 2160
"""A counter camera's frame is at most 4K (most send 1280 × 720): a frame whose header declares
more is dropped before anything is allocated for it."""


@dataclass(frozen=True)
class VideoFrame:
    header: FrameHeader
    jpeg: bytes  # as the camera sent it: what a grab keeps
    pixels: np.ndarray[Any, Any]  # BGRA, reduced for the pane
    received_at_us: int


class VideoEvents(Protocol):
    """Called on the subscriber's thread; implementations must not block."""

    def video_frame(self, frame: VideoFrame) -> None: ...

    def video_state(self, camera_id: str | None, state: str, detail: str) -> None:
        """``off`` (nothing watched), ``waiting`` (no frame yet), ``live``, ``stalled`` (no
        frame for a while), ``bad_frames`` (only unreadable frames arrive)."""
        ...

    def video_dropped(self, camera_id: str | None, reason: str) -> None:
        """An unreadable message arrived on the video socket and was dropped."""
        ...


class VideoSubscriber:
    def __init__(
        self,
        endpoint: str,
        events: VideoEvents,
        *,
        context: zmq.Context[Any] | None = None,
        reduction: int = 2,
        stall_ms: int = 2000,
        transport: Transport | None = None,
    ) -> None:
        self.transport = transport or Transport.plain()
        self.endpoint = endpoint
        self.events = events
        self.reduction = reduction
        self.stall_ms = stall_ms
        self._ctx = context or zmq.Context.instance()
        self._mailbox = Mailbox(self._ctx, "video")
        self._running = threading.Event()
        self._thread: threading.Thread | None = None
        self._sock: zmq.Socket[Any] | None = None
        self._camera: str | None = None
        self._state = "off"
        self._last_good_us = 0
        self._watch_since_us = 0
        self.frames = 0
        self.bad_frames = 0

    # --- any thread ----------------------------------------------------------------------

    def start(self) -> None:
        wake_rx = self._mailbox.open()
        self._running.set()
        self._thread = threading.Thread(
            target=self._run, args=(wake_rx,), name="video", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        if self._thread is None:
            return
        self._running.clear()
        self._mailbox.wake()
        self._thread.join(5)
        self._thread = None
        self._mailbox.close()

    def watch(self, camera_id: str | None) -> None:
        self._mailbox.put(lambda: self._do_watch(camera_id))

    # --- the subscriber thread -------------------------------------------------------------

    def _set_state(self, state: str, detail: str = "") -> None:
        if state != self._state:
            self._state = state
            self.events.video_state(self._camera, state, detail)

    def _do_watch(self, camera_id: str | None) -> None:
        if camera_id == self._camera and self._sock is not None:
            return
        if self._sock is not None:
            self._sock.close(linger=0)
            self._sock = None
        self._camera = camera_id
        self._state = ""
        if camera_id is None:
            self._set_state("off")
            return
        try:
            wanted = topic(camera_id)
        except ValueError:
            self._set_state("bad_frames", "not a camera id")
            return
        sock = self._ctx.socket(zmq.SUB)
        self.transport.secure_client(sock)
        sock.setsockopt(zmq.CONFLATE, 1)  # the newest frame only
        sock.setsockopt(zmq.RCVHWM, 1)
        sock.setsockopt(zmq.LINGER, 0)
        sock.setsockopt(zmq.MAXMSGSIZE, 4 * 1024 * 1024)
        sock.setsockopt(zmq.SUBSCRIBE, wanted)
        sock.connect(self.endpoint)
        self._sock = sock
        self._watch_since_us = time.time_ns() // 1000
        self._set_state("waiting")

    def _run(self, wake_rx: zmq.Socket[Any]) -> None:
        try:
            while self._running.is_set():
                poller = zmq.Poller()
                poller.register(wake_rx, zmq.POLLIN)
                if self._sock is not None:
                    poller.register(self._sock, zmq.POLLIN)
                ready = dict(poller.poll(200))
                if wake_rx in ready:
                    for command in self._mailbox.drain(wake_rx):
                        command()
                sock = self._sock
                if sock is not None and sock in ready:
                    try:
                        message = sock.recv(zmq.NOBLOCK)
                    except zmq.Again:
                        message = None
                    if message is not None:
                        self._on_message(message)
                self._check_stall()
        finally:
            if self._sock is not None:
                self._sock.close(linger=0)
                self._sock = None
            wake_rx.close(linger=0)

    def _on_message(self, message: bytes) -> None:
        now_us = time.time_ns() // 1000
        try:
            header, jpeg = unpack(message)
            if header.camera_id != self._camera:
                return  # a late frame of the camera watched before
            decoded = decode(jpeg, self.reduction, max_pixels=VIDEO_MAX_PIXELS, refuse_blank=False)
        except (BadFrame, ProtocolError) as exc:
            self.bad_frames += 1
            log.warning("camera %s: unreadable frame dropped (%s)", self._camera, exc)
            self.events.video_dropped(self._camera, str(exc)[:120])
            if self._state in ("waiting", "bad_frames", "stalled"):
                self._set_state("bad_frames", str(exc)[:120])
            return
        self.frames += 1
        self._last_good_us = now_us
        self._set_state("live")
        self.events.video_frame(VideoFrame(header, jpeg, decoded.pixels, now_us))

    def _check_stall(self) -> None:
        if self._camera is None or self._state not in ("live", "waiting"):
            return
        now_us = time.time_ns() // 1000
        since = self._last_good_us if self._state == "live" else self._watch_since_us
        if now_us - since > self.stall_ms * 1000:
            self._set_state("stalled", f"no frame for {(now_us - since) // 1000} ms")
