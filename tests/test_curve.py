"""CurveZMQ with ZAP, real sockets: only known terminals get in, clients pin the server's key,
and the whole decision path works encrypted. Each broker here has a context of its own (a ZAP
handler is per context)."""

from __future__ import annotations

import json
import queue
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import zmq
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from clientsvc.audit.chain import ReceiptSigner, event_hash
from clientsvc.broker import Broker, BrokerConfig
from clientsvc.center.service import CenterService
from clientsvc.center.store import CenterStore
from clientsvc.curve import KnownKeys, Transport, generate, write_public
from clientsvc.identity import Directory
from clientsvc.protocol import mdp
from clientsvc.protocol.errors import ErrorCode, ProtocolError
from clientsvc.teller.client import TellerClient, verify_outcome
from clientsvc.video.camera import CameraPublisher
from clientsvc.video.relay import VideoRelay
from clientsvc.video.subscriber import VideoFrame, VideoSubscriber
from clientsvc.workstation.decision import DecisionRequest
from clientsvc.workstation.engine import EngineConfig, WorkstationEngine
from sim.counter import SimulatedCounter
from tests.helpers import Identities, Peer, request


class Keys:
    def __init__(self, root: Path) -> None:
        self.server = generate()
        self.known_dir = root / "directory" / "terminals"
        self.terminals = {name: generate() for name in ("TELLER-1", "WS-1", "CAM-1")}
        for name, keys in self.terminals.items():
            write_public(self.known_dir / f"{name}.key", keys.public, name)
        self.known = KnownKeys(self.known_dir)

    def server_transport(self) -> Transport:
        return Transport(curve=True, keys=self.server, known=self.known)

    def client(self, name: str, pinned: bytes | None = None) -> Transport:
        keys = self.terminals.get(name) or generate()
        return Transport(curve=True, keys=keys, server_public=pinned or self.server.public)


@pytest.fixture
def keys(tmp_path: Path) -> Keys:
    return Keys(tmp_path)


@pytest.fixture
def ctx() -> Iterator[zmq.Context[Any]]:
    context: zmq.Context[Any] = zmq.Context()
    yield context
    context.term()


@pytest.fixture
def broker(ids: Identities, keys: Keys, ctx: zmq.Context[Any]) -> Iterator[Broker]:
    config = BrokerConfig(
        endpoint="tcp://127.0.0.1:0",
        directory=ids.directory.path,
        journal=ids.root / "journal.sqlite3",
        heartbeat_ms=200,
        transport=keys.server_transport(),
    )
    b = Broker(config, ctx)
    b.start()
    yield b
    b.stop()


def teller_for(broker: Broker, ids: Identities, transport: Transport) -> TellerClient:
    return TellerClient(
        broker.bound_endpoint,
        "T1",
        ids.directory,
        context=broker._ctx,
        reply_timeout_ms=700,
        retries=0,
        transport=transport,
    )


class Events:
    def __init__(self) -> None:
        self.calls: queue.Queue[tuple[str, tuple[Any, ...]]] = queue.Queue()

    def __getattr__(self, name: str) -> Any:
        return lambda *args: self.calls.put((name, args))

    def next(self, name: str, timeout: float = 10) -> tuple[Any, ...]:
        while True:
            got, args = self.calls.get(timeout=timeout)
            if got == name:
                return args


def test_the_decision_path_works_encrypted_end_to_end(
    broker: Broker, ids: Identities, keys: Keys, tmp_path: Path
) -> None:
    events = Events()
    engine = WorkstationEngine(
        EngineConfig(
            endpoint=broker.bound_endpoint,
            terminal_id="WS-1",
            audit_path=tmp_path / "ws" / "audit.sqlite3",
            heartbeat_ms=200,
            transport=keys.client("WS-1"),
        ),
        ids.keys["A1"],
        events,
        broker._ctx,
    )
    engine.start()
    try:
        events.next("presence_changed")
        with teller_for(broker, ids, keys.client("TELLER-1")) as teller:
            req, blobs = request("R1")
            teller.submit(req, blobs)
            (item,) = events.next("item_received")
            events.next("evidence_loaded")  # the image too, over CURVE
            engine.decide(DecisionRequest("R1", "approve", lease_id=item.lease_id))
            assert events.next("decision_settled")[:2] == ("R1", True)
            outcome = teller.wait("R1", 5)
            assert verify_outcome(outcome, req.to_dict(), ids.directory).outcome.state == "approved"
    finally:
        engine.stop()
    assert keys.known.refused == []


def test_an_unknown_client_key_gets_nothing_through_and_is_logged(
    broker: Broker, ids: Identities, keys: Keys, caplog: pytest.LogCaptureFixture
) -> None:
    stranger = keys.client("NOT-PROVISIONED")
    assert stranger.keys is not None
    with teller_for(broker, ids, stranger) as teller:
        req, blobs = request("R1")
        with pytest.raises(ProtocolError) as info:
            teller.submit(req, blobs)
    assert info.value.code is ErrorCode.UNREACHABLE
    assert stranger.keys.public.decode() in keys.known.refused
    assert any(stranger.keys.public.decode() in r.getMessage() for r in caplog.records)
    assert broker.entries == {}  # nothing got in


def test_a_client_pinned_to_the_wrong_server_key_gets_no_answer(
    broker: Broker, ids: Identities, keys: Keys
) -> None:
    impostor_key = generate().public  # as if another server answered at that address
    with (
        teller_for(broker, ids, keys.client("TELLER-1", pinned=impostor_key)) as teller,
        pytest.raises(ProtocolError) as info,
    ):
        teller.status("R1")
    assert info.value.code is ErrorCode.UNREACHABLE


def test_a_plain_client_cannot_talk_to_a_curve_broker(broker: Broker, ids: Identities) -> None:
    with teller_for(broker, ids, Transport.plain()) as teller, pytest.raises(ProtocolError) as info:
        teller.status("R1")
    assert info.value.code is ErrorCode.UNREACHABLE


def test_deleting_a_terminal_key_file_revokes_it(
    broker: Broker, ids: Identities, keys: Keys
) -> None:
    with teller_for(broker, ids, keys.client("TELLER-1")) as teller:
        req, blobs = request("R1")
        assert teller.submit(req, blobs).request_id == "R1"
    (keys.known_dir / "TELLER-1.key").unlink()
    with (
        teller_for(broker, ids, keys.client("TELLER-1")) as teller,
        pytest.raises(ProtocolError) as info,
    ):
        teller.status("R1")
    assert info.value.code is ErrorCode.UNREACHABLE


def test_a_curve_transport_without_its_keys_is_refused_not_downgraded() -> None:
    ctx: zmq.Context[Any] = zmq.Context()
    try:
        sock = ctx.socket(zmq.DEALER)
        with pytest.raises(ProtocolError) as info:
            Transport(curve=True).secure_client(sock)
        assert info.value.code is ErrorCode.KEYRING
        sock.close(linger=0)
    finally:
        ctx.term()


def test_live_video_is_encrypted_and_only_known_terminals_watch(keys: Keys) -> None:
    ctx: zmq.Context[Any] = zmq.Context()
    from clientsvc.curve import start_authenticator

    auth = start_authenticator(ctx, keys.known)
    relay = VideoRelay("tcp://127.0.0.1:0", "tcp://127.0.0.1:0", ctx, keys.server_transport())
    relay.start()
    camera = CameraPublisher(
        relay.publish_endpoint,
        lambda cid: SimulatedCounter(cid, 320, 180),
        context=ctx,
        transport=keys.client("CAM-1"),
    )
    camera.start()
    frames: queue.Queue[VideoFrame] = queue.Queue()

    class Watch:
        def video_frame(self, frame: VideoFrame) -> None:
            frames.put(frame)

        def video_state(self, *args: Any) -> None:
            pass

        def video_dropped(self, *args: Any) -> None:
            pass

    known = VideoSubscriber(
        relay.subscribe_endpoint, Watch(), context=ctx, transport=keys.client("WS-1")
    )
    stranger = keys.client("NOT-PROVISIONED")
    strange = VideoSubscriber(relay.subscribe_endpoint, Watch(), context=ctx, transport=stranger)
    try:
        strange.start()
        strange.watch("CAM-X")  # refused: its subscription never reaches the camera
        known.start()
        known.watch("CAM-A")
        frame = frames.get(timeout=10)
        assert frame.header.camera_id == "CAM-A"
        assert camera.changed.wait(5) and "CAM-X" not in camera.watched()
        assert stranger.keys is not None and stranger.keys.public.decode() in keys.known.refused
    finally:
        known.stop()
        strange.stop()
        camera.stop()
        relay.stop()
        auth.stop()
        ctx.term()


# --- the center ---------------------------------------------------------------------------------


@pytest.fixture
def center(keys: Keys, ctx: zmq.Context[Any], tmp_path: Path) -> Iterator[CenterService]:
    store = CenterStore(
        tmp_path / "center" / "center.sqlite3",
        tmp_path / "center" / "images",
        ReceiptSigner(Ed25519PrivateKey.generate()),
        Directory(tmp_path / "directory"),
    )
    service = CenterService(
        "tcp://127.0.0.1:0", store, context=ctx, transport=keys.server_transport()
    )
    thread = threading.Thread(target=service.serve_forever, name="center-test")
    thread.start()
    while not service.bound_endpoint and thread.is_alive():
        thread.join(0.01)  # until it has bound (or died)
    yield service
    service.stop()
    thread.join(10)
    store.close()


def _push(center: CenterService, ctx: zmq.Context[Any], transport: Transport, terminal: str) -> Any:
    peer = Peer(center.bound_endpoint, ctx, transport)
    try:
        row = {
            "seq": 1,
            "at_ms": 1,
            "kind": "presence",
            "request_id": None,
            "authorizer_id": "A1",
            "payload": "{}",
            "prev_hash": "0" * 64,
        }
        row["hash"] = event_hash(row["prev_hash"], row)
        body = json.dumps({"terminal_id": terminal, "events": [row]}).encode()
        peer.sock.send_multipart(mdp.client_request("audit.push", [body]))
        if not peer.sock.poll(1500):
            return None
        return json.loads(peer.sock.recv_multipart()[-1])
    finally:
        peer.close()


def test_the_center_takes_events_only_from_known_terminals_each_as_itself(
    center: CenterService, keys: Keys, ctx: zmq.Context[Any]
) -> None:
    assert _push(center, ctx, keys.client("WS-1"), "WS-1")["receipt"]["count"] == 1
    refused = _push(center, ctx, keys.client("WS-1"), "TELLER-1")  # another terminal's name
    assert refused["type"] == "error" and refused["code"] == "E_FORBIDDEN"
    assert _push(center, ctx, keys.client("STRANGER"), "STRANGER") is None  # not let in at all
    assert len(keys.known.refused) == 1
    assert _push(center, ctx, Transport.plain(), "WS-1") is None  # no silent plain fallback
