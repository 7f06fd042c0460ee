"""Dual authorization (双人授权): above an amount, per transaction type, two different
authorizers must both approve. A reject or a return by either ends it.

``Verdicts`` is the state machine of one request's decisions. The broker applies decisions
through it; property tests drive it with every sequence of events.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from clientsvc.protocol.errors import ErrorCode, ProtocolError
from clientsvc.protocol.messages import VERDICT_STATE, AuthRequest, Decision

YUAN = 100


@dataclass(frozen=True)
class DualPolicy:
    """The amount from which a transaction type needs two approvals (fen, inclusive)."""

    thresholds: tuple[tuple[str, int], ...] = (
        ("cash_withdrawal", 200_000 * YUAN),
        ("transfer", 1_000_000 * YUAN),
        ("reversal", 100_000 * YUAN),
        ("account_closing", 50_000 * YUAN),
        ("cashbox_override", 50_000 * YUAN),
    )

    def approvals_needed(self, request: AuthRequest) -> int:
        threshold = dict(self.thresholds).get(request.txn_type)
        return 2 if threshold is not None and request.amount_fen >= threshold else 1


@dataclass
class Verdicts:
    """What has been decided on one request so far."""

    needed: int = 1
    approvals: list[Decision] = field(default_factory=list)
    final: Decision | None = None

    @property
    def final_state(self) -> str | None:
        return None if self.final is None else VERDICT_STATE[self.final.verdict]

    def approvers(self) -> set[str]:
        return {d.authorizer_id for d in self.approvals}

    def is_duplicate(self, decision: Decision) -> bool:
        """The very decision already applied (a retry after a lost answer)."""
        known = [*self.approvals, *([self.final] if self.final else [])]
        return any(d.signature == decision.signature for d in known)

    def check(self, decision: Decision) -> None:
        """Refuse what must not be applied: anything after the end, or a second decision by
        an authorizer who already approved (one person cannot fill both places)."""
        if self.final is not None:
            raise ProtocolError(ErrorCode.ALREADY_DECIDED, self.final_state or "")
        if decision.authorizer_id in self.approvers():
            raise ProtocolError(
                ErrorCode.ALREADY_DECIDED, "you approved this already: a second authorizer must"
            )

    def apply(self, decision: Decision) -> bool:
        """Apply a checked decision; True when the request is now final."""
        self.check(decision)
        if decision.verdict == "approve":
            self.approvals.append(decision)
            if len(self.approvals) < self.needed:
                return False
        self.final = decision
        return True
