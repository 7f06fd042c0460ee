"""The rules re-checked from the signed record alone, as the center does with every decided
request it receives: a broker that was wrong, tampered with or misconfigured shows up here.

The broker enforces these rules when the decision is made (``clientsvc.broker``); this module
checks the outcome afterwards, with nothing but the request as the teller sent it, the signed
decisions and the directory of public profiles. It returns findings instead of raising: the
center lead gets every problem of a request, not the first.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from clientsvc.dual import DualPolicy
from clientsvc.identity import Directory
from clientsvc.protocol.errors import ErrorCode, ProtocolError
from clientsvc.protocol.messages import AuthRequest, Decision, Outcome
from clientsvc.rules import AuthorityPolicy, eligible, reauth_is_fresh
from clientsvc.teller.client import verify_outcome


@dataclass(frozen=True)
class RuleFinding:
    code: str  # an ErrorCode value
    authorizer_id: str  # whose decision, or "" for the request as a whole
    detail: str


def recheck(
    outcome: Outcome,
    raw_request: dict[str, Any],
    directory: Directory,
    policy: AuthorityPolicy | None = None,
    dual: DualPolicy | None = None,
) -> list[RuleFinding]:
    """Every rule the decided request breaks; ``[]`` when it keeps them all."""
    policy = policy or AuthorityPolicy()
    dual = dual or DualPolicy()
    findings: list[RuleFinding] = []
    try:
        verify_outcome(outcome, raw_request, directory)
    except ProtocolError as err:  # signatures, digests, evidence, two different approvers
        findings.append(RuleFinding(err.code.value, "", err.detail))
    request = AuthRequest.model_validate(raw_request)
    decided: dict[str, Decision] = {d.signature: d for d in outcome.approvals}
    if outcome.decision is not None:  # the final one (among the approvals when dual-approved)
        decided.setdefault(outcome.decision.signature, outcome.decision)
    for decision in decided.values():
        findings.extend(_check_decider(decision, request, directory, policy))
    if outcome.state == "approved" and dual.approvals_needed(request) == 2:
        approvers = {d.authorizer_id for d in outcome.approvals if d.verdict == "approve"}
        if len(approvers) < 2:
            findings.append(
                RuleFinding(
                    ErrorCode.FORBIDDEN.value,
                    "",
                    f"approved by {len(approvers) or 1} authorizer(s): the amount needs two",
                )
            )
    return findings


def _check_decider(
    decision: Decision, request: AuthRequest, directory: Directory, policy: AuthorityPolicy
) -> list[RuleFinding]:
    who = decision.authorizer_id
    profile = directory.get(who)
    if profile is None:
        return [RuleFinding(ErrorCode.UNKNOWN_KEY.value, who, "not in the directory")]
    out = []
    if profile.staff_id and profile.staff_id == request.teller_id:
        out.append(RuleFinding(ErrorCode.FORBIDDEN.value, who, "decided their own request"))
    # authority as the profile stands now (a revocation since is reported by the signature
    # check above, not counted twice here)
    if not eligible(dataclasses.replace(profile, revoked=False, staff_id=""), request, policy):
        out.append(
            RuleFinding(
                ErrorCode.FORBIDDEN.value,
                who,
                f"outside their authority: level {profile.level}, limit "
                f"{profile.amount_limit_fen}, types {','.join(profile.txn_types) or 'all'}",
            )
        )
    if policy.needs_reauth(request) and not reauth_is_fresh(
        decision.reauth_at, decision.decided_at
    ):
        out.append(
            RuleFinding(ErrorCode.REAUTH_REQUIRED.value, who, "top level without the PIN again")
        )
    return out
