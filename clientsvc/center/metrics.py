"""The lead's figures, each defined once (docs/LEAD.md §5, the table of definitions).

The board, the statistics tab, the PDF report and the CSV all read what this module computes;
none of them computes a figure of its own. Everything here is a pure function of the signed
records the center holds, gathered by ``LeadDesk`` into one ``Facts`` per request:

- the broker's journal records (``broker.push``): accepted (submitted), each lease and to whom,
  the final state and when;
- the signed decisions, in order (who, when, which verdict);
- the workstations' audit events (``audit.push``): each ``item_shown``, by whom, when;
- the teller's resubmission that ``supersedes`` a returned request.

Times come from three clocks (the broker's, each workstation's): a part that comes out below
zero from a skew is taken as zero. A part whose events are missing (a workstation whose events
have not reached the center yet) is ``None`` and left out of its average; the summary says how
many requests each average is over (``measured``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from clientsvc.vigilance import CAUGHT_VERDICTS, RELIABLE_AFTER, wilson

DECIDED = ("approved", "rejected", "returned")  # an authorizer's verdict ended it
UNANSWERED = ("timed_out", "cancelled", "fallback_local")  # ended without a verdict here
OPEN = ("pending", "in_review")  # not ended yet
VERDICT_STATE = {"approve": "approved", "reject": "rejected", "return": "returned"}

# the parts of 笔均授权时间, in the order the time passes (the chart, the table, the CSV)
PARTS = ("queue_s", "hold_s", "viewing_s", "second_wait_s", "rework_s")


@dataclass(frozen=True)
class Decided:
    """One signed decision: who, when (the workstation's ``decided_at``), which verdict."""

    authorizer: str
    at_ms: int
    verdict: str
    override: bool = False  # an approval past the machine's findings


@dataclass(frozen=True)
class Facts:
    """What the center holds about one request, as ``LeadDesk`` gathers it."""

    request_id: str
    outlet_id: str
    txn_type: str
    state: str  # the center's current state of it (center_requests.state)
    submitted_ms: int  # the broker accepted it
    final_ms: int | None = None  # the broker recorded its final state
    leases: tuple[tuple[int, str], ...] = ()  # (at, to whom): every lease the broker gave
    shown: tuple[tuple[int, str], ...] = ()  # (at, by whom): every item_shown
    decisions: tuple[Decided, ...] = ()
    resubmitted_ms: int | None = None  # the teller's correction of a returned request
    override: bool = False  # an approval despite the machine's findings
    reason_code: str | None = None
    reason_text: str = ""
    test: bool = False  # a vigilance test item: never counted as a real request
    defect: str = ""  # a test item's defect (``clientsvc.vigilance``)


@dataclass(frozen=True)
class Timings:
    """One request's parts, in seconds (``None``: not applicable, or its events are missing).

    ==============  ====================================================================
    total_s         submitted → final; decided requests only (笔均授权时间)
    queue_s         submitted → first on an authorizer's screen (the teller's wait for a
                    look; includes the prefetch hold)
    hold_s          the lease to the authorizer who first showed it → on their screen (the
                    part of the queue wait spent in that workstation's prefetch)
    viewing_s       on screen → decided, each decider's own: from their last showing before
                    their decision; summed over the deciders of a dual item
    second_wait_s   dual items: the first approval → on the second approver's screen
    rework_s        returned → the teller's resubmission that supersedes it
    ==============  ====================================================================
    """

    total_s: float | None
    queue_s: float | None
    hold_s: float | None
    viewing_s: float | None
    second_wait_s: float | None
    rework_s: float | None
    viewing_by: tuple[tuple[str, float | None], ...] = field(default=())  # per decider


def _secs(start: int | None, end: int | None) -> float | None:
    if start is None or end is None:
        return None
    return max(0.0, (end - start) / 1000)


def _view_start(facts: Facts, who: str, after_ms: int | None, decided_ms: int) -> int | None:
    """The decider's last showing of the item at or before their decision (and after the
    previous decision: a dual item's second approver sees it anew)."""
    starts = [
        at
        for at, by in facts.shown
        if by == who and at <= decided_ms and (after_ms is None or at >= after_ms)
    ]
    return max(starts) if starts else None


def timings(facts: Facts) -> Timings:
    first_shown = min(facts.shown, default=None)
    queue = hold = None
    if first_shown is not None:
        at, who = first_shown
        queue = _secs(facts.submitted_ms, at)
        leases = [lease for lease, to in facts.leases if to == who and lease <= at]
        hold = _secs(max(leases), at) if leases else None
    viewing_by: list[tuple[str, float | None]] = []
    previous: int | None = None
    second_wait = None
    for k, d in enumerate(facts.decisions):
        start = _view_start(facts, d.authorizer, previous, d.at_ms)
        viewing_by.append((d.authorizer, _secs(start, d.at_ms)))
        if k == 1:
            second_wait = _secs(previous, start)
        previous = d.at_ms
    views = [v for _, v in viewing_by]
    viewing = sum(v for v in views if v is not None) if views and None not in views else None
    decided = facts.state in DECIDED
    return Timings(
        total_s=_secs(facts.submitted_ms, facts.final_ms) if decided else None,
        queue_s=queue,
        hold_s=hold,
        viewing_s=viewing,
        second_wait_s=second_wait,
        rework_s=_secs(facts.final_ms, facts.resubmitted_ms) if facts.state == "returned" else None,
        viewing_by=tuple(viewing_by),
    )


def mean(values: Iterable[float | None]) -> float | None:
    """The mean of the values present, to 0.1 s; ``None`` when none is."""
    present = [v for v in values if v is not None]
    return round(sum(present) / len(present), 1) if present else None


def share(part: int, whole: int) -> float | None:
    """``part`` over ``whole``, to 0.1 %; ``None`` (shown "—") over nothing."""
    return round(part / whole, 4) if whole else None


def _outcomes(rows: Sequence[tuple[Facts, Timings]]) -> dict[str, Any]:
    """Counts of every state; the verdicts' rates over the decided requests."""
    counts: dict[str, int] = defaultdict(int)
    for f, _ in rows:
        counts[f.state] += 1
    decided = sum(counts[s] for s in DECIDED)
    return {
        "volume": len(rows),
        "decided": decided,
        "pending": sum(counts[s] for s in OPEN),
        "unanswered": sum(counts[s] for s in UNANSWERED),
        "counts": {s: counts[s] for s in (*DECIDED, *UNANSWERED, *OPEN)},
        "rates": {s: share(counts[s], decided) for s in DECIDED},  # over decided only
        "overrides": sum(1 for f, _ in rows if f.override),
        "avg_total_s": mean(t.total_s for _, t in rows),
    }


def _hour(at_ms: int) -> int:
    return dt.datetime.fromtimestamp(at_ms / 1000).hour


def summarize(facts: Sequence[Facts]) -> dict[str, Any]:
    """Every figure of the statistics, the report and the CSV, from the requests' facts.

    Vigilance test items are left out of every figure. ``by_authorizer`` counts each
    decision its signer made (a dual item counts for both of its approvers), with their own
    viewing time; ``avg_total_s`` there is over the requests whose final decision was theirs.
    """
    real = [f for f in facts if not f.test]
    rows = [(f, timings(f)) for f in real]
    decided = [(f, t) for f, t in rows if f.state in DECIDED]
    out = _outcomes(rows)
    out["parts"] = {
        part: {
            "avg_s": mean(getattr(t, part) for _, t in (rows if part == "queue_s" else decided)),
            "measured": sum(
                1
                for _, t in (rows if part == "queue_s" else decided)
                if getattr(t, part) is not None
            ),
        }
        for part in PARTS
    }
    people: dict[str, dict[str, Any]] = {}
    for f, t in rows:
        for (who, view), d in zip(t.viewing_by, f.decisions, strict=True):
            p = people.setdefault(
                who,
                {
                    "decisions": 0,
                    "overrides": 0,
                    "verdicts": defaultdict(int),
                    "views": [],
                    "totals": [],
                },
            )
            p["decisions"] += 1
            p["overrides"] += int(d.override)
            p["verdicts"][d.verdict] += 1
            p["views"].append(view)
        if f.decisions and f.state in DECIDED:
            last = f.decisions[-1].authorizer
            people[last]["totals"].append(t.total_s)
    out["by_authorizer"] = {
        who: {
            "decisions": p["decisions"],
            "approved": p["verdicts"]["approve"],
            "rejected": p["verdicts"]["reject"],
            "returned": p["verdicts"]["return"],
            "overrides": p["overrides"],
            "avg_viewing_s": mean(p["views"]),
            "avg_total_s": mean(p["totals"]),
        }
        for who, p in sorted(people.items())
    }
    for key, attr in (("by_outlet", "outlet_id"), ("by_category", "txn_type")):
        groups: dict[str, list[tuple[Facts, Timings]]] = defaultdict(list)
        for f, t in rows:
            groups[str(getattr(f, attr))].append((f, t))
        out[key] = {k: _outcomes(v) for k, v in sorted(groups.items())}
    hours: dict[int, int] = defaultdict(int)
    for f, _ in rows:
        hours[_hour(f.submitted_ms)] += 1
    out["by_hour"] = {h: hours[h] for h in range(24)}
    out["peak_hours"] = sorted(h for h in sorted(hours, key=lambda h: (-hours[h], h))[:3])
    out["records"] = [_record(f, t) for f, t in rows]
    out["test_items"] = len(facts) - len(real)  # shown apart, counted nowhere else
    out["vigilance"] = vigilance(facts)
    return out


def vigilance(facts: Sequence[Facts]) -> dict[str, dict[str, Any]]:
    """Each authorizer's detection of vigilance test items: of the test items they decided,
    those they did not approve (rejected or returned: ``CAUGHT_VERDICTS``), with the Wilson
    95 % interval of the rate. ``reliable`` once they decided ``RELIABLE_AFTER`` of them; a
    test item not decided (timed out, taken back) counts for nobody."""
    people: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    missed: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for f in facts:
        if not f.test or not f.decisions or f.state not in DECIDED:
            continue
        last = f.decisions[-1]
        seen = last.verdict in CAUGHT_VERDICTS
        people[last.authorizer][0] += 1
        people[last.authorizer][1] += int(seen)
        if not seen:
            missed[last.authorizer][f.defect or "other"] += 1
    out: dict[str, dict[str, Any]] = {}
    for who, (tests, caught) in sorted(people.items()):
        interval = wilson(caught, tests)
        out[who] = {
            "tests": tests,
            "caught": caught,
            "rate": caught / tests,
            "low": None if interval is None else interval[0],
            "high": None if interval is None else interval[1],
            "reliable": tests >= RELIABLE_AFTER,
            "missed": dict(sorted(missed[who].items())),
        }
    return out


def _record(f: Facts, t: Timings) -> dict[str, Any]:
    return {
        "request_id": f.request_id,
        "outlet_id": f.outlet_id,
        "txn_type": f.txn_type,
        "state": f.state,
        "authorizers": [d.authorizer for d in f.decisions],
        "submitted_ms": f.submitted_ms,
        "hour": _hour(f.submitted_ms),
        "override": f.override,
        "reason_code": f.reason_code,
        "reason_text": f.reason_text,
        "total_s": t.total_s,
        **{part: getattr(t, part) for part in PARTS},
    }


def today_by_authorizer(facts: Sequence[Facts]) -> dict[str, dict[str, Any]]:
    """The board's columns per authorizer (items today, average viewing): the statistics'
    ``by_authorizer`` over the same requests, so the two always agree."""
    return {
        who: {"decisions": p["decisions"], "avg_viewing_s": p["avg_viewing_s"]}
        for who, p in summarize(facts)["by_authorizer"].items()
    }


__all__ = [
    "DECIDED",
    "OPEN",
    "PARTS",
    "UNANSWERED",
    "Decided",
    "Facts",
    "Timings",
    "mean",
    "share",
    "summarize",
    "timings",
    "today_by_authorizer",
    "vigilance",
]
