"""Every change of a request's state, each written once: lease, requeue, detach, finish, the
first of two approvals, abandon; and a worker leaving.

What is written before what (docs/ARCHITECTURE.md):
- a final state and a first approval are committed to the journal, then applied;
- a lease is sent, then applied, and its record deferred (lost in a crash, the item is
  dispatched again and the first lease's decision refused: never applied twice);
- a requeue is applied and its record deferred (lost, the restored broker sees a lease that
  runs out and requeues it then);
- deferred records are written with the next commit, or when the broker is quiet.

Replies to tellers go through ``Out.reply`` and leave after the group commit; items and
revokes go to workers at once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, Protocol

from clientsvc.broker.config import MAX_WAITS_PER_PEER, BrokerConfig
from clientsvc.broker.journal import Journal
from clientsvc.broker.state import Entry, Lease, Requests, Waiter, Worker
from clientsvc.clock import now_ms
from clientsvc.protocol import mdp
from clientsvc.protocol.messages import (
    Decision,
    Item,
    Original,
    Outcome,
    RequestState,
    Revoke,
)

log = logging.getLogger("authdesk.broker")

Record = tuple[int, str, str, dict[str, Any]]  # at_ms, request id, event, body


class Out(Protocol):
    """Where the moves send: the broker's socket."""

    def reply(self, identity: bytes, request: mdp.ClientRequest, body: list[bytes]) -> None:
        """A reply to a client, held until the journal's commits are on disk."""

    def to_worker(self, worker: Worker, command: mdp.WorkerCommand, **kw: Any) -> bool:
        """A command to a worker, sent now; False when it could not be sent."""

    def send(self, identity: bytes, frames: list[bytes]) -> bool:
        """Frames to a peer, sent now; False when they could not be sent."""


class Moves:
    """The state changes, over the broker's requests and workers. ``after`` runs when a
    change may have freed an authorizer or queued an item (the broker's dispatch)."""

    def __init__(
        self,
        config: BrokerConfig,
        requests: Requests,
        journal: Journal,
        out: Out,
        stats: dict[str, int],
    ) -> None:
        self.config = config
        self.stats = stats
        self.requests = requests
        self.journal = journal
        self.out = out
        self.workers: dict[bytes, Worker] = {}
        self.deferred: list[Record] = []  # journal records written with the next commit
        self.waits_held: dict[bytes, int] = {}  # connection → waits held for it
        self.orphans: dict[str, list[Lease]] = {}  # authorizer → leases without a connection
        self.after: Callable[[], None] = lambda: None
        self._lease_seq = 0

    # --- the journal ------------------------------------------------------------------------

    def commit(self, request_id: str, event: str, body: dict[str, Any]) -> None:
        """Commit a state change now, with any deferred records before it (one transaction).
        The deferred records are let go only once committed: if this change cannot be written
        (its body, the disk), they stay for the next commit — one message's failure never
        drops another's records."""
        records = list(self.deferred)
        self.journal.record_many([*records, (now_ms(), request_id, event, body)])
        del self.deferred[: len(records)]

    def flush(self) -> None:
        """Write the deferred records (the broker is quiet)."""
        if self.deferred:
            records = list(self.deferred)
            self.journal.record_many(records)
            del self.deferred[: len(records)]

    # --- leases ---------------------------------------------------------------------------

    def lease(self, entry: Entry, worker: Worker) -> bool:
        """Send ``entry`` to ``worker`` under a new lease. False when it could not be sent:
        the worker is then dropped, and what it held is queued again."""
        assert worker.profile is not None
        at = now_ms()
        self._lease_seq += 1
        lease = Lease(
            lease_id=f"L{at:x}.{self._lease_seq}",
            request_id=entry.request_id,
            worker=worker.identity,
            authorizer_id=worker.profile.authorizer_id,
            expires_at=min(at + self.config.lease_ms, entry.deadline_at),
        )
        if not self.send_item(worker, entry, lease, at, entry.attempts + 1):
            self.drop_worker(worker, "unreachable", notify=False, dispatch=False)
            return False
        entry.attempts += 1
        self.requests.move(entry, RequestState.IN_REVIEW, lease)
        worker.leases.append(lease)
        self.stats["dispatched"] += 1
        self.deferred.append(
            (at, entry.request_id, "leased", {"lease": lease.lease_id, "to": lease.authorizer_id})
        )
        self.notify(entry)
        return True

    def send_item(self, worker: Worker, entry: Entry, lease: Lease, at: int, attempt: int) -> bool:
        """The Item a worker is sent for a lease (a new one, or one resumed after a restart)."""
        original = entry.original
        reading = entry.reading
        item = Item(
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
            # what a correction carries of the returned request it corrects (§4.8)
            original=(
                Original(request=original.raw, decision=original.decision)
                if original is not None and original.decision is not None
                else None
            ),
            reading=reading.to_dict() if reading is not None else None,
            reading_status=entry.reading_status if reading is None else None,
        )
        return self.out.to_worker(
            worker,
            mdp.WorkerCommand.REQUEST,
            client=lease.lease_id.encode(),
            body=[item.to_frame()],
        )

    def detach(self, lease: Lease | None, revoke: str | None = None) -> None:
        """The lease leaves the worker holding it; ``revoke``: and the workstation is told
        why, so it takes the item off its screen."""
        worker = self.workers.get(lease.worker) if lease is not None else None
        if lease is None or worker is None or lease not in worker.leases:
            return
        worker.leases.remove(lease)
        if revoke is not None:
            body = Revoke(
                request_id=lease.request_id,
                lease_id=lease.lease_id,
                reason=revoke,  # type: ignore[arg-type]
            ).to_frame()
            self.out.to_worker(
                worker, mdp.WorkerCommand.REQUEST, client=lease.lease_id.encode(), body=[body]
            )

    def requeue(self, lease: Lease, why: str, revoke: str | None = None) -> None:
        """The item under ``lease`` goes back to the waiting line (the caller dispatches):
        taken from its worker (``revoke``: saying why), its teller told."""
        self.detach(lease, revoke)
        entry = self.requests.get(lease.request_id)
        if entry is None or entry.lease is not lease or entry.state is not RequestState.IN_REVIEW:
            return
        self.requests.move(entry, RequestState.PENDING)
        self.deferred.append((now_ms(), lease.request_id, "requeued", {"why": why}))
        log.info("requeued %s: %s", lease.request_id, why)
        self.notify(entry)

    def drop_worker(
        self, worker: Worker, why: str, notify: bool = True, dispatch: bool = True
    ) -> None:
        """A worker is gone (signed out, silent, replaced, unreachable): what it held is
        queued again; ``notify``: it is told to disconnect."""
        self.workers.pop(worker.identity, None)
        if notify:
            self.out.to_worker(worker, mdp.WorkerCommand.DISCONNECT)
        leases, worker.leases = worker.leases, []
        for lease in leases:
            self.requeue(lease, why)
        if dispatch:
            self.after()

    # --- decisions and ends -----------------------------------------------------------------

    def finish(
        self,
        entry: Entry,
        state: RequestState,
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
        self.commit(entry.request_id, state.value, record)  # committed, then applied
        lease = entry.lease
        entry.detail = detail
        if decision is not None:
            entry.decision = decision
            entry.verdicts.apply(decision)
        self.requests.move(entry, state)
        self.detach(lease, revoke)
        self.notify(entry, final_only=True)
        self.after()

    def first_approval(self, entry: Entry, decision: Decision) -> None:
        """Dual authorization: recorded, then back to the queue for a second authorizer."""
        self.commit(entry.request_id, "approved_once", {"decision": decision.to_dict()})
        entry.verdicts.apply(decision)
        lease = entry.lease
        self.requests.move(entry, RequestState.PENDING)
        self.detach(lease)  # decided: nothing to revoke
        log.info(
            "first approval of %s by %s: a second authorizer must approve",
            decision.request_id,
            decision.authorizer_id,
        )
        self.notify(entry)
        self.after()

    def expire_lease(self, entry: Entry) -> None:
        """The lease ran out before a decision: the item goes back to the line."""
        if entry.lease is not None:
            self.requeue(entry.lease, "lease expired", revoke="lease_expired")
            self.after()

    def abandon(self, entry: Entry) -> None:
        """Forget a request that could not be recorded; take it back from its authorizer."""
        lease = entry.lease
        self.requests.forget(entry)
        entry.lease = None
        self.detach(lease, "cancelled")
        self.deferred = [d for d in self.deferred if d[1] != entry.request_id]

    # --- answering tellers ------------------------------------------------------------------

    def outcome(self, entry: Entry) -> bytes:
        return Outcome(
            request_id=entry.request_id,
            state=entry.state,
            decision=entry.decision,
            approvals=entry.verdicts.approvals if entry.verdicts.needed > 1 else [],
            detail=entry.detail,
            server_time=now_ms(),
        ).to_frame()

    def notify(self, entry: Entry, final_only: bool = False) -> None:
        """Answer the tellers waiting on ``entry``: its state changed (``final_only``: only
        if it is now final)."""
        if final_only and not entry.state.final:
            return
        waiters, entry.waiters = entry.waiters, []
        self._answer(entry, waiters)

    def answer_due(self, entry: Entry, at: int) -> None:
        """Answer the waits on ``entry`` whose time is up, with the state as it is."""
        due = [w for w in entry.waiters if w.deadline <= at]
        if due:
            entry.waiters = [w for w in entry.waiters if w.deadline > at]
            self._answer(entry, due)

    def _answer(self, entry: Entry, waiters: list[Waiter]) -> None:
        self.unhold(waiters)
        if waiters:
            frame = self.outcome(entry)
            for waiter in waiters:
                self.out.reply(waiter.identity, waiter.request, [frame])

    def hold(self, entry: Entry, waiter: Waiter) -> bool:
        """Hold a teller's wait on ``entry`` (replacing one from the same connection). False
        when that connection holds as many as it may: it is answered at once instead."""
        mine = [w for w in entry.waiters if w.identity == waiter.identity]
        self.unhold(mine)
        entry.waiters = [w for w in entry.waiters if w.identity != waiter.identity]
        held = self.waits_held.get(waiter.identity, 0)
        if held >= MAX_WAITS_PER_PEER:
            return False
        entry.waiters.append(waiter)
        self.waits_held[waiter.identity] = held + 1
        return True

    def unhold(self, waiters: list[Waiter]) -> None:
        """These waits are no longer held (answered, or replaced by a newer one)."""
        for waiter in waiters:
            left = self.waits_held.get(waiter.identity, 0) - 1
            if left > 0:
                self.waits_held[waiter.identity] = left
            else:
                self.waits_held.pop(waiter.identity, None)
