"""A day at the center, simulated for the lead's desk (``authdesk demo --lead`` and the gallery).

The day reaches a real center through the calls a broker and the workstations make: the
broker's journal records (accepted, leased, requeued, a dual item's first approval, the final
states with decisions signed by the demo authorizers' real keys, vigilance test items marked as
the broker marks them) with the vouchers and ID cards the teller simulator draws, and each
workstation's audit rows (``item_shown``), hash-chained as a workstation chains them. Then the
lead's work of the day after: a drawn sample, blind verdicts by a reviewer, a finding of error
that the lead confirms.

The clock is the day's own (``at``): nothing depends on when this runs.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections import defaultdict
from dataclasses import dataclass, field, replace
from typing import Any

from clientsvc.audit.chain import GENESIS, event_hash
from clientsvc.catalogue import TXN_KINDS
from clientsvc.center.lead import LeadDesk
from clientsvc.center.sampling import SamplePlan
from clientsvc.center.store import CenterStore
from clientsvc.dual import DualPolicy
from clientsvc.identity import Directory, SigningKey
from clientsvc.protocol.messages import request_digest
from clientsvc.rules import AuthorityPolicy, eligible
from sim.teller import POSITIONS, SimulatedRequest, defect_applies, make_request, resubmission
from sim.vigilance import DEFECT_OF

# the day's volume by hour (08:30 opening to 17:30): the morning and the afternoon peaks
HOURS = {8: 3, 9: 9, 10: 13, 11: 11, 12: 4, 13: 5, 14: 10, 15: 12, 16: 8, 17: 3}
TYPES = {
    "cash_withdrawal": 30,
    "transfer": 25,
    "password_reset": 10,
    "loss_report": 8,
    "account_opening": 7,
    "account_closing": 6,
    "reversal": 8,
    "cashbox_override": 6,
}
# planted defects among the real requests, and what an attentive authorizer does with each
DEFECTS = {
    "amount": 0.02,
    "name": 0.015,
    "account": 0.01,
    "expired_id": 0.015,
    "voucher_date": 0.035,
}
VERDICT_OF = {
    "amount": ("reject", "R02"),
    "name": ("reject", "R03"),
    "account": ("reject", "R02"),
    "expired_id": ("reject", "R04"),
    "voucher_date": ("return", "T01"),
}
MAX_PUSH_IMAGES = 8  # what one broker push may attach (the center refuses more)
TEST_TYPES = ("cash_withdrawal", "transfer", "account_opening", "loss_report", "password_reset")
STATES = {"approve": "approved", "reject": "rejected", "return": "returned"}


def at(day: dt.date, hour: int, minute: int = 0, second: int = 0) -> int:
    moment = dt.datetime.combine(day, dt.time(hour, minute, second))
    return int(moment.timestamp() * 1000)


@dataclass
class Day:
    day: dt.date
    records: list[dict[str, Any]] = field(default_factory=list)  # the broker's journal
    images: dict[str, bytes] = field(default_factory=dict)
    shown: dict[str, list[tuple[int, str]]] = field(default_factory=dict)  # who → (at, rid)
    missed: list[str] = field(default_factory=list)  # approved despite a planted defect
    decided_by: dict[str, list[str]] = field(default_factory=dict)  # rid → deciders


@dataclass
class _Builder:
    keys: dict[str, SigningKey]
    directory: Directory
    day: dt.date
    rng: random.Random
    out: Day
    events: list[tuple[int, str, str, dict[str, Any]]] = field(default_factory=list)
    shown: dict[str, list[tuple[int, str]]] = field(default_factory=lambda: defaultdict(list))
    free_at: dict[str, int] = field(default_factory=dict)  # when each authorizer is free again
    reviewer: str = ""  # who re-reviews the day after: the approval found wrong is not theirs
    lease_no: int = 0

    def who_can(self, sim: SimulatedRequest, besides: tuple[str, ...] = ()) -> list[str]:
        policy = AuthorityPolicy()
        out = []
        for person in self.keys:
            profile = self.directory.get(person)
            if profile and person not in besides and eligible(profile, sim.request, policy):
                out.append(person)
        return out

    def lease(self, rid: str, to: str, moment: int) -> str:
        self.lease_no += 1
        lease = f"L{self.lease_no:05d}"
        self.events.append((moment, rid, "leased", {"lease": lease, "to": to}))
        return lease

    def decide(
        self,
        sim: SimulatedRequest,
        raw: dict[str, Any],
        who: str,
        lease: str,
        moment: int,
        verdict: str,
        reason: str | None,
    ) -> dict[str, Any]:
        return (
            self.keys[who]
            .sign_decision(
                request_id=sim.request.request_id,
                lease_id=lease,
                request_digest=request_digest(raw),
                evidence=[e.sha256 for e in sim.request.evidence],
                verdict=verdict,
                reason_code=reason,
                reason_text="",
                decided_at=moment,
                # the top authority level: the PIN entered again moments before signing
                reauth_at=moment - 4_000 if AuthorityPolicy().needs_reauth(sim.request) else None,
            )
            .to_dict()
        )

    def one(
        self,
        sim: SimulatedRequest,
        submitted: int,
        test: dict[str, Any] | None = None,
        open_as: str = "",
        miss: bool = False,
    ) -> int | None:
        """One request's life; returns when it was returned (for the teller's correction)."""
        rng = self.rng
        raw = sim.request.model_copy(update={"submitted_at": submitted}).to_dict()
        sim = replace(sim, request=sim.request.model_copy(update={"submitted_at": submitted}))
        rid = sim.request.request_id
        self.out.images.update(sim.evidence)
        accepted: dict[str, Any] = {"request": raw, "digest": request_digest(raw)}
        if test is not None:
            accepted["test"] = test
        self.events.append((submitted, rid, "accepted", accepted))
        if open_as == "pending":
            return None
        people = self.who_can(sim, besides=(self.reviewer,) if miss else ())
        if not people:
            return None
        who = min(people, key=lambda p: (self.free_at.get(p, 0), rng.random()))
        leased = max(submitted + rng.randrange(4, 90) * 1000, self.free_at.get(who, 0))
        if rng.random() < 0.04 and len(people) > 1:  # its workstation went silent: requeued
            first = next(p for p in people if p != who)
            self.lease(rid, first, leased)
            leased += 30_000
            self.events.append((leased, rid, "requeued", {"why": "worker_lost"}))
            leased += 2_000
        lease = self.lease(rid, who, leased)
        hold = rng.randrange(60, 240) if rng.random() < 0.08 else rng.randrange(0, 3)
        on_screen = leased + hold * 1000
        self.shown[who].append((on_screen, rid))
        if open_as == "in_review":
            return None
        view = int(rng.lognormvariate(3.2, 0.5) * 1000)  # about 25 s, some a minute or more
        decided = on_screen + view
        self.free_at[who] = decided + rng.randrange(1, 4) * 1000
        verdict, reason = "approve", None
        planted = sim.defect or (test or {}).get("defect")
        if planted:
            caught = not miss and rng.random() < (0.8 if test else 0.92)
            if caught:
                if test:
                    verdict, reason = ("reject", "R02")
                else:
                    verdict, reason = VERDICT_OF.get(planted, ("reject", "R99"))
            elif not test:
                self.out.missed.append(rid)
        decision = self.decide(sim, raw, who, lease, decided, verdict, reason)
        deciders = [who]
        final = decided + 40
        if verdict == "approve" and not test and DualPolicy().approvals_needed(sim.request) > 1:
            self.events.append((final, rid, "approved_once", {"decision": decision}))
            others = self.who_can(sim, besides=(who,))
            if others:
                second = rng.choice(others)
                leased2 = max(final + rng.randrange(5, 120) * 1000, self.free_at.get(second, 0))
                lease2 = self.lease(rid, second, leased2)
                shown2 = leased2 + rng.randrange(0, 3) * 1000
                self.shown[second].append((shown2, rid))
                decided2 = shown2 + int(rng.lognormvariate(3.0, 0.4) * 1000)
                self.free_at[second] = decided2 + 2_000
                decision = self.decide(sim, raw, second, lease2, decided2, "approve", None)
                deciders.append(second)
                final = decided2 + 40
        state = STATES[verdict]
        self.events.append((final, rid, state, {"detail": "", "decision": decision}))
        self.out.decided_by[rid] = deciders
        return final if verdict == "return" else None


def build_day(
    keys: dict[str, SigningKey],
    directory: Directory,
    day: dt.date,
    rng: random.Random,
    requests: int = 160,
    tests: int = 12,
    reviewer: str = "",
) -> Day:
    """``requests`` real requests over the day's hours, ``tests`` vigilance test items among
    them, the teller's corrections of the returned ones, two timed out and, at 17:30, three
    still open."""
    out = Day(day)
    b = _Builder(keys, directory, day, rng, out, reviewer=reviewer)
    moments = []
    for hour, weight in HOURS.items():
        share = round(requests * weight / sum(HOURS.values()))
        start = 30 if hour == 8 else 0
        end = 30 if hour == 17 else 60
        moments += [
            at(day, hour, rng.randrange(start, end), rng.randrange(60)) for _ in range(share)
        ]
    moments.sort()
    test_slots = set(rng.sample(range(len(moments) - 5), tests))
    timed_out = (len(moments) // 3, 2 * len(moments) // 3)
    miss_slot = next(
        i for i in range(len(moments) // 4, len(moments)) if i not in (*test_slots, *timed_out)
    )
    kinds = list(DEFECT_OF)
    for i, submitted in enumerate(moments):
        position = POSITIONS[rng.randrange(len(POSITIONS))]
        txn_type = rng.choices(list(TYPES), weights=list(TYPES.values()))[0]
        amount = None
        miss = i == miss_slot  # the approval the re-review will find wrong
        if miss:
            txn_type, amount = "cash_withdrawal", rng.randrange(20_000, 90_000) * 100
        if i in test_slots:  # a test item is one authorizer's: below the dual thresholds
            txn_type = TEST_TYPES[i % len(TEST_TYPES)]
            if TXN_KINDS[txn_type].monetary:
                amount = rng.randrange(200, 30_000) * 100
        test = None
        planted: str | None = None
        if i in test_slots:
            planted = kinds[i % len(kinds)]
            if not defect_applies(planted, TXN_KINDS[txn_type]):
                planted = "name" if defect_applies("name", TXN_KINDS[txn_type]) else None
        elif miss:
            planted = "amount"
        else:
            roll, planted = rng.random(), None
            for defect, chance in DEFECTS.items():
                roll -= chance
                if roll < 0:
                    planted = defect
                    break
        sim = make_request(
            rng,
            teller_id=position.teller_id,
            terminal_id=position.terminal_id,
            outlet=(position.outlet_id, position.outlet_name),
            txn_type=txn_type,
            mismatch_rate=0.0,
            expired_rate=0.0,
            defect=planted,
            amount_fen=amount,
            today=day,
        )
        if i in test_slots and planted:
            if DualPolicy().approvals_needed(sim.request) > 1:
                planted = None
            else:
                code, note = DEFECT_OF[planted]
                test = {
                    "pack_id": f"TP{day:%Y%m%d}",
                    "case_id": f"C{len(out.records) + i:03d}",
                    "lead_id": "L9001",
                    "defect": code,
                    "note": note,
                }
        open_as = ""
        if i >= len(moments) - 3:  # still open at the day's end: waiting, on a screen
            open_as = "pending" if i >= len(moments) - 2 else "in_review"
        if i in timed_out and not test:  # the teller's wait ran out: nobody looked
            rid = sim.request.request_id
            raw = sim.request.model_copy(update={"submitted_at": submitted}).to_dict()
            out.images.update(sim.evidence)
            accepted = {"request": raw, "digest": request_digest(raw)}
            ran_out = submitted + sim.request.wait_s * 1000
            b.events.append((submitted, rid, "accepted", accepted))
            b.events.append((ran_out, rid, "timed_out", {"detail": "the teller's wait ran out"}))
            continue
        returned = b.one(sim, submitted, test=test, open_as=open_as, miss=miss)
        if returned is not None:  # the teller corrects the voucher and sends it again
            fixed = resubmission(sim, rng, corrected=True, today=day)
            b.one(fixed, returned + rng.randrange(120, 600) * 1000)
    events = sorted(b.events, key=lambda e: (e[0], e[1]))
    out.records = [
        {"seq": s, "at_ms": m, "request_id": r, "event": k, "body": json.dumps(body)}
        for s, (m, r, k, body) in enumerate(events, start=1)
    ]
    out.shown = {who: sorted(v) for who, v in b.shown.items()}
    return out


def load_day(
    store: CenterStore,
    built: Day,
    broker_id: str = "DEMO-BROKER",
    workers: list[dict[str, Any]] | None = None,
) -> None:
    """Into the center as a broker and the workstations send it; ``workers``: who the broker
    says is connected, with its last push (presence from its heartbeats)."""
    held = store.broker_head(broker_id)
    records = [{**r, "seq": r["seq"] + held} for r in built.records]
    # as the feed sends: a few images per push
    after, chunk, images = held, list[dict[str, Any]](), dict[str, bytes]()
    for r in records:
        wanted: set[str] = set()
        if r["event"] == "accepted":
            body = json.loads(r["body"])
            wanted = {e["sha256"] for e in body["request"]["evidence"]} - set(images)
        if chunk and (len(images) + len(wanted) > MAX_PUSH_IMAGES or len(chunk) >= 200):
            store.broker_push(broker_id, after, chunk, images)
            after, chunk, images = chunk[-1]["seq"], [], {}
        chunk.append(r)
        images.update({sha: built.images[sha] for sha in wanted if sha in built.images})
    if chunk:
        store.broker_push(broker_id, after, chunk, images, workers=workers)
    for who, shows in built.shown.items():
        rows, prev = [], GENESIS
        for seq, (moment, rid) in enumerate(shows, start=1):
            row = {
                "seq": seq,
                "at_ms": moment,
                "kind": "item_shown",
                "request_id": rid,
                "authorizer_id": who,
                "payload": "{}",
                "prev_hash": prev,
            }
            row["hash"] = prev = event_hash(prev, row)
            rows.append(row)
        for start in range(0, len(rows), 500):
            store.push(f"DAY-WS-{who}", rows[start : start + 500])


@dataclass(frozen=True)
class Reviewed:
    sample_id: str
    reviewed: tuple[str, ...]
    finding: str | None  # the item with the confirmed finding of error


def review_day(desk: LeadDesk, built: Day, lead: str, reviewer: str) -> Reviewed:
    """The day after: the lead draws the sample; the reviewer gives blind verdicts on the
    items not their own, finds an error where an approval missed a planted defect, and the
    lead confirms it."""
    day = built.day.isoformat()
    plan = SamplePlan(default_rate=0.05, min_per_authorizer=2)
    sample = desk.draw(day, day, plan, seed=int(built.day.strftime("%Y%m%d")), actor=lead)
    sample_id = sample["sample_id"]
    for rid in built.missed:  # the lead adds what the machine flagged the day after
        if rid not in [i["request_id"] for i in sample["items"]]:
            desk.add_manual(sample_id, rid, actor=lead)
            break
    items = [i["request_id"] for i in desk.sample(sample_id)["items"]]
    theirs = [r for r in items if reviewer not in built.decided_by.get(r, [])]
    theirs.sort(key=lambda r: r not in built.missed)  # the wrong approval first
    reviewed, finding = [], None
    for rid in theirs[:4]:
        wrong = rid in built.missed
        if wrong:
            desk.record_verdict(sample_id, rid, reviewer, "reject", reason_code="R02")
        else:
            desk.record_verdict(sample_id, rid, reviewer, "approve")
        desk.reveal(sample_id, rid, reviewer)
        if wrong and finding is None:
            desk.record_finding(
                sample_id,
                rid,
                reviewer,
                "error",
                "E02",
                "凭证影像所载要素与录入不符，授权员未发现即授权通过",
            )
            desk.confirm_finding(sample_id, rid, lead, True, "复核属实，已通知该授权员")
            finding = rid
        else:
            desk.record_finding(sample_id, rid, reviewer, "no_error")
        reviewed.append(rid)
    return Reviewed(sample_id, tuple(reviewed), finding)
