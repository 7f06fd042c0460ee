"""Who may decide what: the eligibility rules the broker dispatches by and re-checks on every
decision."""

from __future__ import annotations

from dataclasses import dataclass

from clientsvc.identity import AuthorizerProfile
from clientsvc.protocol.messages import AuthRequest

YUAN = 100
# A decision on a top-level item must come with the PIN entered again at most this long before
# it was signed.
REAUTH_WINDOW_MS = 120_000


@dataclass(frozen=True)
class AuthorityPolicy:
    """The authority level a request needs: by amount band, with a floor per transaction type."""

    # (upper bound in fen inclusive, level); above the last bound: top level
    amount_bands: tuple[tuple[int, int], ...] = ((50_000 * YUAN, 1), (200_000 * YUAN, 2))
    top_level: int = 3
    type_floor: tuple[tuple[str, int], ...] = (("reversal", 2), ("cashbox_override", 2))

    def required_level(self, request: AuthRequest) -> int:
        level = self.top_level
        for bound, band_level in self.amount_bands:
            if request.amount_fen <= bound:
                level = band_level
                break
        floor = dict(self.type_floor).get(request.txn_type, 1)
        return max(level, floor)

    def needs_reauth(self, request: AuthRequest) -> bool:
        """Items at the top authority level are decided only after the PIN is entered again."""
        return self.required_level(request) >= self.top_level


def reauth_is_fresh(reauth_at: int | None, decided_at: int) -> bool:
    """The PIN was entered again for this decision: shortly before it was signed."""
    return reauth_at is not None and decided_at - REAUTH_WINDOW_MS <= reauth_at <= decided_at


def eligible(profile: AuthorizerProfile, request: AuthRequest, policy: AuthorityPolicy) -> bool:
    """May this authorizer be sent this request?"""
    if profile.revoked:
        return False
    if profile.staff_id and profile.staff_id == request.teller_id:  # maker ≠ checker
        return False
    if profile.level < policy.required_level(request):
        return False
    if profile.txn_types and request.txn_type not in profile.txn_types:
        return False
    return not (
        profile.amount_limit_fen is not None and request.amount_fen > profile.amount_limit_fen
    )
