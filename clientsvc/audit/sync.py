"""The workstation's sync to the center: its audit events, in sequence order, in batches.

Runs on the workstation engine's thread (the audit cache's one writer), driven by the engine's
poll loop: ``socket`` is polled with the broker's, ``on_frames`` takes the center's replies,
``tick`` sends the next batch when one is due. At most one batch is in flight. The watermark
moves only when the center's signed receipt verifies with the pinned receipt key and names
exactly the last row sent (terminal, seq, hash); until then the batch is sent again (the center
stores idempotently): nothing lost, nothing twice.

Offline is normal: with no answer in ``timeout_ms`` the socket is replaced and the batch sent
again every ``retry_ms``; the status (events not yet at the center, since when) is reported
after every change, and the workstation keeps working.
"""

from __future__ import annotations

import json
import logging
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import zmq
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from clientsvc.audit.chain import RECEIPTS_MISSED, Receipt, verify_receipt
from clientsvc.audit.store import AuditStore
from clientsvc.clock import now_ms
from clientsvc.curve import Transport
from clientsvc.protocol import mdp
from clientsvc.protocol.errors import ErrorCode, ProtocolError
from clientsvc.protocol.messages import decode_json

log = logging.getLogger("authdesk.sync")

MAX_REPLY_BYTES = 1024 * 1024


@dataclass(frozen=True)
class SyncConfig:
    endpoint: str
    terminal_id: str
    center_public: Ed25519PublicKey | None  # receipts are checked with it; None: sync stays off
    transport: Transport = field(default_factory=Transport.plain)
    batch: int = 500
    timeout_ms: int = 5000
    retry_ms: int = 5000
    poll_ms: int = 1000  # how often to look for new events when caught up
    images_per_push: int = 4
    window: int = 2  # batches in flight at once


@dataclass(frozen=True)
class SyncStatus:
    pending: int  # events not yet at the center
    oldest_ms: int | None  # when the oldest of them was written
    reachable: bool  # the center answered the last push
    last_receipt_ms: int | None
    problem: str = ""  # an error code and words, when the center refused or a receipt was bad


@dataclass(frozen=True)
class _Batch:
    batch_id: str
    last_seq: int
    last_hash: str
    sent_at: int
    images: tuple[str, ...]


class CenterSync:
    def __init__(
        self,
        config: SyncConfig,
        audit: AuditStore,
        on_status: Callable[[SyncStatus], None],
        context: zmq.Context[Any] | None = None,
        note: Callable[[str, dict[str, Any]], Any] | None = None,
    ) -> None:
        """``note`` writes an event to the audit trail (default: straight to ``audit``; the
        engine passes its own, which keeps the rows in the order things happened)."""
        self.config = config
        self.audit = audit
        self.on_status = on_status
        self._note = note or audit.append
        self._ctx = context or zmq.Context.instance()
        self.socket: zmq.Socket[Any] = self._new_socket()
        # batches sent and not yet answered, oldest first: the center answers in order, each
        # answer names its batch; a second batch is sent while the first is being stored
        self._in_flight: deque[_Batch] = deque()
        self._batch_no = 0
        self._next_try = 0
        self._want: list[str] = []  # frame grabs the center asked for
        self._reachable = True
        self._last_receipt_ms: int | None = None
        self._problem = "" if config.center_public is not None else "no receipt key"
        self._status: SyncStatus | None = None
        self._next_status = 0
        self._noted: tuple[bool, str] = (True, self._problem)  # last state in the audit trail
        self.report(force=True)

    def _new_socket(self) -> zmq.Socket[Any]:
        sock: zmq.Socket[Any] = self._ctx.socket(zmq.DEALER)
        self.config.transport.secure_client(sock)
        sock.setsockopt(zmq.LINGER, 0)
        sock.setsockopt(zmq.MAXMSGSIZE, MAX_REPLY_BYTES)
        sock.connect(self.config.endpoint)
        return sock

    def close(self) -> None:
        self.socket.close(linger=0)

    # --- driven by the engine's loop ---------------------------------------------------------

    def tick(self, idle: bool) -> zmq.Socket[Any] | None:
        """Send what is due. Returns the old socket when it was replaced (the caller stops
        polling it; this object has closed it)."""
        at = now_ms()
        replaced = None
        if self._in_flight and at - self._in_flight[0].sent_at > self.config.timeout_ms:
            log.warning("the center did not answer in %d ms: reconnecting", self.config.timeout_ms)
            replaced = self.socket
            self.socket.close(linger=0)
            self.socket = self._new_socket()
            self._in_flight.clear()  # answers to them will not come on the new socket
            self._reachable = False
            self._next_try = at + self.config.retry_ms
            self.report(force=True)
        if (
            len(self._in_flight) < self.config.window
            and idle
            and at >= self._next_try
            and self.config.center_public is not None
        ):
            self._send_next(at)
        if at >= self._next_status:
            self.report()
        return replaced

    def _send_next(self, at: int) -> None:
        if self._in_flight:  # continue after the batch still on its way
            after_seq, after_hash = self._in_flight[-1].last_seq, self._in_flight[-1].last_hash
        else:
            after_seq, after_hash = self.audit.watermark()
        rows = self.audit.unsynced(after_seq, self.config.batch)
        pending_images = {i for b in self._in_flight for i in b.images}
        wanted = [w for w in self._want if w not in pending_images][: self.config.images_per_push]
        images = self.audit.captures_for(wanted)
        if not rows and not images:
            self._want = [w for w in self._want if w not in wanted or w in images]
            if not self._in_flight:
                self._next_try = at + self.config.poll_ms
            return
        self._batch_no += 1
        batch_id = f"{self._batch_no}"
        names = list(images)
        body = {
            "v": 1,
            "type": "audit_push",
            "terminal_id": self.config.terminal_id,
            "batch": batch_id,
            "events": rows,
            "images": names,
        }
        frames = [json.dumps(body, ensure_ascii=False).encode(), *images.values()]
        try:
            self.socket.send_multipart(mdp.client_request("audit.push", frames), zmq.NOBLOCK)
        except zmq.Again:
            self._next_try = at + self.config.retry_ms
            return
        last_seq, last_hash = (
            (rows[-1]["seq"], rows[-1]["hash"]) if rows else (after_seq, after_hash)
        )
        self._in_flight.append(_Batch(batch_id, int(last_seq), str(last_hash), at, tuple(names)))

    def receive(self) -> None:
        """Every reply waiting on the socket, handled (never blocks)."""
        while True:
            try:
                frames = self.socket.recv_multipart(zmq.NOBLOCK)
            except zmq.Again:
                return
            self.on_frames(frames)

    def pump(self, timeout_ms: int, idle: bool = True) -> bool:
        """The whole loop for a thread with nothing else to poll (the benchmark, the tests,
        the demo's last push): wait up to ``timeout_ms`` for a reply, handle every one waiting,
        send what is due. True when a reply came. The engine polls the socket with its own and
        calls ``receive`` and ``tick``."""
        answered = bool(self.socket.poll(timeout_ms))
        if answered:
            self.receive()
        self.tick(idle=idle)
        return answered

    def on_frames(self, frames: list[bytes]) -> None:
        at = now_ms()
        try:
            reply = mdp.parse_client_reply(frames)
            data = decode_json(reply.body[0], MAX_REPLY_BYTES) if reply.body else {}
        except (ProtocolError, IndexError) as err:
            log.warning("ignored a malformed reply from the center: %s", err)
            return
        self._reachable = True
        batch = next((b for b in self._in_flight if b.batch_id == data.get("batch")), None)
        if batch is None:
            return  # the answer to a batch given up on: it is sent again anyway
        while self._in_flight and self._in_flight[0] is not batch:
            self._in_flight.popleft()  # older ones unanswered: sent again from the watermark
        self._in_flight.popleft()
        if data.get("type") == "error":
            self._in_flight.clear()  # later batches build on this one: all again
            self._refused(str(data.get("code")), str(data.get("detail", "")))
            self._next_try = at + self.config.retry_ms
            return
        try:
            receipt = Receipt.from_dict(data.get("receipt") or {})
            self._check_receipt(receipt, batch)
            self._note_missed(receipt)
            self.audit.record_receipt(receipt)
        except ProtocolError as err:
            self._in_flight.clear()
            self._refused(err.code.value, err.detail)
            self._next_try = at + self.config.retry_ms
            return
        self._problem = ""
        self._last_receipt_ms = at
        sent = set(batch.images)
        want = data.get("want") or []
        self._want = [w for w in self._want if w not in sent]
        self._want += [w for w in want if isinstance(w, str) and w not in self._want]
        self._next_try = at  # more may be waiting: go on at once
        self.report(force=not self._in_flight)

    def _check_receipt(self, receipt: Receipt, batch: _Batch) -> None:
        assert self.config.center_public is not None
        verify_receipt(receipt, self.config.center_public)  # E_BAD_SIGNATURE: forged
        if receipt.terminal_id != self.config.terminal_id:
            raise ProtocolError(
                ErrorCode.BAD_SIGNATURE, f"the receipt is for terminal {receipt.terminal_id}"
            )
        if (receipt.head_seq, receipt.head_hash) == (batch.last_seq, batch.last_hash):
            return
        # a batch sent again (its first receipt lost) after later ones were stored: the center
        # answers with its head, further on — fine if that is our row, with our hash
        if receipt.head_seq > batch.last_seq and self.audit.hash_at(receipt.head_seq) == (
            receipt.head_hash
        ):
            return
        raise ProtocolError(
            ErrorCode.CHAIN_BROKEN,
            f"the center holds up to seq {receipt.head_seq}, we sent up to {batch.last_seq}",
        )

    def _note_missed(self, receipt: Receipt) -> None:
        """Receipts the center signed that never reached us (a reply lost, a batch sent again
        with more rows): said in the chain, so that a receipt deleted later is told apart."""
        if receipt.n is None:
            return
        last = self.audit.last_receipt()
        if last is None:
            first = 1
        elif last.n is not None and receipt.head_seq > last.head_seq:
            first = last.n + 1
        else:
            return
        if receipt.n > first:
            self._note(RECEIPTS_MISSED, {"from_n": first, "to_n": receipt.n - 1})

    def _refused(self, code: str, detail: str) -> None:
        log.error("the center refused the audit batch: %s %s", code, detail)
        self._problem = f"{code}: {detail}"
        self.report(force=True)

    def report(self, force: bool = False) -> None:
        """Tell the owner the status when it changed (looked at every few seconds)."""
        pending, oldest = self.audit.backlog()
        status = SyncStatus(pending, oldest, self._reachable, self._last_receipt_ms, self._problem)
        self._next_status = now_ms() + 2000
        state = (self._reachable, self._problem.split(":", 1)[0])
        if state != self._noted:  # the center lost, back, or refusing: into the audit trail
            self._noted = state
            payload = {"reachable": state[0], "problem": state[1], "pending": pending}
            try:
                self._note("sync_status", payload)
            except ProtocolError as err:
                log.error("sync status not recorded: %s", err.detail)
        if force or status != self._status:
            self._status = status
            self.on_status(status)

    @property
    def status(self) -> SyncStatus | None:
        return self._status


def center_head(
    config: SyncConfig, timeout_ms: int = 3000, context: zmq.Context[Any] | None = None
) -> Receipt | None:
    """The center's receipt for its head of this terminal's chain, asked for now (a push of
    no rows: the center answers with the receipt it holds for its head; None when it holds no
    row of this terminal). Verified with the pinned receipt key and for this terminal. Raises
    ``E_UNREACHABLE`` without an answer in ``timeout_ms``, the center's code when it refuses."""
    if config.center_public is None:
        raise ProtocolError(ErrorCode.KEYRING, "no receipt key: the center cannot be asked")
    ctx = context or zmq.Context.instance()
    sock: zmq.Socket[Any] = ctx.socket(zmq.DEALER)
    try:
        config.transport.secure_client(sock)
        sock.setsockopt(zmq.LINGER, 0)
        sock.setsockopt(zmq.MAXMSGSIZE, MAX_REPLY_BYTES)
        sock.connect(config.endpoint)
        body = {
            "v": 1,
            "type": "audit_push",
            "terminal_id": config.terminal_id,
            "batch": "head",
            "events": [],
            "images": [],
        }
        sock.send_multipart(mdp.client_request("audit.push", [json.dumps(body).encode()]))
        if not sock.poll(timeout_ms, zmq.POLLIN):
            raise ProtocolError(
                ErrorCode.UNREACHABLE, f"the center at {config.endpoint} did not answer"
            )
        reply = mdp.parse_client_reply(sock.recv_multipart())
        data = decode_json(reply.body[0], MAX_REPLY_BYTES) if reply.body else {}
    finally:
        sock.close(linger=0)
    if data.get("type") == "error":
        raise ProtocolError(_code(data.get("code")), str(data.get("detail", ""))[:200])
    if data.get("type") == "audit_receipt" and data.get("receipt") is None:
        return None
    receipt = Receipt.from_dict(data.get("receipt") or {})
    verify_receipt(receipt, config.center_public)
    if receipt.terminal_id != config.terminal_id:
        raise ProtocolError(
            ErrorCode.BAD_SIGNATURE, f"the receipt is for terminal {receipt.terminal_id}"
        )
    return receipt


def _code(value: Any) -> ErrorCode:
    try:
        return ErrorCode(value)
    except ValueError:
        return ErrorCode.MALFORMED
