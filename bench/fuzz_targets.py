"""The fuzzer's targets: each feeds one input through a real entry point of the product and
fails (raises) when the input is not answered with a code or dropped.

A target is a callable on bytes. What it may raise is only ``FuzzFailure`` (an invariant broken)
or whatever the product let escape (an uncaught exception: a finding). Used by
``python -m bench.fuzz`` (coverage-guided, atheris) and replayed on every kept input by the test
suite (``tests/test_fuzz_corpus.py``) without atheris.

Inputs are the raw bytes a peer controls: a multipart ZeroMQ message (``frames``), an image, a
configuration file, a video frame, an outcome frame.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import struct
import tempfile
import time
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

TARGETS = ("broker", "center", "image", "config", "video", "teller", "reading")


_JSON_WORDS = [
    b'"v":1',
    b'"type":',
    b'"request_id":',
    b'"teller_id":',
    b'"amount_fen":',
    b'"evidence":[',
    b'"sha256":',
    b'"decision":',
    b'"request":{',
    b'"reason_text":',
    b'"account_name":',
    b'"elements":{',
    b"\\u0000",
    b"\\ud800",
    b"\\u202e",
    b"[[[[[[[[",
    b"{}",
    b"null",
    b"9007199254740993",
]
Mutator = Callable[[bytes, int], bytes]


def mutate_frames(data: bytes, max_size: int, seed: int, base: Mutator) -> bytes:
    """A multipart input mutated frame by frame (its framing kept, so that the mutations reach
    the parsers behind the framing): one frame mutated, dropped, doubled or swapped."""
    rng = random.Random(seed)
    frames = frames_of(data)
    if not frames:
        return base(data, max_size)
    k = rng.randrange(len(frames))
    op = rng.randrange(10)
    if op == 0 and len(frames) > 1:
        del frames[k]
    elif op == 1:
        frames.insert(k, frames[k])
    elif op == 2 and len(frames) > 1:
        j = rng.randrange(len(frames))
        frames[k], frames[j] = frames[j], frames[k]
    else:
        frames[k] = base(frames[k], max(1, max_size - len(data) + len(frames[k])))
    return pack_frames(frames)[:max_size]


class FuzzFailure(AssertionError):
    """The input was not answered with a code, nor dropped, as the target's contract says."""


# --- multipart framing of one fuzz input ------------------------------------------------------


def frames_of(data: bytes) -> list[bytes]:
    """An input as frames: each a 3-byte big-endian length then its bytes; what is left over
    (a length past the end) is the last frame. Never fails."""
    frames, i = [], 0
    while i < len(data) and len(frames) < 64:
        if i + 3 > len(data):
            frames.append(data[i:])
            break
        size = int.from_bytes(data[i : i + 3], "big")
        frames.append(data[i + 3 : i + 3 + size])
        i += 3 + size
    return frames


def pack_frames(frames: list[bytes]) -> bytes:
    return b"".join(len(f).to_bytes(3, "big") + f for f in frames)


def _workdir(name: str) -> Path:
    return Path(tempfile.mkdtemp(prefix=f"authdesk-fuzz-{name}-"))


def _identities(root: Path) -> tuple[Any, dict[str, Any]]:
    from clientsvc.identity import Directory
    from clientsvc.keystore import KeyStore, MemoryKeyring

    directory = Directory(root / "directory")
    keystore = KeyStore(root, MemoryKeyring())
    keys = {}
    for person, roles in (("A1", ()), ("A2", ()), ("LEAD", ("lead",))):
        keystore.provision(
            directory, authorizer_id=person, name=person, level=3, pin="1234", roles=roles
        )
        keys[person] = keystore.unlock(person, "1234")
    return directory, keys


def _tiny_jpeg(seed: int = 1, size: tuple[int, int] = (48, 32)) -> bytes:
    import cv2
    import numpy as np

    rng = np.random.default_rng(seed)
    image = rng.integers(0, 255, (size[1], size[0], 3), dtype=np.uint8)
    ok, data = cv2.imencode(".jpg", image)
    assert ok
    return bytes(data)


def _tiny_png(seed: int = 2) -> bytes:
    import cv2
    import numpy as np

    rng = np.random.default_rng(seed)
    ok, data = cv2.imencode(".png", rng.integers(0, 255, (24, 40, 3), dtype=np.uint8))
    assert ok
    return bytes(data)


def _request(request_id: str, blobs: list[bytes]) -> Any:
    from clientsvc.protocol.messages import AuthRequest, EvidenceRef

    return AuthRequest(
        request_id=request_id,
        outlet_id="O1",
        teller_id="T1",
        terminal_id="TT1",
        txn_type="transfer",
        amount_fen=123_400,
        account_no="6222020200112233",
        account_name="张三",
        id_number="11010519491231002X",
        submitted_at=time.time_ns() // 1_000_000,
        elements={"payee_name": "李四", "payee_account": "6222000011112222"},
        summary="货款",
        evidence=[
            EvidenceRef(
                sha256=hashlib.sha256(b).hexdigest(), kind="voucher", mime="image/jpeg", size=len(b)
            )
            for b in blobs
        ],
    )


# --- the broker: frame parser, message validation, every service -----------------------------


class BrokerTarget:
    """Frames into ``Broker._on_frames`` — what the loop calls for every message received —
    then the loop's own group commit. Its replies are captured where they would leave."""

    def __init__(self) -> None:
        import zmq

        from clientsvc.broker.broker import Broker, BrokerConfig

        root = _workdir("broker")
        self.directory, self.keys = _identities(root)
        self.broker = Broker(
            BrokerConfig(
                endpoint=f"inproc://fuzz-broker-{os.getpid()}-{id(self):x}",
                directory=self.directory.path,
                journal=root / "journal.sqlite3",
            ),
            zmq.Context.instance(),
        )
        self.broker.bind()
        self.sent: list[tuple[bytes, list[bytes]]] = []

        def capture(identity: bytes, frames: list[bytes]) -> bool:
            self.sent.append((identity, frames))
            return True

        self.broker._send = capture  # type: ignore[method-assign]

    def close(self) -> None:
        if self.broker._socket is not None:
            self.broker._socket.close(linger=0)
            self.broker._socket = None
        self.broker.journal.close()

    def __call__(self, data: bytes) -> None:
        from clientsvc.protocol import mdp
        from clientsvc.protocol.errors import ProtocolError

        frames = frames_of(data)
        broker = self.broker
        before = broker.stats["internal_errors"]
        self.sent.clear()
        is_client, body = False, None
        if len(frames) >= 2:
            try:
                parsed = mdp.parse_from_peer(frames[1:])
                is_client = isinstance(parsed, mdp.ClientRequest)
                body = parsed.body if isinstance(parsed, mdp.ClientRequest) else None
            except ProtocolError:
                pass
        try:
            broker._on_frames(frames)
            broker._on_timers(time.time_ns() // 1_000_000)
            broker._release()
        except SystemExit as exc:  # a message must never end the process
            raise FuzzFailure(f"the broker exited: {exc!r}") from exc
        if broker.stats["internal_errors"] != before:
            raise FuzzFailure("the broker hit an internal error (logged above)")
        if is_client:
            answered = any(identity == frames[0] for identity, _ in self.sent)
            # held: this very request waits (a second wait from the same connection replaces
            # the first, unanswered: PROTOCOL.md §7.6 — the count of waits stays the same)
            held = any(
                w.identity == frames[0] and w.request.body == body
                for e in broker.entries.values()
                for w in e.waiters
            )
            if not answered and not held and frames[0]:
                raise FuzzFailure("a client request got no answer and was not held")
        if len(broker.entries) > 5000:  # keep a long run's memory to the broker, not the run
            for entry in list(broker.entries.values()):
                broker.requests.forget(entry)

    mutate = staticmethod(mutate_frames)

    def tokens(self) -> list[bytes]:
        from clientsvc.broker.broker import CLIENT_SERVICES

        words = [b"MDPC01", b"MDPC02", b"MDPW01", b"\x01", b"\x02", b"\x03", b"\x05"]
        return [*words, *(s.encode() for s in CLIENT_SERVICES), *_JSON_WORDS]

    def seeds(self) -> list[bytes]:
        from clientsvc.protocol import mdp
        from clientsvc.protocol.messages import (
            Cancel,
            EvidenceGet,
            LocalAuthorization,
            QueueStatusGet,
            Wait,
            WorkerOptions,
        )

        blob = _tiny_jpeg()
        req = _request("S1", [blob])
        me = b"\x00teller"
        ws = b"\x00ws"
        key = self.keys["A1"]
        decision = key.sign_decision(
            request_id="S1",
            lease_id="L1",
            request_digest="0" * 64,
            evidence=[hashlib.sha256(blob).hexdigest()],
            verdict="reject",
            reason_code="R01",
            reason_text="",
        )
        local = LocalAuthorization(
            request_id="S2",
            teller_id="T1",
            supervisor_id="SUP1",
            verdict="approve",
            why="unreachable",
            at=time.time_ns() // 1_000_000,
            request=_request("S2", []).to_dict(),
        )

        def client(service: str, *body: bytes) -> bytes:
            return pack_frames([me, *mdp.client_request(service, list(body))])

        return [
            client("authz.submit", req.to_frame(), blob),
            client("authz.wait", Wait(request_id="S1", teller_id="T1", wait_ms=0).to_frame()),
            client("authz.cancel", Cancel(request_id="S1", teller_id="T1").to_frame()),
            client("authz.local", local.to_frame()),
            client("authz.queue", QueueStatusGet().to_frame()),
            client("authz.options", WorkerOptions(prefetch=1).to_frame()),
            client("evidence.get", EvidenceGet(sha256=hashlib.sha256(blob).hexdigest()).to_frame()),
            client("authz.decide", decision.to_frame()),
            client("mmi.service", b"authz"),
            pack_frames(
                [
                    ws,
                    *mdp.client_request(
                        "authz.presence",
                        [key.sign_presence(terminal_id="WS1", state="available").to_frame()],
                    ),
                ]
            ),
            pack_frames([ws, *mdp.worker_frames(mdp.WorkerCommand.READY, service="authz")]),
            pack_frames([ws, *mdp.worker_frames(mdp.WorkerCommand.HEARTBEAT)]),
            pack_frames(
                [
                    ws,
                    *mdp.worker_frames(
                        mdp.WorkerCommand.REPLY, client=b"L1", body=[decision.to_frame()]
                    ),
                ]
            ),
            client("authz.submit", b"[" * 1000),
            client("authz.submit", b'{"v":1,"type":"auth_request","amount_fen":1,"amount_fen":2}'),
        ]


# --- the center: batches, brokers' records, desk calls ----------------------------------------


class CenterTarget:
    """First byte 0: MDP frames into ``CenterService.answer`` (audit.push, broker.push,
    center.status, lead.call, lead.image). First byte 1: a desk call's JSON
    (``{"op": …, "args": …}``) into the desk's dispatch, as the verified lead."""

    def __init__(self) -> None:
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        from clientsvc.audit.chain import ReceiptSigner
        from clientsvc.center.service import CenterService
        from clientsvc.center.store import CenterStore

        root = _workdir("center")
        self.directory, self.keys = _identities(root)
        self.store = CenterStore(
            root / "center.sqlite3",
            root / "images",
            ReceiptSigner(Ed25519PrivateKey.generate()),
            self.directory,
        )
        self.service = CenterService("inproc://unused", self.store)

    def close(self) -> None:
        self.store.close()

    def __call__(self, data: bytes) -> None:
        from clientsvc.center.api import dispatch
        from clientsvc.protocol import mdp
        from clientsvc.protocol.edge import loads
        from clientsvc.protocol.errors import ProtocolError

        if not data:
            return
        if data[0] == 1:
            try:
                call = loads(data[1:], 64 * 1024)
                if not isinstance(call, dict):
                    return
                op, args = call.get("op"), call.get("args")
                if not isinstance(op, str) or not isinstance(args, dict):
                    return
                dispatch(self.service.desk, "LEAD", op, args)
            except ProtocolError:
                return  # refused with a code: what it should do
            return
        frames = frames_of(data[1:])
        try:
            request = mdp.parse_from_peer(frames)
        except ProtocolError:
            return  # dropped, as the service drops malformed frames
        if not isinstance(request, mdp.ClientRequest):
            return
        before = self.service.stats["internal_errors"]
        body = self.service.answer(request, None)
        if self.service.stats["internal_errors"] != before:
            raise FuzzFailure("the center hit an internal error (logged above)")
        if not body:
            raise FuzzFailure("no answer")
        if request.service != "lead.image":
            reply = json.loads(body[0])
            if not isinstance(reply, dict) or "type" not in reply:
                raise FuzzFailure(f"an answer without a type: {body[0][:80]!r}")

    @staticmethod
    def mutate(data: bytes, max_size: int, seed: int, base: Mutator) -> bytes:
        if data[:1] == b"\x00":
            return b"\x00" + mutate_frames(data[1:], max_size - 1, seed, base)
        return base(data, max_size)

    def tokens(self) -> list[bytes]:
        services = [b"audit.push", b"broker.push", b"center.status", b"lead.call", b"lead.image"]
        keys = [b'"events":[', b'"records":[', b'"after_seq":', b'"batch":', b'"op":', b'"args":']
        ops = [b'"board"', b'"stats"', b'"draw"', b'"reveal"', b'"record_finding"']
        return [b"MDPC01", *services, *keys, *ops, *_JSON_WORDS]

    def seeds(self) -> list[bytes]:
        from clientsvc.protocol import mdp

        record = {
            "seq": 1,
            "at_ms": time.time_ns() // 1_000_000,
            "request_id": "S1",
            "event": "accepted",
            "body": json.dumps({"request": _request("S1", []).to_dict(), "digest": "0" * 64}),
        }
        pushes = [
            ("center.status", {}),
            ("broker.push", {"broker_id": "B1", "after_seq": 0, "records": [record], "images": []}),
            (
                "audit.push",
                {"batch": "b1", "terminal_id": "WS1", "events": [], "images": []},
            ),
            (
                "lead.call",
                {
                    "actor": "LEAD",
                    "op": "whoami",
                    "args": "{}",
                    "at": 1,
                    "nonce": "0" * 32,
                    "key_id": "0" * 16,
                    "signature": "0" * 128,
                },
            ),
        ]
        seeds = [
            b"\x00" + pack_frames(mdp.client_request(service, [json.dumps(body).encode()]))
            for service, body in pushes
        ]
        seeds += [
            b"\x00" + pack_frames(mdp.client_request("center.status", [b"[" * 1000])),
            b"\x01" + json.dumps({"op": "board", "args": {}}).encode(),
            b"\x01"
            + json.dumps(
                {"op": "stats", "args": {"day_from": "2026-03-18", "day_to": "2026-03-18"}}
            ).encode(),
            b"\x01"
            + json.dumps(
                {
                    "op": "draw",
                    "args": {
                        "day_from": "2026-03-18",
                        "day_to": "2026-03-18",
                        "seed": 1,
                        "plan": {"default_rate": 0.5},
                    },
                }
            ).encode(),
            b"\x01"
            + json.dumps(
                {
                    "op": "record_verdict",
                    "args": {"sample_id": 1, "request_id": "S1", "verdict": "approve"},
                }
            ).encode(),
        ]
        return seeds


# --- the workstation's image decode path -------------------------------------------------------


class ImageTarget:
    """Bytes into the workstation's decode path (the evidence library's checks, then its decode
    and pyramid): a ``ProtocolError`` with an image code, or pixels. Nothing else."""

    MAX_PIXELS = 4_000_000
    """The fuzzer's pixel limit, below the workstation's 60 million: the same checks, the same
    decode path, but an input declaring a full-size scan costs milliseconds, not seconds, so
    the fuzzer reaches the decoder's corners instead of decoding grey fields. The limit itself
    is tested in tests/test_image_hostile.py."""

    def __call__(self, data: bytes) -> None:
        from clientsvc.imagecheck import check_image
        from clientsvc.imaging import preview_reduction
        from clientsvc.protocol.errors import ProtocolError
        from ui.evidence.library import PREVIEW_SIDE, _prepare

        try:
            info = check_image(data, self.MAX_PIXELS)
            reduction = preview_reduction((info.width, info.height), PREVIEW_SIDE)
            width, height, levels = _prepare(data, reduction, info=info)
            if reduction > 1:
                _prepare(data, 1, info=info)
        except ProtocolError as err:
            if not err.code.value.startswith(("E_IMAGE", "E_TOO_LARGE")):
                raise FuzzFailure(f"an image refused with {err.code}") from err
            return
        if (width, height) != (info.width, info.height):
            raise FuzzFailure(f"decoded {width}×{height}, declared {info.width}×{info.height}")
        if not levels or width <= 0 or height <= 0:
            raise FuzzFailure("decoded to nothing without an error")

    def tokens(self) -> list[bytes]:
        return [b"\xff\xc0", b"\xff\xc2", b"\xff\xda", b"\xff\xd9", b"\xff\xe1", b"Exif\x00\x00"]

    def seeds(self) -> list[bytes]:
        return [_tiny_jpeg(1), _tiny_jpeg(2, (96, 64)), _tiny_png(3), _exif_jpeg(6)]

    @staticmethod
    def mutate(data: bytes, max_size: int, seed: int, base: Mutator) -> bytes:
        """Structural mutations of JPEG and PNG: sizes in headers, segments and chunks
        duplicated, dropped or cut, PNG CRCs fixed so the decoder reads on; else bytes."""
        rng = random.Random(seed)
        if seed % 3 == 0:
            return base(data, max_size)
        if data[:8] == b"\x89PNG\r\n\x1a\n":
            return _mutate_png(data, rng)[:max_size]
        if data[:2] == b"\xff\xd8":
            return _mutate_jpeg(data, rng)[:max_size]
        return data


def _exif_jpeg(orientation: int) -> bytes:
    """A JPEG with an EXIF APP1 segment carrying ``orientation``."""
    jpeg = _tiny_jpeg(4, (64, 32))
    tiff = b"MM\x00\x2a\x00\x00\x00\x08" + b"\x00\x01" + b"\x01\x12\x00\x03\x00\x00\x00\x01"
    tiff += struct.pack(">H", orientation) + b"\x00\x00" + b"\x00\x00\x00\x00"
    app1 = b"Exif\x00\x00" + tiff
    return jpeg[:2] + b"\xff\xe1" + struct.pack(">H", len(app1) + 2) + app1 + jpeg[2:]


def _png_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    chunks, i = [], 8
    while i + 8 <= len(data):
        length = int.from_bytes(data[i : i + 4], "big")
        kind = data[i + 4 : i + 8]
        chunks.append((kind, data[i + 8 : i + 8 + length]))
        i += 12 + length
    return chunks


def _png(chunks: list[tuple[bytes, bytes]]) -> bytes:
    out = [b"\x89PNG\r\n\x1a\n"]
    for kind, body in chunks:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        out.append(len(body).to_bytes(4, "big") + kind + body + crc.to_bytes(4, "big"))
    return b"".join(out)


def _mutate_png(data: bytes, rng: random.Random) -> bytes:
    chunks = _png_chunks(data)
    if not chunks:
        return data
    op = rng.randrange(6)
    if op == 0 and chunks[0][0] == b"IHDR" and len(chunks[0][1]) >= 8:  # the declared size
        body = bytearray(chunks[0][1])
        body[rng.randrange(8)] = rng.randrange(256)
        chunks[0] = (b"IHDR", bytes(body))
    elif op == 1:  # a chunk twice
        k = rng.randrange(len(chunks))
        chunks.insert(k, chunks[k])
    elif op == 2 and len(chunks) > 1:  # a chunk gone
        del chunks[rng.randrange(len(chunks))]
    elif op == 3:  # an IDAT that inflates far past what the header needs
        bomb = zlib.compress(b"\x00" * rng.choice((1 << 16, 1 << 20, 1 << 23)), 9)
        at = next((i for i, c in enumerate(chunks) if c[0] == b"IDAT"), len(chunks) - 1)
        chunks.insert(at, (b"IDAT", bomb))
    elif op == 4:  # bit depth / colour type
        if chunks[0][0] == b"IHDR" and len(chunks[0][1]) >= 13:
            body = bytearray(chunks[0][1])
            body[8 + rng.randrange(5)] = rng.choice((0, 1, 2, 3, 4, 6, 8, 16, 255))
            chunks[0] = (b"IHDR", bytes(body))
    else:  # a chunk's body cut or flipped
        k = rng.randrange(len(chunks))
        kind, body = chunks[k]
        if body:
            cut = bytearray(body[: rng.randrange(len(body) + 1)])
            if cut:
                cut[rng.randrange(len(cut))] ^= 1 << rng.randrange(8)
            chunks[k] = (kind, bytes(cut))
    return _png(chunks)


def _mutate_jpeg(data: bytes, rng: random.Random) -> bytes:
    segments: list[bytes] = []
    i = 2
    while i + 4 <= len(data) and data[i] == 0xFF:
        marker = data[i + 1]
        if marker == 0xDA:  # start of scan: the rest is entropy-coded data
            segments.append(data[i:])
            break
        length = int.from_bytes(data[i + 2 : i + 4], "big")
        segments.append(data[i : i + 2 + length])
        i += 2 + length
    if not segments:
        return data
    op = rng.randrange(5)
    k = rng.randrange(len(segments))
    if op == 0:  # the frame header's size, components, precision
        for n, seg in enumerate(segments):
            if seg[1] in (0xC0, 0xC1, 0xC2) and len(seg) >= 9:
                body = bytearray(seg)
                body[4 + rng.randrange(5)] = rng.randrange(256)
                segments[n] = bytes(body)
                break
    elif op == 1:
        segments.insert(k, segments[k])
    elif op == 2 and len(segments) > 1:
        del segments[k]
    elif op == 3:  # a segment length that lies
        body = bytearray(segments[k])
        if len(body) >= 4:
            body[2:4] = rng.randrange(65536).to_bytes(2, "big")
        segments[k] = bytes(body)
    else:  # many scans: the progressive decoder's cost
        scan = segments[-1]
        segments[-1:] = [scan[: len(scan) // 2]] * rng.randrange(2, 40) + [scan]
    return b"\xff\xd8" + b"".join(segments)


# --- configuration loading ---------------------------------------------------------------------


class ConfigTarget:
    """A configuration file's bytes through ``load_settings``: settings, or a ``ConfigError``
    naming every problem in words. Nothing else."""

    def __call__(self, data: bytes) -> None:
        from app.config import ConfigError, load_settings_from_bytes

        try:
            load_settings_from_bytes(data, "authdesk.toml", env={})
        except ConfigError as err:
            if not err.problems:
                raise FuzzFailure("a ConfigError without words") from err

    def tokens(self) -> list[bytes]:
        from dataclasses import fields

        from app.config import Settings

        names = [f.name.encode() for f in fields(Settings)]
        quotes = [b'"' * 3, b"'" * 3]
        return [*names, b" = ", b"[", b"{", *quotes, b"\xef\xbb\xbf", b"../", b"\\u0000"]

    def seeds(self) -> list[bytes]:
        return [
            b'schema_version = 1\nlanguage = "zh_CN"\nbroker_endpoint = "tcp://127.0.0.1:5555"\n',
            b'terminal_id = "WS-0107"\nfont_scale = 1.0\n',
            b"a = " + b"[" * 900 + b"]" * 900 + b"\n",
            b"a = " + b"{b=" * 900 + b"1" + b"}" * 900 + b"\n",
            b"font_scale = 1" + b"0" * 5000 + b"\n",
            b'\xef\xbb\xbfterminal_id = "WS-1"\n',
            b'terminal_id = "../../etc"\n',
        ]


# --- the video frame parser --------------------------------------------------------------------


class VideoTarget:
    """One SUB message into the subscriber's own handler: a frame shown, or dropped as bad.
    Nothing else."""

    def __init__(self) -> None:
        from clientsvc.video.subscriber import VideoSubscriber

        class Events:
            def __getattr__(self, name: str) -> Callable[..., None]:
                return lambda *args: None

        self.sub = VideoSubscriber("inproc://unused", Events())
        self.sub._camera = "O1-T01"
        self.sub._state = "live"

    def __call__(self, data: bytes) -> None:
        sub = self.sub
        before = (sub.frames, sub.bad_frames)
        sub._camera = "O1-T01"
        sub._on_message(data)
        if (sub.frames, sub.bad_frames) == before and data.startswith(b"O1-T01\x00"):
            raise FuzzFailure("a frame of the watched camera neither shown nor dropped")

    def seeds(self) -> list[bytes]:
        from clientsvc.video.frames import FrameHeader, pack

        jpeg = _tiny_jpeg(5, (64, 48))
        return [
            pack(FrameHeader("O1-T01", 1, time.time_ns() // 1000, 64, 48), jpeg),
            pack(FrameHeader("O1-T01", 2, 0, 7745, 7745), _exif_jpeg(3)),
        ]


# --- the teller's outcome verification ----------------------------------------------------------


class TellerTarget:
    """An ``outcome`` frame as a broker would send it, through the teller library's parse and
    ``verify_outcome``: a verified outcome only for the decisions really signed, else a
    ``ProtocolError``."""

    def __init__(self) -> None:
        from clientsvc.protocol.messages import Outcome, request_digest

        root = _workdir("teller")
        self.directory, keys = _identities(root)
        blob = _tiny_jpeg()
        self.request = _request("V1", [blob]).to_dict()
        digest = request_digest(self.request)
        self.outcomes = []
        self.signatures = set()
        for verdict, code in (("approve", None), ("reject", "R01")):
            decision = keys["A1"].sign_decision(
                request_id="V1",
                lease_id="L1",
                request_digest=digest,
                evidence=[hashlib.sha256(blob).hexdigest()],
                verdict=verdict,
                reason_code=code,
                reason_text="",
            )
            self.signatures.add(decision.signature)
            state = "approved" if verdict == "approve" else "rejected"
            self.outcomes.append(
                Outcome(request_id="V1", state=state, decision=decision, server_time=1).to_frame()
            )

    def __call__(self, data: bytes) -> None:
        from clientsvc.protocol.errors import ProtocolError
        from clientsvc.protocol.messages import Outcome, parse
        from clientsvc.teller.client import verify_outcome

        try:
            outcome, _ = parse(data, Outcome)
            verified = verify_outcome(outcome, self.request, self.directory)
        except ProtocolError:
            return
        decision = getattr(verified, "decision", None) or outcome.decision
        if outcome.state in ("approved", "rejected", "returned"):
            if decision is None or decision.signature not in self.signatures:
                raise FuzzFailure("a decision nobody signed was verified")
            if decision.request_id != "V1":
                raise FuzzFailure("a decision for another request was verified")

    def tokens(self) -> list[bytes]:
        return [b'"approvals":[', b'"state":"approved"', b'"signature":', *_JSON_WORDS]

    def seeds(self) -> list[bytes]:
        return list(self.outcomes)


# --- the reader's rules on what an OCR may say ------------------------------------------------


class ReadingTarget:
    """OCR lines, as any engine might give them, into the reader's rules (``compare``) for a
    request of each type, and every line's text into the amount, date and validity parsers: a
    well-formed reading (its model validates), never an exception. And a match only where
    something was read."""

    def __init__(self) -> None:
        import datetime as dt

        from clientsvc.protocol.messages import TXN_TYPES
        from sim.teller import make_request

        rng = random.Random(7)
        self.requests = [
            make_request(rng, txn_type=t, mismatch_rate=0.0, images=False).request
            for t in TXN_TYPES
        ]
        self.today = dt.date(2026, 12, 3)

    def __call__(self, data: bytes) -> None:
        from clientsvc.reading.amounts import parse_amount_figures, parse_amount_words
        from clientsvc.reading.compare import ImagePage, compare
        from clientsvc.reading.fields import Line, parse_date, parse_validity
        from clientsvc.reading.model import ElementReading, Verdict

        if not data:
            return
        request = self.requests[data[0] % len(self.requests)]
        lines: list[Line] = []
        for raw in data[1:].split(b"\n")[:64]:  # a page's worth; the engine gives ≤ 400
            head, text = raw[:5].ljust(5, b"\0"), raw[5:].decode("utf-8", "replace")[:200]
            x, y = head[0] * 8, head[1] * 8
            box = (x, y, x + 1 + head[2] * 8, y + 1 + head[3] * 4)
            lines.append(Line(text, box, head[4] / 255))
            parse_amount_words(text)
            parse_amount_figures(text)
            parse_date(text)
            parse_validity(text)
        kinds = ("voucher", "id_front")
        pages = [ImagePage(k * 64, kind, lines) for k, kind in zip("ab", kinds, strict=True)]
        for e in compare(request, pages, self.today):
            ElementReading.model_validate(e.model_dump())
            if e.verdict is Verdict.MATCH and not e.seen:
                raise FuzzFailure(f"{e.element}: a match with nothing read")

    def tokens(self) -> list[bytes]:
        words = [
            "账号",
            "户名",
            "证件号码",
            "金额(大写)",
            "金额(小写)",
            "日期",
            "姓名",
            "公民身份号码",
            "有效期限",
            "收款人",
            "收款账号",
            "元",
            "角",
            "分",
            "零",
            "整",
            "万",
            "亿",
            "壹",
            "拾",
            "佰",
            "仟",
            "¥",
            "长期",
            "年",
            "月",
            "日",
        ]
        return [w.encode() for w in words] + [b"\n", b"\xff\xff\xff\xff\xff"]

    def seeds(self) -> list[bytes]:
        r = self.requests[0]
        head = bytes([10, 10, 10, 8, 250])
        return [
            bytes([0])
            + head
            + "账号".encode()
            + b"\n"
            + bytes([30, 10, 30, 8, 250])
            + r.account_no.encode(),
            bytes([0]) + head + "金额(大写)人民币壹拾万零柒仟元整".encode(),
            bytes([3]) + head + "户名\u202e超林".encode(),
            bytes([5]) + (head + "账号".encode() + b"\n") * 300,
        ]


def make(name: str) -> Any:
    return {
        "reading": ReadingTarget,
        "broker": BrokerTarget,
        "center": CenterTarget,
        "image": ImageTarget,
        "config": ConfigTarget,
        "video": VideoTarget,
        "teller": TellerTarget,
    }[name]()


CORPUS = Path(__file__).resolve().parent.parent / "tests" / "corpus"
