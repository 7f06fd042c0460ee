"""A restarted broker rebuilt from its journal, as if it had never stopped.

A lease comes back without its connection: its decision is accepted from the authorizer's new
connection (the lease and the authorizer match), and the item is sent to them again when they
are back (``resume_leases``). A lease that ran out meanwhile puts the item back in the queue,
and a deadline that passed times the request out: both on the first timer round.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from clientsvc.broker.config import BrokerConfig
from clientsvc.broker.state import Entry, Lease, Worker
from clientsvc.broker.transitions import Moves
from clientsvc.clock import now_ms
from clientsvc.dual import Verdicts
from clientsvc.protocol.errors import ProtocolError
from clientsvc.protocol.messages import FINAL_STATES, AuthRequest, Decision, RequestState
from clientsvc.reading.signed import SignedReading
from clientsvc.vigilance import TestMark, mark_of

log = logging.getLogger("authdesk.broker")


class Restorer:
    """Replays the journal's records into the broker's requests (``run``), and gives an
    authorizer back what they held (``resume_leases``)."""

    def __init__(self, config: BrokerConfig, moves: Moves, nonces: OrderedDict[str, int]) -> None:
        self.remember_test: Callable[[TestMark], None] = lambda mark: None
        self.config = config
        self.moves = moves
        self.requests = moves.requests
        self.nonces = nonces  # a restored decision's nonce counts as seen

    def run(self) -> int:
        """Rebuild the queue, the leases and every remembered outcome. Returns the requests
        restored."""
        at = now_ms()
        records = self.moves.journal.replay(since_ms=at - self.config.retain_final_ms)
        for at_ms, request_id, event, body in records:
            try:
                self.replay(at_ms, request_id, event, body)
            except (
                KeyError,
                TypeError,
                ValueError,
                ProtocolError,
            ) as exc:  # a damaged record: say so, go on
                log.error("journal record %s of %s not restored: %s", event, request_id, exc)
        active = self.requests.active
        for entry in sorted(active.values(), key=lambda e: e.enqueued_at):
            if entry.lease is not None:
                self.moves.orphans.setdefault(entry.lease.authorizer_id, []).append(entry.lease)
        if self.requests.entries:
            held = sum(1 for e in active.values() if e.lease is not None)
            log.info(
                "restored %d requests from the journal: %d open, %d of them leased",
                len(self.requests.entries),
                len(active),
                held,
            )
        return len(self.requests.entries)

    def replay(self, at_ms: int, request_id: str, event: str, body: dict[str, Any]) -> None:
        if event == "accepted":
            msg = AuthRequest.model_validate(body["request"])
            new = Entry(
                msg,
                body["request"],
                str(body["digest"]),
                enqueued_at=at_ms,
                deadline_at=at_ms if body.get("local") else at_ms + msg.wait_s * 1000,
                verdicts=Verdicts(needed=self.config.dual.approvals_needed(msg)),
            )
            new.test = mark_of(body)
            if new.test is not None:  # a vigilance test item (§7.16): one decision ends it
                new.verdicts = Verdicts(needed=1)
                self.remember_test(new.test)
            self.requests.open(new)
            self.requests.link(new, self.config.resubmit_hold_ms)
            return
        entry = self.requests.get(request_id)
        if entry is None:
            return
        if event == "leased":
            entry.attempts += 1
            lease = Lease(
                lease_id=str(body["lease"]),
                request_id=request_id,
                worker=b"",  # its connection is gone; the authorizer's next one takes it
                authorizer_id=str(body["to"]),
                expires_at=min(at_ms + self.config.lease_ms, entry.deadline_at),
            )
            self.requests.move(entry, RequestState.IN_REVIEW, lease)
        elif event == "read":
            entry.reading = SignedReading.from_dict(body["reading"])  # verified when received
        elif event == "requeued":
            self.requests.move(entry, RequestState.PENDING)
        elif event == "approved_once":
            decision = Decision.model_validate(body["decision"])
            entry.verdicts.apply(decision)
            self._remember_nonce(decision)
            self.requests.move(entry, RequestState.PENDING)
        elif event in FINAL_STATES:
            entry.detail = str(body.get("detail", ""))
            if isinstance(body.get("decision"), dict):
                decision = Decision.model_validate(body["decision"])
                entry.decision = decision
                entry.verdicts.apply(decision)
                self._remember_nonce(decision)
            self.requests.move(entry, RequestState(event))

    def _remember_nonce(self, decision: Decision) -> None:
        """A restored decision's nonce counts as seen for the rest of its window."""
        if decision.decided_at >= now_ms() - 2 * self.config.clock_skew_ms:
            self.nonces[decision.nonce] = decision.decided_at

    def resume_leases(self, worker: Worker) -> None:
        """Items an authorizer held when the broker stopped go back to them, under the same
        lease (the workstation keeps the item on screen and its decision stands)."""
        if worker.profile is None or not self.moves.orphans:
            return
        held = self.moves.orphans.pop(worker.profile.authorizer_id, [])
        at = now_ms()
        for lease in held:
            entry = self.requests.active.get(lease.request_id)
            if entry is None or entry.lease is not lease:
                continue  # decided, requeued or timed out since
            if entry.deadline_at <= at or lease.expires_at <= at:
                continue  # ran out while the broker was down: the timers end it, not a screen
            if not self.moves.send_item(worker, entry, lease, now_ms(), entry.attempts):
                return
            lease.worker = worker.identity
            worker.leases.append(lease)
            log.info(
                "lease %s of %s resumed by %s",
                lease.lease_id,
                lease.request_id,
                lease.authorizer_id,
            )
