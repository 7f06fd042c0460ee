"""Hostile messages to a real video relay over loopback (issue 14): garbage, empty, huge and
multipart messages, from a rogue camera and from a rogue subscriber, are refused; none reaches
the other side, none ends the relay's loop, and good frames and subscriptions still go through.

The rogues speak ZMTP 3.0 themselves over a plain TCP socket: a ZeroMQ PUB or XPUB socket would
filter its own messages by the relay's subscriptions, and a hostile peer needn't."""

from __future__ import annotations

import socket
import struct
from collections.abc import Iterator
from typing import Any

import pytest
import zmq

from clientsvc.video.frames import FrameHeader, pack, topic
from clientsvc.video.relay import VideoRelay

CAMERA = "O1-T01"


class RawPeer:
    """A ZMTP 3.0 peer (NULL mechanism) that sends messages of any shape, unfiltered."""

    def __init__(self, endpoint: str, socket_type: bytes) -> None:
        host, port = endpoint.removeprefix("tcp://").rsplit(":", 1)
        self.sock = socket.create_connection((host, int(port)), timeout=10)
        greeting = b"\xff" + bytes(8) + b"\x7f\x03\x00" + b"NULL".ljust(20, b"\x00") + bytes(32)
        self.sock.sendall(greeting)
        self._exactly(64)  # the relay's greeting
        ready = b"\x05READY\x0bSocket-Type" + struct.pack(">I", len(socket_type)) + socket_type
        self._frame(0x04, ready)
        flags, body = self.recv_frame()
        assert flags & 0x04 and body.startswith(b"\x05READY"), body

    def _exactly(self, n: int) -> bytes:
        data = b""
        while len(data) < n:
            chunk = self.sock.recv(n - len(data))
            if not chunk:
                raise ConnectionError("the relay closed the connection")
            data += chunk
        return data

    def _frame(self, flags: int, body: bytes) -> None:
        if len(body) > 255:
            self.sock.sendall(bytes([flags | 0x02]) + struct.pack(">Q", len(body)) + body)
        else:
            self.sock.sendall(bytes([flags, len(body)]) + body)

    def recv_frame(self) -> tuple[int, bytes]:
        flags = self._exactly(1)[0]
        size = struct.unpack(">Q", self._exactly(8))[0] if flags & 0x02 else self._exactly(1)[0]
        return flags, self._exactly(size)

    def send(self, *parts: bytes) -> None:
        for i, part in enumerate(parts):
            self._frame(0x01 if i < len(parts) - 1 else 0x00, part)  # 0x01: more parts follow

    def send_huge(self, message: bytes) -> None:
        """Over the relay's size limit: ZeroMQ cuts the connection as soon as it reads the size."""
        try:
            self.send(message)
        except OSError:
            pass  # the relay has hung up already

    def close(self) -> None:
        self.sock.close()


def frame(seq: int) -> bytes:
    jpeg = b"\xff\xd8\xff\xe0" + bytes(200) + b"\xff\xd9"
    return pack(FrameHeader(CAMERA, seq, 1_700_000_000_000_000 + seq, 64, 48), jpeg)


@pytest.fixture
def ctx() -> Iterator[zmq.Context[Any]]:
    context: zmq.Context[Any] = zmq.Context()
    yield context
    context.destroy(linger=0)


@pytest.fixture
def relay(ctx: zmq.Context[Any]) -> Iterator[VideoRelay]:
    r = VideoRelay("tcp://127.0.0.1:0", "tcp://127.0.0.1:0", context=ctx)
    r.start()
    yield r
    assert r.running(), "the relay's loop ended"
    r.stop()


@pytest.fixture
def sockets() -> Iterator[list[Any]]:
    """Everything a test opens, closed even when it fails."""
    opened: list[Any] = []
    yield opened
    for sock in opened:
        sock.close()


def watcher(ctx: zmq.Context[Any], relay: VideoRelay, camera_id: str = CAMERA) -> Any:
    sock = ctx.socket(zmq.SUB)
    sock.setsockopt(zmq.LINGER, 0)
    sock.setsockopt(zmq.SUBSCRIBE, topic(camera_id))
    sock.connect(relay.subscribe_endpoint)
    return sock


def camera(ctx: zmq.Context[Any], relay: VideoRelay) -> Any:
    """A well-behaved camera's socket, wired: the subscription to CAMERA has reached it."""
    sock = ctx.socket(zmq.XPUB)
    sock.setsockopt(zmq.LINGER, 0)
    sock.connect(relay.publish_endpoint)
    assert sock.poll(10_000), "no subscription reached the camera"
    assert sock.recv() == b"\x01" + topic(CAMERA)
    return sock


def test_hostile_frames_from_a_camera_are_refused_and_a_good_frame_still_goes_through(
    ctx: zmq.Context[Any], relay: VideoRelay, sockets: list[Any]
) -> None:
    workstation = watcher(ctx, relay)
    sockets.append(workstation)
    good = camera(ctx, relay)
    sockets.append(good)
    rogue = RawPeer(relay.publish_endpoint, b"PUB")
    sockets.append(rogue)
    assert rogue.recv_frame() == (0, b"\x01" + topic(CAMERA))  # wired to the relay
    rogue.send(b"\x89PNG\r\n\x1a\n garbage with no camera id")
    rogue.send(b"")
    rogue.send(b"../../etc\x00" + frame(1)[len(topic(CAMERA)) :])  # not a camera id
    # multipart where a single frame is expected: each part used to reach the workstation as a
    # frame of its own
    rogue.send(frame(2), topic(CAMERA) + b"a second part")
    rogue.send(topic(CAMERA), b"", b"\xff" * 1000)
    rogue.send(frame(3))  # then a good frame, from the same peer, after all of them
    assert workstation.poll(10_000)
    assert workstation.recv() == frame(3)  # the first thing the workstation saw
    assert relay.refused == 5 and relay.errors == 0
    rogue.send_huge(topic(CAMERA) + b"\xff" * (3 * 1024 * 1024))
    good.send(frame(4))
    assert workstation.poll(10_000)
    assert workstation.recv() == frame(4)  # nothing of the huge one; good frames still flow
    assert relay.running()


def test_hostile_messages_from_a_subscriber_never_reach_the_cameras(
    ctx: zmq.Context[Any], relay: VideoRelay, sockets: list[Any]
) -> None:
    workstation = watcher(ctx, relay)
    sockets.append(workstation)
    cam = camera(ctx, relay)
    sockets.append(cam)
    rogue = RawPeer(relay.subscribe_endpoint, b"XSUB")  # may send anything, not only subscriptions
    sockets.append(rogue)
    rogue.send(b"hello camera")  # used to be passed on to every camera
    rogue.send(b"")
    rogue.send(b"\x01../../etc/passwd\x00")  # a subscription to no camera
    rogue.send(b"\x01" + "ÖÄ".encode() + b"\x00")
    rogue.send(b"\x01O1-T02\x00trailing")
    rogue.send(b"junk", b"more junk")
    rogue.send(b"\x01" + topic("O1-T02"))  # then a real subscription, after all of them
    assert cam.poll(10_000)
    assert cam.recv() == b"\x01" + topic("O1-T02")  # the first thing the camera saw
    assert relay.refused >= 6 and relay.errors == 0
    rogue.send_huge(b"\x01" + b"A" * (4 * 1024 * 1024))
    sockets.append(watcher(ctx, relay, "O1-T03"))  # subscriptions still travel up
    seen = set()
    while len(seen) < 2 and cam.poll(10_000):
        seen.add(cam.recv())
    # the rogue was cut off (its subscription ends), and the new subscription arrived
    assert seen == {b"\x00" + topic("O1-T02"), b"\x01" + topic("O1-T03")}
    cam.send(frame(5))  # and frames down
    assert workstation.poll(10_000) and workstation.recv() == frame(5)
    assert relay.running()
