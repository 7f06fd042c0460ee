"""Who gets which item: at random among the eligible idle authorizers (背对背).

``pick`` and ``reassign_to`` are pure: they read requests and workers and choose, touching no
socket and no journal (tests/test_dispatch.py runs them on their own). ``Dispatcher`` walks
the waiting line and applies their choices through the moves.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator, Sequence

from clientsvc.broker.config import PICK_DRAWS, BrokerConfig
from clientsvc.broker.resubmission import Hold, Returner, offer
from clientsvc.broker.state import Entry, Requests, Worker
from clientsvc.broker.transitions import Moves
from clientsvc.clock import now_ms
from clientsvc.identity import Directory
from clientsvc.rules import AuthorityPolicy, eligible

Fits = Callable[[Worker], bool]


def fits_for(entry: Entry, policy: AuthorityPolicy) -> Fits:
    """Who may take ``entry``: eligible for it, and not an authorizer who approved it
    already (dual authorization needs a second person)."""
    approvers = entry.verdicts.approvers()

    def fits(worker: Worker) -> bool:
        return bool(
            worker.profile
            and eligible(worker.profile, entry.request, policy)
            and worker.profile.authorizer_id not in approvers
        )

    return fits


def returner(
    hold: Hold, workers: Sequence[Worker], free: Sequence[Worker], fits: Fits
) -> tuple[Returner, Worker | None]:
    """Where the authorizer who returned a correction's original is now, for ``offer``:
    ``free`` if among ``free``, ``busy`` if signed in, available and eligible (``fits``) but
    not, ``absent`` otherwise; with their connection when free."""
    worker = next((w for w in workers if w.authorizer_id == hold.returner), None)
    if (
        worker is None
        or worker.profile is None
        or worker.profile.revoked
        or not worker.available
        or not fits(worker)
    ):
        return "absent", None
    return ("free", worker) if worker in free else ("busy", None)


def pick(
    entry: Entry,
    room: Sequence[Worker],
    *,
    policy: AuthorityPolicy,
    rng: random.Random,
    at: int,
    workers: Sequence[Worker] = (),
) -> Worker | None:
    """An authorizer for ``entry`` at random among the eligible in ``room`` (背对背): one with
    nothing on screen if there is any, else one that asked to hold a next item. Uniform over
    them either way: a few random draws first (most authorizers may decide most items, so one
    or two draws find one without looking at hundreds), then a look at all of them. A
    correction goes to the authorizer who returned its original while its hold lasts
    (``workers``: every connected worker, to find them)."""
    fits = fits_for(entry, policy)
    if entry.hold is not None:  # a correction: its returner first, for a while (§7.15)
        state, chosen = returner(entry.hold, workers, room, fits)
        choice = offer(entry.hold, at, state)
        if choice != "anyone":
            return chosen if choice == "returner" else None
    for _ in range(min(len(room), PICK_DRAWS)):  # rejection sampling: uniform when found
        w = rng.choice(room)
        if not w.leases and fits(w):
            return w
    idle = [w for w in room if not w.leases and fits(w)]
    if idle:
        return rng.choice(idle)
    spare = [w for w in room if 0 < len(w.leases) <= w.prefetch and fits(w)]
    return rng.choice(spare) if spare else None


def reassign_to(
    entry: Entry,
    ready: Sequence[Worker],
    *,
    policy: AuthorityPolicy,
    rng: random.Random,
    at: int,
    workers: Sequence[Worker] = (),
) -> Worker | None:
    """Who takes over ``entry``, an item another authorizer only holds as their next: an
    idle eligible authorizer at random, or nobody. A correction held by (or for) its returner
    stays while its hold lasts."""
    fits = fits_for(entry, policy)
    idle = [w for w in ready if not w.leases and fits(w)]
    if not idle:
        return None
    if entry.hold is not None:
        state, chosen = returner(entry.hold, workers, idle, fits)
        choice = offer(entry.hold, at, state)
        if choice == "wait":
            return None
        if choice == "returner" and chosen is not None:
            return chosen
    return rng.choice(idle)


class Dispatcher:
    """Gives queued items to authorizers whenever one may be free."""

    def __init__(
        self,
        config: BrokerConfig,
        requests: Requests,
        moves: Moves,
        directory: Directory,
        resume: Callable[[Worker], None],
    ) -> None:
        self.config = config
        self.requests = requests
        self.moves = moves
        self.directory = directory
        self._resume = resume  # leases restored from the journal, back to their authorizer
        self._directory_version = -1  # the directory's profiles the workers' copies are from
        self.rng: random.Random = random.SystemRandom()

    def run(self) -> None:
        """Give queued items to authorizers, at random among the eligible (背对背).

        An authorizer with nothing on screen comes first; then one whose workstation asked to
        hold a next item gets it as that (prefetch). An authorizer left with nothing while
        another merely holds a next item they could decide takes that item over.
        """
        workers = self.moves.workers
        ready = [w for w in workers.values() if w.available]
        if self.moves.orphans:  # after a restart: what they held comes back to them first
            for worker in ready:
                self._resume(worker)
        if not any(w.profile for w in ready):
            return
        self._refresh_profiles()
        ready = [w for w in ready if w.profile is not None and not w.profile.revoked]
        lost = False
        # only authorizers who can take an item now are looked at, and the line is walked
        # only while there are any: with every authorizer busy, a long line costs nothing
        room = [w for w in ready if len(w.leases) <= w.prefetch]
        for entry in self._candidates(len(room)):
            chosen = pick(
                entry,
                room,
                policy=self.config.policy,
                rng=self.rng,
                at=now_ms(),
                workers=list(workers.values()),
            )
            if chosen is None:
                continue
            if not self.moves.lease(entry, chosen):
                ready.remove(chosen)  # gone: its send failed, its items are queued again
                lost = True
            if chosen not in ready or len(chosen.leases) > chosen.prefetch:
                room.remove(chosen)  # full (or gone)
            if not room:
                break
        if self._reassign_held(ready) or lost:
            self.run()  # a send failed: its items are queued again

    def _refresh_profiles(self) -> None:
        """A revoked key or a changed level counts from now on."""
        self.directory.refresh()
        if self.directory.version != self._directory_version:
            self._directory_version = self.directory.version
            for worker in self.moves.workers.values():
                if worker.profile is not None:
                    worker.profile = self.directory.cached(worker.profile.authorizer_id)

    def _candidates(self, room: int) -> Iterator[Entry]:
        """The line in order while someone can take an item: most of the time only the oldest
        few are looked at (a copy: leasing takes entries out of the line)."""
        if not room:
            return
        head = list(self.requests.line(0, 4 * room + 16))
        yield from head
        seen = {id(e) for e in head}  # free authorizers left that none of those fitted
        yield from [e for e in self.requests.line() if id(e) not in seen]

    def _reassign_held(self, ready: list[Worker]) -> bool:
        """An idle authorizer takes over an item another one only holds as their next: the
        oldest such item first (urgent before). True when a lease could not be sent (the
        caller dispatches again)."""
        held = sorted(
            (
                (entry, lease)
                for holder in ready
                for lease in holder.leases[1:]
                if (entry := self.requests.get(lease.request_id)) is not None
            ),
            key=lambda h: (not h[0].request.urgent, h[0].enqueued_at),
        )
        lost = False
        workers = list(self.moves.workers.values())
        for entry, lease in held:
            chosen = reassign_to(
                entry,
                ready,
                policy=self.config.policy,
                rng=self.rng,
                at=now_ms(),
                workers=workers,
            )
            if chosen is None:
                continue
            self.moves.requeue(lease, "reassigned", revoke="reassigned")
            if not self.moves.lease(entry, chosen):
                ready.remove(chosen)
                lost = True
        return lost
