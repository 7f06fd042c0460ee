"""What a reader speaks: the MDP worker protocol on ``authz.read`` (docs/PROTOCOL.md §4.15).

A request is put in the readers' line as soon as it is accepted. A free reader is sent a
``read_job``; it fetches the images by hash (``evidence.get``), reads them and answers with a
signed reading. The broker checks the reading (its signer is a published reader, it is about
this request as sent and for the request's day), keeps it with the request, journals it (the
center gets it with the request's record) and sends it to the authorizer holding the item, or
with the item when it is dispatched later. Nothing here waits: a reader that is slow, gone or
wrong costs the reading, never the queue.

- No reader: the item says the machine check is unavailable; a reader that connects later
  still reads what waits, and the item is told.
- A reader silent past its liveness, or holding a job past ``JOB_MS``, is dropped and its job
  goes to another; after ``MAX_TRIES`` tries the request's reading is unavailable.
- A reading that does not verify is refused and counted; the job goes to another reader.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from clientsvc.broker.config import BrokerConfig
from clientsvc.broker.state import Entry
from clientsvc.broker.transitions import Moves
from clientsvc.clock import now_ms
from clientsvc.crosscheck import local_date
from clientsvc.folderwatch import RESCAN_S, FolderWatch
from clientsvc.identity import key_id_of
from clientsvc.protocol import mdp
from clientsvc.protocol.errors import ErrorCode, ProtocolError
from clientsvc.protocol.messages import (
    MAX_READING_BYTES,
    ItemReading,
    ReadingStatus,
    ReadJob,
    decode_json,
)
from clientsvc.reading.signed import SignedReading, verify_reading

log = logging.getLogger("authdesk.broker")

READ_SERVICE = "authz.read"
JOB_MS = 120_000  # a reader holding one job this long is stuck: dropped, the job goes on
MAX_TRIES = 2  # readers tried per request before its reading is unavailable
MAX_LINE = 100_000  # requests waiting for a reader (the oldest are let go past it)


class ReaderKeys:
    """The readers' published signing keys: ``<reader_id>.pem`` (Ed25519 public key, PEM) in
    a folder, re-read when it changes. A key binds its reader id: a reading verifies only
    with the key published under the reader id it names."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._watch = FolderWatch(folder, RESCAN_S, ".pem")
        self._keys: dict[str, tuple[str, Ed25519PublicKey]] = {}  # key id → (reader, key)

    def keys(self) -> dict[str, tuple[str, Ed25519PublicKey]]:
        files = self._watch.changed()
        if files is not None:
            keys: dict[str, tuple[str, Ed25519PublicKey]] = {}
            for name, *_ in files:
                try:
                    public = serialization.load_pem_public_key((self.folder / name).read_bytes())
                except (OSError, ValueError) as exc:
                    log.error("ignored reader key %s: %s", name, exc)
                    continue
                if not isinstance(public, Ed25519PublicKey):
                    log.error("ignored reader key %s: not an Ed25519 key", name)
                    continue
                keys[key_id_of(public)] = (name.removesuffix(".pem"), public)
            self._keys = keys
        return self._keys

    def verify(self, signed: SignedReading) -> None:
        known = self.keys()
        held = known.get(signed.key_id)
        if held is None or held[0] != signed.reading.reader_id:
            raise ProtocolError(
                ErrorCode.UNKNOWN_KEY,
                f"no reader {signed.reading.reader_id} with the key {signed.key_id}",
            )
        verify_reading(signed, {signed.key_id: held[1]})


@dataclass(eq=False)
class Reader:
    identity: bytes
    version: int = 1
    delimited: bool = True
    expires_at: int = 0
    next_heartbeat: int = 0
    job: str | None = None  # the request id it is reading
    job_since: int = 0


class Readers:
    def __init__(self, config: BrokerConfig, moves: Moves, stats: dict[str, int]) -> None:
        self.config = config
        self.moves = moves
        self.requests = moves.requests
        self.stats = stats
        stats.setdefault("readings", 0)
        stats.setdefault("readings_refused", 0)
        self.keys = ReaderKeys(config.readers or config.directory / "readers")
        self.peers: dict[bytes, Reader] = {}
        self.line: deque[str] = deque()  # request ids waiting for a reader, oldest first
        self.tries: dict[str, int] = {}
        self.changed = threading.Condition()  # a reader came or went, a reading was kept

    def wait_for(self, predicate: Callable[[], bool], timeout: float) -> bool:
        """Until ``predicate`` holds (tests, benchmarks: read-only looks from another
        thread, checked each time the readers' state changes)."""
        with self.changed:
            return self.changed.wait_for(predicate, timeout)

    def _changed(self) -> None:
        with self.changed:
            self.changed.notify_all()

    def knows(self, identity: bytes) -> bool:
        return identity in self.peers

    # --- the requests ---------------------------------------------------------------------

    def accepted(self, entry: Entry) -> None:
        """A new request (or one restored without its reading): into the readers' line."""
        if entry.reading is not None or entry.state.final:
            return
        if len(self.line) >= MAX_LINE:
            dropped = self.line.popleft()
            self._give_up(dropped, "the readers' line is full")
        self.line.append(entry.request_id)
        if not self.peers:
            self._set_status(entry, "unavailable")
        self.run()

    def status_now(self) -> ReadingStatus:
        """What a request accepted now says of its reading: a reader will make it, or none
        is connected."""
        return "pending" if self.peers else "unavailable"

    # --- the worker protocol ----------------------------------------------------------------

    def on_ready(self, identity: bytes, message: mdp.WorkerMessage) -> None:
        peer = self.peers.get(identity) or Reader(identity)
        peer.version, peer.delimited = message.version, message.delimited
        peer.expires_at = now_ms() + self.config.worker_lifetime_ms
        peer.next_heartbeat = now_ms() + self.config.heartbeat_ms
        self.peers[identity] = peer
        log.info("reader %s ready", identity.hex())
        self._changed()
        for rid in self.line:  # a reader again: what waits is no longer unavailable
            entry = self.requests.active.get(rid)
            if entry is not None and entry.reading_status == "unavailable":
                self._set_status(entry, "pending")
        self.run()

    def on_message(self, identity: bytes, message: mdp.WorkerMessage) -> None:
        peer = self.peers[identity]
        peer.expires_at = now_ms() + self.config.worker_lifetime_ms
        if message.command is mdp.WorkerCommand.DISCONNECT:
            self._drop(peer, "disconnected")
        elif message.command is mdp.WorkerCommand.REPLY:
            self._on_reply(peer, message)
        # HEARTBEAT: liveness refreshed above; READY again is handled by on_ready

    def _on_reply(self, peer: Reader, message: mdp.WorkerMessage) -> None:
        rid, peer.job = peer.job, None
        try:
            if rid is None or message.client != rid.encode():
                raise ProtocolError(ErrorCode.UNKNOWN_REQUEST, "a reading of no job given")
            entry = self.requests.get(rid)
            if entry is None:
                raise ProtocolError(ErrorCode.UNKNOWN_REQUEST, rid)
            signed = self._check(entry, message.body)
        except ProtocolError as err:
            self.stats["readings_refused"] += 1
            log.warning(
                "refused a reading from %s: %s %s", peer.identity.hex(), err.code, err.detail
            )
            if rid is not None:
                self._retry(rid)
            self._changed()
            self.run()
            return
        self.tries.pop(rid, None)
        self.stats["readings"] += 1
        log.info(
            "reading of %s by %s in %d ms: %d mismatches",
            rid,
            signed.reading.reader_id,
            signed.reading.ms,
            len(signed.reading.mismatches()),
        )
        if entry.reading is None or entry.reading.digest != signed.digest:
            entry.reading = signed
            self.moves.deferred.append((now_ms(), rid, "read", {"reading": signed.to_dict()}))
            self._tell(entry, reading=signed.to_dict())
        self._changed()
        self.run()

    def _check(self, entry: Entry, body: list[bytes]) -> SignedReading:
        if not body:
            raise ProtocolError(ErrorCode.MALFORMED, "an empty reading")
        if len(body[0]) > MAX_READING_BYTES:
            raise ProtocolError(ErrorCode.TOO_LARGE, f"a reading of {len(body[0])} bytes")
        signed = SignedReading.from_dict(decode_json(body[0], MAX_READING_BYTES))
        self.keys.verify(signed)
        reading = signed.reading
        if reading.request_id != entry.request_id or reading.request_digest != entry.digest:
            raise ProtocolError(ErrorCode.WRONG_REQUEST, "the reading is of another request")
        if reading.day != local_date(entry.enqueued_at).isoformat():
            raise ProtocolError(ErrorCode.WRONG_REQUEST, f"the reading is for {reading.day}")
        return signed

    def on_timers(self, at: int) -> None:
        for peer in list(self.peers.values()):
            if peer.expires_at < at:
                self._drop(peer, "heartbeat lost")
            elif peer.job is not None and at - peer.job_since > JOB_MS:
                log.warning("reader %s held %s too long: dropped", peer.identity.hex(), peer.job)
                self.moves.out.send(
                    peer.identity,
                    mdp.worker_frames(
                        mdp.WorkerCommand.DISCONNECT,
                        version=peer.version,
                        delimited=peer.delimited,
                    ),
                )
                self._drop(peer, "job too long")
            elif peer.next_heartbeat <= at:
                self.moves.out.send(
                    peer.identity,
                    mdp.worker_frames(
                        mdp.WorkerCommand.HEARTBEAT,
                        version=peer.version,
                        delimited=peer.delimited,
                    ),
                )
                peer.next_heartbeat = at + self.config.heartbeat_ms

    # --- inside -------------------------------------------------------------------------------

    def run(self) -> None:
        """Each free reader gets the oldest request still waiting for a reading."""
        free = [p for p in self.peers.values() if p.job is None]
        while free and self.line:
            rid = self.line.popleft()
            entry = self.requests.active.get(rid)
            if entry is None or entry.reading is not None:
                self.tries.pop(rid, None)
                continue
            peer = free.pop()
            job = ReadJob(
                request=entry.raw, request_digest=entry.digest, enqueued_at=entry.enqueued_at
            )
            frames = mdp.worker_frames(
                mdp.WorkerCommand.REQUEST,
                version=peer.version,
                delimited=peer.delimited,
                client=rid.encode(),
                body=[job.to_frame()],
            )
            if not self.moves.out.send(peer.identity, frames):
                self.line.appendleft(rid)
                self._drop(peer, "unreachable")
                continue
            peer.job, peer.job_since = rid, now_ms()
            self.tries[rid] = self.tries.get(rid, 0) + 1

    def _retry(self, rid: str) -> None:
        if self.tries.get(rid, 0) >= MAX_TRIES:
            self._give_up(rid, f"{MAX_TRIES} readers tried")
        else:
            self.line.appendleft(rid)

    def _give_up(self, rid: str, why: str) -> None:
        self.tries.pop(rid, None)
        entry = self.requests.active.get(rid)
        if entry is not None and entry.reading is None:
            log.warning("no reading of %s: %s", rid, why)
            self._set_status(entry, "unavailable")

    def _drop(self, peer: Reader, why: str) -> None:
        self.peers.pop(peer.identity, None)
        log.info("reader %s gone: %s", peer.identity.hex(), why)
        self._changed()
        if peer.job is not None:
            rid, peer.job = peer.job, None
            self._retry(rid)
        if not self.peers:
            for rid in self.line:
                entry = self.requests.active.get(rid)
                if entry is not None:
                    self._set_status(entry, "unavailable")
        self.run()

    def _set_status(self, entry: Entry, status: ReadingStatus) -> None:
        if entry.reading is None and entry.reading_status != status:
            entry.reading_status = status
            self._changed()
            self._tell(entry, reading_status=status)

    def _tell(self, entry: Entry, **what: Any) -> None:
        """The authorizer holding the item is sent its reading, or its new status."""
        lease = entry.lease
        worker = self.moves.workers.get(lease.worker) if lease is not None else None
        if lease is None or worker is None or lease not in worker.leases:
            return
        note = ItemReading(request_id=entry.request_id, lease_id=lease.lease_id, **what)
        self.moves.out.to_worker(
            worker,
            mdp.WorkerCommand.REQUEST,
            client=lease.lease_id.encode(),
            body=[note.to_frame()],
        )
