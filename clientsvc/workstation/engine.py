"""The workstation engine: one thread owns the broker socket and the audit cache.

The GUI calls the thread-safe methods (``set_presence``, ``decide``, ``stop``); the engine
reports back through a ``WorkstationEvents`` object whose methods it calls *on the engine
thread* — the UI adapter turns each into a queued Qt signal. Nothing here blocks the caller.

On the wire the engine is an MDP worker for service ``authz`` (it receives leased items and
revokes) and, on the same DEALER socket, an MDP client of ``authz.presence``, ``authz.decide``,
``authz.queue`` and ``evidence.get``.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, Protocol

import zmq

from clientsvc.audit import AuditStore
from clientsvc.audit.sync import CenterSync, SyncConfig, SyncStatus
from clientsvc.catalogue import check_reason
from clientsvc.clock import now_ms
from clientsvc.crosscheck import check_override
from clientsvc.curve import Transport
from clientsvc.identity import SigningKey
from clientsvc.mailbox import Mailbox
from clientsvc.protocol import mdp
from clientsvc.protocol.canonical import canonical_bytes
from clientsvc.protocol.errors import ErrorCode, ProtocolError
from clientsvc.protocol.messages import (
    MAX_CAPTURES,
    MAX_ITEM_BYTES,
    AuthRequest,
    Decision,
    DecisionAck,
    Error,
    EvidenceBlob,
    EvidenceGet,
    Item,
    ItemReading,
    PresenceAck,
    QueueStatus,
    QueueStatusGet,
    Revoke,
    WorkerOptions,
    WorkerOptionsAck,
    parse,
    parse_any,
    request_digest,
)
from clientsvc.reading.signed import SignedReading
from clientsvc.workstation.decision import DecisionRequest
from clientsvc.workstation.resubmit import Original, original_of

log = logging.getLogger("authdesk.workstation")

# Records that may wait are written once the engine has been quiet this long, so that their
# fsync does not land on the path of the next item.
IDLE_MS = 40
# refusals after which the item is no longer this authorizer's to decide
GONE = frozenset({"E_NOT_LEASED", "E_ALREADY_DECIDED", "E_INVALID_STATE"})


@dataclass(frozen=True)
class ReceivedItem:
    """An item leased to this authorizer, recorded in the audit cache, ready to show."""

    lease_id: str
    request: AuthRequest
    raw: dict[str, Any]
    digest: str
    enqueued_at: int
    dispatched_at: int
    received_at: int
    lease_expires_at: int
    attempt: int
    approvals_needed: int = 1  # dual authorization: 2 above the amount for the type
    prior_approvals: tuple[Decision, ...] = ()  # the first approval, by another authorizer
    reauth_required: bool = False  # top authority level: the PIN again before deciding
    # a resubmission: the returned request it corrects and why it was returned (resubmit.py)
    original: Original | None = None
    # the machine reading of its images (docs/PROTOCOL.md §4.15), when the broker has one;
    # else "pending" (a reader is at it) or "unavailable" (the machine check is not there)
    reading: SignedReading | None = None
    reading_status: str = "unavailable"

    @property
    def reading_digest(self) -> str | None:
        return self.reading.digest if self.reading is not None else None


class WorkstationEvents(Protocol):
    """What the engine reports. Called on the engine thread; implementations must not block."""

    def connection_changed(self, connected: bool, detail: str) -> None: ...
    def presence_changed(self, state: str) -> None: ...
    def item_received(self, item: ReceivedItem) -> None: ...
    def item_revoked(self, request_id: str, reason: str) -> None: ...
    def item_reading(self, item: ReceivedItem) -> None: ...
    def evidence_loaded(self, request_id: str, sha256: str, data: bytes) -> None: ...
    def evidence_failed(self, request_id: str, sha256: str, code: str) -> None: ...
    def decision_settled(self, request_id: str, accepted: bool, code: str, detail: str) -> None: ...
    def capture_recorded(self, request_id: str, sha256: str) -> None: ...
    def queue_status(self, status: QueueStatus, my_count: int, my_total_ms: int) -> None: ...
    def failed(self, code: str, detail: str) -> None: ...
    def sync_status(self, status: SyncStatus) -> None: ...
    def decisions_unresolved(self, request_ids: list[str]) -> None: ...
    def test_revealed(self, request_id: str, defect: str, note: str, caught: bool) -> None: ...


@dataclass
class EngineConfig:
    endpoint: str
    terminal_id: str
    audit_path: Path
    heartbeat_ms: int = 2500
    liveness: int = 3
    decision_retry_ms: int = 3000
    queue_poll_ms: int = 2000
    evidence_cache_bytes: int = 256 * 1024 * 1024
    prefetch: int = 1  # items held as "next" besides the one on screen (0: one at a time)
    transport: Transport = field(default_factory=Transport.plain)
    audit_max_pages: int | None = None  # tests: simulate a full disk
    sync: SyncConfig | None = None  # the audit sync to the center (None: no center)


class WorkstationEngine:
    def __init__(
        self,
        config: EngineConfig,
        key: SigningKey,
        events: WorkstationEvents,
        context: zmq.Context[Any] | None = None,
    ) -> None:
        self.config = config
        self.key = key
        self.events = events
        self._ctx = context or zmq.Context.instance()
        self._mailbox = Mailbox(self._ctx, "ws")
        self._thread: threading.Thread | None = None
        self._inbox: zmq.Socket[Any] | None = None
        self._read_inbox: Callable[[zmq.Socket[Any]], list[Callable[[], None]]] | None = None
        self._running = threading.Event()
        self._started = threading.Event()
        self._sock: zmq.Socket[Any] | None = None
        self._audit: AuditStore | None = None
        self._sync: CenterSync | None = None
        self._connected = False
        self._last_rx = 0
        self._last_command = 0
        self._next_heartbeat = 0
        self._next_queue_poll = 0
        self._presence = "available"
        self._items: dict[str, ReceivedItem] = {}
        self._pending: dict[str, tuple[Decision, int]] = {}  # request id → (decision, resend at)
        self._deferred: list[tuple[str, str, str]] = []  # settlements to record when idle
        self._unrecorded: list[tuple[str, dict[str, Any]]] = []  # items arrived, not yet recorded
        # notes sent just before a decision (what was looked at, the re-key): written in the
        # decision's own commit
        self._notes_owed: list[tuple[str, dict[str, Any], str | None]] = []
        self._captures: dict[str, list[str]] = {}  # request id → frames grabbed (sha256)
        self._evidence_waiting: dict[str, str] = {}  # sha256 → request id
        self._cache: OrderedDict[str, bytes] = OrderedDict()
        self._cache_bytes = 0
        self._day_start_ms = 0
        # my decisions today (count, ms from on screen to decided): read once from the audit
        # cache, then kept here; the queue figures every few seconds must not scan the file
        self._today = (0, 0)
        self._shown_at: dict[str, int] = {}
        self._decided_at: dict[str, int] = {}

    # --- thread-safe API (any thread) ---------------------------------------------------------

    def start(
        self,
        inbox: zmq.Socket[Any] | None = None,
        read_inbox: Callable[[zmq.Socket[Any]], list[Callable[[], None]]] | None = None,
    ) -> None:
        """``inbox``: a socket of commands the engine thread polls itself, ``read_inbox``
        turning what arrived into commands (``command``) — the engine's process reads its
        GUI's commands so, without a thread of its own between them (one wake-up fewer)."""
        self._inbox, self._read_inbox = inbox, read_inbox
        self._running.set()
        wake_rx = self._mailbox.open()
        self._thread = threading.Thread(
            target=self._run, args=(wake_rx,), name="ws-engine", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        """Sign out (best effort) and end the thread."""
        if self._thread is None:
            return
        self._running.clear()
        self._mailbox.wake()
        self._thread.join(10)
        self._thread = None
        self._mailbox.close()

    def command(self, name: str, *args: Any) -> Callable[[], None]:
        """The engine's call ``name`` (``set_presence``, ``decide``, ``note``,
        ``item_displayed``, ``grab_frame``) as a command to run on the engine thread."""
        handlers: dict[str, Callable[..., None]] = {
            "set_presence": self._do_presence,
            "decide": self._do_decide,
            "note": self._do_note,
            "item_displayed": self._do_item_displayed,
            "grab_frame": self._do_grab,
        }
        return partial(handlers[name], *args)

    def set_presence(self, state: str) -> None:
        self._submit(self.command("set_presence", state))

    def decide(self, decision: DecisionRequest) -> None:
        """Sign, record (with the checklist as ticked) and send a decision. If the item was
        sent again since it was shown (another lease, perhaps other content), nothing is
        signed and the decision is refused. An approval of an item with findings without an
        override (and the PIN again) is refused here, before it is sent
        (``E_OVERRIDE_REQUIRED``)."""
        self._submit(self.command("decide", decision))

    def note(self, kind: str, payload: dict[str, Any], request_id: str | None = None) -> None:
        """Record a session event (a wrong PIN, a lock, a refusal shown) in the audit cache."""
        self._submit(self.command("note", kind, payload, request_id))

    def item_displayed(self, request_id: str) -> None:
        """The window has the item on screen: record that (and its arrival, if still owed)."""
        self._submit(self.command("item_displayed", request_id))

    def grab_frame(self, request_id: str, camera_id: str, captured_at_us: int, jpeg: bytes) -> None:
        """Keep a frame of the counter camera with the item: recorded, then carried (by its
        hash) in the decision's signed ``captures``."""
        self._submit(self.command("grab_frame", request_id, camera_id, captured_at_us, jpeg))

    def run_on_engine_thread(self, command: Callable[[], None]) -> None:
        """Run a callable on the engine thread (after the commands before it)."""
        self._submit(command)

    def _submit(self, command: Callable[[], None]) -> None:
        self._mailbox.put(command)

    # --- the engine thread --------------------------------------------------------------------

    def _run(self, wake_rx: zmq.Socket[Any]) -> None:
        try:
            self._audit = AuditStore(self.config.audit_path, self.config.audit_max_pages)
        except ProtocolError as err:
            self.events.failed(err.code.value, err.detail)
            self._started.set()
            wake_rx.close(linger=0)
            return
        self._day_start_ms = _local_midnight_ms()
        self._today = self._audit.count_today(self.key.authorizer_id, self._day_start_ms)
        self._connect()
        self._started.set()
        try:
            self._audit_append("signed_in", {"terminal_id": self.config.terminal_id})
            unresolved = self._audit.pending_decisions()
            for decision in unresolved:  # signed and recorded before a crash: resend
                self._pending[decision.request_id] = (decision, 0)
            if unresolved:  # "outcome unknown" until the broker answers, shown meanwhile
                self.events.decisions_unresolved([d.request_id for d in unresolved])
            poller = zmq.Poller()
            poller.register(wake_rx, zmq.POLLIN)
            if self._inbox is not None:
                poller.register(self._inbox, zmq.POLLIN)
            if self.config.sync is not None:
                self._sync = CenterSync(
                    self.config.sync,
                    self._audit,
                    self.events.sync_status,
                    self._ctx,
                    note=self._audit_append,
                )
            while self._running.is_set():
                sock = self._sock
                assert sock is not None
                poller.register(sock, zmq.POLLIN)
                sync = self._sync
                if sync is not None:
                    poller.register(sync.socket, zmq.POLLIN)
                ready = dict(poller.poll(self._poll_timeout()))
                if sync is not None and sync.socket in ready:
                    sync.receive()
                if wake_rx in ready:
                    self._last_command = now_ms()
                    self._run_commands(list(self._mailbox.drain(wake_rx)))
                if self._inbox is not None and self._inbox in ready:
                    assert self._read_inbox is not None
                    self._last_command = now_ms()
                    self._run_commands(self._read_inbox(self._inbox))
                if sock in ready and self._sock is sock:
                    for _ in range(500):
                        try:
                            frames = sock.recv_multipart(zmq.NOBLOCK)
                        except zmq.Again:
                            break
                        self._on_frames(frames)
                if self._sock is not sock:
                    poller.unregister(sock)
                    sock.close(linger=0)
                elif (self._deferred or self._unrecorded) and self._quiet_for_ms() >= IDLE_MS:
                    self._flush_deferred()  # idle: write what could wait
                self._on_timers()
                if sync is not None:  # the center's turn when nothing else is going on
                    old = sync.tick(idle=self._quiet_for_ms() >= IDLE_MS and not self._deferred)
                    if old is not None:
                        poller.unregister(old)
        except Exception as exc:  # the engine must report, never die silently
            log.exception("engine failed")
            self.events.failed(ErrorCode.STORAGE.value, f"engine stopped: {exc}")
        finally:
            self._flush_deferred()
            self._sign_out_quietly()
            if self._sock is not None:
                self._sock.close(linger=200)
                self._sock = None
            wake_rx.close(linger=0)
            if self._sync is not None:
                self._sync.close()
            self._audit.close()

    def _poll_timeout(self) -> int:
        longest = IDLE_MS if self._deferred or self._unrecorded else 250
        return max(1, min(self.config.heartbeat_ms // 2, longest))

    def _run_commands(self, batch: list[Callable[[], None]]) -> None:
        for i, command in enumerate(batch):
            if self._with_decision(batch, i):
                # a note the GUI sent with a decision (the views flushed, the re-key): kept for
                # the decision's commit, in the order sent, rather than a commit of its own
                assert isinstance(command, partial)
                self._notes_owed.append(command.args)
                continue
            try:
                command()
            except ProtocolError as err:
                self.events.failed(err.code.value, err.detail)

    def _with_decision(self, batch: list[Callable[[], None]], i: int) -> bool:
        """Is ``batch[i]`` a note that only notes separate from a decision after it (so that
        nothing else is recorded between them), with a payload canonical JSON can hold (one
        that cannot is left to ``_do_note``, which says so)?"""
        command = batch[i]
        if not _is(command, self._do_note):
            return False
        assert isinstance(command, partial)
        try:
            canonical_bytes(command.args[1])
        except (ValueError, TypeError):
            return False
        for later in batch[i + 1 :]:
            if _is(later, self._do_decide):
                return True
            if not _is(later, self._do_note):
                return False
        return False

    def _connect(self) -> None:
        sock = self._ctx.socket(zmq.DEALER)
        self.config.transport.secure_client(sock)
        sock.setsockopt(zmq.LINGER, 0)
        sock.setsockopt(zmq.MAXMSGSIZE, 64 * 1024 * 1024)
        sock.connect(self.config.endpoint)
        self._sock = sock
        self._last_rx = now_ms()
        self._next_heartbeat = 0
        self._send_client("authz.presence", [self._presence_frame(self._presence)])
        self._send(mdp.worker_frames(mdp.WorkerCommand.READY, service="authz"))
        if self.config.prefetch:
            self._send_client(
                "authz.options", [WorkerOptions(prefetch=self.config.prefetch).to_frame()]
            )

    def _reconnect(self, why: str) -> None:
        log.warning("reconnecting to the broker: %s", why)
        self._set_connected(False, why)
        self._connect()  # the old socket is closed by the loop

    def _presence_frame(self, state: str) -> bytes:
        return self.key.sign_presence(terminal_id=self.config.terminal_id, state=state).to_frame()

    def _send(self, frames: list[bytes]) -> None:
        assert self._sock is not None
        try:
            self._sock.send_multipart(frames, zmq.NOBLOCK)
        except zmq.Again:
            log.warning("broker socket full; message dropped (will be retried)")

    def _send_client(self, service: str, body: list[bytes]) -> None:
        self._send(mdp.client_request(service, body))

    def _set_connected(self, connected: bool, detail: str = "") -> None:
        if connected != self._connected:
            self._connected = connected
            self.events.connection_changed(connected, detail)

    def _on_timers(self) -> None:
        at = now_ms()
        if at - self._last_rx > self.config.heartbeat_ms * self.config.liveness:
            self._reconnect("no heartbeat from the broker")
            return
        if at >= self._next_heartbeat:
            self._send(mdp.worker_frames(mdp.WorkerCommand.HEARTBEAT))
            self._next_heartbeat = at + self.config.heartbeat_ms
        if at >= self._next_queue_poll:
            self._send_client("authz.queue", [QueueStatusGet().to_frame()])
            self._next_queue_poll = at + self.config.queue_poll_ms
        for request_id, (decision, resend_at) in list(self._pending.items()):
            if resend_at <= at:
                self._send_client("authz.decide", [decision.to_frame()])
                self._pending[request_id] = (decision, at + self.config.decision_retry_ms)

    def _audit_append(
        self, kind: str, payload: dict[str, Any], request_id: str | None = None
    ) -> None:
        assert self._audit is not None
        self._record_items()  # the rows stay in the order things happened
        self._audit.append(
            kind, payload, request_id=request_id, authorizer_id=self.key.authorizer_id
        )

    # --- incoming ---------------------------------------------------------------------------

    def _quiet_for_ms(self) -> int:
        return now_ms() - max(self._last_rx, self._last_command)

    def _on_frames(self, frames: list[bytes]) -> None:
        self._last_rx = now_ms()
        try:
            header = frames[1] if frames and frames[0] == b"" and len(frames) > 1 else frames[0]
            if header in (mdp.W_WORKER_V1, mdp.W_WORKER_V2):
                self._on_worker(mdp.parse_from_broker(frames))
            else:
                self._on_reply(mdp.parse_client_reply(frames))
        except (ProtocolError, IndexError) as err:
            log.warning("ignored a malformed message from the broker: %s", err)

    def _on_worker(self, message: mdp.WorkerMessage) -> None:
        if message.command is mdp.WorkerCommand.HEARTBEAT:
            self._set_connected(True)
        elif message.command is mdp.WorkerCommand.DISCONNECT and self._presence != "signed_out":
            self._reconnect("the broker asked us to reconnect")
        elif message.command is mdp.WorkerCommand.REQUEST and message.body:
            self._set_connected(True)
            msg, _ = parse(message.body[0], Item, Revoke, ItemReading, max_bytes=MAX_ITEM_BYTES)
            if isinstance(msg, Item):
                self._on_item(msg)
            elif isinstance(msg, Revoke):
                self._on_revoke(msg)
            elif isinstance(msg, ItemReading):
                self._on_item_reading(msg)

    def _on_item(self, item: Item) -> None:
        request, raw = AuthRequest.model_validate(item.request), item.request
        if request_digest(raw) != item.request_digest:
            raise ProtocolError(ErrorCode.WRONG_REQUEST, "item digest does not match its request")
        received = ReceivedItem(
            lease_id=item.lease_id,
            request=request,
            raw=raw,
            digest=item.request_digest,
            enqueued_at=item.enqueued_at,
            dispatched_at=item.dispatched_at,
            received_at=now_ms(),
            lease_expires_at=item.lease_expires_at,
            attempt=item.attempt,
            approvals_needed=item.approvals_needed,
            prior_approvals=tuple(item.prior_approvals),
            reauth_required=item.reauth_required,
            original=original_of(item),
        )
        reading = _reading_of(item.reading, received)
        received = dataclasses.replace(
            received,
            reading=reading,
            reading_status="" if reading is not None else (item.reading_status or "unavailable"),
        )
        # Shown first, recorded once the window has it on screen (or when this thread is next
        # idle): the write and the GUI's painting never compete for the interpreter. Every
        # decision records the items before it is signed, so the record always precedes it.
        self._items[request.request_id] = received
        self._unrecorded.append(
            (
                request.request_id,
                {"lease_id": item.lease_id, "digest": item.request_digest, "request": raw},
            )
        )
        self.events.item_received(received)
        for ref in request.evidence:
            cached = self._cache.get(ref.sha256)
            if cached is not None:
                self._cache.move_to_end(ref.sha256)
                self.events.evidence_loaded(request.request_id, ref.sha256, cached)
            else:
                self._evidence_waiting[ref.sha256] = request.request_id
                self._send_client("evidence.get", [EvidenceGet(sha256=ref.sha256).to_frame()])

    def _on_item_reading(self, note: ItemReading) -> None:
        """The machine reading of an item in hand arrived, or its status changed."""
        item = self._items.get(note.request_id)
        if item is None or item.lease_id != note.lease_id:
            return  # not (or no longer) ours under this lease
        reading = _reading_of(note.reading, item) if note.reading is not None else None
        if note.reading is not None and reading is None:
            return  # said in the log; what the item showed stands
        if reading is not None:
            item = dataclasses.replace(item, reading=reading, reading_status="")
            self._audit_append(
                "reading_received",
                {
                    "digest": reading.digest,
                    "reader_id": reading.reading.reader_id,
                    "mismatches": sorted(e.element for e in reading.reading.mismatches()),
                },
                note.request_id,
            )
        elif item.reading is None and note.reading_status is not None:
            item = dataclasses.replace(item, reading_status=note.reading_status)
        else:
            return
        self._items[note.request_id] = item
        self.events.item_reading(item)

    def _do_item_displayed(self, request_id: str) -> None:
        shown: list[tuple[str, dict[str, Any], str | None]] = [("item_shown", {}, request_id)]
        if request_id in self._items and self._record_items(shown) is None:
            assert self._audit is not None
            self._shown_at[request_id] = self._audit.last_at_ms  # as recorded

    def _record_items(
        self, also: list[tuple[str, dict[str, Any], str | None]] | None = None
    ) -> ProtocolError | None:
        """Write the item_received rows still owed (and ``also``) in one commit; the error
        when the disk refused them."""
        if not self._unrecorded and not also:
            return None
        rows = [("item_received", payload, rid) for rid, payload in self._unrecorded]
        assert self._audit is not None
        try:
            self._audit.append_all([*rows, *(also or [])], self.key.authorizer_id)
        except ProtocolError as err:
            # an item that cannot be recorded cannot be decided: take it off the screen,
            # give it back to the broker and stop taking work until the disk is fixed
            for rid, _ in self._unrecorded:
                if self._items.pop(rid, None) is not None:
                    self.events.item_revoked(rid, "not_recorded")
            self._unrecorded.clear()
            self.events.failed(err.code.value, err.detail)
            self._presence = "away"
            self._send(mdp.worker_frames(mdp.WorkerCommand.DISCONNECT))
            self._reconnect("the audit cache cannot be written")
            return err
        self._unrecorded.clear()
        return None

    def _do_grab(self, request_id: str, camera_id: str, captured_at_us: int, jpeg: bytes) -> None:
        if request_id not in self._items:
            raise ProtocolError(ErrorCode.NOT_LEASED, "the item is no longer on screen")
        if self._record_items() is not None:
            return
        assert self._audit is not None
        sha = self._audit.record_capture(
            request_id=request_id,
            authorizer_id=self.key.authorizer_id,
            camera_id=camera_id,
            captured_at_us=captured_at_us,
            jpeg=jpeg,
        )
        grabbed = self._captures.setdefault(request_id, [])
        if sha not in grabbed and len(grabbed) < MAX_CAPTURES:
            grabbed.append(sha)
        self.events.capture_recorded(request_id, sha)

    def _on_revoke(self, revoke: Revoke) -> None:
        item = self._items.get(revoke.request_id)
        if item is None or item.lease_id != revoke.lease_id:
            return  # a stale revoke for an older lease: the item in hand stays
        del self._items[revoke.request_id]
        self._captures.pop(revoke.request_id, None)
        self._audit_append("item_revoked", {"reason": revoke.reason}, revoke.request_id)
        self.events.item_revoked(revoke.request_id, revoke.reason)

    def _on_reply(self, reply: mdp.ClientReply) -> None:
        if not reply.body:
            return
        msg, _ = parse_any(reply.body[0])
        if isinstance(msg, Error):
            self._on_error_reply(reply.service, msg)
        elif isinstance(msg, PresenceAck):
            self._set_connected(True)
            self.events.presence_changed(msg.state)
        elif isinstance(msg, WorkerOptionsAck):
            log.info("the broker holds up to %d next item(s) for this workstation", msg.prefetch)
        elif isinstance(msg, DecisionAck):
            known = msg.request_id in self._pending
            self._settle(msg.request_id, True, "", msg.status)
            if msg.test is not None and known:  # a vigilance test item (§7.16): say so now
                reveal = msg.test
                self._audit_append(
                    "test_revealed",
                    {"defect": reveal.defect, "caught": reveal.caught},
                    msg.request_id,
                )
                self.events.test_revealed(msg.request_id, reveal.defect, reveal.note, reveal.caught)
        elif isinstance(msg, QueueStatus):
            self._set_connected(True)
            count, total = self._my_stats()
            self.events.queue_status(msg, count, total)
        elif isinstance(msg, EvidenceBlob) and len(reply.body) >= 2:
            self._on_evidence(msg, reply.body[1])

    def _on_error_reply(self, service: str, error: Error) -> None:
        if service == "authz.decide" and error.request_id in self._pending:
            self._settle(error.request_id, False, error.code, error.detail)
        elif service == "evidence.get":
            sha = error.detail if error.detail in self._evidence_waiting else ""
            if sha:
                self.events.evidence_failed(self._evidence_waiting.pop(sha), sha, error.code)
        else:
            self.events.failed(error.code, f"{service}: {error.detail}")

    def _on_evidence(self, blob: EvidenceBlob, data: bytes) -> None:
        request_id = self._evidence_waiting.pop(blob.sha256, None)
        if request_id is None:
            return
        if hashlib.sha256(data).hexdigest() != blob.sha256:
            log.error("evidence %s failed its hash check", blob.sha256)
            self._audit_append("evidence_mismatch", {"sha256": blob.sha256}, request_id)
            self.events.evidence_failed(request_id, blob.sha256, ErrorCode.EVIDENCE_MISMATCH.value)
            return
        self._cache[blob.sha256] = data
        self._cache_bytes += len(data)
        while self._cache_bytes > self.config.evidence_cache_bytes and len(self._cache) > 1:
            _, old = self._cache.popitem(last=False)
            self._cache_bytes -= len(old)
        self.events.evidence_loaded(request_id, blob.sha256, data)

    # --- commands -------------------------------------------------------------------------

    def _do_presence(self, state: str) -> None:
        previous, self._presence = self._presence, state
        self._audit_append("presence", {"state": state})
        if previous == "signed_out" and state != "signed_out":
            self._reconnect("signing in again")  # a fresh session: presence, then READY
        else:
            self._send_client("authz.presence", [self._presence_frame(state)])

    def _do_decide(self, d: DecisionRequest) -> None:
        request_id, verdict, reason_code, reason_text = (
            d.request_id,
            d.verdict,
            d.reason_code,
            d.reason_text,
        )
        checklist, lease_id, reauth_at, override = d.checklist, d.lease_id, d.reauth_at, d.override
        notes, self._notes_owed = self._notes_owed, []

        def refuse(code: str, detail: str) -> None:
            """Nothing signed: the notes owed are written on their own, then the refusal."""
            refused = self._record_items(notes)
            if refused is not None:  # the disk cannot hold even those: the item is taken back
                code, detail = refused.code.value, refused.detail
            self.events.decision_settled(request_id, False, code, detail)

        item = self._items.get(request_id)
        if item is None:
            self._record_items(notes)
            raise ProtocolError(ErrorCode.NOT_LEASED, "this item is no longer yours")
        if lease_id is not None and item.lease_id != lease_id:
            detail = "the item was sent again since it was shown: look at it again"
            refuse(ErrorCode.ITEM_CHANGED.value, detail)
            return
        try:
            check_reason(verdict, reason_code, reason_text)
            check_reading_named(item, verdict, d.reading)
        except ProtocolError as err:
            refuse(err.code.value, err.detail)
            return
        decision = self.key.sign_decision(
            request_id=request_id,
            lease_id=item.lease_id,
            request_digest=item.digest,
            evidence=[e.sha256 for e in item.request.evidence],
            verdict=verdict,
            reason_code=reason_code,
            reason_text=reason_text,
            captures=self._captures.get(request_id),
            reauth_at=reauth_at,
            override=override,
            reading=d.reading,
        )
        named = item.reading.reading if item.reading is not None and d.reading else None
        try:  # the broker checks the same: refused here, nothing is recorded or sent
            check_override(item.request, decision, named)
        except ProtocolError as err:
            refuse(err.code.value, err.detail)
            return
        assert self._audit is not None
        owed = [("item_received", payload, rid) for rid, payload in self._unrecorded]
        try:  # written before it is sent: the items and notes still owed, then the decision
            self._audit.record_decision(decision, checklist, before=[*owed, *notes])
            self._unrecorded.clear()
            self._decided_at[request_id] = self._audit.last_at_ms
        except ProtocolError as err:
            refuse(err.code.value, err.detail)
            return
        self._pending[request_id] = (decision, now_ms() + self.config.decision_retry_ms)
        self._send_client("authz.decide", [decision.to_frame()])

    def _do_note(self, kind: str, payload: dict[str, Any], request_id: str | None) -> None:
        try:
            self._audit_append(kind, payload, request_id)
        except ProtocolError as err:  # a full disk: said on screen, the session goes on
            self.events.failed(err.code.value, err.detail)
        except ValueError as exc:  # a payload canonical JSON cannot hold (a float): a bug
            log.error("note %s not recorded: %s", kind, exc)
            self.events.failed(ErrorCode.MALFORMED.value, f"note {kind} not recorded: {exc}")

    def _settle(self, request_id: str, accepted: bool, code: str, detail: str) -> None:
        pending = self._pending.pop(request_id, None)
        if pending is None:
            return
        state = "acked" if accepted else "refused"
        # Recorded when the engine is next idle, off the path to the next item. If it is lost
        # in a crash, the outbox entry is still pending: the decision is resent at start-up and
        # the broker answers "duplicate" — settled then, never applied twice.
        self._deferred.append((request_id, state, code or detail))
        if accepted:
            shown, decided = self._shown_at.get(request_id), self._decided_at.get(request_id)
            if shown is not None and decided is not None:
                count, total = self._today
                self._today = (count + 1, total + decided - shown)
        if accepted or code in GONE:
            self._items.pop(request_id, None)
            self._captures.pop(request_id, None)
            self._shown_at.pop(request_id, None)
            self._decided_at.pop(request_id, None)
        self.events.decision_settled(request_id, accepted, code, detail)

    def _flush_deferred(self) -> None:
        assert self._audit is not None
        self._record_items()
        while self._deferred:
            request_id, state, detail = self._deferred[0]
            try:
                self._audit.settle_decision(request_id, self.key.authorizer_id, state, detail)
            except ProtocolError as err:
                self.events.failed(err.code.value, err.detail)
                return
            self._deferred.pop(0)

    def _my_stats(self) -> tuple[int, int]:
        midnight = _local_midnight_ms()
        if midnight != self._day_start_ms:  # a new day
            self._day_start_ms, self._today = midnight, (0, 0)
        return self._today

    def _sign_out_quietly(self) -> None:
        if self._sock is None:
            return
        try:
            self._send_client("authz.presence", [self._presence_frame("signed_out")])
            self._send(mdp.worker_frames(mdp.WorkerCommand.DISCONNECT))
            if self._audit is not None:
                self._audit_append("signed_out", {"terminal_id": self.config.terminal_id})
        except (zmq.ZMQError, ProtocolError) as exc:
            log.warning("sign-out not delivered: %s", exc)


def _reading_of(raw: dict[str, Any] | None, item: ReceivedItem) -> SignedReading | None:
    """A reading sent by the broker, if it is well formed and about this item as sent (the
    broker verified its signer; what it covers is checked here). None otherwise, logged."""
    if raw is None:
        return None
    try:
        signed = SignedReading.from_dict(raw)
    except ProtocolError as err:
        log.warning("ignored a reading of %s: %s", item.request.request_id, err.detail)
        return None
    if (
        signed.reading.request_id != item.request.request_id
        or signed.reading.request_digest != item.digest
    ):
        log.warning("ignored a reading of another request on %s", item.request.request_id)
        return None
    return signed


def check_reading_named(item: ReceivedItem, verdict: str, named: str | None) -> None:
    """The broker's §6.4 check 12a before signing: a decision names the reading the item
    holds, an approval always does (a reading that arrived after it was shown is looked at
    first)."""
    held = item.reading_digest
    if (named is not None or verdict == "approve") and named != held:
        raise ProtocolError(
            ErrorCode.READING_STALE, "the machine's reading arrived: look at it before approving"
        )


def _is(command: Callable[[], None], method: Callable[..., None]) -> bool:
    return isinstance(command, partial) and command.func == method


def _local_midnight_ms() -> int:
    t = time.localtime()
    midnight = time.mktime((t.tm_year, t.tm_mon, t.tm_mday, 0, 0, 0, 0, 0, -1))
    return int(midnight * 1000)
