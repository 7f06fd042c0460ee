"""The broker's video relay: cameras publish into an XSUB socket, workstations subscribe on an
XPUB socket; subscriptions travel upstream, so a camera knows when nobody watches it.

Nothing is queued for long: the XPUB side keeps at most a few frames per subscriber, and a slow
subscriber loses frames instead of receiving stale ones.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

import zmq

from clientsvc.curve import Transport
from clientsvc.video.frames import MAX_FRAME_BYTES

log = logging.getLogger("authdesk.video")


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
        self.dropped = 0

    def start(self) -> None:
        xsub = self._ctx.socket(zmq.XSUB)
        self.transport.secure_server(xsub)  # the process's ZAP handler checks the keys
        xsub.setsockopt(zmq.MAXMSGSIZE, MAX_FRAME_BYTES + 1024)
        xsub.setsockopt(zmq.RCVHWM, 4)
        xsub.setsockopt(zmq.LINGER, 0)
        xsub.bind(self._publish_endpoint)
        xpub = self._ctx.socket(zmq.XPUB)
        self.transport.secure_server(xpub)
        xpub.setsockopt(zmq.SNDHWM, 4)
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
                ready = dict(poller.poll(100))
                if xpub in ready:
                    self._forward(xpub, xsub)  # (un)subscriptions, towards the cameras
                if xsub in ready:
                    self._forward(xsub, xpub)  # frames, towards the workstations
        finally:
            xsub.close(linger=0)
            xpub.close(linger=0)

    def _forward(self, source: zmq.Socket[Any], target: zmq.Socket[Any]) -> None:
        for _ in range(64):
            try:
                message = source.recv(zmq.NOBLOCK)
            except zmq.Again:
                return
            try:
                target.send(message, zmq.NOBLOCK)
                self.relayed += 1
            except zmq.Again:
                self.dropped += 1
