"""What the broker holds in memory: requests, leases, workers and the waiting line.

A request's state changes in one place, ``Requests.move``, which also keeps the waiting line:
the line is always exactly the open requests that are pending, urgent first, then oldest, so
the oldest few, a request's place and the count are lookups, never a sort of the backlog.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from sortedcontainers import SortedKeyList

from clientsvc.broker.resubmission import Hold, hold_for, refusal
from clientsvc.dual import Verdicts
from clientsvc.identity import AuthorizerProfile
from clientsvc.protocol import mdp
from clientsvc.protocol.messages import AuthRequest, Decision, ReadingStatus, RequestState
from clientsvc.reading.signed import SignedReading
from clientsvc.vigilance import TestMark


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
    # read as ``state``; changed only by ``Requests.move``, which keeps the waiting line
    _state: RequestState = RequestState.PENDING
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
    # the machine reading of its images (``readers``), and until there is one whether a
    # reader is at it ("pending") or none will be ("unavailable")
    reading: SignedReading | None = field(default=None, repr=False)
    reading_status: ReadingStatus = "pending"
    # a vigilance test item (§7.16): the lead's case and its defect; None for a teller's request
    test: TestMark | None = field(default=None, repr=False)

    @property
    def state(self) -> RequestState:
        return self._state

    @property
    def request_id(self) -> str:
        return self.request.request_id

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

    @property
    def authorizer_id(self) -> str | None:
        return self.profile.authorizer_id if self.profile is not None else None

    @property
    def available(self) -> bool:
        """Registered and saying "send me items"."""
        return self.ready and self.presence == "available"


def queue_key(entry: Entry) -> tuple[bool, int, str]:
    """The waiting line's order: urgent first, then oldest, then by id (a total order)."""
    return (not entry.request.urgent, entry.enqueued_at, entry.request.request_id)


class Requests:
    """Every request still remembered, those of them not final yet (what the timers look at),
    and the waiting line: the open ones that are pending, in ``queue_key`` order."""

    def __init__(self) -> None:
        self._entries: dict[str, Entry] = {}
        self._open: dict[str, Entry] = {}
        self._line: SortedKeyList = SortedKeyList(key=queue_key)

    # --- reading --------------------------------------------------------------------------

    @property
    def entries(self) -> dict[str, Entry]:
        """Every remembered request by id (read it; change it through the methods below)."""
        return self._entries

    @property
    def active(self) -> dict[str, Entry]:
        """The requests not final yet, by id (read it; change it through the methods below)."""
        return self._open

    def get(self, request_id: str) -> Entry | None:
        return self._entries.get(request_id)

    def waiting(self) -> int:
        return len(self._line)

    def line(self, start: int = 0, stop: int | None = None) -> Iterator[Entry]:
        """The waiting line in order, or a slice of it."""
        return iter(self._line.islice(start, stop))

    def position(self, entry: Entry) -> int:
        """``entry``'s place in the line (0: next), or 0 when it is not waiting."""
        return self._line.index(entry) if self._waits(entry) else 0

    def _waits(self, entry: Entry) -> bool:
        return entry.state is RequestState.PENDING and self._open.get(entry.request_id) is entry

    # --- the moves --------------------------------------------------------------------------

    def open(self, entry: Entry) -> None:
        """Remember a new request, open; in the line if it is pending. A request of the same id
        remembered before is replaced (and leaves the line)."""
        old = self._open.get(entry.request_id)
        if old is not None and old is not entry:
            self._leave_line(old)
        self._entries[entry.request_id] = entry
        self._open[entry.request_id] = entry
        if entry.state is RequestState.PENDING:
            self._line.add(entry)

    def move(self, entry: Entry, state: RequestState, lease: Lease | None = None) -> None:
        """The one way a request's state changes: to ``state``, under ``lease`` (none unless
        in review). A final state closes it: it leaves the open requests and the line."""
        waiting = self._waits(entry)
        entry._state, entry.lease = state, lease
        now_waiting = self._waits(entry)
        if waiting and not now_waiting:
            self._line.remove(entry)
        elif now_waiting and not waiting:
            self._line.add(entry)
        if state.final and self._open.get(entry.request_id) is entry:
            del self._open[entry.request_id]

    def forget(self, entry: Entry) -> None:
        """Forget a request altogether (not recorded after all, or past its retention)."""
        if self._open.get(entry.request_id) is entry:
            self._leave_line(entry)
            del self._open[entry.request_id]
        if self._entries.get(entry.request_id) is entry:
            del self._entries[entry.request_id]
        # no chain of corrections keeps forgotten requests in memory
        self.unlink(entry)

    def _leave_line(self, entry: Entry) -> None:
        if self._waits(entry):
            self._line.remove(entry)

    # --- resubmissions (§7.15) -----------------------------------------------------------

    def link(self, entry: Entry, hold_ms: int) -> None:
        """Tie a resubmission to the returned request it corrects, and hold it for the
        authorizer who returned that one. At submit the rules were checked first; a restored
        record, or a local authorization's, is linked when the original is still this
        teller's returned request (never refused: it is a record of what happened)."""
        name = entry.request.supersedes
        original = self._entries.get(name) if name is not None else None
        if (
            original is None
            or original.decision is None
            or refusal(entry.request, original.request, original.state) is not None
        ):
            return
        entry.original = original
        original.successors.append(entry)
        entry.hold = hold_for(original.decision.authorizer_id, entry.enqueued_at, hold_ms)

    @staticmethod
    def unlink(entry: Entry) -> None:
        if entry.original is not None and entry in entry.original.successors:
            entry.original.successors.remove(entry)
        entry.original, entry.hold = None, None
        entry.successors = []
