"""Shared test building blocks: identities, brokers (thread or process), raw MDP peers."""

from __future__ import annotations

import hashlib
import json
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import zmq

from clientsvc.broker import Broker, BrokerConfig
from clientsvc.identity import Directory, SigningKey
from clientsvc.keystore import KeyStore, MemoryKeyring
from clientsvc.protocol import mdp
from clientsvc.protocol.messages import AuthRequest, EvidenceRef, Message, WorkerOptions, parse

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Identities:
    root: Path
    directory: Directory
    keystore: KeyStore
    keys: dict[str, SigningKey]


def make_identities(
    root: Path,
    spec: tuple[tuple[str, int, str], ...] = (("A1", 3, ""), ("A2", 3, ""), ("A3", 1, "")),
) -> Identities:
    """Authorizers (id, level, staff id) with keys in an in-memory keyring; PIN is 1234."""
    directory = Directory(root / "directory")
    keystore = KeyStore(root, MemoryKeyring())
    keys = {}
    for authorizer_id, level, staff in spec:
        keystore.provision(
            directory,
            authorizer_id=authorizer_id,
            name=f"授权员{authorizer_id}",
            level=level,
            pin="1234",
            staff_id=staff,
        )
        keys[authorizer_id] = keystore.unlock(authorizer_id, "1234")
    return Identities(root, directory, keystore, keys)


def revoke(ids: Identities, authorizer_id: str) -> None:
    """What branch IT does to revoke a key: mark the profile file revoked."""
    path = ids.directory.path / f"{authorizer_id}.json"
    profile = json.loads(path.read_text(encoding="utf-8"))
    profile["revoked"] = True
    tmp = path.with_suffix(".tmp")  # published as the admin command does: aside, then renamed
    tmp.write_text(json.dumps(profile), encoding="utf-8")
    os.utime(tmp, ns=(1, 1))  # a different mtime even within the clock's resolution
    os.replace(tmp, path)


def start_broker(ids: Identities, **overrides: Any) -> Broker:
    config = BrokerConfig(
        endpoint=overrides.pop("endpoint", "tcp://127.0.0.1:0"),
        directory=ids.directory.path,
        journal=ids.root / "journal.sqlite3",
        heartbeat_ms=overrides.pop("heartbeat_ms", 200),
        **overrides,
    )
    broker = Broker(
        config, zmq.Context.instance()
    )  # a per-test context could hang in GC after a failure
    broker.start()
    return broker


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def request(
    request_id: str = "R1",
    *,
    teller_id: str = "T1",
    amount_fen: int = 100_000,
    txn_type: str = "transfer",
    blobs: list[bytes] | None = None,
    **kw: Any,
) -> tuple[AuthRequest, dict[str, bytes]]:
    evidence = {}
    refs = []
    for i, blob in enumerate(
        blobs if blobs is not None else [b"\xff\xd8\xff\xe0voucher-" + request_id.encode() * 50]
    ):
        sha = hashlib.sha256(blob).hexdigest()
        refs.append(
            EvidenceRef(
                sha256=sha,
                kind="voucher" if i == 0 else "id_front",
                mime="image/jpeg",
                size=len(blob),
            )
        )
        evidence[sha] = blob
    req = AuthRequest(
        request_id=request_id,
        outlet_id="O1",
        teller_id=teller_id,
        terminal_id="TT1",
        txn_type=txn_type,  # type: ignore[arg-type]
        amount_fen=amount_fen,
        account_no="6222020200112233",
        account_name="张三",
        id_number="11010519491231002X",
        submitted_at=time.time_ns() // 1_000_000,
        evidence=refs,
        **kw,
    )
    return req, evidence


class Peer:
    """A raw DEALER peer speaking MDP by hand: for tests that need exact control."""

    def __init__(
        self, endpoint: str, ctx: zmq.Context[Any] | None = None, transport: Any = None
    ) -> None:
        self.ctx = ctx or zmq.Context.instance()
        self.sock = self.ctx.socket(zmq.DEALER)
        if transport is not None:
            transport.secure_client(self.sock)
        self.sock.setsockopt(zmq.LINGER, 0)
        self.sock.connect(endpoint)
        self.backlog: list[list[bytes]] = []  # worker traffic seen while waiting for a reply

    def send_raw(self, frames: list[bytes]) -> None:
        self.sock.send_multipart(frames)

    def call(
        self, service: str, body: list[bytes], version: int = 1
    ) -> tuple[Message, list[bytes]]:
        self.sock.send_multipart(mdp.client_request(service, body, version))
        return self.reply(service)

    def reply(
        self, service: str | None = None, timeout_ms: int = 5000
    ) -> tuple[Message, list[bytes]]:
        """The next client reply (worker traffic in between is skipped)."""
        deadline = time.monotonic() + timeout_ms / 1000
        while (left := deadline - time.monotonic()) > 0:
            if not self.sock.poll(int(left * 1000) + 1):
                break
            frames = self.sock.recv_multipart()
            rest = frames[1:] if frames and frames[0] == b"" else frames
            if rest and rest[0] in (mdp.C_CLIENT_V1, mdp.C_CLIENT_V2):
                reply = mdp.parse_client_reply(frames)
                if service is None or reply.service == service or reply.service == "error":
                    message, _ = parse(reply.body[0])
                    return message, reply.body
            else:
                self.backlog.append(frames)
        raise TimeoutError(f"no reply to {service}")

    def close(self) -> None:
        self.sock.close(linger=0)


class Worker(Peer):
    """An authorizer workstation reduced to its protocol: presence, READY, items, decisions."""

    def __init__(self, endpoint: str, key: SigningKey, ctx: zmq.Context[Any] | None = None) -> None:
        super().__init__(endpoint, ctx)
        self.key = key
        self.items: list[Any] = []
        self.revokes: list[Any] = []
        self.readings: list[Any] = []  # item_reading messages (docs/PROTOCOL.md §4.15)

    def sign_in(self) -> None:
        ack, _ = self.call(
            "authz.presence",
            [
                self.key.sign_presence(
                    terminal_id="WS-" + self.key.authorizer_id, state="available"
                ).to_frame()
            ],
        )
        assert ack.type == "presence_ack", ack  # type: ignore[attr-defined]
        self.send_raw(mdp.worker_frames(mdp.WorkerCommand.READY, service="authz"))

    def ask_prefetch(self, count: int = 1) -> int:
        """Ask the broker to hold ``count`` next items for this workstation; what it granted."""
        ack, _ = self.call("authz.options", [WorkerOptions(prefetch=count).to_frame()])
        return int(ack.prefetch)  # type: ignore[attr-defined]

    def next_work(self, timeout_ms: int = 5000) -> Any:
        """The next REQUEST body (item or revoke), answering heartbeats on the way."""
        deadline = time.monotonic() + timeout_ms / 1000
        while (left := deadline - time.monotonic()) > 0:
            if self.backlog:
                frames = self.backlog.pop(0)
            elif self.sock.poll(int(left * 1000) + 1):
                frames = self.sock.recv_multipart()
            else:
                break
            rest = frames[1:] if frames and frames[0] == b"" else frames
            if rest and rest[0] == mdp.W_WORKER_V1:
                message = mdp.parse_from_broker(frames)
                if message.command is mdp.WorkerCommand.HEARTBEAT:
                    self.send_raw(mdp.worker_frames(mdp.WorkerCommand.HEARTBEAT))
                elif message.command is mdp.WorkerCommand.REQUEST:
                    body, _ = parse(message.body[0])
                    kind = body.type  # type: ignore[attr-defined]
                    {"item": self.items, "item_reading": self.readings}.get(
                        kind, self.revokes
                    ).append(body)
                    return body
        return None

    def decide(
        self, item: Any, verdict: str = "approve", reason_code: str | None = None, **kw: Any
    ) -> tuple[Message, Any]:
        if getattr(item, "reauth_required", False):  # the PIN entered again, as the UI does
            kw.setdefault("reauth_at", kw.get("decided_at") or time.time_ns() // 1_000_000)
        decision = self.key.sign_decision(
            request_id=item.request["request_id"],
            lease_id=item.lease_id,
            request_digest=item.request_digest,
            evidence=[e["sha256"] for e in item.request["evidence"]],
            verdict=verdict,
            reason_code=reason_code,
            reason_text=kw.pop("reason_text", ""),
            **kw,
        )
        reply, _ = self.call("authz.decide", [decision.to_frame()])
        return reply, decision


def authdesk(*args: str, env: dict[str, str] | None = None, **kw: Any) -> subprocess.Popen[str]:
    """Start ``python -m app.main ...`` as a real process."""
    full_env = {
        **os.environ,
        "PYTHONUNBUFFERED": "1",
        "QT_QPA_PLATFORM": "offscreen",
        "AUTHDESK_CONFIG": "",  # never the machine's /etc/authdesk/authdesk.toml
        **(env or {}),
    }
    return subprocess.Popen(
        [sys.executable, "-m", "app.main", *args],
        cwd=ROOT,
        env=full_env,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        **kw,
    )


def wait_for_broker(endpoint: str, timeout_ms: int = 20_000, transport: Any = None) -> None:
    """Block until a broker answers mmi.service at endpoint (ZeroMQ queues the request)."""
    peer = Peer(endpoint, zmq.Context.instance(), transport)
    try:
        peer.sock.send_multipart(mdp.client_request("mmi.service", [b"authz"]))
        if not peer.sock.poll(timeout_ms):
            raise TimeoutError(f"no broker at {endpoint}")
        peer.sock.recv_multipart()
    finally:
        peer.close()


def sign_reading(
    request: AuthRequest,
    digest: str,
    verdicts: dict[str, Any],
    key: Any = None,
    reader_id: str = "R-TEST",
    day: str = "2026-01-01",
) -> Any:
    """A signed machine reading of ``request`` whose elements have these verdicts (a
    ``reading.model.Verdict`` each), without the OCR: for the desk's and the engine's paths."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from clientsvc.identity import key_id_of
    from clientsvc.protocol.canonical import canonical_bytes
    from clientsvc.reading.model import ElementReading, Reading, Seen, Verdict, Why
    from clientsvc.reading.signed import READING_TAG, SignedReading

    key = key or Ed25519PrivateKey.generate()
    sha = request.evidence[0].sha256 if request.evidence else "0" * 64
    why = {
        Verdict.MATCH: Why.AGREES,
        Verdict.MISMATCH: Why.DIFFERS,
        Verdict.UNREADABLE: Why.NOT_SURE,
    }
    elements = [
        ElementReading(
            element=name,
            keyed="1",
            seen=[]
            if v is Verdict.UNREADABLE
            else [Seen(sha256=sha, box=[10, 10, 200, 40], text="2", confidence=950, how="right")],
            confidence=950,
            verdict=v,
            why=why[v],
        )
        for name, v in verdicts.items()
    ]
    reading = Reading(
        request_id=request.request_id,
        request_digest=digest,
        reader_id=reader_id,
        engine="test 1",
        models={},
        layout=request.txn_type,
        day=day,
        images=[],
        elements=elements,
        ms=0,
    )
    signature = key.sign(READING_TAG + canonical_bytes(reading.fields())).hex()
    return SignedReading(reading, key_id_of(key.public_key()), signature)
