"""``authdesk reader``: an MDP worker for ``authz.read`` (docs/PROTOCOL.md §4.15).

Two threads. ``reader`` owns the worker socket: READY, heartbeats both ways, a ``read_job``
in, the signed reading out; it never waits on a reading. ``reader-work`` takes one job at a
time: it checks the request against its digest, fetches the images by hash on a client
socket of its own (``evidence.get``, each checked against its hash), reads them through the
``ReadingDesk`` (the OCR child, the cache) and hands the reading back. The broker sends one
job at a time, so the worker thread's queue holds at most one.

A broker that goes silent is reconnected to (MDP: heartbeat × liveness); the job in hand is
finished and its reading sent on the new connection (the broker refuses it if it gave the
job to another reader meanwhile)."""

from __future__ import annotations

import functools
import logging
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import zmq

from clientsvc.clock import now_ms
from clientsvc.crosscheck import local_date
from clientsvc.curve import Transport
from clientsvc.mailbox import Mailbox
from clientsvc.protocol import mdp
from clientsvc.protocol.canonical import canonical_bytes
from clientsvc.protocol.errors import ErrorCode, ProtocolError
from clientsvc.protocol.messages import (
    MAX_ITEM_BYTES,
    AuthRequest,
    EvidenceBlob,
    EvidenceGet,
    ReadJob,
    parse,
    request_digest,
)
from clientsvc.reading.signed import SignedReading

log = logging.getLogger("authdesk.reader")

READ_SERVICE = "authz.read"
READ_KINDS = ("voucher", "id_front", "id_back")


class Desk(Protocol):
    def read(
        self, request: AuthRequest, digest: str, images: dict[str, bytes], today: Any
    ) -> SignedReading: ...


@dataclass
class ReaderConfig:
    endpoint: str
    transport: Transport
    heartbeat_ms: int = 2500
    liveness: int = 3
    evidence_timeout_ms: int = 10_000


class ReaderService:
    def __init__(
        self, config: ReaderConfig, desk: Desk, context: zmq.Context[Any] | None = None
    ) -> None:
        self.config = config
        self.desk = desk
        self._ctx = context or zmq.Context.instance()
        self._stop = threading.Event()
        self._mailbox = Mailbox(self._ctx, "reader")
        self._jobs: queue.SimpleQueue[tuple[bytes, ReadJob] | None] = queue.SimpleQueue()
        self._threads: list[threading.Thread] = []
        self._socket: zmq.Socket[Any] | None = None
        self.read_count = 0
        self.ready = threading.Event()  # READY sent on a connection (tests wait for it)
        self.on_read: Callable[[str, SignedReading], None] = lambda rid, signed: None

    # --- lifecycle ----------------------------------------------------------------------------

    def start(self) -> None:
        wake = self._mailbox.open()
        self._threads = [
            threading.Thread(target=self._run, args=(wake,), name="reader", daemon=True),
            threading.Thread(target=self._work, name="reader-work", daemon=True),
        ]
        for thread in self._threads:
            thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._jobs.put(None)
        self._mailbox.wake()
        for thread in self._threads:
            thread.join(30)
        self._threads = []
        self._mailbox.close()

    def stop_soon(self) -> None:
        """Any thread (a signal handler): ``serve_forever`` ends."""
        self._stop.set()

    def serve_forever(self) -> None:
        self.start()
        try:
            self._stop.wait()
        finally:
            self.stop()

    # --- the worker socket (thread ``reader``) ------------------------------------------------

    def _connect(self) -> zmq.Socket[Any]:
        if self._socket is not None:
            self._socket.close(linger=0)
        sock: zmq.Socket[Any] = self._ctx.socket(zmq.DEALER)
        self.config.transport.secure_client(sock)
        sock.setsockopt(zmq.LINGER, 0)
        sock.setsockopt(zmq.MAXMSGSIZE, MAX_ITEM_BYTES + 4096)
        sock.connect(self.config.endpoint)
        sock.send_multipart(mdp.worker_frames(mdp.WorkerCommand.READY, service=READ_SERVICE))
        self._socket = sock
        self.ready.set()
        return sock

    def _run(self, wake: zmq.Socket[Any]) -> None:
        sock = self._connect()
        poller = zmq.Poller()
        poller.register(wake, zmq.POLLIN)
        poller.register(sock, zmq.POLLIN)
        beat = self.config.heartbeat_ms
        heard = next_beat = now_ms()
        try:
            while not self._stop.is_set():
                events = dict(poller.poll(beat // 2))
                if wake in events:
                    for command in self._mailbox.drain(wake):
                        command()
                if sock in events:
                    heard = now_ms()
                    while True:
                        try:
                            frames = sock.recv_multipart(zmq.NOBLOCK)
                        except zmq.Again:
                            break
                        if not self._on_frames(frames):
                            heard = 0  # the broker asked us to reconnect
                at = now_ms()
                if at - heard > beat * self.config.liveness:
                    log.warning("the broker is silent: reconnecting")
                    poller.unregister(sock)
                    sock = self._connect()
                    poller.register(sock, zmq.POLLIN)
                    heard = next_beat = at
                if at >= next_beat:
                    sock.send_multipart(mdp.worker_frames(mdp.WorkerCommand.HEARTBEAT))
                    next_beat = at + beat
        finally:
            try:
                sock.send_multipart(mdp.worker_frames(mdp.WorkerCommand.DISCONNECT))
            except zmq.ZMQError:
                pass
            sock.close(linger=200)
            self._socket = None
            wake.close(linger=0)

    def _on_frames(self, frames: list[bytes]) -> bool:
        """False when the broker said DISCONNECT."""
        try:
            message = mdp.parse_from_broker(frames)
        except ProtocolError as err:
            log.warning("ignored a malformed message from the broker: %s", err)
            return True
        if message.command is mdp.WorkerCommand.DISCONNECT:
            return False
        if message.command is mdp.WorkerCommand.REQUEST and message.body:
            try:
                job, _ = parse(message.body[0], ReadJob, max_bytes=MAX_ITEM_BYTES)
            except ProtocolError as err:
                log.warning("ignored a malformed job: %s %s", err.code, err.detail)
                return True
            self._jobs.put((message.client, job))
        return True

    def _reply(self, client: bytes, frame: bytes) -> None:
        """On the ``reader`` thread (through the mailbox): the reading to the broker."""
        if self._socket is not None:
            self._socket.send_multipart(
                mdp.worker_frames(mdp.WorkerCommand.REPLY, client=client, body=[frame])
            )

    # --- the reading (thread ``reader-work``) -------------------------------------------------

    def _work(self) -> None:
        evidence = _EvidenceClient(self._ctx, self.config)
        try:
            while True:
                got = self._jobs.get()
                if got is None or self._stop.is_set():
                    return
                client, job = got
                try:
                    signed = self._read(job, evidence)
                except ProtocolError as err:  # not a request we can read: said in the log
                    log.warning("job refused: %s %s", err.code, err.detail)
                    continue
                except Exception:  # a bug costs this reading, not the reader
                    log.exception("reading failed")
                    continue
                self.read_count += 1
                self.on_read(signed.reading.request_id, signed)
                try:
                    self._mailbox.put(functools.partial(self._reply, client, _frame(signed)))
                except zmq.ZMQError:  # the socket's thread has ended: the reader is stopping
                    return
        finally:
            evidence.close()

    def _read(self, job: ReadJob, evidence: _EvidenceClient) -> SignedReading:
        try:
            request = AuthRequest.model_validate(job.request)
        except ValueError as exc:
            raise ProtocolError(ErrorCode.MALFORMED, "the job's request is not one") from exc
        if request_digest(job.request) != job.request_digest:
            raise ProtocolError(ErrorCode.WRONG_REQUEST, "the job's digest does not match")
        images: dict[str, bytes] = {}
        for ref in request.evidence:
            if ref.kind in READ_KINDS and ref.sha256 not in images:
                data = evidence.get(ref.sha256)
                if data is not None:
                    images[ref.sha256] = data
        return self.desk.read(request, job.request_digest, images, local_date(job.enqueued_at))


def _frame(signed: SignedReading) -> bytes:
    return canonical_bytes(signed.to_dict())


class _EvidenceClient:
    """``evidence.get`` on a DEALER of its own; None for an image not had in time."""

    def __init__(self, ctx: zmq.Context[Any], config: ReaderConfig) -> None:
        self._ctx, self.config = ctx, config
        self._socket: zmq.Socket[Any] | None = None

    def _sock(self) -> zmq.Socket[Any]:
        if self._socket is None:
            sock = self._ctx.socket(zmq.DEALER)
            self.config.transport.secure_client(sock)
            sock.setsockopt(zmq.LINGER, 0)
            sock.connect(self.config.endpoint)
            self._socket = sock
        return self._socket

    def get(self, sha256: str) -> bytes | None:
        sock = self._sock()
        sock.send_multipart(
            mdp.client_request("evidence.get", [EvidenceGet(sha256=sha256).to_frame()])
        )
        deadline = now_ms() + self.config.evidence_timeout_ms
        while (left := deadline - now_ms()) > 0:
            if not sock.poll(left, zmq.POLLIN):
                break
            try:
                reply = mdp.parse_client_reply(sock.recv_multipart())
                blob, _ = parse(reply.body[0], EvidenceBlob) if reply.body else (None, None)
            except ProtocolError as err:
                log.info("no image %s: %s", sha256[:12], err.detail or err.code)
                return None
            if blob is None or blob.sha256 != sha256 or len(reply.body) < 2:
                continue  # a late answer to an earlier question
            return reply.body[1]  # the desk checks it against its hash
        log.warning(
            "no image %s within %d ms: reconnecting", sha256[:12], self.config.evidence_timeout_ms
        )
        self.close()
        return None

    def close(self) -> None:
        if self._socket is not None:
            self._socket.close(linger=0)
            self._socket = None
