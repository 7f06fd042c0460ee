"""The services a teller terminal calls: ``authz.submit``, ``authz.wait``, ``authz.cancel`` and
``authz.local`` (docs/PROTOCOL.md §4). Each handler raises ``ProtocolError`` for what it
refuses; the broker turns that into the error reply."""

from __future__ import annotations

import hashlib
import json
import logging
import sqlite3
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from clientsvc.broker.config import BrokerConfig
from clientsvc.broker.journal import Journal
from clientsvc.broker.resubmission import refusal
from clientsvc.broker.state import Entry, Waiter
from clientsvc.broker.transitions import Moves
from clientsvc.clock import now_ms
from clientsvc.dual import Verdicts
from clientsvc.imagecheck import check_declared, check_item, image_format, read_header
from clientsvc.protocol import mdp
from clientsvc.protocol.errors import ErrorCode, ProtocolError
from clientsvc.protocol.messages import (
    DECIDED_STATES,
    AuthRequest,
    Cancel,
    LocalAuthorization,
    ReadingStatus,
    RequestState,
    SubmitAck,
    Wait,
    parse,
    request_digest,
)

log = logging.getLogger("authdesk.broker")


def _sniff_mime(data: bytes) -> str | None:
    kind = image_format(data)  # the same magic bytes the image checks read
    return None if kind is None else f"image/{kind}"


def _storage(what: str = "it") -> ProtocolError:
    return ProtocolError(ErrorCode.STORAGE, f"the broker could not record {what}")


class Tellers:
    def __init__(self, config: BrokerConfig, moves: Moves) -> None:
        self.config = config
        self.moves = moves
        self.requests = moves.requests
        self.accepted: Callable[[Entry], None] = lambda entry: None  # the readers' line
        # a real request was accepted and acked: a vigilance test item may follow it
        self.after_real: Callable[[Entry], None] = lambda entry: None
        # what a new item says of its reading until a reader has made it (``Readers``)
        self.reading_status: Callable[[], ReadingStatus] = lambda: "unavailable"

    @property
    def journal(self) -> Journal:
        return self.moves.journal

    def _entry(
        self, msg: AuthRequest, raw: dict[str, Any], digest: str, at: int, deadline: int
    ) -> Entry:
        return Entry(
            msg,
            raw,
            digest,
            enqueued_at=at,
            deadline_at=deadline,
            verdicts=Verdicts(needed=self.config.dual.approvals_needed(msg)),
        )

    def submit(self, identity: bytes, request: mdp.ClientRequest) -> None:
        msg, raw = parse(request.body[0], AuthRequest)
        digest = request_digest(raw)
        existing = self.requests.get(msg.request_id)
        if existing is not None:
            if existing.digest != digest:
                raise ProtocolError(
                    ErrorCode.DUPLICATE_MISMATCH, "request id reused with different content"
                )
            self.moves.out.reply(identity, request, [self._ack(existing)])
            return
        self._check_supersedes(msg)
        received = self.check_images(msg, request.body[1:])
        at = now_ms()
        entry = self._entry(msg, raw, digest, at, at + msg.wait_s * 1000)
        entry.reading_status = self.reading_status()
        self.requests.open(entry)
        self.requests.link(entry, self.config.resubmit_hold_ms)  # a correction: its returner
        # The item goes to a free authorizer first; the request is committed while it travels,
        # and the teller is acked only after the commit. If the broker dies in between, the
        # teller (never acked) resubmits the same id and the first lease's decision is refused.
        self.moves.after()
        try:
            self.journal.accept(at, msg.request_id, {"request": raw, "digest": digest}, received)
        except sqlite3.Error as exc:
            log.error("journal write failed for %s: %s", msg.request_id, exc)
            self.moves.abandon(entry)
            raise _storage("the request") from exc
        log.info("accepted %s (%s) from teller %s", msg.request_id, msg.txn_type, msg.teller_id)
        self.moves.out.reply(identity, request, [self._ack(entry)])
        self.accepted(entry)  # recorded: a reader may fetch its images now
        self.after_real(entry)

    def check_images(self, msg: AuthRequest, blobs: list[bytes]) -> dict[str, tuple[str, bytes]]:
        """The images sent with a request: each one an evidence entry's (hash, size, type),
        every entry's image sent or held already, and their headers within bounds."""
        if len(blobs) > len(msg.evidence):
            raise ProtocolError(ErrorCode.EVIDENCE_MISMATCH, "more images than evidence entries")
        wanted = {e.sha256: e for e in msg.evidence}
        received: dict[str, tuple[str, bytes]] = {}
        for blob in blobs:
            sha = hashlib.sha256(blob).hexdigest()
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
        return received

    def _check_pixels(self, shas: list[str], received: dict[str, tuple[str, bytes]]) -> None:
        """§5.3 (5): what the images' headers declare, before any workstation decodes them:
        each image's size and shape, enough data for that size, and the pixels of all of them
        together (``clientsvc.imagecheck``, the workstation's own checks). An image whose
        headers cannot be read is left to the workstation, which refuses to show it."""
        infos = []
        for sha in shas:
            held = received.get(sha) or self.journal.evidence(sha) or ("", b"")
            try:
                info = read_header(held[1])
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
        original = self.requests.get(msg.supersedes)
        problem = refusal(
            msg,
            original.request if original else None,
            original.state if original else None,
            [(s.request_id, s.state) for s in original.successors] if original else (),
        )
        if problem is not None:
            raise ProtocolError(ErrorCode.SUPERSEDES, problem)

    def _ack(self, entry: Entry) -> bytes:
        return SubmitAck(
            request_id=entry.request_id,
            state=entry.state,
            position=self.requests.position(entry),
            server_time=now_ms(),
        ).to_frame()

    def _teller_entry(self, request_id: str, teller_id: str) -> Entry:
        entry = self.requests.get(request_id)
        # a vigilance test item is answered exactly as a real request in its state (§7.16):
        # an answer of its own would tell anyone who asks with the item's ids that it is one
        if entry is None:
            raise ProtocolError(ErrorCode.UNKNOWN_REQUEST, request_id)
        if entry.request.teller_id != teller_id:
            raise ProtocolError(ErrorCode.FORBIDDEN, "not this teller's request")
        return entry

    def wait(self, identity: bytes, request: mdp.ClientRequest) -> None:
        msg, _ = parse(request.body[0], Wait)
        entry = self._teller_entry(msg.request_id, msg.teller_id)
        if entry.state.final or msg.wait_ms == 0:
            self.moves.out.reply(identity, request, [self.moves.outcome(entry)])
            return
        # what is held is the reply's address: no frame of the request (``replace``)
        waiter = Waiter(identity, replace(request, body=[]), now_ms() + msg.wait_ms)
        if not self.moves.hold(entry, waiter):  # as many as one connection may: answered now
            self.moves.out.reply(identity, request, [self.moves.outcome(entry)])

    def cancel(self, identity: bytes, request: mdp.ClientRequest) -> None:
        msg, _ = parse(request.body[0], Cancel)
        entry = self._teller_entry(msg.request_id, msg.teller_id)
        if not entry.state.final:
            why = msg.reason or "cancelled by the teller"
            self.moves.finish(entry, RequestState.CANCELLED, why, "cancelled")
        self.moves.out.reply(identity, request, [self.moves.outcome(entry)])

    def local(self, identity: bytes, request: mdp.ClientRequest) -> None:
        """A local authorization (本地授权): ends the request for good — taken back from any
        authorizer holding it — unless a remote decision came first (``E_ALREADY_DECIDED``:
        that one stands). Idempotent: the same record again gets the same outcome."""
        msg, raw = parse(request.body[0], LocalAuthorization)
        if msg.request.get("request_id") != msg.request_id:
            raise ProtocolError(ErrorCode.WRONG_REQUEST, "the request carried is another one")
        entry = self.requests.get(msg.request_id)
        if entry is None:  # the broker never got it (unreachable at the time): record it now
            entry = self._record_unseen(msg)
        if entry.request.teller_id != msg.teller_id:
            raise ProtocolError(ErrorCode.FORBIDDEN, "not this teller's request")
        if entry.state is not RequestState.FALLBACK_LOCAL:
            if entry.state in DECIDED_STATES:
                raise ProtocolError(ErrorCode.ALREADY_DECIDED, f"the center decided: {entry.state}")
            detail = f"local authorization by {msg.supervisor_id}: {msg.verdict}"
            try:
                self.moves.finish(
                    entry, RequestState.FALLBACK_LOCAL, detail, "fallback_local", local=raw
                )
            except sqlite3.Error as exc:
                raise _storage() from exc
            log.info("%s authorized locally at the outlet (%s)", msg.request_id, msg.why)
        self.moves.out.reply(identity, request, [self.moves.outcome(entry)])

    def _record_unseen(self, msg: LocalAuthorization) -> Entry:
        """A local authorization of a request the broker never received: the request is
        recorded now, already past its deadline, so the authorization can be recorded too."""
        parsed, _ = parse(json.dumps(msg.request).encode(), AuthRequest)
        if parsed.teller_id != msg.teller_id:
            raise ProtocolError(ErrorCode.FORBIDDEN, "not this teller's request")
        at = now_ms()
        entry = self._entry(parsed, msg.request, request_digest(msg.request), at, at)
        try:
            self.journal.accept(  # "local": restored already past its deadline
                at,
                msg.request_id,
                {"request": msg.request, "digest": entry.digest, "local": True},
                {},
            )
        except sqlite3.Error as exc:
            raise _storage() from exc
        self.requests.open(entry)
        self.requests.link(entry, self.config.resubmit_hold_ms)
        return entry
