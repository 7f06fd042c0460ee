"""The branch broker's server loop (MDP/0.1 and 0.2 on one ROUTER socket): poll, route each
message to its handler, group commit, send.

Services (client side): ``authz.submit``, ``authz.wait``, ``authz.cancel``, ``authz.local``,
``authz.decide``, ``authz.presence``, ``authz.queue``, ``authz.options``, ``evidence.get``,
``mmi.service``. Workers register for the ``authz`` service; each receives at most one leased
item at a time (and one held next, if it asks), chosen for it at random among the eligible
idle authorizers (背对背). See docs/PROTOCOL.md, and docs/ARCHITECTURE.md for the rooms:

- ``state``: requests, leases, workers and the waiting line;
- ``transitions``: every state change, each written once;
- ``dispatch``: who gets which item (a pure pick and reassign);
- ``restore``: the journal replayed after a restart;
- ``tellers``, ``authorizers``, ``queries``: the handlers, per kind of peer;
- this file: the socket, the loop and the group commit.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import zmq

from clientsvc.broker.authorizers import Authorizers
from clientsvc.broker.config import (
    CLIENT_SERVICES,
    ID_PATTERN,
    IDLE_MS,
    MAX_PREFETCH,
    MAX_WAITS_PER_PEER,
    PICK_DRAWS,
    WORKER_SERVICE,
    BrokerConfig,
)
from clientsvc.broker.dispatch import Dispatcher
from clientsvc.broker.journal import Journal
from clientsvc.broker.queries import Queries
from clientsvc.broker.readers import READ_SERVICE, Readers
from clientsvc.broker.restore import Restorer
from clientsvc.broker.state import Entry, Lease, Requests, Worker
from clientsvc.broker.tellers import Tellers
from clientsvc.broker.transitions import Moves, Record
from clientsvc.broker.vigilance import Vigilance
from clientsvc.clock import now_ms
from clientsvc.curve import start_authenticator
from clientsvc.identity import Directory
from clientsvc.protocol import mdp
from clientsvc.protocol.errors import ErrorCode, ProtocolError
from clientsvc.protocol.messages import QueueStatus, RequestState, decode_json, error_frame

__all__ = [
    "CLIENT_SERVICES",
    "MAX_PREFETCH",
    "MAX_WAITS_PER_PEER",
    "PICK_DRAWS",
    "WORKER_SERVICE",
    "Broker",
    "BrokerConfig",
    "Entry",
    "JournalLost",
    "Lease",
    "Worker",
]

log = logging.getLogger("authdesk.broker")

Handler = Callable[[bytes, mdp.ClientRequest], None]


class JournalLost(RuntimeError):
    """The journal's commits could not be made durable: the broker stopped unacknowledged."""


def _request_id_of(frame: bytes) -> str | None:
    """Best effort: the request id a refused body was about, so the error can name it."""
    try:
        value = decode_json(frame).get("request_id")
    except ProtocolError:
        return None
    if isinstance(value, str) and ID_PATTERN.fullmatch(value):
        return value
    return None


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
        self.stats = {
            "malformed": 0,
            "dispatched": 0,
            "decided": 0,
            "refused": 0,
            "internal_errors": 0,
            "syncs_failed": 0,
        }
        self.directory = Directory(config.directory)
        self.requests = Requests()
        self.moves = Moves(config, self.requests, Journal(config.journal), self, self.stats)
        self.authorizers = Authorizers(config, self.moves, self.directory, self.stats)
        self.restorer = Restorer(config, self.moves, self.authorizers.nonces)
        self.dispatcher = Dispatcher(
            config, self.requests, self.moves, self.directory, self.restorer.resume_leases
        )
        self.moves.after = self.dispatcher.run
        self.tellers = Tellers(config, self.moves)
        self.readers = Readers(config, self.moves, self.stats)
        # who is connected, as of the last timer round (``presence``): replaced whole, never
        # changed in place, so the center feed's thread reads it without a lock
        self._presence: tuple[dict[str, Any], ...] = ()
        self._next_presence = 0
        self.tellers.accepted = self.readers.accepted
        self.vigilance = Vigilance(config, self.moves, self.tellers, self.directory)
        self.tellers.after_real = self.vigilance.after_real
        self.restorer.remember_test = self.vigilance.remember
        self.tellers.reading_status = self.readers.status_now
        self.queries = Queries(self.moves, lambda: bool(self.readers.peers))
        self._handlers: dict[str, Handler] = {
            "authz.submit": self.tellers.submit,
            "authz.wait": self.tellers.wait,
            "authz.cancel": self.tellers.cancel,
            "authz.local": self.tellers.local,
            "authz.decide": self.authorizers.decide,
            "authz.presence": self.authorizers.presence,
            "authz.options": self.authorizers.options,
            "authz.queue": self.queries.queue,
            "evidence.get": self.queries.evidence,
            "mmi.service": self.queries.mmi_service,
        }
        assert set(self._handlers) == CLIENT_SERVICES
        self._next_prune = 0
        # replies held until the journal's commits they speak of are on disk (group commit)
        self._outbox: list[tuple[bytes, list[bytes]]] = []
        self._lost = False  # an fsync failed: the broker stops, acknowledging nothing more
        self.restored = self.restorer.run() if config.journal is not None else 0
        for entry in sorted(self.active.values(), key=lambda e: e.enqueued_at):
            self.readers.accepted(entry)  # restored without its reading: read again

    # --- what it holds ------------------------------------------------------------------------

    @property
    def journal(self) -> Journal:
        return self.moves.journal

    @journal.setter
    def journal(self, journal: Journal) -> None:
        self.moves.journal = journal

    @property
    def entries(self) -> dict[str, Entry]:
        """Every request still remembered, by id."""
        return self.requests.entries

    @property
    def active(self) -> dict[str, Entry]:
        """The requests not final yet, by id."""
        return self.requests.active

    @property
    def workers(self) -> dict[bytes, Worker]:
        return self.moves.workers

    @property
    def _deferred(self) -> list[Record]:
        return self.moves.deferred

    @property
    def _waits_held(self) -> dict[bytes, int]:
        return self.moves.waits_held

    def _journal(self, request_id: str, event: str, body: dict[str, Any]) -> None:
        self.moves.commit(request_id, event, body)

    def queue_status(self) -> QueueStatus:
        return self.queries.queue_status()

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
                e.test.case_id if e.test else None,  # a vigilance test item's case
            )
            for rid, e in self.entries.items()
        }

    # --- lifecycle ----------------------------------------------------------------------------

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
                idle = IDLE_MS if self.moves.deferred else 100
                if poller.poll(min(self.config.heartbeat_ms // 2, idle)):
                    for _ in range(1000):  # drain, but keep timers running under load
                        try:
                            frames = sock.recv_multipart(zmq.NOBLOCK)
                        except zmq.Again:
                            break
                        self._guarded(self._on_frames, frames)
                    last_rx = now_ms()
                at = now_ms()
                if at - last_rx >= IDLE_MS:
                    self._guarded(self.moves.flush)  # quiet: write what could wait
                self._guarded(self._on_timers, at)
                self._release()
        finally:
            try:
                self._guarded(self.moves.flush)
                self._release()
            finally:
                sock.close(linger=500)
                self._socket = None
                self.journal.close()
                if self._auth is not None:
                    self._auth.stop()
                    self._auth = None

    def _guarded(self, step: Callable[..., None], *args: Any) -> None:
        """Run one step of the loop; a failure is logged and costs that step, not the broker.

        State changes are journaled before they are applied, so a step that failed (a full
        disk, a bug) leaves the state as it was and is tried again by the next message or tick.
        """
        try:
            step(*args)
        except Exception:
            self.stats["internal_errors"] += 1
            log.exception("broker step failed; carrying on")

    # --- sending (``transitions.Out``) --------------------------------------------------------

    def send(self, identity: bytes, frames: list[bytes]) -> bool:
        return self._send(identity, frames)

    def _send(self, identity: bytes, frames: list[bytes]) -> bool:
        assert self._socket is not None
        try:
            self._socket.send_multipart([identity, *frames], zmq.NOBLOCK)
            return True
        except (zmq.Again, zmq.ZMQError) as exc:  # EHOSTUNREACH with ROUTER_MANDATORY
            log.warning("could not send to peer %s: %s", identity.hex(), exc)
            return False

    def reply(self, identity: bytes, request: mdp.ClientRequest, body: list[bytes]) -> None:
        """Held until ``_release``: a reply may speak of a commit not yet on disk."""
        self._outbox.append((identity, mdp.client_reply(request, body)))

    def to_worker(self, worker: Worker, command: mdp.WorkerCommand, **kw: Any) -> bool:
        frames = mdp.worker_frames(
            command, version=worker.version, delimited=worker.delimited, **kw
        )
        return self._send(worker.identity, frames)

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
        self.reply(identity, request, [error_frame(err.code, err.detail, request_id)])

    # --- routing ------------------------------------------------------------------------------

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
            worker.expires_at = now_ms() + self.config.worker_lifetime_ms
        if isinstance(message, mdp.ClientRequest):
            self._on_client(identity, message)
        elif message.command is mdp.WorkerCommand.READY and message.service == READ_SERVICE:
            self.readers.on_ready(identity, message)
        elif self.readers.knows(identity):
            self.readers.on_message(identity, message)
        else:
            self.authorizers.on_worker(identity, message)

    def _on_client(self, identity: bytes, request: mdp.ClientRequest) -> None:
        handler = self._handlers.get(request.service)
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

    def presence(self) -> list[dict[str, Any]]:
        """The authorizers connected now and how long each has been silent (any thread: the
        center feed sends it with every push, ``broker.push`` ``workers``)."""
        at = now_ms()
        return [
            {
                "authorizer_id": p["authorizer_id"],
                "terminal_id": p["terminal_id"],
                "state": p["state"],
                "silent_ms": min(86_400_000, max(0, at - p["heard_ms"])),
                "window_ms": p["window_ms"],
            }
            for p in self._presence
        ]

    # --- timers -------------------------------------------------------------------------------

    def _on_timers(self, at: int) -> None:
        if at >= self._next_prune:
            self._prune(at)
            self._next_prune = at + 60_000
        self.authorizers.on_timers(at)
        self.readers.on_timers(at)
        self.vigilance.on_timers(at)
        if at >= self._next_presence:
            self._next_presence = at + 250
            self._presence = tuple(
                {
                    "authorizer_id": w.authorizer_id,
                    "terminal_id": w.terminal_id or w.authorizer_id,
                    "state": w.presence,
                    "heard_ms": w.expires_at - self.config.worker_lifetime_ms,  # last heard
                    "window_ms": self.config.worker_lifetime_ms,
                }
                for w in self.workers.values()
                if w.ready and w.authorizer_id is not None
            )
        hold_over = False
        for entry in list(self.active.values()):
            if entry.hold is not None and entry.hold.until <= at:
                entry.hold, hold_over = None, True  # a correction anyone may take from now on
            if entry.deadline_at <= at:
                self.moves.finish(
                    entry, RequestState.TIMED_OUT, "the teller's wait ran out", "timed_out"
                )
            elif entry.lease is not None and entry.lease.expires_at <= at:
                self.moves.expire_lease(entry)
            self.moves.answer_due(entry, at)
        if hold_over:
            self.dispatcher.run()

    def _prune(self, at: int) -> None:
        """Forget final requests after the retention time (the journal keeps them)."""
        horizon = at - self.config.retain_final_ms
        for entry in [
            e
            for e in self.entries.values()
            if e.state.final and e.deadline_at < horizon and not e.waiters
        ]:
            self.requests.forget(entry)
