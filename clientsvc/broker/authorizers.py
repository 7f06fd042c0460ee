"""What a workstation speaks: the MDP worker protocol (READY, HEARTBEAT, REPLY, DISCONNECT)
and its client services ``authz.presence``, ``authz.options`` and ``authz.decide``
(docs/PROTOCOL.md §5–§7). A decision is checked here in full before it changes anything."""

from __future__ import annotations

import logging
import sqlite3
from collections import OrderedDict
from typing import Literal

from clientsvc.broker.config import MAX_PREFETCH, WORKER_SERVICE, BrokerConfig
from clientsvc.broker.state import Entry, Worker
from clientsvc.broker.transitions import Moves
from clientsvc.catalogue import check_reason
from clientsvc.clock import now_ms
from clientsvc.crosscheck import check_override
from clientsvc.identity import Directory, verify_decision, verify_presence
from clientsvc.protocol import mdp
from clientsvc.protocol.errors import ErrorCode, ProtocolError
from clientsvc.protocol.messages import (
    VERDICT_STATE,
    Decision,
    DecisionAck,
    Presence,
    PresenceAck,
    RequestState,
    TestReveal,
    WorkerOptions,
    WorkerOptionsAck,
    parse,
)
from clientsvc.reading.model import Reading
from clientsvc.rules import eligible, reauth_is_fresh
from clientsvc.vigilance import CAUGHT_VERDICTS

log = logging.getLogger("authdesk.broker")


def check_reading(entry: Entry, decision: Decision) -> Reading | None:
    """§6.4 check 12a: a decision names the reading it was shown, which must be the one the
    broker holds; an approval must name it (a reading that arrived after the authorizer
    looked is looked at first). Returns the reading whose findings the decision answers."""
    held = entry.reading
    digest = held.digest if held is not None else None
    if decision.reading is not None and decision.reading != digest:
        raise ProtocolError(ErrorCode.READING_STALE, "the decision names another reading")
    if decision.verdict == "approve" and decision.reading != digest:
        raise ProtocolError(
            ErrorCode.READING_STALE, "the machine's reading arrived: look at it before approving"
        )
    return held.reading if held is not None and decision.reading is not None else None


class Authorizers:
    def __init__(
        self,
        config: BrokerConfig,
        moves: Moves,
        directory: Directory,
        stats: dict[str, int],
    ) -> None:
        self.config = config
        self.moves = moves
        self.requests = moves.requests
        self.directory = directory
        self.stats = stats
        self.nonces: OrderedDict[str, int] = OrderedDict()  # seen, for their window

    @property
    def workers(self) -> dict[bytes, Worker]:
        return self.moves.workers

    def worker_for(self, identity: bytes) -> Worker:
        worker = self.workers.get(identity)
        if worker is None:
            worker = Worker(identity)
            worker.expires_at = now_ms() + self.config.worker_lifetime_ms
            self.workers[identity] = worker
        return worker

    def check_fresh(self, at: int, nonce: str) -> None:
        """A signed message's time within the allowed skew, and its nonce never seen."""
        now = now_ms()
        if abs(now - at) > self.config.clock_skew_ms:
            raise ProtocolError(ErrorCode.CLOCK_SKEW, f"time is {now - at} ms off")
        horizon = now - 2 * self.config.clock_skew_ms
        while self.nonces and next(iter(self.nonces.values())) < horizon:
            self.nonces.popitem(last=False)
        if nonce in self.nonces:
            raise ProtocolError(ErrorCode.REPLAYED, "nonce already seen")
        self.nonces[nonce] = now

    # --- client services ------------------------------------------------------------------

    def presence(self, identity: bytes, request: mdp.ClientRequest) -> None:
        msg, _ = parse(request.body[0], Presence)
        profile = verify_presence(msg, self.directory)
        self.check_fresh(msg.at, msg.nonce)
        worker = self.worker_for(identity)
        # one authorizer, one live session: an older connection of the same person is retired
        for other in list(self.workers.values()):
            if other is not worker and other.authorizer_id == profile.authorizer_id:
                log.info("authorizer %s moved to a new connection", profile.authorizer_id)
                self.moves.drop_worker(other, "replaced by a new session")
        worker.profile = profile
        worker.terminal_id = msg.terminal_id
        worker.presence = msg.state
        log.info("presence %s: %s on %s", profile.authorizer_id, msg.state, msg.terminal_id)
        ack = PresenceAck(
            authorizer_id=profile.authorizer_id, state=msg.state, server_time=now_ms()
        )
        self.moves.out.reply(identity, request, [ack.to_frame()])
        if msg.state == "signed_out":
            self.moves.drop_worker(worker, "signed out", notify=False)
            return
        if msg.state == "away":  # "stop sending me items": what they have not seen goes back
            for lease in worker.leases[1:]:
                self.moves.requeue(lease, "reassigned", revoke="reassigned")
        elif msg.state == "locked":  # the screen is locked: nobody is looking at anything
            for lease in list(worker.leases):
                self.moves.requeue(lease, "locked", revoke="locked")
        self.moves.after()

    def options(self, identity: bytes, request: mdp.ClientRequest) -> None:
        msg, _ = parse(request.body[0], WorkerOptions)
        worker = self.worker_for(identity)
        worker.prefetch = min(msg.prefetch, MAX_PREFETCH)
        ack = WorkerOptionsAck(prefetch=worker.prefetch, server_time=now_ms())
        self.moves.out.reply(identity, request, [ack.to_frame()])
        self.moves.after()

    def decide(self, identity: bytes, request: mdp.ClientRequest) -> None:
        msg, _ = parse(request.body[0], Decision)
        status = self.apply_decision(msg)
        entry = self.requests.get(msg.request_id)
        mark = entry.test if entry is not None else None
        ack = DecisionAck(
            request_id=msg.request_id,
            status=status,
            server_time=now_ms(),
            test=None
            if mark is None
            else TestReveal(
                defect=mark.defect, note=mark.note, caught=msg.verdict in CAUGHT_VERDICTS
            ),
        )
        self.moves.out.reply(identity, request, [ack.to_frame()])

    def apply_decision(self, decision: Decision) -> Literal["accepted", "duplicate"]:
        entry = self.requests.get(decision.request_id)
        if entry is None:
            raise ProtocolError(ErrorCode.UNKNOWN_REQUEST, decision.request_id)
        profile = verify_decision(decision, self.directory)
        if entry.verdicts.is_duplicate(decision):
            return "duplicate"  # a retry after a lost ack: answered, not applied again
        entry.verdicts.check(decision)  # over, or this authorizer approved it already
        if not entry.state.final and entry.deadline_at <= now_ms():
            # past the teller's deadline: the teller may be authorizing locally by now
            self.moves.finish(
                entry, RequestState.TIMED_OUT, "the teller's wait ran out", "timed_out"
            )
        if entry.state.final:
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
        reading = check_reading(entry, decision)
        check_override(entry.request, decision, reading)  # a machine finding stops approval
        check_reason(decision.verdict, decision.reason_code, decision.reason_text)
        self.check_fresh(decision.decided_at, decision.nonce)
        try:
            if (
                decision.verdict == "approve"
                and len(entry.verdicts.approvals) + 1 < entry.verdicts.needed
            ):
                self.moves.first_approval(entry, decision)
                return "accepted"
            self.moves.finish(entry, VERDICT_STATE[decision.verdict], "", None, decision)
        except sqlite3.Error as exc:
            log.error("journal write failed for the decision on %s: %s", decision.request_id, exc)
            raise ProtocolError(ErrorCode.STORAGE, "the broker could not record it") from exc
        self.stats["decided"] += 1
        log.info(
            "decision %s: %s by %s", decision.request_id, decision.verdict, decision.authorizer_id
        )
        return "accepted"

    # --- the worker protocol ----------------------------------------------------------------

    def on_worker(self, identity: bytes, message: mdp.WorkerMessage) -> None:
        cmd = message.command
        worker = self.workers.get(identity)
        if cmd is mdp.WorkerCommand.READY and message.service == WORKER_SERVICE:
            worker = self.worker_for(identity)
            worker.version, worker.delimited, worker.ready = (
                message.version,
                message.delimited,
                True,
            )
            worker.next_heartbeat = now_ms() + self.config.heartbeat_ms
            self.moves.after()
        elif cmd is mdp.WorkerCommand.READY or worker is None:
            # READY for another service; or MDP: a worker we do not know must re-register
            if cmd is mdp.WorkerCommand.READY:
                log.warning("READY for unknown service %r", message.service)
            frames = mdp.worker_frames(
                mdp.WorkerCommand.DISCONNECT, version=message.version, delimited=message.delimited
            )
            self.moves.out.send(identity, frames)
        elif cmd is mdp.WorkerCommand.DISCONNECT:
            self.moves.drop_worker(worker, "worker disconnected", notify=False)
        elif cmd is mdp.WorkerCommand.REPLY and message.body:
            try:
                msg, _ = parse(message.body[0], Decision)
                self.apply_decision(msg)
            except ProtocolError as err:
                self.stats["refused"] += 1
                log.warning("refused worker REPLY: %s %s", err.code, err.detail)
        # HEARTBEAT: liveness was refreshed on receipt

    def on_timers(self, at: int) -> None:
        """Workers silent past their liveness are dropped; the others get a heartbeat."""
        for worker in list(self.workers.values()):
            if worker.expires_at < at:
                log.info("worker %s expired", worker.identity.hex())
                self.moves.drop_worker(worker, "heartbeat lost", notify=False)
            elif worker.ready and worker.next_heartbeat <= at:
                self.moves.out.to_worker(worker, mdp.WorkerCommand.HEARTBEAT)
                worker.next_heartbeat = at + self.config.heartbeat_ms
