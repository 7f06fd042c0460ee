"""The lead's figures, computed a second way (issue 18, part 1).

A day is built from its generating parameters: how long each request waited before a lease,
how long it sat in a workstation's prefetch, how long each authorizer looked at it, how long a
dual item waited for its second approver, how long the teller took to correct a returned one.
The broker's journal records (leases, a requeue, an approval of a dual item's first half, the
final states, with decisions signed by real keys) and the workstations' audit rows
(``item_shown``, chained as a workstation chains them) reach a real center, on SQLite and on
PostgreSQL, through the same calls a broker and a workstation make. Every figure the desk
shows (the statistics, the board, the CSV) must equal the figure the parameters give.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import random
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from clientsvc.audit.chain import GENESIS, ReceiptSigner, event_hash
from clientsvc.center import metrics
from clientsvc.center.lead import LeadDesk
from clientsvc.center.store import CenterStore, presence_rows
from clientsvc.identity import Directory
from clientsvc.keystore import KeyStore, MemoryKeyring
from clientsvc.protocol.errors import ErrorCode, ProtocolError
from clientsvc.protocol.messages import request_digest
from tests.helpers import Identities, request

DAY = "2026-03-18"
NAMES = {"A1": "李娜", "A2": "王强", "A3": "陈静", "LEAD": "周敏"}
OUTLETS = {"O3201001": "南京新街口支行", "O3201003": "南京鼓楼支行"}


def at(hour: int, minute: int = 0, second: int = 0) -> int:
    moment = dt.datetime.combine(dt.date.fromisoformat(DAY), dt.time(hour, minute, second))
    return int(moment.timestamp() * 1000)


@pytest.fixture
def staff(tmp_path: Path) -> Identities:
    directory = Directory(tmp_path / "directory")
    keystore = KeyStore(tmp_path, MemoryKeyring())
    keys = {}
    for person, name in NAMES.items():
        roles = ("lead",) if person == "LEAD" else ()
        keystore.provision(
            directory, authorizer_id=person, name=name, level=3, pin="1234", roles=roles
        )
        keys[person] = keystore.unlock(person, "1234")
    return Identities(tmp_path, directory, keystore, keys)


@dataclass
class Planned:
    """One request as generated, with the figures its parameters give."""

    request_id: str
    outlet_id: str
    txn_type: str
    state: str
    submitted: int
    broker: list[tuple[int, str, dict[str, Any]]] = field(default_factory=list)
    shown: list[tuple[int, str]] = field(default_factory=list)
    deciders: list[tuple[str, str]] = field(default_factory=list)  # (who, verdict)
    queue: float | None = None
    hold: float | None = None
    viewing: dict[str, float] = field(default_factory=dict)
    second_wait: float | None = None
    rework: float | None = None
    total: float | None = None


def plan_day(staff: Identities, n: int, rng: random.Random) -> list[Planned]:
    """``n`` requests between 09:00 and 16:59, of five shapes in turn: plain; held long in a
    prefetch (minutes: the wait that used to show as viewing); leased, requeued when its
    workstation went silent, then leased to another; a dual item (two approvers); returned
    and corrected by the teller. The last four stay open (two waiting, two on screen)."""
    people = ("A1", "A2", "A3")
    out: list[Planned] = []
    for i in range(n):
        shape = i % 5
        rid = f"R{i:04d}"
        outlet = list(OUTLETS)[i % 2]
        txn_type = ("cash_withdrawal", "transfer", "reversal", "account_opening")[i % 4]
        req, _ = request(rid, txn_type=txn_type, amount_fen=rng.randrange(1, 10**7))
        req = req.model_copy(update={"outlet_id": outlet, "outlet_name": OUTLETS[outlet]})
        raw = req.to_dict()
        digest = request_digest(raw)
        submitted = at(9 + i % 8, i % 60, rng.randrange(60))
        p = Planned(rid, outlet, txn_type, "pending", submitted)
        p.broker.append((submitted, "accepted", {"request": raw, "digest": digest}))
        who = people[i % 3]
        wait = rng.randrange(1, 400) * 1000  # before any lease
        hold = (rng.randrange(120, 420) if shape == 1 else rng.randrange(0, 3)) * 1000
        leased = submitted + wait
        if shape == 2:  # its first workstation went silent: requeued, leased to the next
            p.broker.append((leased, "leased", {"lease": f"L{i}a", "to": people[(i + 1) % 3]}))
            leased += 30_000
            p.broker.append((leased, "requeued", {"why": "worker_lost"}))
            leased += 1_000
        p.broker.append((leased, "leased", {"lease": f"L{i}", "to": who}))
        shown = leased + hold
        p.queue, p.hold = (shown - submitted) / 1000, hold / 1000
        if i >= n - 4:  # still open: two not yet on a screen, two on one
            if i >= n - 2:
                p.broker = p.broker[:1]
                p.queue = p.hold = None
            else:
                p.state = "in_review"
                p.shown.append((shown, who))
            out.append(p)
            continue
        p.shown.append((shown, who))
        view = rng.randrange(3, 90) * 1000
        decided = shown + view
        verdict = "return" if shape == 4 else ("reject" if i % 7 == 0 else "approve")
        first = staff.keys[who].sign_decision(
            request_id=rid,
            lease_id=f"L{i}",
            request_digest=digest,
            evidence=[e.sha256 for e in req.evidence],
            verdict=verdict,
            reason_code=None if verdict == "approve" else "R01",
            reason_text="",
            decided_at=decided,
        )
        p.deciders.append((who, verdict))
        p.viewing[who] = view / 1000
        final = decided + 40  # the broker records it on the ack
        if shape == 3 and verdict == "approve":  # dual: a second approver
            p.broker.append((final, "approved_once", {"decision": first.to_dict()}))
            second = people[(i + 2) % 3]
            leased2 = final + rng.randrange(5, 200) * 1000
            shown2 = leased2 + rng.randrange(0, 3) * 1000
            p.broker.append((leased2, "leased", {"lease": f"L{i}b", "to": second}))
            p.shown.append((shown2, second))
            view2 = rng.randrange(3, 60) * 1000
            decided = shown2 + view2
            d2 = staff.keys[second].sign_decision(
                request_id=rid,
                lease_id=f"L{i}b",
                request_digest=digest,
                evidence=[e.sha256 for e in req.evidence],
                verdict="approve",
                reason_code=None,
                reason_text="",
                decided_at=decided,
            )
            p.deciders.append((second, "approve"))
            p.viewing[second] = view2 / 1000
            p.second_wait = (shown2 - first.decided_at) / 1000
            final = decided + 40
            first = d2
        p.state = {"approve": "approved", "reject": "rejected", "return": "returned"}[verdict]
        p.broker.append((final, p.state, {"detail": "", "decision": first.to_dict()}))
        p.total = (final - submitted) / 1000
        out.append(p)
        if shape == 4:  # the teller corrects it; the correction is a request of its own
            fix, _ = request(f"{rid}F", txn_type=txn_type, supersedes=rid)
            fix = fix.model_copy(update={"outlet_id": outlet, "outlet_name": OUTLETS[outlet]})
            again = final + rng.randrange(30, 600) * 1000
            p.rework = (again - final) / 1000
            fixed = Planned(f"{rid}F", outlet, txn_type, "pending", again)
            body = {"request": fix.to_dict(), "digest": request_digest(fix.to_dict())}
            fixed.broker.append((again, "accepted", body))
            out.append(fixed)
    return out


def load(store: CenterStore, day: list[Planned]) -> None:
    """The broker's journal, in time order, and each workstation's audit rows, chained."""
    events = sorted(
        (moment, p.request_id, kind, body) for p in day for moment, kind, body in p.broker
    )
    records = [
        {"seq": s, "at_ms": m, "request_id": r, "event": k, "body": json.dumps(b)}
        for s, (m, r, k, b) in enumerate(events, start=1)
    ]
    store.broker_push("B1", 0, records)
    terminals: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for p in day:
        for moment, who in p.shown:
            terminals[who].append((moment, p.request_id))
    for who, shows in terminals.items():
        rows, prev = [], GENESIS
        for seq, (moment, rid) in enumerate(sorted(shows), start=1):
            row = {
                "seq": seq,
                "at_ms": moment,
                "kind": "item_shown",
                "request_id": rid,
                "authorizer_id": who,
                "payload": "{}",
            }
            row["prev_hash"] = prev
            row["hash"] = prev = event_hash(prev, row)
            rows.append(row)
        store.push(f"WS-{who}", rows)


@pytest.fixture
def day(
    center_db: str, tmp_path: Path, staff: Identities
) -> Iterator[tuple[LeadDesk, list[Planned]]]:
    store = CenterStore(
        center_db, tmp_path / "images", ReceiptSigner(Ed25519PrivateKey.generate()), staff.directory
    )
    planned = plan_day(staff, 44, random.Random(18))
    load(store, planned)
    yield LeadDesk(store, wait_target_s=60, clock=lambda: at(17, 30)), planned
    store.close()


def _mean(values: list[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return round(sum(present) / len(present), 1) if present else None


def test_every_figure_equals_the_one_its_parameters_give(
    day: tuple[LeadDesk, list[Planned]],
) -> None:
    desk, planned = day
    stats = desk.stats(DAY, DAY)
    decided = [p for p in planned if p.state in metrics.DECIDED]
    assert stats["volume"] == len(planned)
    assert stats["decided"] == len(decided)
    assert stats["pending"] == sum(1 for p in planned if p.state in metrics.OPEN) >= 4
    for state in metrics.DECIDED:  # over the decided, not over everything
        assert stats["rates"][state] == round(
            sum(1 for p in decided if p.state == state) / len(decided), 4
        )
    assert stats["avg_total_s"] == _mean([p.total for p in decided])
    parts = stats["parts"]
    assert parts["queue_s"]["avg_s"] == _mean([p.queue for p in planned])
    assert parts["queue_s"]["measured"] == sum(1 for p in planned if p.queue is not None)
    assert parts["hold_s"]["avg_s"] == _mean([p.hold for p in decided])
    assert parts["viewing_s"]["avg_s"] == _mean([sum(p.viewing.values()) for p in decided])
    assert parts["second_wait_s"]["avg_s"] == _mean([p.second_wait for p in decided])
    assert parts["second_wait_s"]["measured"] == sum(1 for p in decided if p.second_wait)
    assert parts["rework_s"]["avg_s"] == _mean([p.rework for p in decided])
    # a long prefetch hold is queue wait, not viewing: minutes of it, seconds of viewing
    held = [p for p in decided if p.hold and p.hold >= 120]
    assert held and all(p.queue is not None and p.queue >= p.hold for p in held)
    # per authorizer: each decision its signer made, with their own viewing time
    for who in ("A1", "A2", "A3"):
        mine = [(p, v) for p in planned for w, v in p.deciders if w == who]
        figures = stats["by_authorizer"][who]
        assert figures["decisions"] == len(mine)
        assert figures["approved"] == sum(1 for _, v in mine if v == "approve")
        assert figures["avg_viewing_s"] == _mean([p.viewing[who] for p, _ in mine])
        assert figures["avg_total_s"] == _mean(
            [p.total for p in decided if p.deciders[-1][0] == who]
        )
    assert "" not in stats["by_authorizer"] and "—" not in stats["by_authorizer"]
    # by outlet and by type: counts, and rates over their own decided requests
    for outlet in OUTLETS:
        theirs = [p for p in planned if p.outlet_id == outlet]
        group = stats["by_outlet"][outlet]
        assert group["volume"] == len(theirs)
        ended = [p for p in theirs if p.state in metrics.DECIDED]
        assert group["rates"]["approved"] == round(
            sum(1 for p in ended if p.state == "approved") / len(ended), 4
        )
    hours = defaultdict(int)
    for p in planned:
        hours[dt.datetime.fromtimestamp(p.submitted / 1000).hour] += 1
    assert stats["by_hour"] == {h: hours[h] for h in range(24)}
    assert stats["names"]["A1"] == "李娜" and stats["names"]["O3201001"] == "南京新街口支行"
    # each record, as the CSV writes it
    records = {r["request_id"]: r for r in stats["records"]}
    for p in planned:
        r = records[p.request_id]
        assert (r["queue_s"], r["hold_s"], r["total_s"]) == (p.queue, p.hold, p.total)
        assert r["authorizers"] == [w for w, _ in p.deciders]


def test_the_board_agrees_with_the_statistics(day: tuple[LeadDesk, list[Planned]]) -> None:
    desk, _ = day
    stats = desk.stats(DAY, DAY)
    board = desk.board(at_ms=at(17, 30))
    for who in ("A1", "A2", "A3"):
        row, figures = board["authorizers"][who], stats["by_authorizer"][who]
        assert row["items_today"] == figures["decisions"] > 0
        assert row["avg_s"] == figures["avg_viewing_s"]
    waiting = sum(q["waiting"] + q["in_review"] for q in board["queue"].values())
    assert waiting == stats["pending"]
    assert board["names"]["A2"] == "王强" and board["names"]["O3201003"] == "南京鼓楼支行"


def test_the_csv_carries_the_same_figures(
    day: tuple[LeadDesk, list[Planned]], tmp_path: Path
) -> None:
    from clientsvc.center.api import Stats
    from ui.lead.report import write_csv

    desk, planned = day
    stats = Stats.model_validate(desk.stats(DAY, DAY))
    path = tmp_path / "day.csv"
    write_csv(path, stats, None)
    with open(path, encoding="utf-8-sig") as handle:
        rows = {r["request_id"]: r for r in csv.DictReader(handle)}
    for p in planned:
        row = rows[p.request_id]
        assert row["queue_s"] == ("" if p.queue is None else f"{p.queue:.1f}")
        assert row["hold_s"] == ("" if p.hold is None else f"{p.hold:.1f}")
        assert row["viewing_s"] == (
            f"{sum(p.viewing.values()):.1f}" if p.state in metrics.DECIDED else ""
        )


def test_a_workstation_silent_past_its_window_shows_offline_since_it_was_last_heard(
    center_db: str, tmp_path: Path, staff: Identities
) -> None:
    store = CenterStore(
        center_db, tmp_path / "images", ReceiptSigner(Ed25519PrivateKey.generate()), staff.directory
    )
    try:
        beat = {"terminal_id": "WS-01", "state": "available", "window_ms": 7_500}
        workers = [
            {"authorizer_id": "A1", "silent_ms": 1_000, **beat},
            {"authorizer_id": "A2", "silent_ms": 0, **beat, "terminal_id": "WS-02"},
        ]
        store.broker_push("B1", 0, [], workers=workers)
        heard = {r["authorizer_id"]: r["heard_ms"] for r in store.presence()}
        desk = LeadDesk(store, beat_slack_ms=5_000)
        now = heard["A2"]
        board = desk.board(at_ms=now + 5_000)  # both within their window
        assert {a: board["authorizers"][a]["state"] for a in ("A1", "A2")} == {
            "A1": "available",
            "A2": "available",
        }
        # A1's workstation is killed: the broker stops naming it, A2 goes on beating
        store.broker_push("B1", 0, [], workers=[{**workers[1], "silent_ms": 0}])
        late = heard["A1"] + 7_500 + 5_000 + 1
        board = desk.board(at_ms=late)
        a1 = board["authorizers"]["A1"]
        assert a1["state"] == "offline" and a1["offline_since_ms"] == heard["A1"]
        assert board["authorizers"]["A2"]["state"] == "available"  # heard again just now
    finally:
        store.close()


@pytest.mark.parametrize(
    "workers",
    [
        "everyone",
        {"A1": 1},
        [None],
        [{"authorizer_id": "A1"}],
        [
            {
                "authorizer_id": "A 1",
                "terminal_id": "W",
                "state": "available",
                "silent_ms": 0,
                "window_ms": 1,
            }
        ],
        [
            {
                "authorizer_id": "A1",
                "terminal_id": "W",
                "state": "asleep",
                "silent_ms": 0,
                "window_ms": 1,
            }
        ],
        [
            {
                "authorizer_id": "A1",
                "terminal_id": "W",
                "state": "away",
                "silent_ms": -1,
                "window_ms": 1,
            }
        ],
        [
            {
                "authorizer_id": "A1",
                "terminal_id": "W",
                "state": "away",
                "silent_ms": True,
                "window_ms": 1,
            }
        ],
        [
            {
                "authorizer_id": "A1",
                "terminal_id": "W",
                "state": "away",
                "silent_ms": 0,
                "window_ms": 10**12,
            }
        ],
        [
            {
                "authorizer_id": "李" * 65,
                "terminal_id": "W",
                "state": "away",
                "silent_ms": 0,
                "window_ms": 1,
            }
        ],
        [
            {
                "authorizer_id": f"A{i}",
                "terminal_id": "W",
                "state": "away",
                "silent_ms": 0,
                "window_ms": 1,
            }
            for i in range(1001)
        ],
    ],
)
def test_a_pushes_presence_that_is_not_well_formed_is_refused_whole(workers: Any) -> None:
    with pytest.raises(ProtocolError) as info:
        presence_rows(workers)
    assert info.value.code is ErrorCode.MALFORMED
