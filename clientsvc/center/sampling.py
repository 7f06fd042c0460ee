"""The center lead's daily sample of approved items for re-review (抽查复审): a plan, a seed,
and a draw anyone can repeat.

The draw is a pure function of (plan, seed, eligible items): the same three give the same
sample on any machine, and the sample is recorded with all three so that anyone can re-run it
and prove what was drawn. Within each transaction category (a stratum) the items are drawn
without replacement with probabilities proportional to their risk weight (Efraimidis–Spirakis:
each item gets the key u^(1/w) from the seeded generator, the highest keys are drawn); then
every authorizer with eligible items gets at least the plan's minimum, their highest keys first.
"""

from __future__ import annotations

import hashlib
import json
import math
import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from clientsvc.protocol.canonical import canonical_bytes


@dataclass(frozen=True)
class RiskWeights:
    """Multipliers of an item's chance of being drawn (1.0: no change). Configurable per plan."""

    large_amount_fen: int = 5_000_000  # at or above this amount (50,000.00 yuan) …
    large_amount: float = 3.0  # … the weight is multiplied by this
    reversal: float = 2.0
    password_reset: float = 2.0
    fast_decision_s: int = 10  # decided faster than this many seconds …
    fast_decision: float = 2.0
    night_from_hour: int = 20  # decided between these local hours (wrapping midnight) …
    night_to_hour: int = 7
    night: float = 1.5
    new_authorizer_days: int = 30  # an authorizer in their first month …
    new_authorizer: float = 2.0


@dataclass(frozen=True)
class SamplePlan:
    """Per category a rate (0–1) or a count; a minimum per authorizer; the risk weights."""

    rates: Mapping[str, float] = field(default_factory=dict)  # txn type → share of its items
    counts: Mapping[str, int] = field(default_factory=dict)  # txn type → this many items
    default_rate: float = 0.05  # for a category named in neither
    min_per_authorizer: int = 1
    weights: RiskWeights = field(default_factory=RiskWeights)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["rates"] = {k: self.rates[k] for k in sorted(self.rates)}
        data["counts"] = {k: self.counts[k] for k in sorted(self.counts)}
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> SamplePlan:
        known = {f for f in cls.__dataclass_fields__}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown plan keys: {sorted(unknown)}")
        weights = RiskWeights(**dict(data.get("weights", {})))
        rates = {str(k): float(v) for k, v in dict(data.get("rates", {})).items()}
        counts = {str(k): int(v) for k, v in dict(data.get("counts", {})).items()}
        for key, rate in rates.items():
            if not 0 <= rate <= 1:
                raise ValueError(f"rate for {key} must be between 0 and 1, not {rate}")
        if any(c < 0 for c in counts.values()):
            raise ValueError("counts must not be negative")
        plan = cls(
            rates=rates,
            counts=counts,
            default_rate=float(data.get("default_rate", 0.05)),
            min_per_authorizer=int(data.get("min_per_authorizer", 1)),
            weights=weights,
        )
        if not 0 <= plan.default_rate <= 1 or plan.min_per_authorizer < 0:
            raise ValueError("default_rate must be 0–1 and min_per_authorizer ≥ 0")
        return plan

    def fingerprint(self) -> str:
        """SHA-256 of the plan's canonical JSON (floats written as decimal strings)."""
        return hashlib.sha256(canonical_bytes(_no_floats(self.to_json()))).hexdigest()


def _no_floats(value: Any) -> Any:
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, dict):
        return {k: _no_floats(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_no_floats(v) for v in value]
    return value


@dataclass(frozen=True)
class Eligible:
    """An approved item of the day, with what the risk weights look at."""

    request_id: str
    txn_type: str
    amount_fen: int
    authorizers: tuple[str, ...]  # who approved it (two for a dual authorization)
    decided_at_ms: int
    decision_seconds: float  # from the lease to the decision
    hour: int  # local hour of the decision
    new_authorizer: bool  # an approver in their first `new_authorizer_days`


def weight(item: Eligible, w: RiskWeights) -> float:
    result = 1.0
    if item.amount_fen >= w.large_amount_fen:
        result *= w.large_amount
    if item.txn_type == "reversal":
        result *= w.reversal
    if item.txn_type == "password_reset":
        result *= w.password_reset
    if item.decision_seconds < w.fast_decision_s:
        result *= w.fast_decision
    night = (
        item.hour >= w.night_from_hour or item.hour < w.night_to_hour
        if w.night_from_hour > w.night_to_hour
        else w.night_from_hour <= item.hour < w.night_to_hour
    )
    if night:
        result *= w.night
    if item.new_authorizer:
        result *= w.new_authorizer
    return result


@dataclass(frozen=True)
class Drawn:
    request_id: str
    how: str  # "drawn" (its stratum's share), "minimum" (an authorizer's minimum), "manual"
    txn_type: str
    weight: float


@dataclass(frozen=True)
class Sample:
    plan: SamplePlan
    seed: int
    eligible_ids: tuple[str, ...]  # sorted
    items: tuple[Drawn, ...]

    @property
    def plan_fingerprint(self) -> str:
        return self.plan.fingerprint()

    @property
    def eligible_hash(self) -> str:
        return hashlib.sha256("\n".join(self.eligible_ids).encode()).hexdigest()

    @property
    def ids(self) -> list[str]:
        return [d.request_id for d in self.items]

    @property
    def sample_id(self) -> str:
        """Names the draw: the same plan, seed and eligible set give the same id."""
        key = f"{self.plan_fingerprint}:{self.seed}:{self.eligible_hash}"
        return "S" + hashlib.sha256(key.encode()).hexdigest()[:15]


def stratum_size(plan: SamplePlan, txn_type: str, available: int) -> int:
    if txn_type in plan.counts:
        return min(available, plan.counts[txn_type])
    rate = plan.rates.get(txn_type, plan.default_rate)
    return min(available, math.ceil(rate * available))


def draw(plan: SamplePlan, seed: int, eligible: Iterable[Eligible]) -> Sample:
    """The sample: reproducible from (plan, seed, eligible)."""
    items = sorted(eligible, key=lambda e: e.request_id)
    if len({e.request_id for e in items}) != len(items):
        raise ValueError("an item is eligible twice")
    rng = random.Random(seed)
    keys: dict[str, float] = {}
    weights: dict[str, float] = {}
    for item in items:  # one draw per item, in request id order: the same on every machine
        w = weight(item, plan.weights)
        weights[item.request_id] = w
        u = rng.random()
        keys[item.request_id] = math.log(u if u > 0 else 5e-324) / w  # log of u^(1/w)
    by_type: dict[str, list[Eligible]] = {}
    for item in items:
        by_type.setdefault(item.txn_type, []).append(item)
    chosen: dict[str, Drawn] = {}
    for txn_type in sorted(by_type):
        stratum = sorted(by_type[txn_type], key=lambda e: (-keys[e.request_id], e.request_id))
        for item in stratum[: stratum_size(plan, txn_type, len(stratum))]:
            chosen[item.request_id] = Drawn(
                item.request_id, "drawn", txn_type, weights[item.request_id]
            )
    by_authorizer: dict[str, list[Eligible]] = {}
    for item in items:
        for authorizer in item.authorizers:
            by_authorizer.setdefault(authorizer, []).append(item)
    for authorizer in sorted(by_authorizer):
        theirs = sorted(
            by_authorizer[authorizer], key=lambda e: (-keys[e.request_id], e.request_id)
        )
        have = sum(1 for e in theirs if e.request_id in chosen)
        for item in theirs:
            if have >= plan.min_per_authorizer:
                break
            if item.request_id not in chosen:
                chosen[item.request_id] = Drawn(
                    item.request_id, "minimum", item.txn_type, weights[item.request_id]
                )
                have += 1
    ordered = sorted(chosen.values(), key=lambda d: (d.txn_type, d.request_id))
    return Sample(plan, seed, tuple(e.request_id for e in items), tuple(ordered))


def sample_size(confidence: float, tolerable_rate: float) -> int:
    """Attribute sampling, zero expected errors: the smallest n with (1 − p)^n ≤ 1 − c —
    seeing no error in n items then says, with confidence c, that the error rate is below p
    (95 % and 5 % → 59)."""
    if not 0 < confidence < 1 or not 0 < tolerable_rate < 1:
        raise ValueError("confidence and tolerable rate must be between 0 and 1")
    return math.ceil(math.log(1 - confidence) / math.log(1 - tolerable_rate) - 1e-12)


def sample_record(sample: Sample) -> dict[str, Any]:
    """What is stored and printed: enough to re-run the draw and compare."""
    return {
        "sample_id": sample.sample_id,
        "seed": sample.seed,
        "plan": sample.plan.to_json(),
        "plan_fingerprint": sample.plan_fingerprint,
        "eligible_hash": sample.eligible_hash,
        "eligible": list(sample.eligible_ids),
        "items": [asdict(d) for d in sample.items],
    }


def plan_from_file(text: str) -> SamplePlan:
    """A plan from TOML (``[rates]``, ``[counts]``, ``[weights]``) or JSON."""
    import tomllib

    stripped = text.lstrip()
    data = json.loads(text) if stripped.startswith("{") else tomllib.loads(text)
    return SamplePlan.from_json(data)


def as_eligible(rows: Sequence[Mapping[str, Any]]) -> list[Eligible]:
    return [Eligible(**{k: r[k] for k in Eligible.__dataclass_fields__}) for r in rows]
