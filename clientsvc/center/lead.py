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

from sqlalchemy import or_, select, update

from clientsvc.catalogue import TEXT_REQUIRED, reasons_for
from clientsvc.center import metrics
from clientsvc.center.codes import Refusal
from clientsvc.center.models import (
    center_broker_log,
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
        self,
        store: CenterStore,
        wait_target_s: int = 60,
        clock: Callable[[], int] = now_ms,
        beat_slack_ms: int = 5000,
    ) -> None:
        """``clock``: epoch milliseconds now (the board's "now", the times a record is made);
        tests pass a fixed one, so nothing depends on the hour the suite runs at.

        ``beat_slack_ms``: how long past a workstation's liveness window the board waits for
        the broker's next push (every 2 s, ``CenterFeed.beat_ms``) before it shows 离线."""
        self.store = store
        self.wait_target_s = wait_target_s
        self.clock = clock
        self.beat_slack_ms = beat_slack_ms
        self._outlet_names: dict[str, str] = {}  # found once, from the requests

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
                    center_requests.c.test.is_(None),  # a vigilance test is not re-reviewed
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
                    center_requests.c.test.is_(None),  # a vigilance test is not re-reviewed
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
                for key in ("verdicts", "verdict_reasons"):
                    item[key] = {r: v for r, v in item[key].items() if r == reviewer}
                item["decided_by"], item["state"] = "", ""  # blind: not the original
        people = {record["created_by"]}
        for item in record["items"]:
            people.update(item["reviewed_by"], str(item["decided_by"]).split("+"))
            finding = item["finding"]
            if finding is not None:
                people.update((finding.get("reviewer") or "", finding.get("confirmed_by") or ""))
        record["names"] = self.names((p for p in people if p), [])
        return record

    def _sample(self, sample_id: str) -> dict[str, Any]:
        with self.store.engine.connect() as conn:
            head = conn.execute(select(samples).where(samples.c.sample_id == sample_id)).first()
            if head is None:
                raise ProtocolError(ErrorCode.UNKNOWN_REQUEST, Refusal.NO_SAMPLE)
            items = conn.execute(
                select(
                    sample_items,
                    center_requests.c.amount_fen,
                    center_requests.c.decided_by,
                    center_requests.c.state,
                )
                .join(
                    center_requests,
                    center_requests.c.request_id == sample_items.c.request_id,
                    isouter=True,
                )
                .where(sample_items.c.sample_id == sample_id)
                .order_by(sample_items.c.txn_type, sample_items.c.request_id)
            ).all()
            reviewed = conn.execute(select(reviews).where(reviews.c.sample_id == sample_id)).all()
            done = {(r.request_id, r.reviewer): r.verdict for r in reviewed}
            why = {(r.request_id, r.reviewer): r.reason_code or "" for r in reviewed}
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
                    "verdicts": {
                        rv: v for (rid, rv), v in sorted(done.items()) if rid == i.request_id
                    },
                    "verdict_reasons": {
                        rv: code for (rid, rv), code in sorted(why.items()) if rid == i.request_id
                    },
                    "decided_by": str(i.decided_by or ""),
                    "state": str(i.state or ""),
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
        if request.get("test") is not None:  # counted as vigilance, never re-reviewed
            raise ProtocolError(ErrorCode.FORBIDDEN, Refusal.TEST_ITEM)
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
        """What the reviewer sees before deciding: the request (elements), its images and the
        frame grabs — never the verdict, reason, authorizer, or the checklist as ticked (a
        failed row tells the verdict: ``reveal`` carries it)."""
        self._in_sample(sample_id, request_id)
        request = self.store.request(request_id)
        if request is None:
            raise ProtocolError(ErrorCode.UNKNOWN_REQUEST, Refusal.NO_REQUEST)
        raw = json.loads(request["request"])
        _, grabs = self._recorded(request_id, str(request["decided_by"]))
        return {
            "request_id": request_id,
            "request": raw,
            "images": [ref["sha256"] for ref in raw.get("evidence", [])],
            "frame_grabs": list(grabs),
            "grabbed_at_us": grabs,
        }

    def _recorded(self, request_id: str, decided_by: str) -> tuple[dict[str, str], dict[str, int]]:
        """The checklist as ticked and the frames grabbed (sha256 → captured µs), by the
        authorizers who decided the request only."""
        deciders = [a for a in decided_by.split("+") if a]
        with self.store.engine.connect() as conn:
            events = conn.execute(
                select(center_events.c.kind, center_events.c.payload)
                .where(
                    center_events.c.request_id == request_id,
                    center_events.c.kind.in_(("checklist", "frame_grabbed")),
                    center_events.c.authorizer_id.in_(deciders),
                )
                .order_by(center_events.c.at_ms, center_events.c.seq)
            ).all()
        checklist: dict[str, str] = {}
        grabs: dict[str, int] = {}
        for kind, payload in events:
            data = _object(payload)
            if kind == "checklist" and isinstance(data.get("rows"), dict):
                checklist.update({str(k): str(v) for k, v in data["rows"].items()})
            elif kind == "frame_grabbed" and isinstance(data.get("sha256"), str):
                at = data.get("captured_at_us")
                grabs[data["sha256"]] = at if isinstance(at, int) and at >= 0 else 0
        return checklist, grabs

    def record_verdict(
        self,
        sample_id: str,
        request_id: str,
        reviewer: str,
        verdict: str,
        note: str = "",
        reason_code: str | None = None,
    ) -> dict[str, Any]:
        """A reviewer's blind verdict, with a reason code from the authorizer's own lists."""
        if verdict not in VERDICTS:
            raise ProtocolError(ErrorCode.MALFORMED, f"verdict must be one of {VERDICTS}")
        if (verdict == "approve") != (reason_code is None) or (
            reason_code is not None and reason_code not in reasons_for(verdict)
        ):
            raise ProtocolError(ErrorCode.REASON_REQUIRED, Refusal.VERDICT_REASON)
        if reason_code in TEXT_REQUIRED and not note.strip():
            raise ProtocolError(ErrorCode.REASON_REQUIRED, Refusal.VERDICT_NOTE)
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
                    "reason_code": reason_code,
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
            "checklist": self._recorded(request_id, str(request["decided_by"]))[0],
            "names": self.names(
                [reviewer, *(str(d.get("authorizer_id") or "") for d in decisions)], []
            ),
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
                )
                .join(center_requests, center_requests.c.request_id == reviews.c.request_id)
                .where(center_requests.c.test.is_(None))
            ).all()
            errors = conn.execute(
                select(center_requests.c.decided_by, review_findings.c.category)
                .join(
                    center_requests,
                    center_requests.c.request_id == review_findings.c.request_id,
                )
                .where(review_findings.c.state == "confirmed", center_requests.c.test.is_(None))
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

    def facts(self, start_ms: int, end_ms: int) -> list[metrics.Facts]:
        """Each request submitted in [start, end), as the metrics read it: the broker's
        leases, the workstations' showings, the signed decisions, the resubmission."""
        with self.store.engine.connect() as conn:
            rows = conn.execute(
                select(center_requests).where(
                    center_requests.c.submitted_ms >= start_ms,
                    center_requests.c.submitted_ms < end_ms,
                )
            ).all()
            ids = [r.request_id for r in rows]
            leases: dict[str, list[tuple[int, str]]] = defaultdict(list)
            shown: dict[str, list[tuple[int, str]]] = defaultdict(list)
            for chunk in _chunks(ids, 500):
                for request_id, at, body in conn.execute(
                    select(
                        center_broker_log.c.request_id,
                        center_broker_log.c.at_ms,
                        center_broker_log.c.body,
                    ).where(
                        center_broker_log.c.event == "leased",
                        center_broker_log.c.request_id.in_(chunk),
                    )
                ):
                    leases[request_id].append((int(at), str(_object(body).get("to", ""))))
                for request_id, at, who in conn.execute(
                    select(
                        center_events.c.request_id,
                        center_events.c.at_ms,
                        center_events.c.authorizer_id,
                    ).where(
                        center_events.c.kind == "item_shown",
                        center_events.c.request_id.in_(chunk),
                    )
                ):
                    shown[request_id].append((int(at), str(who or "")))
            # a correction of a returned request may come on a later day: looked for apart
            corrections = conn.execute(
                select(center_requests.c.request, center_requests.c.submitted_ms).where(
                    center_requests.c.submitted_ms >= start_ms
                )
            ).all()
        resubmitted: dict[str, int] = {}
        for raw, at in corrections:
            before = _object(raw).get("supersedes")
            if isinstance(before, str) and before:
                resubmitted.setdefault(before, int(at))
        out = []
        for r in rows:
            decisions = [d for d in json.loads(r.decisions) if isinstance(d, dict)]
            last = decisions[-1] if decisions else {}
            out.append(
                metrics.Facts(
                    request_id=r.request_id,
                    outlet_id=r.outlet_id,
                    txn_type=r.txn_type,
                    state=r.state,
                    submitted_ms=int(r.submitted_ms),
                    final_ms=None if r.final_ms is None else int(r.final_ms),
                    leases=tuple(sorted(leases.get(r.request_id, ()))),
                    shown=tuple(sorted(shown.get(r.request_id, ()))),
                    decisions=tuple(
                        metrics.Decided(
                            str(d.get("authorizer_id", "")),
                            int(d.get("decided_at") or 0),
                            str(d.get("verdict", "")),
                            bool(d.get("override")),
                        )
                        for d in decisions
                    ),
                    resubmitted_ms=resubmitted.get(r.request_id),
                    override=any(d.get("override") for d in decisions),
                    reason_code=last.get("reason_code"),
                    reason_text=str(last.get("reason_text", "") or ""),
                    test=r.test is not None,
                    defect=_test_defect(r.test),
                )
            )
        return out

    def names(self, people: Iterable[str], outlets: Iterable[str]) -> dict[str, str]:
        """A name for each authorizer (the directory) and outlet (its latest request's
        ``outlet_name``; kept once found) named: 李娜 beside A1001."""
        out: dict[str, str] = {}
        for who in sorted(set(people)):
            profile = self.store.directory.cached(who) or self.store.directory.get(who)
            if profile is not None and profile.name:
                out[who] = profile.name
        missing = sorted(set(outlets) - set(self._outlet_names))
        if missing:
            with self.store.engine.connect() as conn:
                for outlet in missing[:1000]:
                    raw = conn.execute(
                        select(center_requests.c.request)
                        .where(center_requests.c.outlet_id == outlet)
                        .order_by(center_requests.c.submitted_ms.desc())
                        .limit(1)
                    ).scalar()
                    name = _object(raw).get("outlet_name") if raw is not None else None
                    if isinstance(name, str) and name.strip():
                        self._outlet_names[outlet] = name.strip()[:64]
        for outlet in outlets:
            if outlet in self._outlet_names:
                out[outlet] = self._outlet_names[outlet]
        return out

    def _heard(self) -> dict[str, tuple[int, int, str]]:
        """Each authorizer the brokers report: when last heard (the latest over the brokers),
        the liveness window, and the state the broker holds."""
        out: dict[str, tuple[int, int, str]] = {}
        for row in self.store.presence():
            who, heard = row["authorizer_id"], int(row["heard_ms"])
            if who not in out or heard > out[who][0]:
                out[who] = (heard, int(row["window_ms"]), str(row["state"]))
        return out

    def stats(self, day_from: str, day_to: str) -> dict[str, Any]:
        """Every figure of the statistics (``clientsvc.center.metrics``) for the requests
        submitted in the days, with the names of the people and outlets in them."""
        start, end = day_bounds(day_from, day_to)
        facts = self.facts(start, end)
        people = {d.authorizer for f in facts for d in f.decisions}
        return {
            **metrics.summarize(facts),
            "names": self.names(people, {f.outlet_id for f in facts}),
        }

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
                    center_requests.c.test,
                ).where(center_requests.c.state.in_(("pending", "in_review")))
            ).all()
            today = conn.execute(
                select(
                    center_requests.c.decided_by,
                    center_requests.c.leased_ms,
                    center_requests.c.final_ms,
                    center_requests.c.state,
                    center_requests.c.outlet_id,
                ).where(
                    center_requests.c.final_ms >= midnight,
                    center_requests.c.test.is_(None),  # a test item kept no teller waiting
                )
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
            if r.test is not None:  # a vigilance test item: no teller waits on it
                continue
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
        heard = self._heard()
        people: dict[str, dict[str, Any]] = {}
        for a in sorted(set(states) | set(heard)):
            state = states.get(a, "unknown")
            since = None
            if a in heard:
                heard_ms, window_ms, broker_state = heard[a]
                if at - heard_ms > window_ms + self.beat_slack_ms:
                    if state != "signed_out":  # signed out, then gone: not a lost workstation
                        state, since = "offline", heard_ms
                else:
                    state = broker_state  # the broker's word is newer than the audit events
            people[a] = {
                "state": state,
                "offline_since_ms": since,
                "on_item": None,
                "on_item_s": 0,
                "items_today": 0,
                "avg_s": None,
            }
        timed_out_outlets: dict[str, int] = defaultdict(int)
        for done in today:
            if done.state in ("timed_out", "fallback_local"):
                timed_out_outlets[done.outlet_id] += 1
        todays = self.facts(midnight, at + 1)
        for a, figures in metrics.today_by_authorizer(todays).items():
            person = people.setdefault(
                a,
                {
                    "state": "unknown",  # no session events from its workstation yet
                    "offline_since_ms": None,
                    "on_item": None,
                    "on_item_s": 0,
                    "items_today": 0,
                    "avg_s": None,
                },
            )
            person["items_today"] = figures["decisions"]
            person["avg_s"] = figures["avg_viewing_s"]
        for r in open_rows:
            if r.state == "in_review" and r.leased_to in people:
                people[r.leased_to]["on_item"] = r.request_id
                people[r.leased_to]["on_item_s"] = max(0, (at - int(r.leased_ms or at)) // 1000)
        alerts.sort(key=lambda x: -x["wait_s"])
        outlets = {r.outlet_id for r in open_rows} | {r.outlet_id for r in today}
        return {
            "at_ms": at,
            "names": self.names(people, outlets),
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


def _test_defect(mark: str | None) -> str:
    """A test item's defect code from its stored mark ("" for a real request)."""
    return "" if mark is None else str(_object(mark).get("defect", "other"))


def _rate(counts: list[int]) -> dict[str, Any]:
    total, agree = counts
    return {"reviews": total, "agree": agree, "rate": round(agree / total, 3) if total else None}


def _chunks(items: list[str], size: int) -> Iterable[list[str]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def eligible_json(items: Iterable[Eligible]) -> list[dict[str, Any]]:
    return [asdict(e) for e in items]


__all__ = ["ERROR_CATEGORIES", "LeadDesk"]
