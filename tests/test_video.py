"""Live counter video with real sockets: camera → relay (XSUB/XPUB) → subscriber."""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import zmq

from clientsvc.video.camera import CameraPublisher
from clientsvc.video.frames import BadFrame, FrameHeader, pack, unpack
from clientsvc.video.relay import VideoRelay
from clientsvc.video.subscriber import VideoFrame, VideoSubscriber
from sim.counter import SimulatedCounter


@dataclass
class Events:
    frames: queue.Queue[VideoFrame] = field(default_factory=queue.Queue)
    states: queue.Queue[tuple[str | None, str]] = field(default_factory=queue.Queue)
    dropped: queue.Queue[str] = field(default_factory=queue.Queue)
    hold: threading.Event | None = None  # when set: the first frame blocks until released

    def video_frame(self, frame: VideoFrame) -> None:
        self.frames.put(frame)
        if self.hold is not None:
            self.hold.wait(10)
            self.hold = None

    def video_state(self, camera_id: str | None, state: str, detail: str) -> None:
        self.states.put((camera_id, state))

    def video_dropped(self, camera_id: str | None, reason: str) -> None:
        self.dropped.put(reason)

    def next_frame(self, timeout: float = 10) -> VideoFrame:
        return self.frames.get(timeout=timeout)

    def wait_state(self, wanted: str, timeout: float = 10) -> None:
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            _, state = self.states.get(timeout=left)
            if state == wanted:
                return
        raise TimeoutError(wanted)


@pytest.fixture
def relay() -> Iterator[VideoRelay]:
    r = VideoRelay("tcp://127.0.0.1:0", "tcp://127.0.0.1:0")
    r.start()
    yield r
    r.stop()


@pytest.fixture
def camera(relay: VideoRelay) -> Iterator[CameraPublisher]:
    cam = CameraPublisher(relay.publish_endpoint, lambda cid: SimulatedCounter(cid, 640, 360))
    cam.start()
    yield cam
    cam.stop()


@pytest.fixture
def events() -> Events:
    return Events()


@pytest.fixture
def subscriber(relay: VideoRelay, events: Events) -> Iterator[VideoSubscriber]:
    sub = VideoSubscriber(relay.subscribe_endpoint, events, stall_ms=800)
    sub.start()
    yield sub
    sub.stop()


def test_frame_wire_format_round_trips_and_refuses_garbage() -> None:
    header = FrameHeader("O1-T01", 7, 1_764_000_000_000_000, 1280, 720)
    got, jpeg = unpack(pack(header, b"\xff\xd8\xff\xe0rest"))
    assert got == header and jpeg == b"\xff\xd8\xff\xe0rest"
    for junk in (b"", b"\x00", b"O1\x00ADV1", b"O1\x00XXXX" + b"\x00" * 40, b"no separator at all"):
        with pytest.raises(BadFrame):
            unpack(junk)
    with pytest.raises(BadFrame):  # right header, payload not a JPEG
        unpack(pack(header, b"GIF89a..."))


def test_the_watched_camera_streams_and_frames_are_fresh(
    camera: CameraPublisher, subscriber: VideoSubscriber, events: Events
) -> None:
    subscriber.watch("O1-T01")
    first = events.next_frame()
    assert first.header.camera_id == "O1-T01" and first.pixels.shape == (180, 320, 4)
    seqs = [events.next_frame().header.seq for _ in range(10)]
    assert seqs == sorted(seqs)  # in order, never an older frame after a newer one
    frame = events.next_frame()
    assert frame.received_at_us - frame.header.captured_at_us < 500_000  # not a stale picture


def test_switching_cameras_stops_the_old_one(
    camera: CameraPublisher, subscriber: VideoSubscriber, events: Events
) -> None:
    subscriber.watch("O1-T01")
    events.next_frame()
    subscriber.watch("O2-T07")
    events.wait_state("waiting")
    frame = events.next_frame()
    while frame.header.camera_id == "O1-T01":  # at most what was in flight before the switch
        frame = events.next_frame()
    assert frame.header.camera_id == "O2-T07"
    for _ in range(5):
        assert events.next_frame().header.camera_id == "O2-T07"


def test_a_camera_nobody_watches_encodes_nothing(
    camera: CameraPublisher, subscriber: VideoSubscriber, events: Events
) -> None:
    assert camera.sent == 0 and camera.watched() == set()
    subscriber.watch("O1-T01")
    events.next_frame()
    assert camera.watched() == {"O1-T01"}
    camera.changed.clear()
    subscriber.watch(None)
    events.wait_state("off")
    assert camera.changed.wait(10)  # the unsubscription travelled up through the relay
    assert camera.watched() == set()  # nothing is encoded for anybody


def test_a_slow_reader_gets_the_newest_frame_not_a_backlog(
    camera: CameraPublisher, subscriber: VideoSubscriber, events: Events
) -> None:
    events.hold = threading.Event()
    subscriber.watch("O1-T01")
    held = events.next_frame()
    released_at = time.time_ns() // 1000
    threading.Timer(1.0, events.hold.set).start()  # the reader is stuck for a second
    after = events.next_frame(timeout=10)
    # 25 frames were published meanwhile; the next one read is new, not the one after `held`
    assert after.header.seq > held.header.seq + 10
    assert after.received_at_us - after.header.captured_at_us < 500_000
    assert after.header.captured_at_us > released_at


def test_garbage_on_the_video_socket_is_dropped_and_counted(
    relay: VideoRelay, subscriber: VideoSubscriber, events: Events
) -> None:
    ctx = zmq.Context.instance()
    rogue = ctx.socket(zmq.XPUB)
    rogue.connect(relay.publish_endpoint)
    subscriber.watch("O1-T01")
    events.wait_state("waiting")
    assert rogue.poll(5000)  # the subscription has arrived: the rogue publisher is wired
    rogue.recv()
    good = pack(FrameHeader("O1-T01", 1, time.time_ns() // 1000, 64, 48), _tiny_jpeg())
    junk: list[Any] = [
        b"O1-T01\x00" + b"\x00" * 30,  # wrong magic
        pack(FrameHeader("O1-T01", 2, 0, 64, 48), b"\xff\xd8\xff\xe0 truncated"),
        pack(
            FrameHeader("O1-T01", 3, 0, 64, 48),
            b"\xff\xd8\xff" + bytes(range(256)) * 4 + b"\xff\xd9",
        ),
    ]
    reasons = []
    for message in junk:
        rogue.send(message)
        reasons.append(events.dropped.get(timeout=5))  # each one read, refused, counted
    assert subscriber.bad_frames == 3
    assert "unknown format" in reasons[0] and "cut short" in reasons[1]
    rogue.send(good)
    assert events.next_frame().header.seq == 1  # and good frames still come through
    rogue.close(linger=0)


def test_a_camera_that_stops_is_reported_stalled(
    relay: VideoRelay, subscriber: VideoSubscriber, events: Events
) -> None:
    cam = CameraPublisher(relay.publish_endpoint, lambda cid: SimulatedCounter(cid, 320, 180))
    cam.start()
    subscriber.watch("O1-T01")
    events.next_frame()
    cam.stop()  # the camera dies
    events.wait_state("stalled", timeout=10)


def _tiny_jpeg() -> bytes:
    import cv2
    import numpy as np

    ok, data = cv2.imencode(".jpg", np.zeros((48, 64, 3), np.uint8))
    assert ok
    return bytes(data)


# --- the person at the counter (issue 15 §10) --------------------------------------------------


def test_the_counter_shows_whoever_the_teller_simulator_put_there(tmp_path: Any) -> None:
    """One cartoon man for every customer, women included, before: now the person on the ID
    (the sex its number says, the same drawn face), nobody between customers."""
    import datetime as dt

    from sim.counter import CounterScenes
    from sim.render import Face

    scenes = CounterScenes(tmp_path)
    counter = SimulatedCounter("CAM-O1-T01", 640, 360, scenes=scenes)
    at = 1_764_000_000_000_000
    empty = counter.read(at)
    assert counter.person is None
    woman = Face.of_id("11010519491231002X", dt.date.today())  # 17th digit 2: 女
    scenes.put("CAM-O1-T01", woman, "R1")
    at += 1_000_000  # the camera looks at the counter again at most twice a second
    with_her = counter.read(at)
    assert counter.person == woman and counter.person.sex == "女"
    assert _changed(with_her, empty) > 0.08  # she is drawn
    man = Face.of_id("110105194912310037", dt.date.today())
    scenes.put("CAM-O1-T01", man, "R2")
    at += 1_000_000
    with_him = counter.read(at)
    assert counter.person == man
    assert _changed(with_him, with_her) > 0.03
    scenes.put("CAM-O1-T01", None)  # the customer leaves
    at += 1_000_000
    again = counter.read(at)
    assert counter.person is None
    same = abs(again[40:-10].astype(int) - empty[40:-10].astype(int))  # (the clock, the bar)
    assert float(same.max()) == 0


def _changed(a: Any, b: Any) -> float:
    """The share of pixels that differ clearly between two frames."""
    return float((abs(a.astype(int) - b.astype(int)).max(axis=2) > 30).mean())


def test_a_counter_nobody_describes_shows_the_same_passer_by() -> None:
    a = SimulatedCounter("O1-T01", 320, 180)
    b = SimulatedCounter("O1-T01", 320, 180)
    assert a.person is not None and a.person == b.person
    assert (a.read(5_000_000) == b.read(5_000_000)).all()
