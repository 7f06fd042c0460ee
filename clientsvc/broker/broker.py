"""The branch broker (MDP/0.1 and 0.2 on one ROUTER socket).

Services (client side): ``authz.submit``, ``authz.wait``, ``authz.cancel``, ``authz.decide``,
``authz.presence``, ``authz.queue``, ``evidence.get``, ``mmi.service``. Workers register for the
``authz`` service; each receives at most one leased item at a time, chosen for it at random
among the eligible idle authorizers (背对背). See docs/PROTOCOL.md.
"""

from __future__ import annotations

import hashlib
import json
import logging
import random
import re
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

import zmq
from sortedcontainers import SortedKeyList

from clientsvc.broker.journal import Journal
from clientsvc.broker.resubmission import Hold, Returner, hold_for, offer, refusal
from clientsvc.catalogue import check_reason
from clientsvc.clock import now_ms
from clientsvc.crosscheck import check_override
from clientsvc.curve import Transport, start_authenticator
from clientsvc.dual import DualPolicy, Verdicts
from clientsvc.identity import AuthorizerProfile, Directory, verify_decision, verify_presence
from clientsvc.imagecheck import check_declared, check_item, image_format, read_header
from clientsvc.protocol import mdp
from clientsvc.protocol.errors import ErrorCode, ProtocolError
from clientsvc.protocol.messages import (
    FINAL_STATES,
    MAX_IMAGE_BYTES,
    VERDICT_STATE,
    AuthRequest,
    Cancel,
    Decision,
    DecisionAck,
    EvidenceBlob,
    EvidenceGet,
    Item,
    LocalAuthorization,
    Original,
    Outcome,
    Presence,
    PresenceAck,
    QueueStatus,
    QueueStatusGet,
    Revoke,
    SubmitAck,
    Wait,
    WorkerOptions,
    WorkerOptionsAck,
    decode_json,
    error_frame,
    parse,
    request_digest,
)
from clientsvc.rules import AuthorityPolicy, eligible, reauth_is_fresh

log = logging.getLogger("authdesk.broker")

ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:\-]{0,63}")
WORKER_SERVICE = "authz"
IDLE_MS = 40  # quiet this long: write the deferred journal records
CLIENT_SERVICES = frozenset(
    {
        "authz.submit",
        "authz.wait",
        "authz.cancel",
        "authz.local",
        "authz.decide",
        "authz.presence",
        "authz.queue",
        "authz.options",
        "evidence.get",
        "mmi.service",
    }
)
MAX_PREFETCH = 1
# waits one connection may have held at once (a teller terminal waits on one or two requests);
# past it a wait is answered at once with the state as it is: memory per connection is bounded
MAX_WAITS_PER_PEER = 32
PICK_DRAWS = 16  # random draws for an eligible free authorizer before looking at them all


def _queue_key(entry: Any) -> tuple[bool, int, str]:
    return (not entry.request.urgent, entry.enqueued_at, entry.request.request_id)


def _request_id_of(frame: bytes) -> str | None:
    """Best effort: the request id a refused body was about, so the error can name it."""
    try:
        value = decode_json(frame).get("request_id")
    except ProtocolError:
        return None
    if isinstance(value, str) and ID_PATTERN.fullmatch(value):
        return value
    return None


def _sniff_mime(data: bytes) -> str | None:
    kind = image_format(data)  # the same magic bytes the image checks read
    return None if kind is None else f"image/{kind}"


@dataclass
class BrokerConfig:
    endpoint: str = "tcp://127.0.0.1:5555"
    directory: Path = Path("directory")
    journal: Path | None = None
    heartbeat_ms: int = 2500
    liveness: int = 3
    lease_ms: int = 10 * 60_000
    clock_skew_ms: int = 120_000
    # per frame (libzmq's MAXMSGSIZE): the largest image plus slack; more is dropped unread
    max_message_bytes: int = MAX_IMAGE_BYTES + 64 * 1024
    # answer resubmissions and late waits for this long (a resubmission after it would be
    # taken as a new request; tellers retry within minutes)
    retain_final_ms: int = 7 * 24 * 3600_000
    policy: AuthorityPolicy = field(default_factory=AuthorityPolicy)
    dual: DualPolicy = field(default_factory=DualPolicy)
    # a resubmission is offered first to the authorizer who returned its original, when they
    # are signed in and available, for this long after it is accepted; then to anyone
    # (0: to anyone at once, as any request)
    resubmit_hold_ms: int = 60_000
    # CURVE and ZAP on the socket, or plain (an explicit choice: one machine, tests)
    transport: Transport = field(default_factory=Transport.plain)


@dataclass
class Lease:
    lease_id: str
    request_id: str
    worker: bytes
    authorizer_id: str
    expires_at: int


@dataclass
class Waiter:
    identity: bytes
    request: mdp.ClientRequest
    deadline: int


@dataclass(eq=False)  # an entry is itself: compared by identity
class Entry:
    request: AuthRequest
    raw: dict[str, Any]
    digest: str
    enqueued_at: int
    deadline_at: int
    state: str = "pending"
    lease: Lease | None = None
    decision: Decision | None = None
    attempts: int = 0
    detail: str = ""
    waiters: list[Waiter] = field(default_factory=list)
    verdicts: Verdicts = field(default_factory=Verdicts)  # dual authorization
    # a resubmission: the returned request of the same teller it corrects, and while it lasts
    # the hold for the authorizer who returned that one (§7.15)
    original: Entry | None = field(default=None, repr=False)
    hold: Hold | None = None
    successors: list[Entry] = field(default_factory=list, repr=False)  # its corrections
    # the waiting line this entry is in while it is open and pending (see ``OpenRequests``)
    queue: SortedKeyList | None = field(default=None, repr=False)

    def __setattr__(self, name: str, value: Any) -> None:
        if name != "state" and name != "queue":
            object.__setattr__(self, name, value)
            return
        before = self.__dict__.get("queue")
        was_waiting = before is not None and self.__dict__.get("state") == "pending"
        object.__setattr__(self, name, value)
        after = self.__dict__.get("queue")
        waiting = after is not None and self.__dict__.get("state") == "pending"
        if was_waiting and (not waiting or after is not before):
            before.remove(self)  # type: ignore[union-attr]
        if waiting and (not was_waiting or after is not before):
            after.add(self)  # type: ignore[union-attr]

    @property
    def evidence(self) -> list[str]:
        return sorted(e.sha256 for e in self.request.evidence)


@dataclass
class Worker:
    identity: bytes
    version: int = 1
    delimited: bool = True
    ready: bool = False
    expires_at: int = 0
    next_heartbeat: int = 0
    profile: AuthorizerProfile | None = None
    terminal_id: str = ""
    presence: str = "signed_out"
    # in the order dispatched: leases[0] is on the authorizer's screen, the rest are held as
    # their next item (prefetch, when the worker asked for it with ``worker_options``)
    leases: list[Lease] = field(default_factory=list)
    prefetch: int = 0


class JournalLost(RuntimeError):
    """The journal's commits could not be made durable: the broker stopped unacknowledged."""


class OpenRequests(dict[str, Entry]):
    """The requests not final yet (what the timers look at) and, kept in queue order (urgent
    first, then oldest) as their states change, those of them waiting for an authorizer: the
    oldest few, a request's place in the line and the count are a lookup, never a sort of the
    backlog."""

    def __init__(self) -> None:
        super().__init__()
        self.waiting: SortedKeyList = SortedKeyList(key=_queue_key)

    def __setitem__(self, request_id: str, entry: Entry) -> None:
        old = self.get(request_id)
        if old is not None and old is not entry:
            old.queue = None
        super().__setitem__(request_id, entry)
        entry.queue = self.waiting  # in the line at once if pending

    def __delitem__(self, request_id: str) -> None:
        if request_id not in self:
            raise KeyError(request_id)
        self.pop(request_id)

    def _unsupported(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError("OpenRequests keeps its line in order: use [] =, pop or del")

    update = setdefault = popitem = clear = _unsupported

    def pop(self, request_id: str, default: Any = None) -> Any:
        entry = super().pop(request_id, default)
        if isinstance(entry, Entry):
            entry.queue = None  # out of the line whatever its state
        return entry


class Broker:
    """Run with ``serve_forever()`` (blocking) or ``start()`` on a thread; ``stop()`` to end."""

    def __init__(self, config: BrokerConfig, context: zmq.Context[Any] | None = None) -> None:
        self.config = config
        self._ctx = context or zmq.Context.instance()
        self._socket: zmq.Socket[Any] | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.failure: JournalLost | None = None  # why a broker on a thread stopped by itself
        self._bound = threading.Event()
        self._auth: Any = None  # the ZAP handler, with CURVE
        self.bound_endpoint = ""
        self.directory = Directory(config.directory)
        self.journal = Journal(config.journal)
        self.entries: dict[str, Entry] = {}  # every request still remembered
        self.active = OpenRequests()  # those not final yet: what the timers look at
        self.workers: dict[bytes, Worker] = {}
        self._nonces: OrderedDict[str, int] = OrderedDict()
        self._rng = random.SystemRandom()
        self._lease_seq = 0
        self._next_prune = 0
        self._deferred: list[tuple[int, str, str, dict[str, Any]]] = []  # journal when idle
        # replies held until the journal's commits they speak of are on disk (group commit)
        self._outbox: list[tuple[bytes, list[bytes]]] = []
        self._lost = False  # an fsync failed: the broker stops, acknowledging nothing more
        self.stats = {
            "malformed": 0,
            "dispatched": 0,
            "decided": 0,
            "refused": 0,
            "internal_errors": 0,
            "syncs_failed": 0,
        }
        self._waits_held: dict[bytes, int] = {}  # connection → waits held for it
        self._orphans: dict[str, list[Lease]] = {}  # authorizer → leases without a connection
        self._directory_version = -1  # the directory's profiles the workers' copies are from
        self.restored = self._restore() if config.journal is not None else 0

    # --- restart ---------------------------------------------------------------------------

    def _restore(self) -> int:
        """Rebuild the queue, the leases and every remembered outcome from the journal, as if
        the broker had never stopped. A lease comes back without its connection: its decision
        is accepted from the authorizer's new connection (the lease and the authorizer match),
        and the item is sent to them again when they are back (``_resume_leases``); a lease
        that runs out meanwhile puts the item back in the queue, a deadline that passed times
        the request out — both on the first timer round. Returns the requests restored."""
        at = now_ms()
        records = self.journal.replay(since_ms=at - self.config.retain_final_ms)
        for at_ms, request_id, event, body in records:
            try:
                self._replay(at_ms, request_id, event, body)
            except (KeyError, TypeError, ValueError) as exc:  # a damaged record: say so, go on
                log.error("journal record %s of %s not restored: %s", event, request_id, exc)
        for entry in sorted(self.active.values(), key=lambda e: e.enqueued_at):
            if entry.lease is not None:
                self._orphans.setdefault(entry.lease.authorizer_id, []).append(entry.lease)
        if self.entries:
            open_now = len(self.active)
            held = sum(1 for e in self.active.values() if e.lease is not None)
            log.info(
                "restored %d requests from the journal: %d open, %d of them leased",
                len(self.entries),
                open_now,
                held,
            )
        return len(self.entries)

    def _replay(self, at_ms: int, request_id: str, event: str, body: dict[str, Any]) -> None:
        if event == "accepted":
            msg = AuthRequest.model_validate(body["request"])
            self.entries[request_id] = self.active[request_id] = Entry(
                msg,
                body["request"],
                str(body["digest"]),
                enqueued_at=at_ms,
                deadline_at=at_ms if body.get("local") else at_ms + msg.wait_s * 1000,
                verdicts=Verdicts(needed=self.config.dual.approvals_needed(msg)),
            )
            self._link(self.entries[request_id])
            return
        entry = self.entries.get(request_id)
        if entry is None:
            return
        if event == "leased":
            entry.attempts += 1
            entry.lease = Lease(
                lease_id=str(body["lease"]),
                request_id=request_id,
                worker=b"",  # its connection is gone; the authorizer's next one takes it
                authorizer_id=str(body["to"]),
                expires_at=min(at_ms + self.config.lease_ms, entry.deadline_at),
            )
            entry.state = "in_review"
        elif event == "requeued":
            entry.lease, entry.state = None, "pending"
        elif event == "approved_once":
            decision = Decision.model_validate(body["decision"])
            entry.verdicts.apply(decision)
            self._remember_nonce(decision)
            entry.lease, entry.state = None, "pending"
        elif event in FINAL_STATES:
            entry.state, entry.detail, entry.lease = event, str(body.get("detail", "")), None
            if isinstance(body.get("decision"), dict):
                decision = Decision.model_validate(body["decision"])
                entry.decision = decision
                entry.verdicts.apply(decision)
                self._remember_nonce(decision)
            self.active.pop(request_id, None)

    def state_view(self) -> dict[str, tuple[Any, ...]]:
        """What the broker holds of each remembered request, in the terms its journal restores
        (state, lease and its authorizer, the decision's and the approvals' nonces): a broker
        rebuilt from the journal must hold exactly this (tests compare the two after every
        hostile input)."""
        return {
            rid: (
                e.state,
                e.lease.lease_id if e.lease else None,
                e.lease.authorizer_id if e.lease else None,
                e.attempts,
                e.decision.nonce if e.decision else None,
                tuple(d.nonce for d in e.verdicts.approvals),
                e.digest,
            )
            for rid, e in self.entries.items()
        }

    def _remember_nonce(self, decision: Decision) -> None:
        """A restored decision's nonce counts as seen for the rest of its window."""
        if decision.decided_at >= now_ms() - 2 * self.config.clock_skew_ms:
            self._nonces[decision.nonce] = decision.decided_at

    def _resume_leases(self, worker: Worker) -> None:
        """Items an authorizer held when the broker stopped go back to them, under the same
        lease (the workstation keeps the item on screen and its decision stands)."""
        if worker.profile is None or not self._orphans:
            return
        held = self._orphans.pop(worker.profile.authorizer_id, [])
        at = now_ms()
        for lease in held:
            entry = self.active.get(lease.request_id)
            if entry is None or entry.lease is not lease:
                continue  # decided, requeued or timed out since
            if entry.deadline_at <= at or lease.expires_at <= at:
                continue  # ran out while the broker was down: the timers end it, not a screen
            item = self._item(entry, lease, now_ms(), entry.attempts)
            if not self._to_worker(
                worker,
                mdp.WorkerCommand.REQUEST,
                client=lease.lease_id.encode(),
                body=[item.to_frame()],
            ):
                return
            lease.worker = worker.identity
            worker.leases.append(lease)
            log.info(
                "lease %s of %s resumed by %s",
                lease.lease_id,
                lease.request_id,
                lease.authorizer_id,
            )

    # --- lifecycle ---------------------------------------------------------------------

    def bind(self) -> str:
        transport = self.config.transport
        if transport.curve and transport.known is not None and self._auth is None:
            self._auth = start_authenticator(self._ctx, transport.known)
        sock = self._ctx.socket(zmq.ROUTER)
        transport.secure_server(sock)
        sock.setsockopt(zmq.ROUTER_MANDATORY, 1)
        sock.setsockopt(zmq.MAXMSGSIZE, self.config.max_message_bytes)
        sock.setsockopt(zmq.LINGER, 1000)
        sock.setsockopt(zmq.SNDHWM, 10_000)
        sock.bind(self.config.endpoint)
        self.bound_endpoint = sock.getsockopt_string(zmq.LAST_ENDPOINT)
        self._socket = sock
        return self.bound_endpoint

    def start(self) -> str:
        """Bind and serve on a background thread; returns the bound endpoint."""
        self._thread = threading.Thread(target=self._serve_thread, name="broker", daemon=True)
        self._thread.start()
        self._bound.wait(10)
        return self.bound_endpoint

    def _serve_thread(self) -> None:
        try:
            self.serve_forever()
        except JournalLost as exc:  # logged where it happened; the owner of the thread asks
            self.failure = exc

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(10)
            self._thread = None

    def serve_forever(self) -> None:
        if self._socket is None:
            self.bind()
        assert self._socket is not None
        sock = self._socket
        self._bound.set()
        log.info("broker listening on %s", self.bound_endpoint)
        poller = zmq.Poller()
        poller.register(sock, zmq.POLLIN)
        last_rx = 0
        try:
            while not self._stop.is_set():
                timeout = min(self.config.heartbeat_ms // 2, IDLE_MS if self._deferred else 100)
                if poller.poll(timeout):
                    for _ in range(1000):  # drain, but keep timers running under load
                        try:
                            frames = sock.recv_multipart(zmq.NOBLOCK)
                        except zmq.Again:
                            break
                        self._guarded(self._on_frames, frames)
                    last_rx = now_ms()
                at = now_ms()
                if at - last_rx >= IDLE_MS:
                    self._guarded(self._flush_deferred)  # quiet: write what could wait
                self._guarded(self._on_timers, at)
                self._release()
        finally:
            try:
                self._guarded(self._flush_deferred)
                self._release()
            finally:
                sock.close(linger=500)
                self._socket = None
                self.journal.close()
                if self._auth is not None:
                    self._auth.stop()
                    self._auth = None

    def _guarded(self, step: Any, *args: Any) -> None:
        """Run one step of the loop; a failure is logged and costs that step, not the broker.

        State changes are journaled before they are applied, so a step that failed (a full
        disk, a bug) leaves the state as it was and is tried again by the next message or tick.
        """
        try:
            step(*args)
        except Exception:
            self.stats["internal_errors"] += 1
            log.exception("broker step failed; carrying on")

    # --- sending -------------------------------------------------------------------------

    def _send(self, identity: bytes, frames: list[bytes]) -> bool:
        assert self._socket is not None
        try:
            self._socket.send_multipart([identity, *frames], zmq.NOBLOCK)
            return True
        except (zmq.Again, zmq.ZMQError) as exc:  # EHOSTUNREACH with ROUTER_MANDATORY
            log.warning("could not send to peer %s: %s", identity.hex(), exc)
            return False

    def _reply(self, identity: bytes, request: mdp.ClientRequest, body: list[bytes]) -> None:
        """Held until ``_release``: a reply may speak of a commit not yet on disk."""
        self._outbox.append((identity, mdp.client_reply(request, body)))

    def _release(self) -> None:
        """Group commit: one fsync for every commit the held replies may speak of, then the
        replies. Items and revokes to workstations are not held: an item is only shown, and a
        lease not yet on disk is refused when decided after a crash (never applied twice).

        If the fsync fails, what was committed may not be on disk: nothing is acknowledged and
        the broker stops (a supervisor restarts it; restarted, it has what the disk has and the
        tellers' and workstations' retries carry on). Carrying on would acknowledge what may be
        lost — the lesson PostgreSQL learnt in 2018 ("fsyncgate").
        """
        if self._lost or (not self._outbox and not self.journal.unsynced):
            return
        try:
            self.journal.sync()  # also when nobody waits: the feed sends only what is durable
        except OSError as exc:
            log.critical("the journal could not be made durable (%s): stopping", exc)
            self._outbox.clear()
            self._lost = True  # nothing more is acknowledged, not even on the way out
            self.stats["syncs_failed"] += 1
            self._stop.set()
            raise JournalLost(str(exc)) from exc
        held, self._outbox = self._outbox, []
        for identity, frames in held:
            self._send(identity, frames)

    def _reply_error(
        self,
        identity: bytes,
        request: mdp.ClientRequest,
        err: ProtocolError,
        request_id: str | None = None,
    ) -> None:
        self.stats["refused"] += 1
        log.warning(
            "refused %s from %s: %s %s", request.service, identity.hex(), err.code, err.detail
        )
        self._reply(identity, request, [error_frame(err.code, err.detail, request_id)])

    def _to_worker(self, worker: Worker, command: mdp.WorkerCommand, **kw: Any) -> bool:
        frames = mdp.worker_frames(
            command, version=worker.version, delimited=worker.delimited, **kw
        )
        return self._send(worker.identity, frames)

    # --- dispatch of incoming frames -----------------------------------------------------

    def _on_frames(self, frames: list[bytes]) -> None:
        if len(frames) < 2:
            self.stats["malformed"] += 1
            return
        identity, rest = frames[0], frames[1:]
        try:
            message = mdp.parse_from_peer(rest)
        except ProtocolError as err:
            self.stats["malformed"] += 1
            log.warning("dropped malformed frames from %s: %s", identity.hex(), err)
            head = rest[1:] if rest[0] == b"" else rest
            if head and head[0].startswith(b"MDPC"):  # looks like a client: say why
                delimiter = [b""] if rest[0] == b"" else []
                if head[0] == mdp.C_CLIENT_V2:
                    frames_out = [mdp.C_CLIENT_V2, mdp.C2_FINAL, b"error"]
                else:
                    frames_out = [mdp.C_CLIENT_V1, b"error"]
                self._send(identity, [*delimiter, *frames_out, error_frame(err.code, err.detail)])
            return
        worker = self.workers.get(identity)
        if worker is not None:
            worker.expires_at = now_ms() + self.config.heartbeat_ms * self.config.liveness
        if isinstance(message, mdp.ClientRequest):
            self._on_client(identity, message)
        else:
            self._on_worker(identity, message)

    def _on_client(self, identity: bytes, request: mdp.ClientRequest) -> None:
        handler = {
            "authz.submit": self._on_submit,
            "authz.wait": self._on_wait,
            "authz.cancel": self._on_cancel,
            "authz.local": self._on_local,
            "authz.decide": self._on_decide,
            "authz.presence": self._on_presence,
            "authz.queue": self._on_queue,
            "authz.options": self._on_options,
            "evidence.get": self._on_evidence_get,
            "mmi.service": self._on_mmi_service,
        }.get(request.service)
        if handler is None:
            self._reply_error(
                identity, request, ProtocolError(ErrorCode.UNKNOWN_SERVICE, request.service)
            )
            return
        if not request.body:
            self._reply_error(identity, request, ProtocolError(ErrorCode.MALFORMED, "empty body"))
            return
        if len(request.body) > 1 and request.service != "authz.submit":
            # only a submit carries frames after its message (the images): the rest are let go
            # now, never held for as long as a wait lasts
            request = replace(request, body=request.body[:1])
        try:
            handler(identity, request)
        except ProtocolError as err:
            self._reply_error(identity, request, err, _request_id_of(request.body[0]))
        except sqlite3.Error as exc:  # the journal: nothing was applied (journaled first)
            log.error("journal write failed in %s: %s", request.service, exc)
            storage = ProtocolError(ErrorCode.STORAGE, "the broker could not record it")
            self._reply_error(identity, request, storage, _request_id_of(request.body[0]))
        except Exception as exc:  # a bug must cost one reply, never the broker
            log.exception("internal error in %s", request.service)
            internal = ProtocolError(ErrorCode.MALFORMED, f"internal error: {type(exc).__name__}")
            self._reply_error(identity, request, internal, _request_id_of(request.body[0]))

    # --- teller services -----------------------------------------------------------------

    def _on_submit(self, identity: bytes, request: mdp.ClientRequest) -> None:
        msg, raw = parse(request.body[0], AuthRequest)
        digest = request_digest(raw)
        existing = self.entries.get(msg.request_id)
        if existing is not None:
            if existing.digest != digest:
                raise ProtocolError(
                    ErrorCode.DUPLICATE_MISMATCH, "request id reused with different content"
                )
            self._reply(identity, request, [self._submit_ack(existing)])
            return
        self._check_supersedes(msg)
        blobs = request.body[1:]
        if len(blobs) > len(msg.evidence):
            raise ProtocolError(ErrorCode.EVIDENCE_MISMATCH, "more images than evidence entries")
        wanted = {e.sha256: e for e in msg.evidence}
        received: dict[str, tuple[str, bytes]] = {}
        for blob in blobs:
            sha = self._sha(blob)
            ref = wanted.get(sha)
            if ref is None or ref.size != len(blob):
                raise ProtocolError(
                    ErrorCode.EVIDENCE_MISMATCH, "an attached image matches no evidence entry"
                )
            if _sniff_mime(blob) != ref.mime:
                raise ProtocolError(
                    ErrorCode.EVIDENCE_MISMATCH, f"image {sha[:12]} is not {ref.mime}"
                )
            received[sha] = (ref.mime, blob)
        missing = [s for s in wanted if s not in received and not self.journal.has_evidence(s)]
        if missing:
            raise ProtocolError(ErrorCode.EVIDENCE_MISSING, f"{len(missing)} image(s) not sent")
        self._check_pixels(list(wanted), received)
        at = now_ms()
        entry = Entry(
            msg,
            raw,
            digest,
            enqueued_at=at,
            deadline_at=at + msg.wait_s * 1000,
            verdicts=Verdicts(needed=self.config.dual.approvals_needed(msg)),
        )
        self.entries[msg.request_id] = entry
        self.active[msg.request_id] = entry
        self._link(entry)  # before dispatch: a correction goes to its returner first
        # The item goes to a free authorizer first; the request is committed while it travels,
        # and the teller is acked only after the commit. If the broker dies in between, the
        # teller (never acked) resubmits the same id and the first lease's decision is refused.
        self._dispatch()
        try:
            self.journal.accept(at, msg.request_id, {"request": raw, "digest": digest}, received)
        except sqlite3.Error as exc:
            log.error("journal write failed for %s: %s", msg.request_id, exc)
            self._abandon(entry)
            raise ProtocolError(
                ErrorCode.STORAGE, "the broker could not record the request"
            ) from exc
        log.info("accepted %s (%s) from teller %s", msg.request_id, msg.txn_type, msg.teller_id)
        self._reply(identity, request, [self._submit_ack(entry)])

    def _check_pixels(self, shas: list[str], received: dict[str, tuple[str, bytes]]) -> None:
        """§5.3 (5): what the images' headers declare, before any workstation decodes them:
        each image's size and shape, enough data for that size, and the pixels of all of them
        together (``clientsvc.imagecheck``, the workstation's own checks). An image whose
        headers cannot be read is left to the workstation, which refuses to show it."""
        infos = []
        for sha in shas:
            held = received.get(sha) or self.journal.evidence(sha) or ("", b"")
            blob = held[1]
            try:
                info = read_header(blob)
            except ProtocolError:
                continue
            try:
                check_declared(info)
            except ProtocolError as err:
                raise ProtocolError(err.code, f"image {sha[:12]}: {err.detail}") from None
            infos.append(info)
        check_item(infos)

    def _check_supersedes(self, msg: AuthRequest) -> None:
        """§7.15: a request may supersede only a returned request of the same teller at the
        same outlet, and one not corrected already (``resubmission.refusal``)."""
        if msg.supersedes is None:
            return
        original = self.entries.get(msg.supersedes)
        problem = refusal(
            msg,
            original.request if original else None,
            original.state if original else None,
            [(s.request.request_id, s.state) for s in original.successors] if original else (),
        )
        if problem is not None:
            raise ProtocolError(ErrorCode.SUPERSEDES, problem)

    def _link(self, entry: Entry) -> None:
        """Tie a resubmission to the returned request it corrects, and hold it for the
        authorizer who returned that one. At submit the rules were checked first; a restored
        record, or a local authorization's, is linked when the original is still this
        teller's returned request (never refused: it is a record of what happened)."""
        name = entry.request.supersedes
        original = self.entries.get(name) if name is not None else None
        if (
            original is None
            or original.decision is None
            or refusal(entry.request, original.request, original.state) is not None
        ):
            return
        entry.original = original
        original.successors.append(entry)
        entry.hold = hold_for(
            original.decision.authorizer_id, entry.enqueued_at, self.config.resubmit_hold_ms
        )

    @staticmethod
    def _unlink(entry: Entry) -> None:
        if entry.original is not None and entry in entry.original.successors:
            entry.original.successors.remove(entry)
        entry.original, entry.hold = None, None
        entry.successors = []

    @staticmethod
    def _sha(blob: bytes) -> str:
        return hashlib.sha256(blob).hexdigest()

    def _queue(self) -> SortedKeyList:
        """Pending entries, urgent first, then oldest (kept in that order: nothing is sorted)."""
        return self.active.waiting

    def _submit_ack(self, entry: Entry) -> bytes:
        position = 0
        if entry.state == "pending" and entry.queue is not None:
            position = entry.queue.index(entry)
        return SubmitAck(
            request_id=entry.request.request_id,
            state=entry.state,  # type: ignore[arg-type]
            position=position,
            server_time=now_ms(),
        ).to_frame()

    def _outcome(self, entry: Entry) -> bytes:
        return Outcome(
            request_id=entry.request.request_id,
            state=entry.state,  # type: ignore[arg-type]
            decision=entry.decision,
            approvals=entry.verdicts.approvals if entry.verdicts.needed > 1 else [],
            detail=entry.detail,
            server_time=now_ms(),
        ).to_frame()

    def _teller_entry(self, request_id: str, teller_id: str) -> Entry:
        entry = self.entries.get(request_id)
        if entry is None:
            raise ProtocolError(ErrorCode.UNKNOWN_REQUEST, request_id)
        if entry.request.teller_id != teller_id:
            raise ProtocolError(ErrorCode.FORBIDDEN, "not this teller's request")
        return entry

    def _on_wait(self, identity: bytes, request: mdp.ClientRequest) -> None:
        msg, _ = parse(request.body[0], Wait)
        entry = self._teller_entry(msg.request_id, msg.teller_id)
        if entry.state in FINAL_STATES or msg.wait_ms == 0:
            self._reply(identity, request, [self._outcome(entry)])
            return
        self._unhold([w for w in entry.waiters if w.identity == identity])
        entry.waiters = [w for w in entry.waiters if w.identity != identity]
        held = self._waits_held.get(identity, 0)
        if held >= MAX_WAITS_PER_PEER:  # bounded per connection: answered now, not held
            self._reply(identity, request, [self._outcome(entry)])
            return
        # what is held is the reply's address: no frame of the request (``replace``)
        entry.waiters.append(Waiter(identity, replace(request, body=[]), now_ms() + msg.wait_ms))
        self._waits_held[identity] = held + 1

    def _on_cancel(self, identity: bytes, request: mdp.ClientRequest) -> None:
        msg, _ = parse(request.body[0], Cancel)
        entry = self._teller_entry(msg.request_id, msg.teller_id)
        if entry.state not in FINAL_STATES:
            self._finish(entry, "cancelled", msg.reason or "cancelled by the teller", "cancelled")
        self._reply(identity, request, [self._outcome(entry)])

    # --- worker services -----------------------------------------------------------------

    def _on_local(self, identity: bytes, request: mdp.ClientRequest) -> None:
        """A local authorization (本地授权): ends the request for good — taken back from any
        authorizer holding it — unless a remote decision came first (``E_ALREADY_DECIDED``:
        that one stands). Idempotent: the same record again gets the same outcome."""
        msg, raw = parse(request.body[0], LocalAuthorization)
        if msg.request.get("request_id") != msg.request_id:
            raise ProtocolError(ErrorCode.WRONG_REQUEST, "the request carried is another one")
        entry = self.entries.get(msg.request_id)
        if entry is None:  # the broker never got it (unreachable at the time): record it now
            parsed, _ = parse(json.dumps(msg.request).encode(), AuthRequest)
            if parsed.teller_id != msg.teller_id:
                raise ProtocolError(ErrorCode.FORBIDDEN, "not this teller's request")
            at = now_ms()
            digest = request_digest(msg.request)
            entry = Entry(
                parsed,
                msg.request,
                digest,
                enqueued_at=at,
                deadline_at=at,
                verdicts=Verdicts(needed=self.config.dual.approvals_needed(parsed)),
            )
            try:
                self.journal.accept(  # "local": restored already past its deadline
                    at,
                    msg.request_id,
                    {"request": msg.request, "digest": digest, "local": True},
                    {},
                )
            except sqlite3.Error as exc:
                raise ProtocolError(ErrorCode.STORAGE, "the broker could not record it") from exc
            self.entries[msg.request_id] = self.active[msg.request_id] = entry
            self._link(entry)
        if entry.request.teller_id != msg.teller_id:
            raise ProtocolError(ErrorCode.FORBIDDEN, "not this teller's request")
        if entry.state != "fallback_local":
            if entry.state in ("approved", "rejected", "returned"):
                raise ProtocolError(ErrorCode.ALREADY_DECIDED, f"the center decided: {entry.state}")
            detail = f"local authorization by {msg.supervisor_id}: {msg.verdict}"
            try:
                self._finish(entry, "fallback_local", detail, "fallback_local", local=raw)
            except sqlite3.Error as exc:
                raise ProtocolError(ErrorCode.STORAGE, "the broker could not record it") from exc
            log.info("%s authorized locally at the outlet (%s)", msg.request_id, msg.why)
        self._reply(identity, request, [self._outcome(entry)])

    def _worker_for(self, identity: bytes) -> Worker:
        worker = self.workers.get(identity)
        if worker is None:
            worker = Worker(identity)
            worker.expires_at = now_ms() + self.config.heartbeat_ms * self.config.liveness
            self.workers[identity] = worker
        return worker

    def _check_fresh(self, at: int, nonce: str) -> None:
        now = now_ms()
        if abs(now - at) > self.config.clock_skew_ms:
            raise ProtocolError(ErrorCode.CLOCK_SKEW, f"time is {now - at} ms off")
        horizon = now - 2 * self.config.clock_skew_ms
        while self._nonces and next(iter(self._nonces.values())) < horizon:
            self._nonces.popitem(last=False)
        if nonce in self._nonces:
            raise ProtocolError(ErrorCode.REPLAYED, "nonce already seen")
        self._nonces[nonce] = now

    def _on_presence(self, identity: bytes, request: mdp.ClientRequest) -> None:
        msg, _ = parse(request.body[0], Presence)
        profile = verify_presence(msg, self.directory)
        self._check_fresh(msg.at, msg.nonce)
        worker = self._worker_for(identity)
        # one authorizer, one live session: an older connection of the same person is retired
        for other in list(self.workers.values()):
            if (
                other is not worker
                and other.profile
                and other.profile.authorizer_id == profile.authorizer_id
            ):
                log.info("authorizer %s moved to a new connection", profile.authorizer_id)
                self._drop_worker(other, "replaced by a new session")
        worker.profile = profile
        worker.terminal_id = msg.terminal_id
        worker.presence = msg.state
        log.info("presence %s: %s on %s", profile.authorizer_id, msg.state, msg.terminal_id)
        self._reply(
            identity,
            request,
            [
                PresenceAck(
                    authorizer_id=profile.authorizer_id, state=msg.state, server_time=now_ms()
                ).to_frame()
            ],
        )
        if msg.state == "signed_out":
            self._drop_worker(worker, "signed out", notify=False)
        else:
            if msg.state == "away":  # "stop sending me items": what they have not seen goes back
                for lease in worker.leases[1:]:
                    self._take_back(lease, "reassigned")
            elif msg.state == "locked":  # the screen is locked: nobody is looking at anything
                for lease in list(worker.leases):
                    self._take_back(lease, "locked")
            self._dispatch()

    def _on_queue(self, identity: bytes, request: mdp.ClientRequest) -> None:
        parse(request.body[0], QueueStatusGet)
        self._reply(identity, request, [self.queue_status().to_frame()])

    def _on_options(self, identity: bytes, request: mdp.ClientRequest) -> None:
        msg, _ = parse(request.body[0], WorkerOptions)
        worker = self._worker_for(identity)
        worker.prefetch = min(msg.prefetch, MAX_PREFETCH)
        ack = WorkerOptionsAck(prefetch=worker.prefetch, server_time=now_ms())
        self._reply(identity, request, [ack.to_frame()])
        self._dispatch()

    def queue_status(self) -> QueueStatus:
        queue = self._queue()
        return QueueStatus(
            waiting=len(queue),
            in_review=sum(1 for e in self.active.values() if e.state == "in_review"),
            oldest_enqueued_at=min((e.enqueued_at for e in queue), default=None),
            authorizers_available=sum(
                1 for w in self.workers.values() if w.ready and w.presence == "available"
            ),
            server_time=now_ms(),
        )

    def _on_evidence_get(self, identity: bytes, request: mdp.ClientRequest) -> None:
        msg, _ = parse(request.body[0], EvidenceGet)
        found = self.journal.evidence(msg.sha256)
        if found is None:
            raise ProtocolError(ErrorCode.EVIDENCE_MISSING, msg.sha256)
        mime, data = found
        header = EvidenceBlob(
            sha256=msg.sha256,
            mime=mime,  # type: ignore[arg-type]
            size=len(data),
        ).to_frame()
        self._reply(identity, request, [header, data])

    def _on_mmi_service(self, identity: bytes, request: mdp.ClientRequest) -> None:
        name = request.body[0].decode("ascii", "replace")
        if name == WORKER_SERVICE:
            known = any(w.ready for w in self.workers.values())
        else:
            known = name in CLIENT_SERVICES
        self._reply(identity, request, [b"200" if known else b"404"])

    def _on_decide(self, identity: bytes, request: mdp.ClientRequest) -> None:
        msg, _ = parse(request.body[0], Decision)
        status = self._apply_decision(msg)
        ack = DecisionAck(request_id=msg.request_id, status=status, server_time=now_ms())
        self._reply(identity, request, [ack.to_frame()])

    def _apply_decision(self, decision: Decision) -> Literal["accepted", "duplicate"]:
        entry = self.entries.get(decision.request_id)
        if entry is None:
            raise ProtocolError(ErrorCode.UNKNOWN_REQUEST, decision.request_id)
        profile = verify_decision(decision, self.directory)
        if entry.verdicts.is_duplicate(decision):
            return "duplicate"  # a retry after a lost ack: answered, not applied again
        entry.verdicts.check(decision)  # over, or this authorizer approved it already
        if entry.state not in FINAL_STATES and entry.deadline_at <= now_ms():
            # past the teller's deadline: the teller may be authorizing locally by now
            self._finish(entry, "timed_out", "the teller's wait ran out", "timed_out")
        if entry.state in FINAL_STATES:
            raise ProtocolError(ErrorCode.INVALID_STATE, f"request is {entry.state}")
        lease = entry.lease
        if (
            lease is None
            or lease.lease_id != decision.lease_id
            or lease.authorizer_id != decision.authorizer_id
        ):
            raise ProtocolError(ErrorCode.NOT_LEASED, "this item is not leased to you")
        if decision.request_digest != entry.digest:
            raise ProtocolError(ErrorCode.WRONG_REQUEST, "request digest does not match")
        if sorted(decision.evidence) != entry.evidence:
            raise ProtocolError(ErrorCode.EVIDENCE_MISMATCH, "decision covers other evidence")
        if not eligible(profile, entry.request, self.config.policy):  # changed since the lease
            raise ProtocolError(ErrorCode.FORBIDDEN, "outside your authority for this request")
        if self.config.policy.needs_reauth(entry.request) and not reauth_is_fresh(
            decision.reauth_at, decision.decided_at
        ):
            raise ProtocolError(ErrorCode.REAUTH_REQUIRED, "top-level item: PIN not re-entered")
        check_override(entry.request, decision)  # a machine finding stops approval
        check_reason(decision.verdict, decision.reason_code, decision.reason_text)
        self._check_fresh(decision.decided_at, decision.nonce)
        approvals = len(entry.verdicts.approvals)
        if decision.verdict == "approve" and approvals + 1 < entry.verdicts.needed:
            self._first_approval(entry, decision)
            return "accepted"
        try:
            self._finish(entry, VERDICT_STATE[decision.verdict], "", None, decision)
        except sqlite3.Error as exc:
            log.error("journal write failed for the decision on %s: %s", decision.request_id, exc)
            raise ProtocolError(ErrorCode.STORAGE, "the broker could not record it") from exc
        self.stats["decided"] += 1
        log.info(
            "decision %s: %s by %s", decision.request_id, decision.verdict, decision.authorizer_id
        )
        return "accepted"

    def _first_approval(self, entry: Entry, decision: Decision) -> None:
        """Dual authorization: recorded, then back to the queue for a second authorizer."""
        try:
            self._journal(
                entry.request.request_id, "approved_once", {"decision": decision.to_dict()}
            )
        except sqlite3.Error as exc:
            raise ProtocolError(ErrorCode.STORAGE, "the broker could not record it") from exc
        entry.verdicts.apply(decision)
        lease, entry.lease, entry.state = entry.lease, None, "pending"
        worker = self.workers.get(lease.worker) if lease else None
        if lease is not None and worker is not None and lease in worker.leases:
            worker.leases.remove(lease)
        log.info(
            "first approval of %s by %s: a second authorizer must approve",
            decision.request_id,
            decision.authorizer_id,
        )
        self._notify_waiters(entry, final_only=False)
        self._dispatch()

    # --- worker protocol -------------------------------------------------------------------

    def _on_worker(self, identity: bytes, message: mdp.WorkerMessage) -> None:
        cmd = message.command
        worker = self.workers.get(identity)
        if cmd is mdp.WorkerCommand.READY:
            if message.service != WORKER_SERVICE:
                log.warning("READY for unknown service %r", message.service)
                self._send(
                    identity,
                    mdp.worker_frames(
                        mdp.WorkerCommand.DISCONNECT,
                        version=message.version,
                        delimited=message.delimited,
                    ),
                )
                return
            worker = self._worker_for(identity)
            worker.version, worker.delimited, worker.ready = (
                message.version,
                message.delimited,
                True,
            )
            worker.next_heartbeat = now_ms() + self.config.heartbeat_ms
            self._dispatch()
        elif worker is None:
            # MDP: a worker we do not know must re-register
            self._send(
                identity,
                mdp.worker_frames(
                    mdp.WorkerCommand.DISCONNECT,
                    version=message.version,
                    delimited=message.delimited,
                ),
            )
        elif cmd is mdp.WorkerCommand.HEARTBEAT:
            pass  # liveness was refreshed on receipt
        elif cmd is mdp.WorkerCommand.DISCONNECT:
            self._drop_worker(worker, "worker disconnected", notify=False)
        elif cmd is mdp.WorkerCommand.REPLY and message.body:
            try:
                msg, _ = parse(message.body[0], Decision)
                self._apply_decision(msg)
            except ProtocolError as err:
                self.stats["refused"] += 1
                log.warning("refused worker REPLY: %s %s", err.code, err.detail)

    def _drop_worker(
        self, worker: Worker, why: str, notify: bool = True, dispatch: bool = True
    ) -> None:
        self.workers.pop(worker.identity, None)
        if notify:
            self._to_worker(worker, mdp.WorkerCommand.DISCONNECT)
        leases, worker.leases = worker.leases, []
        for lease in leases:
            entry = self.entries.get(lease.request_id)
            if entry is not None and entry.lease is lease and entry.state == "in_review":
                entry.lease = None
                entry.state = "pending"
                # not critical: a lost "requeued" record leaves a lease that the restored
                # broker treats as abandoned anyway
                self._deferred.append((now_ms(), lease.request_id, "requeued", {"why": why}))
                log.info("requeued %s: %s", lease.request_id, why)
                self._notify_waiters(entry, final_only=False)
        if dispatch:
            self._dispatch()

    def _take_back(self, lease: Lease, reason: str) -> None:
        """Revoke a lease and put its item back in the queue (the caller dispatches)."""
        worker = self.workers.get(lease.worker)
        entry = self.entries.get(lease.request_id)
        if worker is not None and lease in worker.leases:
            worker.leases.remove(lease)
            self._send_revoke(worker, lease, reason)
        if entry is not None and entry.lease is lease and entry.state == "in_review":
            entry.lease, entry.state = None, "pending"
            self._deferred.append((now_ms(), lease.request_id, "requeued", {"why": reason}))
            log.info("requeued %s: %s", lease.request_id, reason)
            self._notify_waiters(entry, final_only=False)

    def _send_revoke(self, worker: Worker, lease: Lease, reason: str) -> None:
        body = Revoke(
            request_id=lease.request_id,
            lease_id=lease.lease_id,
            reason=reason,  # type: ignore[arg-type]
        ).to_frame()
        self._to_worker(
            worker, mdp.WorkerCommand.REQUEST, client=lease.lease_id.encode(), body=[body]
        )

    def _dispatch(self) -> None:
        """Give queued items to authorizers, at random among the eligible (背对背).

        An authorizer with nothing on screen comes first; then one whose workstation asked to
        hold a next item gets it as that (prefetch). An authorizer left with nothing while
        another merely holds a next item they could decide takes that item over.
        """
        ready = [w for w in self.workers.values() if w.ready and w.presence == "available"]
        if self._orphans:  # after a restart: what they held comes back to them first
            for worker in ready:
                self._resume_leases(worker)
        if not ready or not any(w.profile for w in ready):
            return
        self.directory.refresh()  # a revoked key or a changed level counts from now on
        if self.directory.version != self._directory_version:
            self._directory_version = self.directory.version
            for worker in self.workers.values():
                if worker.profile is not None:
                    worker.profile = self.directory.cached(worker.profile.authorizer_id)
        ready = [w for w in ready if w.profile is not None and not w.profile.revoked]
        lost = False
        # only authorizers who can take an item now are looked at, and the queue is walked
        # only while there are any: with every authorizer busy, a long queue costs nothing
        room = [w for w in ready if len(w.leases) <= w.prefetch]
        # in queue order, as long as someone can take an item (a copy: leasing takes entries
        # out of the line); most of the time only the oldest few are looked at
        head = list(self._queue().islice(0, 4 * len(room) + 16)) if room else []
        seen = {id(e) for e in head}

        def candidates() -> Iterator[Entry]:
            yield from head
            if room:  # free authorizers left that none of those fitted: the rest, in order
                yield from [e for e in self._queue() if id(e) not in seen]

        for entry in candidates():
            chosen = self._pick(entry, room)
            if chosen is None:
                continue
            if not self._lease(entry, chosen):
                ready.remove(chosen)  # gone: its send failed, its items are queued again
                lost = True
            if chosen not in ready or len(chosen.leases) > chosen.prefetch:
                room.remove(chosen)  # full (or gone)
            if not room:
                break
        if self._reassign_held(ready) or lost:
            self._dispatch()  # a send failed: its items are queued again

    def _pick(self, entry: Entry, room: list[Worker]) -> Worker | None:
        """An authorizer for ``entry`` at random among the eligible (背对背): one with nothing
        on screen if there is any, else one that asked to hold a next item. Uniform over them
        either way: a few random draws first (most authorizers may decide most items, so one
        or two draws find one without looking at hundreds), then a look at all of them."""
        approvers = entry.verdicts.approvers()

        def fits(w: Worker) -> bool:
            return bool(
                w.profile
                and eligible(w.profile, entry.request, self.config.policy)
                and w.profile.authorizer_id not in approvers
            )

        if entry.hold is not None:  # a correction: its returner first, for a while (§7.15)
            state, returner = self._returner(entry.hold, room, fits)
            choice = offer(entry.hold, now_ms(), state)
            if choice != "anyone":
                return returner if choice == "returner" else None
        for _ in range(min(len(room), PICK_DRAWS)):  # rejection sampling: uniform when found
            w = self._rng.choice(room)
            if not w.leases and fits(w):
                return w
        idle = [w for w in room if not w.leases and fits(w)]
        if idle:
            return self._rng.choice(idle)
        spare = [w for w in room if 0 < len(w.leases) <= w.prefetch and fits(w)]
        return self._rng.choice(spare) if spare else None

    def _returner(
        self, hold: Hold, free: list[Worker], fits: Callable[[Worker], bool]
    ) -> tuple[Returner, Worker | None]:
        """Where the authorizer who returned a correction's original is now, for ``offer``:
        ``free`` if among ``free``, ``busy`` if signed in, available and eligible (``fits``)
        but not, ``absent`` otherwise; with their connection when free."""
        worker = next(
            (
                w
                for w in self.workers.values()
                if w.profile is not None and w.profile.authorizer_id == hold.returner
            ),
            None,
        )
        if (
            worker is None
            or worker.profile is None
            or worker.profile.revoked
            or not worker.ready
            or worker.presence != "available"
            or not fits(worker)
        ):
            return "absent", None
        return ("free", worker) if worker in free else ("busy", None)

    def _reassign_held(self, ready: list[Worker]) -> bool:
        """An idle authorizer takes over an item another one only holds as their next: the
        oldest such item first (urgent before), to an idle eligible authorizer chosen at random.
        True when a lease could not be sent (the caller dispatches again)."""
        held = sorted(
            (
                (self.entries[lease.request_id], lease)
                for holder in ready
                for lease in holder.leases[1:]
                if lease.request_id in self.entries
            ),
            key=lambda h: (not h[0].request.urgent, h[0].enqueued_at),
        )
        lost = False
        for entry, lease in held:

            def fits(w: Worker, entry: Entry = entry) -> bool:
                return bool(
                    w.profile
                    and eligible(w.profile, entry.request, self.config.policy)
                    and w.profile.authorizer_id not in entry.verdicts.approvers()
                )

            idle = [w for w in ready if not w.leases and fits(w)]
            if not idle:
                continue
            if entry.hold is not None:  # a correction held by (or for) its returner stays
                state, returner = self._returner(entry.hold, idle, fits)
                choice = offer(entry.hold, now_ms(), state)
                if choice == "wait":
                    continue
                if choice == "returner" and returner is not None:
                    idle = [returner]
            self._take_back(lease, "reassigned")
            chosen = self._rng.choice(idle)
            if not self._lease(entry, chosen):
                ready.remove(chosen)
                lost = True
        return lost

    def _lease(self, entry: Entry, worker: Worker) -> bool:
        assert worker.profile is not None
        at = now_ms()
        self._lease_seq += 1
        lease = Lease(
            lease_id=f"L{at:x}.{self._lease_seq}",
            request_id=entry.request.request_id,
            worker=worker.identity,
            authorizer_id=worker.profile.authorizer_id,
            expires_at=min(at + self.config.lease_ms, entry.deadline_at),
        )
        item = self._item(entry, lease, at, entry.attempts + 1)
        if not self._to_worker(
            worker,
            mdp.WorkerCommand.REQUEST,
            client=lease.lease_id.encode(),
            body=[item.to_frame()],
        ):
            self._drop_worker(worker, "unreachable", notify=False, dispatch=False)
            return False
        entry.attempts += 1
        entry.lease, entry.state = lease, "in_review"
        worker.leases.append(lease)
        self.stats["dispatched"] += 1
        # journaled after sending: if this record is lost in a crash, the item is dispatched
        # again and the first lease's decision is refused (E_NOT_LEASED) — never applied twice
        self._deferred.append(
            (
                at,
                entry.request.request_id,
                "leased",
                {"lease": lease.lease_id, "to": lease.authorizer_id},
            )
        )
        self._notify_waiters(entry, final_only=False)
        return True

    def _item(self, entry: Entry, lease: Lease, at: int, attempt: int) -> Item:
        """The Item a worker is sent for a lease (a new one, or one resumed after a restart)."""
        return Item(
            lease_id=lease.lease_id,
            request=entry.raw,
            request_digest=entry.digest,
            enqueued_at=entry.enqueued_at,
            dispatched_at=at,
            lease_expires_at=lease.expires_at,
            attempt=attempt,
            approvals_needed=entry.verdicts.needed,
            prior_approvals=list(entry.verdicts.approvals),
            reauth_required=self.config.policy.needs_reauth(entry.request),
            original=self._original(entry),
        )

    @staticmethod
    def _original(entry: Entry) -> Original | None:
        """What a correction's item carries of the returned request it corrects (§4.8)."""
        original = entry.original
        if original is None or original.decision is None:
            return None
        return Original(request=original.raw, decision=original.decision)

    def _abandon(self, entry: Entry) -> None:
        """Forget a request that could not be recorded; take it back from its authorizer."""
        self.entries.pop(entry.request.request_id, None)
        self.active.pop(entry.request.request_id, None)
        self._unlink(entry)
        lease, entry.lease = entry.lease, None
        worker = self.workers.get(lease.worker) if lease else None
        if lease is not None and worker is not None and lease in worker.leases:
            worker.leases.remove(lease)
            self._send_revoke(worker, lease, "cancelled")
        self._deferred = [d for d in self._deferred if d[1] != entry.request.request_id]

    def _finish(
        self,
        entry: Entry,
        state: str,
        detail: str,
        revoke: str | None,
        decision: Decision | None = None,
        local: dict[str, Any] | None = None,
    ) -> None:
        """Move an entry to a final state, free its worker, answer every waiting teller call."""
        record: dict[str, Any] = {"detail": detail}
        if decision is not None:
            record["decision"] = decision.to_dict()
        if local is not None:
            record["local"] = local
        self._journal(entry.request.request_id, state, record)  # committed, then applied
        lease, entry.lease = entry.lease, None
        entry.state, entry.detail = state, detail
        if decision is not None:
            entry.decision = decision
            entry.verdicts.apply(decision)
        self.active.pop(entry.request.request_id, None)
        if lease is not None:
            worker = self.workers.get(lease.worker)
            if worker is not None and lease in worker.leases:
                worker.leases.remove(lease)
                if revoke is not None:
                    self._send_revoke(worker, lease, revoke)
        self._notify_waiters(entry, final_only=True)
        self._dispatch()

    def _notify_waiters(self, entry: Entry, final_only: bool) -> None:
        if final_only and entry.state not in FINAL_STATES:
            return
        waiters, entry.waiters = entry.waiters, []
        self._unhold(waiters)
        frame = self._outcome(entry)
        for waiter in waiters:
            self._reply(waiter.identity, waiter.request, [frame])

    def _unhold(self, waiters: list[Waiter]) -> None:
        """These waits are no longer held (answered, or replaced by a newer one)."""
        for waiter in waiters:
            left = self._waits_held.get(waiter.identity, 0) - 1
            if left > 0:
                self._waits_held[waiter.identity] = left
            else:
                self._waits_held.pop(waiter.identity, None)

    # --- timers ----------------------------------------------------------------------------

    def _prune(self, at: int) -> None:
        """Forget final requests after the retention time (the journal keeps them)."""
        horizon = at - self.config.retain_final_ms
        for request_id in [
            rid
            for rid, e in self.entries.items()
            if e.state in FINAL_STATES and e.deadline_at < horizon and not e.waiters
        ]:
            forgotten = self.entries.pop(request_id)
            # no chain of corrections keeps forgotten requests in memory
            forgotten.original, forgotten.successors = None, []

    def _on_timers(self, at: int) -> None:
        if at >= self._next_prune:
            self._prune(at)
            self._next_prune = at + 60_000
        for worker in list(self.workers.values()):
            if worker.expires_at < at:
                log.info("worker %s expired", worker.identity.hex())
                self._drop_worker(worker, "heartbeat lost", notify=False)
            elif worker.ready and worker.next_heartbeat <= at:
                self._to_worker(worker, mdp.WorkerCommand.HEARTBEAT)
                worker.next_heartbeat = at + self.config.heartbeat_ms
        hold_over = False
        for entry in list(self.active.values()):
            if entry.hold is not None and entry.hold.until <= at:
                entry.hold, hold_over = None, True  # a correction anyone may take from now on
            if entry.deadline_at <= at:
                self._finish(entry, "timed_out", "the teller's wait ran out", "timed_out")
            elif entry.lease is not None and entry.lease.expires_at <= at:
                lease = entry.lease
                self._finish_lease_expired(entry, lease)
            if entry.waiters:
                due = [w for w in entry.waiters if w.deadline <= at]
                if due:
                    entry.waiters = [w for w in entry.waiters if w.deadline > at]
                    self._unhold(due)
                    frame = self._outcome(entry)
                    for waiter in due:
                        self._reply(waiter.identity, waiter.request, [frame])
        if hold_over:
            self._dispatch()

    def _finish_lease_expired(self, entry: Entry, lease: Lease) -> None:
        worker = self.workers.get(lease.worker)
        self._deferred.append(
            (now_ms(), entry.request.request_id, "requeued", {"why": "lease expired"})
        )
        entry.lease, entry.state = None, "pending"
        self._notify_waiters(entry, final_only=False)
        if worker is not None and lease in worker.leases:
            worker.leases.remove(lease)
            self._send_revoke(worker, lease, "lease_expired")
        self._dispatch()

    def _journal(self, request_id: str, event: str, body: dict[str, Any]) -> None:
        """Commit a state change now, with any deferred records before it (one transaction).
        The deferred records are let go only once committed: if this change cannot be written
        (its body, the disk), they stay for the next commit — one message's failure never
        drops another's records."""
        records = list(self._deferred)
        self.journal.record_many([*records, (now_ms(), request_id, event, body)])
        del self._deferred[: len(records)]

    def _flush_deferred(self) -> None:
        if self._deferred:
            records = list(self._deferred)
            self.journal.record_many(records)
            del self._deferred[: len(records)]
