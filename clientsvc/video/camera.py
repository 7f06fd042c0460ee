"""Counter cameras: publish JPEG frames of a teller's counter to the broker's video relay.

A ``CameraPublisher`` connects an XPUB socket to the relay: subscriptions come back up to it,
so it encodes frames only for cameras somebody is watching. Its frames come from a real camera
through OpenCV ``VideoCapture`` (``CapturedCamera``: one configured camera id), or from any
other ``FrameSource`` (the simulators' drawn counters: ``sim.counter``).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any, Protocol

import cv2
import numpy as np
import zmq

from clientsvc.curve import Transport
from clientsvc.video.frames import CAMERA_ID, FrameHeader, pack

log = logging.getLogger("authdesk.camera")

WIDTH, HEIGHT, FPS = 1280, 720, 25


class FrameSource(Protocol):
    def read(self, at_us: int) -> np.ndarray[Any, Any] | None:
        """A BGR frame for this moment, or None if the camera gave none."""
        ...

    def close(self) -> None: ...


class CapturedCamera:
    """A real camera through OpenCV (a device index or a stream URL)."""

    def __init__(self, source: str) -> None:
        self._capture = cv2.VideoCapture(int(source) if source.isdigit() else source)
        if not self._capture.isOpened():
            raise OSError(f"camera {source!r} cannot be opened")
        self._capture.set(cv2.CAP_PROP_FRAME_WIDTH, WIDTH)
        self._capture.set(cv2.CAP_PROP_FRAME_HEIGHT, HEIGHT)

    def read(self, at_us: int) -> np.ndarray[Any, Any] | None:
        ok, frame = self._capture.read()
        return frame if ok else None

    def close(self) -> None:
        self._capture.release()


class CameraPublisher:
    """Publishes frames at ``fps`` for every camera id somebody subscribes to.

    ``open_source(camera_id)`` makes the source for a camera, or returns None for a camera this
    publisher does not serve. Run with ``run()`` (blocking) or ``start()``; ``stop()`` ends it.
    """

    def __init__(
        self,
        endpoint: str,
        open_source: Callable[[str], FrameSource | None],
        *,
        fps: float = FPS,
        quality: int = 80,
        context: zmq.Context[Any] | None = None,
        transport: Transport | None = None,
    ) -> None:
        self.transport = transport or Transport.plain()
        self.endpoint = endpoint
        self.open_source = open_source
        self.fps = fps
        self.quality = quality
        self._ctx = context or zmq.Context.instance()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._sources: dict[str, FrameSource] = {}
        self._seq: dict[str, int] = {}
        self.sent = 0
        self.changed = threading.Event()  # set whenever the set of watched cameras changes

    def watched(self) -> set[str]:
        """The cameras somebody subscribes to: the only ones encoded."""
        return set(self._sources)

    def start(self) -> None:
        self._thread = threading.Thread(target=self.run, name="camera", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(5)
            self._thread = None

    def _on_subscription(self, message: bytes) -> None:
        if not message:
            return
        wanted, name = message[0] == 1, message[1:].rstrip(b"\x00")
        if not CAMERA_ID.fullmatch(name):
            return
        camera_id = name.decode("ascii")
        if wanted and camera_id not in self._sources:
            source = self.open_source(camera_id)
            if source is not None:
                self._sources[camera_id] = source
                log.info("camera %s: watched, publishing", camera_id)
                self.changed.set()
        elif not wanted and camera_id in self._sources:
            self._sources.pop(camera_id).close()
            log.info("camera %s: nobody watches, stopped", camera_id)
            self.changed.set()

    def run(self) -> None:
        sock = self._ctx.socket(zmq.XPUB)
        self.transport.secure_client(sock)
        sock.setsockopt(zmq.SNDHWM, 2)  # a frame that cannot leave at once is dropped
        sock.setsockopt(zmq.LINGER, 0)
        sock.connect(self.endpoint)
        period = 1.0 / self.fps
        next_at = time.monotonic()
        try:
            while not self._stop.is_set():
                timeout = max(0, int((next_at - time.monotonic()) * 1000))
                while sock.poll(timeout):
                    self._on_subscription(sock.recv())
                    timeout = 0
                if time.monotonic() < next_at:
                    continue
                next_at += period
                if next_at < time.monotonic():  # fell behind: skip, never catch up in a burst
                    next_at = time.monotonic() + period
                for camera_id, source in list(self._sources.items()):
                    self._publish(sock, camera_id, source)
        finally:
            for source in self._sources.values():
                source.close()
            self._sources.clear()
            sock.close(linger=0)

    def _publish(self, sock: zmq.Socket[Any], camera_id: str, source: FrameSource) -> None:
        at_us = time.time_ns() // 1000
        frame = source.read(at_us)
        if frame is None:
            return
        ok, jpeg = cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, self.quality])
        if not ok:
            return
        seq = self._seq.get(camera_id, 0) + 1
        self._seq[camera_id] = seq
        header = FrameHeader(camera_id, seq, at_us, frame.shape[1], frame.shape[0])
        try:
            sock.send(pack(header, jpeg.tobytes()), zmq.NOBLOCK)
            self.sent += 1
        except zmq.Again:
            pass  # nobody keeps up: the frame is gone, the next one is newer anyway
