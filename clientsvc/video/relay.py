"""The broker's video relay: cameras publish into an XSUB socket, workstations subscribe on an
XPUB socket; subscriptions travel upstream, so a camera knows when nobody watches it.

Nothing is queued for long: the XPUB side keeps at most a few frames per subscriber, and a slow
subscriber loses frames instead of receiving stale ones.

No input ends the relay's loop. Each message is checked for its shape before it is passed on,
and refused (counted, logged) otherwise: towards the workstations a single-part message
addressed to a camera (``<camera id> 0x00 ...``, at most ``MAX_FRAME_BYTES`` and its header);
towards the cameras a single-part (un)subscription to a camera. Whether a frame's content is
a good frame is the subscriber's to say (``frames.unpack``). Any error while handling one
message is caught, logged and counted, and the loop goes on to the next.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

import zmq

from clientsvc.curve import Transport
from clientsvc.video.frames import CAMERA_ID, MAX_FRAME_BYTES

log = logging.getLogger("authdesk.video")

MAX_FRAME_MESSAGE = MAX_FRAME_BYTES + 1024  # a frame, its camera id and header
MAX_SUBSCRIPTION_MESSAGE = 1024  # 0x01 | 0x00, a camera id (64 at most), 0x00
_BATCH = 64  # messages handled from one side before looking at the other


def _camera_topic_ok(message: bytes) -> bool:
    cut = message.find(b"\x00", 0, 66)
    return cut > 0 and CAMERA_ID.fullmatch(message[:cut]) is not None


def frame_refusal(parts: list[bytes]) -> str | None:
    """Why a message from a camera is not passed on to the workstations (None: passed on)."""
    if len(parts) != 1:
        return f"a message of {len(parts)} parts (a frame is one)"
    message = parts[0]
    if not message:
        return "an empty message"
    if len(message) > MAX_FRAME_MESSAGE:
        return f"{len(message)} bytes"
    if not _camera_topic_ok(message):
        return "not addressed to a camera"
    return None


def subscription_refusal(parts: list[bytes]) -> str | None:
    """Why a message from a workstation is not passed on to the cameras (None: passed on)."""
    if len(parts) != 1:
        return f"a message of {len(parts)} parts (a subscription is one)"
    message = parts[0]
    if len(message) > MAX_SUBSCRIPTION_MESSAGE:
        return f"{len(message)} bytes"
    if len(message) < 3 or message[0] not in (0, 1) or message[-1] != 0:
        return "not a subscription"
    if not _camera_topic_ok(message[1:]) or message[1:].find(b"\x00") != len(message) - 2:
        return "not a camera's topic"
    return None


class VideoRelay:
    """Run with ``start()`` (a thread); ``stop()`` ends it. Endpoints with port 0 get a free
    port: read ``publish_endpoint`` / ``subscribe_endpoint`` after ``start()``."""

    def __init__(
        self,
        publish_endpoint: str,
        subscribe_endpoint: str,
        context: zmq.Context[Any] | None = None,
        transport: Transport | None = None,
    ) -> None:
        self.transport = transport or Transport.plain()
        self._ctx = context or zmq.Context.instance()
        self._publish_endpoint = publish_endpoint
        self._subscribe_endpoint = subscribe_endpoint
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self.publish_endpoint = ""
        self.subscribe_endpoint = ""
        self.relayed = 0
        self.dropped = 0  # a subscriber or camera that does not keep up: the frame is gone
        self.refused = 0  # a message of the wrong shape (above), not passed on
        self.errors = 0  # an error while handling one message: logged, and the loop goes on

    def start(self) -> None:
        xsub = self._ctx.socket(zmq.XSUB)
        self.transport.secure_server(xsub)  # the process's ZAP handler checks the keys
        xsub.setsockopt(zmq.MAXMSGSIZE, MAX_FRAME_MESSAGE)  # bigger: the peer is cut off
        xsub.setsockopt(zmq.RCVHWM, 4)
        xsub.setsockopt(zmq.LINGER, 0)
        xsub.bind(self._publish_endpoint)
        xpub = self._ctx.socket(zmq.XPUB)
        self.transport.secure_server(xpub)
        xpub.setsockopt(zmq.SNDHWM, 4)
        xpub.setsockopt(zmq.MAXMSGSIZE, MAX_SUBSCRIPTION_MESSAGE)
        xpub.setsockopt(zmq.LINGER, 0)
        xpub.bind(self._subscribe_endpoint)
        self.publish_endpoint = xsub.getsockopt_string(zmq.LAST_ENDPOINT)
        self.subscribe_endpoint = xpub.getsockopt_string(zmq.LAST_ENDPOINT)
        self._thread = threading.Thread(
            target=self._run, args=(xsub, xpub), name="video-relay", daemon=True
        )
        self._thread.start()
        log.info(
            "video relay: cameras → %s, workstations ← %s",
            self.publish_endpoint,
            self.subscribe_endpoint,
        )

    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(5)
            self._thread = None

    def _run(self, xsub: zmq.Socket[Any], xpub: zmq.Socket[Any]) -> None:
        """Frames down, subscriptions up; nothing ever waits on a slow peer (NOBLOCK, drop)."""
        poller = zmq.Poller()
        poller.register(xsub, zmq.POLLIN)
        poller.register(xpub, zmq.POLLIN)
        try:
            while not self._stop.is_set():
                try:
                    ready = dict(poller.poll(100))
                    if xpub in ready:  # (un)subscriptions, towards the cameras
                        self._forward(xpub, xsub, subscription_refusal)
                    if xsub in ready:  # frames, towards the workstations
                        self._forward(xsub, xpub, frame_refusal)
                except zmq.ContextTerminated:
                    return
                except Exception:
                    self.errors += 1
                    log.exception("video relay: an error, carrying on")
                    self._stop.wait(0.1)  # an error that repeats must not spin the loop
        finally:
            xsub.close(linger=0)
            xpub.close(linger=0)

    def _forward(
        self,
        source: zmq.Socket[Any],
        target: zmq.Socket[Any],
        refusal: Callable[[list[bytes]], str | None],
    ) -> None:
        for _ in range(_BATCH):
            try:
                parts = source.recv_multipart(zmq.NOBLOCK)  # a message's parts come together
            except zmq.Again:
                return
            try:
                reason = refusal(parts)
                if reason is not None:
                    self._refuse(reason)
                    continue
                target.send(parts[0], zmq.NOBLOCK)
                self.relayed += 1
            except zmq.Again:
                self.dropped += 1
            except zmq.ContextTerminated:
                raise
            except Exception:
                self.errors += 1
                log.exception("video relay: a message could not be passed on; carrying on")

    def _refuse(self, reason: str) -> None:
        self.refused += 1
        if self.refused & (self.refused - 1) == 0:  # the 1st, 2nd, 4th, 8th...: a flood of
            log.warning(  # refusals can't flood the log
                "video relay: refused %s (%d refused so far)", reason, self.refused
            )
