"""Resubmissions at the broker (PROTOCOL.md §7.15): which request a new one may supersede,
and to whom it is offered first. Pure functions of what the broker holds, tested without
sockets; the broker gathers the facts and acts on the answer.

A teller corrects a returned request by submitting a new one whose ``supersedes`` names it.
The broker sends the authorizer the original with the decision that returned it, and offers
the correction first to the authorizer who returned it — they know the case and need only see
what changed — for a bounded time (``BrokerConfig.resubmit_hold_ms``), then to anyone.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from clientsvc.protocol.messages import AuthRequest

# a correction that went through (or is still under way) stops another one of the same
# original; one that ended undecided (cancelled, timed out) does not
UNDECIDED = frozenset({"cancelled", "timed_out"})

# the returner, as dispatch sees them at this moment
Returner = Literal[
    "free",  # signed in, available, eligible for the correction, and able to take it now
    "busy",  # signed in, available and eligible, but with no room for it (or holding it)
    "absent",  # anything else: not signed in, away, locked, revoked, not eligible any more
]
Offer = Literal["returner", "wait", "anyone"]


@dataclass(frozen=True)
class Hold:
    """A correction offered first to the authorizer who returned its original."""

    returner: str  # the authorizer_id of the return decision
    until: int  # ms, broker clock: from then on, anyone


def hold_for(returner: str, enqueued_at: int, hold_ms: int) -> Hold | None:
    """The hold a correction accepted at ``enqueued_at`` gets (none when ``hold_ms`` is 0)."""
    return Hold(returner, enqueued_at + hold_ms) if hold_ms > 0 else None


def offer(hold: Hold | None, at: int, returner: Returner) -> Offer:
    """To whom a queued request may be given at ``at``.

    "anyone": no hold, the hold is over, or the returner is absent — the ordinary random pick
    (the returner included). "returner": them alone, now. "wait": nobody yet: the returner is
    there but busy; the request stays queued until they have room, go absent, or the hold ends.
    """
    if hold is None or at >= hold.until or returner == "absent":
        return "anyone"
    return "returner" if returner == "free" else "wait"


def refusal(
    new: AuthRequest,
    original: AuthRequest | None,
    state: str | None,
    successors: Iterable[tuple[str, str]] = (),
) -> str | None:
    """Why ``new`` may not supersede ``original`` (``E_SUPERSEDES``'s detail), or None.

    ``original``: the request ``new.supersedes`` names, as the broker holds it (None: not
    held); ``state``: its state; ``successors``: (request id, state) of the requests that
    superseded it before. A request may supersede only a *returned* request of the *same
    teller at the same outlet*, and only while no other correction of it is open or was
    decided (approved, rejected, returned) or authorized locally. Another teller's request
    is refused in the very words of an unknown one: the answer tells nothing of it.
    """
    name = new.supersedes
    if name is None:
        return None
    if (
        original is None
        or original.teller_id != new.teller_id
        or original.outlet_id != new.outlet_id
    ):
        return f"supersedes {name}: no request of teller {new.teller_id} with that id"
    if state != "returned":
        return f"supersedes {name}: it is {state}, not returned"
    for request_id, successor_state in successors:
        if successor_state not in UNDECIDED:
            return f"supersedes {name}: corrected already by {request_id} ({successor_state})"
    return None
