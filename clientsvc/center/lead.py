"""The center lead's desk, on the center's database: the live board, the daily sample
(抽查), blind re-review (复审) with two-person findings (差错认定), statistics.

Every method returns plain JSON-able data (the center service sends it as it is) and raises
``ProtocolError`` for what is refused, with a ``Refusal`` code. Who acts is given by the
caller; the service checks it against a signature (``clientsvc.center.signing``), and who may
do what is checked before the desk is called (``clientsvc.center.api``).
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import asdict
from typing import Any

from sqlalchemy import func, or_, select, update

from clientsvc.center.codes import Refusal
from clientsvc.center.models import (
    center_events,
    center_requests,
    review_findings,
    reviews,
    sample_items,
    samples,
)
from clientsvc.center.sampling import Eligible, Sample, SamplePlan, draw, sample_record
from clientsvc.center.store import CenterStore
from clientsvc.clock import now_ms
from clientsvc.protocol.errors import ErrorCode, ProtocolError

VERDICTS = ("approve", "reject", "return")
# 差错类别: the center's code list for a finding of error
ERROR_CATEGORIES = {
    "E01": "要素审核不严 Transaction elements not checked",
    "E02": "影像与要素不符 Image does not match the elements",
    "E03": "身份核实不到位 Identity not verified",
    "E04": "超权限授权 Beyond the authorizer's authority",
    "E05": "应拒绝而通过 Approved what should have been refused",
    "E06": "原因或留言不当 Reason or message inadequate",
    "E99": "其他 Other (see the note)",
}
FINAL = ("approved", "rejected", "returned", "cancelled", "timed_out")
STATE_VERDICT = {"approved": "approve", "rejected": "reject", "returned": "return"}


def day_bounds(day_from: str, day_to: str) -> tuple[int, int]:
    """[start of day_from, start of the day after day_to) in local time, as epoch ms."""
    try:
        start = dt.datetime.combine(dt.date.fromisoformat(day_from), dt.time())
        end = dt.datetime.combine(dt.date.fromisoformat(day_to), dt.time()) + dt.timedelta(days=1)
    except ValueError as exc:
        raise ProtocolError(ErrorCode.MALFORMED, f"not a date (YYYY-MM-DD): {exc}") from exc
    if end <= start:
        raise ProtocolError(ErrorCode.MALFORMED, "the range ends before it starts")
    return int(start.timestamp() * 1000), int(end.timestamp() * 1000)


class LeadDesk:
    def __init__(
        self, store: CenterStore, wait_target_s: int = 60, clock: Callable[[], int] = now_ms
    ) -> None:
        """``clock``: epoch milliseconds now (the board's "now", the times a record is made);
        tests pass a fixed one, so nothing depends on the hour the suite runs at."""
        self.store = store
        self.wait_target_s = wait_target_s
        self.clock = clock

    # --- the people --------------------------------------------------------------------------

    def is_lead(self, person: str) -> bool:
        profile = self.store.directory.get(person)
        return profile is not None and not profile.revoked and "lead" in profile.roles

    # --- the sample ----------------------------------------------------------------------------

    def eligible(self, day_from: str, day_to: str) -> list[Eligible]:
        """Every request approved in the range (local days), with what the weights look at."""
        start, end = day_bounds(day_from, day_to)
        with self.store.engine.connect() as conn:
            rows = conn.execute(
                select(center_requests).where(
                    center_requests.c.state == "approved",
                    center_requests.c.final_ms >= start,
                    center_requests.c.final_ms < end,
                )
            ).all()
        items = []
        for r in rows:
            approvers = tuple(a for a in str(r.decided_by).split("+") if a)
            leased = r.leased_ms if r.leased_ms is not None else r.submitted_ms
            decided = int(r.final_ms)
            items.append(
                Eligible(
                    request_id=str(r.request_id),
                    txn_type=str(r.txn_type),
                    amount_fen=int(r.amount_fen),
                    authorizers=approvers,
                    decided_at_ms=decided,
                    decision_seconds=max(0.0, (decided - int(leased)) / 1000),
                    hour=dt.datetime.fromtimestamp(decided / 1000).hour,
                    new_authorizer=any(self._new(a, decided) for a in approvers),
                )
            )
        return items

    def _new(self, authorizer_id: str, at_ms: int) -> bool:
        profile = self.store.directory.get(authorizer_id)
        if profile is None or not profile.joined:
            return False
        try:
            joined = dt.date.fromisoformat(profile.joined)
        except ValueError:
            return False
        days = SamplePlan().weights.new_authorizer_days
        return (dt.date.fromtimestamp(at_ms / 1000) - joined).days < days

    def draw(
        self, day_from: str, day_to: str, plan: SamplePlan, seed: int, actor: str
    ) -> dict[str, Any]:
        """Draw and record the sample (the same draw again returns the record already kept)."""
        sample = draw(plan, seed, self.eligible(day_from, day_to))
        record = sample_record(sample)
        flagged = self._always_reviewed(day_from, day_to)
        with self.store.engine.begin() as conn:
            exists = conn.execute(
                select(samples.c.sample_id).where(samples.c.sample_id == sample.sample_id)
            ).first()
            if exists is None:
                conn.execute(
                    samples.insert(),
                    {
                        "sample_id": sample.sample_id,
                        "day_from": day_from,
                        "day_to": day_to,
                        "seed": seed,
                        "plan": json.dumps(record["plan"], sort_keys=True),
                        "plan_fingerprint": sample.plan_fingerprint,
                        "eligible_hash": sample.eligible_hash,
                        "eligible": json.dumps(list(sample.eligible_ids)),
                        "created_by": actor,
                        "created_ms": self.clock(),
                    },
                )
                rows = [
                    {
                        "sample_id": sample.sample_id,
                        "request_id": d.request_id,
                        "how": d.how,
                        "txn_type": d.txn_type,
                        "weight": repr(d.weight),
                        "added_by": actor,
                    }
                    for d in sample.items
                ]
                rows += [  # every local authorization and override: flagged, always reviewed
                    {
                        "sample_id": sample.sample_id,
                        "request_id": rid,
                        "how": "flagged",
                        "txn_type": txn_type,
                        "weight": "",
                        "added_by": "",
                    }
                    for rid, txn_type in flagged
                    # drawn at random already: it stays a drawn item (the estimate counts it)
                    if rid not in {d.request_id for d in sample.items}
                ]
                if rows:
                    conn.execute(sample_items.insert(), rows)
        return self.sample(sample.sample_id)

    def _always_reviewed(self, day_from: str, day_to: str) -> list[tuple[str, str]]:
        """The requests of the days every sample includes: each local authorization, and each
        approval made despite the machine's findings (a decision with an ``override``)."""
        start, end = day_bounds(day_from, day_to)
        with self.store.engine.connect() as conn:
            rows = conn.execute(
                select(center_requests.c.request_id, center_requests.c.txn_type)
                .where(
                    or_(
                        center_requests.c.state == "fallback_local",
                        # the key of a decision's override (inside a string, quotes are escaped)
                        center_requests.c.decisions.contains('"override": {'),
                        center_requests.c.decisions.contains('"override":{'),
                    ),
                    center_requests.c.final_ms >= start,
                    center_requests.c.final_ms < end,
                )
                .order_by(center_requests.c.request_id)
            ).all()
        return [(str(r[0]), str(r[1])) for r in rows]

    def sample(self, sample_id: str, reviewer: str | None = None) -> dict[str, Any]:
        """The sample and its items. For a ``reviewer`` (not the lead): only whether they
        reviewed each item — no findings, no other reviewers."""
        record = self._sample(sample_id)
        if reviewer is not None:
            for item in record["items"]:
                item["finding"] = None
                item["reviewed_by"] = [r for r in item["reviewed_by"] if r == reviewer]
        return record

    def _sample(self, sample_id: str) -> dict[str, Any]:
        with self.store.engine.connect() as conn:
            head = conn.execute(select(samples).where(samples.c.sample_id == sample_id)).first()
            if head is None:
                raise ProtocolError(ErrorCode.UNKNOWN_REQUEST, Refusal.NO_SAMPLE)
            items = conn.execute(
                select(sample_items, center_requests.c.amount_fen, center_requests.c.decided_by)
                .join(
                    center_requests,
                    center_requests.c.request_id == sample_items.c.request_id,
                    isouter=True,
                )
                .where(sample_items.c.sample_id == sample_id)
                .order_by(sample_items.c.txn_type, sample_items.c.request_id)
            ).all()
            done = {
                (r.request_id, r.reviewer)
                for r in conn.execute(select(reviews).where(reviews.c.sample_id == sample_id))
            }
            findings = {
                r.request_id: dict(r._mapping)
                for r in conn.execute(
                    select(review_findings).where(review_findings.c.sample_id == sample_id)
                )
            }
        return {
            "sample_id": sample_id,
            "day_from": head.day_from,
            "day_to": head.day_to,
            "seed": int(head.seed),
            "plan": json.loads(head.plan),
            "plan_fingerprint": head.plan_fingerprint,
            "eligible_hash": head.eligible_hash,
            "eligible_count": len(json.loads(head.eligible)),
            "created_by": head.created_by,
            "items": [
                {
                    "request_id": i.request_id,
                    "how": i.how,
                    "txn_type": i.txn_type,
                    "weight": i.weight,
                    "added_by": i.added_by,
                    "amount_fen": i.amount_fen,
                    "reviewed_by": sorted(rv for rid, rv in done if rid == i.request_id),
                    "finding": findings.get(i.request_id),
                }
                for i in items
            ],
        }

    def samples(self) -> list[dict[str, Any]]:
        with self.store.engine.connect() as conn:
            rows = conn.execute(select(samples).order_by(samples.c.created_ms.desc())).all()
        return [
            {
                "sample_id": r.sample_id,
                "day_from": r.day_from,
                "day_to": r.day_to,
                "seed": int(r.seed),
                "plan_fingerprint": r.plan_fingerprint,
                "created_by": r.created_by,
            }
            for r in rows
        ]

    def rerun(self, sample_id: str) -> dict[str, Any]:
        """Draw again from the recorded plan, seed and eligible items: the same items?"""
        with self.store.engine.connect() as conn:
            head = conn.execute(select(samples).where(samples.c.sample_id == sample_id)).first()
            drawn = conn.execute(
                select(sample_items.c.request_id).where(
                    sample_items.c.sample_id == sample_id,
                    sample_items.c.how.in_(("drawn", "minimum")),
                )
            ).scalars()
            kept = sorted(drawn)
        if head is None:
            raise ProtocolError(ErrorCode.UNKNOWN_REQUEST, Refusal.NO_SAMPLE)
        wanted = set(json.loads(head.eligible))
        items = [e for e in self.eligible(head.day_from, head.day_to) if e.request_id in wanted]
        again: Sample = draw(SamplePlan.from_json(json.loads(head.plan)), int(head.seed), items)
        return {
            "same_items": sorted(again.ids) == kept,
            "same_eligible": again.eligible_hash == head.eligible_hash,
            "plan_fingerprint": again.plan_fingerprint,
        }

    def add_manual(self, sample_id: str, request_id: str, actor: str) -> dict[str, Any]:
        """An item the lead adds by hand: kept, marked as such."""
        request = self.store.request(request_id)
        if request is None:
            raise ProtocolError(ErrorCode.UNKNOWN_REQUEST, Refusal.NO_REQUEST)
        self.sample(sample_id)  # raises for an unknown sample
        with self.store.engine.begin() as conn:
            conn.execute(
                self.store._insert(sample_items).on_conflict_do_nothing(),
                {
                    "sample_id": sample_id,
                    "request_id": request_id,
                    "how": "manual",
                    "txn_type": request["txn_type"],
                    "weight": "",
                    "added_by": actor,
                },
            )
        return self.sample(sample_id)

    # --- blind re-review ---------------------------------------------------------------------

    def _in_sample(self, sample_id: str, request_id: str) -> None:
        with self.store.engine.connect() as conn:
            found = conn.execute(
                select(sample_items.c.request_id).where(
                    sample_items.c.sample_id == sample_id, sample_items.c.request_id == request_id
                )
            ).first()
        if found is None:
            raise ProtocolError(ErrorCode.UNKNOWN_REQUEST, Refusal.NOT_IN_SAMPLE)

    def evidence(self, sample_id: str, request_id: str) -> dict[str, Any]:
        """What the reviewer sees before deciding: the request (elements), its images, the
        frame grabs and the checklist as ticked — never the verdict, reason or authorizer."""
        self._in_sample(sample_id, request_id)
        request = self.store.request(request_id)
        if request is None:
            raise ProtocolError(ErrorCode.UNKNOWN_REQUEST, Refusal.NO_REQUEST)
        raw = json.loads(request["request"])
        with self.store.engine.connect() as conn:
            deciders = [a for a in str(request["decided_by"]).split("+") if a]
            events = conn.execute(  # only what the authorizers who decided it recorded
                select(center_events.c.kind, center_events.c.payload).where(
                    center_events.c.request_id == request_id,
                    center_events.c.kind.in_(("checklist", "frame_grabbed")),
                    center_events.c.authorizer_id.in_(deciders),
                )
            ).all()
        checklist: dict[str, str] = {}
        grabs: list[str] = []
        for kind, payload in events:
            data = _object(payload)
            if kind == "checklist" and isinstance(data.get("rows"), dict):
                checklist.update({str(k): str(v) for k, v in data["rows"].items()})
            elif kind == "frame_grabbed" and isinstance(data.get("sha256"), str):
                grabs.append(data["sha256"])
        return {
            "request_id": request_id,
            "request": raw,
            "images": [ref["sha256"] for ref in raw.get("evidence", [])],
            "frame_grabs": grabs,
            "checklist": checklist,
        }

    def record_verdict(
        self, sample_id: str, request_id: str, reviewer: str, verdict: str, note: str = ""
    ) -> dict[str, Any]:
        if verdict not in VERDICTS:
            raise ProtocolError(ErrorCode.MALFORMED, f"verdict must be one of {VERDICTS}")
        self._in_sample(sample_id, request_id)
        if self.verdict_of(sample_id, request_id, reviewer) is not None:
            raise ProtocolError(ErrorCode.ALREADY_DECIDED, Refusal.VERDICT_RECORDED)
        with self.store.engine.begin() as conn:
            inserted = conn.execute(
                self.store._insert(reviews).on_conflict_do_nothing(),
                {
                    "sample_id": sample_id,
                    "request_id": request_id,
                    "reviewer": reviewer,
                    "verdict": verdict,
                    "note": note,
                    "at_ms": self.clock(),
                },
            )
            if inserted.rowcount == 0:
                raise ProtocolError(ErrorCode.ALREADY_DECIDED, Refusal.VERDICT_RECORDED)
        return {"recorded": True}

    def verdict_of(self, sample_id: str, request_id: str, reviewer: str) -> str | None:
        with self.store.engine.connect() as conn:
            return conn.execute(
                select(reviews.c.verdict).where(
                    reviews.c.sample_id == sample_id,
                    reviews.c.request_id == request_id,
                    reviews.c.reviewer == reviewer,
                )
            ).scalar()

    def reveal(self, sample_id: str, request_id: str, reviewer: str) -> dict[str, Any]:
        """The original decision(s) and who made them: only after the reviewer's verdict
        (``clientsvc.center.api`` lets no one ask before)."""
        mine = self.verdict_of(sample_id, request_id, reviewer)
        if mine is None:
            raise ProtocolError(ErrorCode.INVALID_STATE, Refusal.OWN_VERDICT_FIRST)
        request = self.store.request(request_id)
        assert request is not None
        decisions = json.loads(request["decisions"])
        return {
            "request_id": request_id,
            "state": request["state"],
            "your_verdict": mine,
            "original_verdict": STATE_VERDICT.get(request["state"], request["state"]),
            "agree": STATE_VERDICT.get(request["state"]) == mine,
            "decisions": [
                {
                    "authorizer_id": d.get("authorizer_id"),
                    "verdict": d.get("verdict"),
                    "reason_code": d.get("reason_code"),
                    "reason_text": d.get("reason_text", ""),
                    "decided_at": d.get("decided_at"),
                }
                for d in decisions
            ],
            "findings": self.store.findings(request_id),  # the center's re-check
            "readings": [  # what the machine told the authorizer, after the verdict only
                {
                    "digest": r.digest,
                    "reader_id": r.reading.reader_id,
                    "engine": r.reading.engine,
                    "named": any(d.get("reading") == r.digest for d in decisions),
                    "elements": [
                        {
                            "element": e.element,
                            "keyed": e.keyed,
                            "seen": "\n".join(s.text for s in e.seen),
                            "verdict": e.verdict.value,
                            "why": e.why.value,
                        }
                        for e in r.reading.elements
                    ],
                }
                for r in self.store.readings(request_id)
            ],
        }

    def record_finding(
        self,
        sample_id: str,
        request_id: str,
        reviewer: str,
        outcome: str,
        category: str = "",
        note: str = "",
    ) -> dict[str, Any]:
        """差错认定: no error (final at once) or an error of a category (awaits a second
        person's confirmation)."""
        if outcome not in ("no_error", "error"):
            raise ProtocolError(ErrorCode.MALFORMED, "outcome is no_error or error")
        if outcome == "error" and category not in ERROR_CATEGORIES:
            raise ProtocolError(ErrorCode.REASON_REQUIRED, Refusal.CATEGORY_REQUIRED)
        if outcome == "error" and category == "E99" and not note.strip():
            raise ProtocolError(ErrorCode.REASON_REQUIRED, Refusal.NOTE_REQUIRED)
        try:
            self.finding(sample_id, request_id)
        except ProtocolError:
            pass  # none yet: as it should be
        else:
            raise ProtocolError(ErrorCode.ALREADY_DECIDED, Refusal.FINDING_RECORDED)
        with self.store.engine.begin() as conn:
            inserted = conn.execute(
                self.store._insert(review_findings).on_conflict_do_nothing(),
                {
                    "sample_id": sample_id,
                    "request_id": request_id,
                    "reviewer": reviewer,
                    "outcome": outcome,
                    "category": category if outcome == "error" else "",
                    "note": note,
                    "at_ms": self.clock(),
                    "state": "final" if outcome == "no_error" else "awaiting_confirmation",
                    "confirmed_by": None,
                    "confirmed_ms": None,
                },
            )
            if inserted.rowcount == 0:
                raise ProtocolError(ErrorCode.ALREADY_DECIDED, Refusal.FINDING_RECORDED)
        return self.finding(sample_id, request_id)

    def finding(self, sample_id: str, request_id: str) -> dict[str, Any]:
        with self.store.engine.connect() as conn:
            row = conn.execute(
                select(review_findings).where(
                    review_findings.c.sample_id == sample_id,
                    review_findings.c.request_id == request_id,
                )
            ).first()
        if row is None:
            raise ProtocolError(ErrorCode.UNKNOWN_REQUEST, Refusal.NO_FINDING)
        return dict(row._mapping)

    def confirm_finding(
        self, sample_id: str, request_id: str, confirmer: str, accept: bool, note: str = ""
    ) -> dict[str, Any]:
        """The second step of a finding of error: a lead who is not the reviewer (checked
        by ``clientsvc.center.api``)."""
        current = self.finding(sample_id, request_id)
        if current["state"] != "awaiting_confirmation":
            raise ProtocolError(ErrorCode.INVALID_STATE, Refusal.NOT_AWAITING)
        with self.store.engine.begin() as conn:
            conn.execute(
                update(review_findings)
                .where(
                    review_findings.c.sample_id == sample_id,
                    review_findings.c.request_id == request_id,
                    review_findings.c.state == "awaiting_confirmation",
                )
                .values(
                    state="confirmed" if accept else "rejected",
                    confirmed_by=confirmer,
                    confirmed_ms=self.clock(),
                    note=current["note"] + (f"\n[{confirmer}] {note}" if note else ""),
                )
            )
        return self.finding(sample_id, request_id)

    def quarantine(self) -> dict[str, Any]:
        """The records the center could not store as they are, kept aside with their bytes
        (``center_quarantine``): each is missing from the board and the figures until dealt
        with. ``record`` is the record as received, JSON with every non-ASCII character
        escaped (a NUL shows as ``\\u0000``)."""
        held = self.store.quarantined()
        return {
            "count": len(held),
            "records": [
                {
                    "id": int(q["id"]),
                    "source": q["source"],
                    "sender": q["sender"],
                    "seq": int(q["seq"]),
                    "request_id": q["request_id"],
                    "event": q["event"],
                    "error": q["error"],
                    "at_ms": int(q["at_ms"]),
                    "size": len(q["record"]),
                    "record": q["record"].decode("ascii", "backslashreplace"),
                }
                for q in held
            ],
        }

    def agreement(self) -> dict[str, Any]:
        """How often reviewers' blind verdicts agree with the original, per category and per
        authorizer; confirmed errors per authorizer (repeat findings: two or more)."""
        with self.store.engine.connect() as conn:
            rows = conn.execute(
                select(
                    reviews.c.verdict,
                    center_requests.c.state,
                    center_requests.c.txn_type,
                    center_requests.c.decided_by,
                ).join(center_requests, center_requests.c.request_id == reviews.c.request_id)
            ).all()
            errors = conn.execute(
                select(center_requests.c.decided_by, review_findings.c.category)
                .join(
                    center_requests,
                    center_requests.c.request_id == review_findings.c.request_id,
                )
                .where(review_findings.c.state == "confirmed")
            ).all()
        by_type: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        by_auth: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for verdict, state, txn_type, decided_by in rows:
            agree = int(STATE_VERDICT.get(state) == verdict)
            by_type[txn_type][0] += 1
            by_type[txn_type][1] += agree
            for a in str(decided_by).split("+"):
                if a:
                    by_auth[a][0] += 1
                    by_auth[a][1] += agree
        per_auth_errors: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for decided_by, category in errors:
            for a in str(decided_by).split("+"):
                if a:
                    per_auth_errors[a][category] += 1
        return {
            "by_category": {k: _rate(v) for k, v in sorted(by_type.items())},
            "by_authorizer": {k: _rate(v) for k, v in sorted(by_auth.items())},
            "errors_by_authorizer": {a: dict(c) for a, c in sorted(per_auth_errors.items())},
            "repeat_findings": sorted(
                a for a, c in per_auth_errors.items() if sum(c.values()) >= 2
            ),
        }

    # --- statistics ----------------------------------------------------------------------------

    def stats(self, day_from: str, day_to: str) -> dict[str, Any]:
        """笔均授权时间 and its parts, volumes and outcome rates, by authorizer, outlet,
        category and hour of day; peak hours."""
        start, end = day_bounds(day_from, day_to)
        with self.store.engine.connect() as conn:
            rows = conn.execute(
                select(center_requests).where(
                    center_requests.c.submitted_ms >= start, center_requests.c.submitted_ms < end
                )
            ).all()
            shown = dict(
                conn.execute(
                    select(center_events.c.request_id, func.max(center_events.c.at_ms))
                    .where(center_events.c.kind == "item_shown")
                    .group_by(center_events.c.request_id)
                ).all()
            )
        supersedes: dict[str, int] = {}
        for r in rows:
            raw = json.loads(r.request)
            if raw.get("supersedes"):
                supersedes[str(raw["supersedes"])] = int(r.submitted_ms)
        records = []
        for r in rows:
            decisions = json.loads(r.decisions)
            decided_at = int(decisions[-1]["decided_at"]) if decisions else None
            leased = r.leased_ms
            seen = shown.get(r.request_id)
            records.append(
                {
                    "request_id": r.request_id,
                    "reason_code": decisions[-1].get("reason_code") if decisions else None,
                    "reason_text": decisions[-1].get("reason_text", "") if decisions else "",
                    "outlet_id": r.outlet_id,
                    "txn_type": r.txn_type,
                    "state": r.state,
                    "authorizer": str(r.decided_by).split("+")[-1] if r.decided_by else "",
                    "override": any(d.get("override") for d in decisions),
                    "hour": dt.datetime.fromtimestamp(r.submitted_ms / 1000).hour,
                    "total_s": _secs(r.submitted_ms, r.final_ms),
                    "queue_s": _secs(r.submitted_ms, r.first_leased_ms),
                    "viewing_s": _secs(
                        leased, seen if seen and leased and seen >= leased else None
                    ),
                    "deciding_s": _secs(seen if seen else leased, decided_at),
                    "rework_s": _secs(r.final_ms, supersedes.get(r.request_id))
                    if r.state == "returned"
                    else None,
                }
            )
        return summarize(records)

    # --- the live board --------------------------------------------------------------------------

    def board(self, at_ms: int | None = None) -> dict[str, Any]:
        at = at_ms or self.clock()
        midnight = int(
            dt.datetime.combine(dt.date.fromtimestamp(at / 1000), dt.time()).timestamp() * 1000
        )
        with self.store.engine.connect() as conn:
            open_rows = conn.execute(
                select(
                    center_requests.c.request_id,
                    center_requests.c.txn_type,
                    center_requests.c.outlet_id,
                    center_requests.c.submitted_ms,
                    center_requests.c.state,
                    center_requests.c.leased_ms,
                    center_requests.c.leased_to,
                ).where(center_requests.c.state.in_(("pending", "in_review")))
            ).all()
            today = conn.execute(
                select(
                    center_requests.c.decided_by,
                    center_requests.c.leased_ms,
                    center_requests.c.final_ms,
                    center_requests.c.state,
                    center_requests.c.outlet_id,
                ).where(center_requests.c.final_ms >= midnight)
            ).all()
            presence = conn.execute(
                select(center_events.c.authorizer_id, center_events.c.kind, center_events.c.payload)
                .where(
                    center_events.c.kind.in_(
                        ("signed_in", "signed_out", "presence", "locked", "unlocked")
                    ),
                    center_events.c.at_ms >= midnight,
                )
                .order_by(center_events.c.at_ms)
            ).all()
        queue: dict[str, dict[str, Any]] = {}
        alerts = []
        for r in open_rows:
            q = queue.setdefault(r.txn_type, {"waiting": 0, "in_review": 0, "oldest_wait_s": 0})
            wait = max(0, (at - int(r.submitted_ms)) // 1000)
            q["waiting" if r.state == "pending" else "in_review"] += 1
            q["oldest_wait_s"] = max(q["oldest_wait_s"], wait)
            if wait > self.wait_target_s:
                alerts.append(
                    {
                        "request_id": r.request_id,
                        "txn_type": r.txn_type,
                        "wait_s": wait,
                        "outlet_id": r.outlet_id,
                    }
                )
        states: dict[str, str] = {}
        for authorizer, kind, payload in presence:
            if not authorizer:
                continue
            if kind == "presence":
                states[authorizer] = str(_object(payload).get("state", "available"))
            elif kind == "signed_in" or kind == "unlocked":
                states[authorizer] = "available"
            elif kind == "locked":
                states[authorizer] = "locked"
            else:
                states[authorizer] = "signed_out"
        people: dict[str, dict[str, Any]] = {}
        for a, state in states.items():
            people[a] = {
                "state": state,
                "on_item": None,
                "on_item_s": 0,
                "items_today": 0,
                "avg_s": None,
            }
        totals: dict[str, list[float]] = defaultdict(list)
        timed_out_outlets: dict[str, int] = defaultdict(int)
        for done in today:
            if done.state in ("timed_out", "fallback_local"):
                timed_out_outlets[done.outlet_id] += 1
            final = int(done.final_ms or 0)
            for a in str(done.decided_by).split("+"):
                if a:
                    totals[a].append((final - int(done.leased_ms or final)) / 1000)
        for a, secs in totals.items():
            person = people.setdefault(
                a,
                {
                    "state": "unknown",  # no session events from its workstation yet
                    "on_item": None,
                    "on_item_s": 0,
                    "items_today": 0,
                    "avg_s": None,
                },
            )
            person["items_today"] = len(secs)
            person["avg_s"] = round(sum(secs) / len(secs), 1) if secs else None
        for r in open_rows:
            if r.state == "in_review" and r.leased_to in people:
                people[r.leased_to]["on_item"] = r.request_id
                people[r.leased_to]["on_item_s"] = max(0, (at - int(r.leased_ms or at)) // 1000)
        alerts.sort(key=lambda x: -x["wait_s"])
        return {
            "at_ms": at,
            "wait_target_s": self.wait_target_s,
            "queue": dict(sorted(queue.items())),
            "authorizers": dict(sorted(people.items())),
            # outlets that authorized locally (本地授权) today, or whose requests timed out
            # (their tellers fell back, whether or not they recorded it yet)
            "fallback_outlets": dict(sorted(timed_out_outlets.items())),
            "alerts": alerts,
        }


def _object(payload: str) -> dict[str, Any]:
    """An event's payload as an object; anything else (a terminal's garbage) as empty."""
    try:
        value = json.loads(payload)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _rate(counts: list[int]) -> dict[str, Any]:
    total, agree = counts
    return {"reviews": total, "agree": agree, "rate": round(agree / total, 3) if total else None}


def _secs(start: int | None, end: int | None) -> float | None:
    if start is None or end is None:
        return None
    return max(0.0, (int(end) - int(start)) / 1000)


def _mean(values: Iterable[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return round(sum(present) / len(present), 1) if present else None


def summarize(records: list[dict[str, Any]]) -> dict[str, Any]:
    """Per-request timings and outcomes → the report's figures."""
    decided = [r for r in records if r["state"] in ("approved", "rejected", "returned")]
    states = ("approved", "rejected", "returned", "timed_out", "cancelled", "fallback_local")
    total = len(records)
    rates = {
        s: round(sum(1 for r in records if r["state"] == s) / total, 3) if total else 0.0
        for s in states
    }

    def group(key: str) -> dict[str, dict[str, Any]]:
        out: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for r in records:
            out[str(r[key])].append(r)
        return {
            k: {
                "volume": len(v),
                "decided": sum(1 for r in v if r["state"] in STATE_VERDICT),
                "overrides": sum(1 for r in v if r.get("override")),
                "avg_total_s": _mean(r["total_s"] for r in v if r["state"] in STATE_VERDICT),
            }
            for k, v in sorted(out.items())
        }

    hours = group("hour")
    peak = sorted(hours, key=lambda h: (-hours[h]["volume"], int(h)))[:3]
    return {
        "volume": total,
        "decided": len(decided),
        "overrides": sum(1 for r in records if r.get("override")),  # approvals past findings
        "avg_total_s": _mean(r["total_s"] for r in decided),  # 笔均授权时间
        "avg_queue_s": _mean(r["queue_s"] for r in decided),
        "avg_viewing_s": _mean(r["viewing_s"] for r in decided),
        "avg_deciding_s": _mean(r["deciding_s"] for r in decided),
        "avg_rework_s": _mean(r["rework_s"] for r in records),
        "rates": rates,
        "by_authorizer": group("authorizer"),
        "by_outlet": group("outlet_id"),
        "by_category": group("txn_type"),
        "by_hour": hours,
        "peak_hours": [int(h) for h in peak],
        "records": records,
    }


def eligible_json(items: Iterable[Eligible]) -> list[dict[str, Any]]:
    return [asdict(e) for e in items]


__all__ = ["ERROR_CATEGORIES", "LeadDesk"]
