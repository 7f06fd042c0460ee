"""Vigilance test items (PROTOCOL.md §7.16): a pack signed by a lead's key, refused otherwise;
a test item dispatched like any other on real sockets, its defect told to the authorizer after
the decision, no teller told of it; the center knows it for a test, leaves it out of every
figure and counts each authorizer's detection rate with its Wilson interval."""

from __future__ import annotations

import datetime as dt
import json
import math
import random
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from clientsvc.audit.chain import ReceiptSigner
from clientsvc.center import metrics
from clientsvc.center.lead import LeadDesk
from clientsvc.center.sampling import SamplePlan
from clientsvc.center.store import CenterStore
from clientsvc.protocol.canonical import canonical_bytes
from clientsvc.protocol.errors import ErrorCode, ProtocolError
from clientsvc.teller.client import TellerClient
from clientsvc.vigilance import PACK_FILE, fresh_request_id, load_pack, sign_pack, wilson
from sim.teller import Position, make_request
from sim.vigilance import make_pack
from tests.helpers import Identities, Worker, make_identities, revoke, start_broker

TODAY = dt.date(2026, 12, 4)


class Always(random.Random):
    """A draw that always says "inject now", and picks the first unused case."""

    def randrange(self, *args: Any, **kw: Any) -> int:
        return 0


@pytest.fixture
def ids(tmp_path: Path) -> Identities:
    ids = make_identities(tmp_path)
    ids.keystore.provision(
        ids.directory, authorizer_id="L1", name="王敏", level=3, pin="1234", roles=("lead",)
    )
    ids.keys["L1"] = ids.keystore.unlock("L1", "1234")
    return ids


def _pack(ids: Identities, folder: Path, cases: int = 2, signer: str = "L1", **kw: Any) -> Path:
    make_pack(
        ids.keys[signer],
        folder,
        day=kw.pop("day", TODAY),
        rate_per_mille=kw.pop("rate_per_mille", 200),
        cases=cases,
        rng=random.Random(kw.pop("seed", 11)),
        issued_at=kw.pop("issued_at", 1),
        positions=(Position("O3201999", "测试支行", "T7", "TERM-7"),),
    )
    return folder


def _rewrite(folder: Path, change: Any) -> None:
    data = json.loads((folder / PACK_FILE).read_text(encoding="utf-8"))
    change(data)
    (folder / PACK_FILE).write_bytes(canonical_bytes(data))


# --- the pack: nobody but a lead can make one ------------------------------------------------


def test_a_pack_signed_by_a_lead_loads_whole(ids: Identities, tmp_path: Path) -> None:
    loaded = load_pack(_pack(ids, tmp_path / "p", cases=3), ids.directory)
    assert len(loaded.requests) == 3
    assert {c.defect for c in loaded.pack.cases} <= {
        "amount_mismatch",
        "account_mismatch",
        "name_mismatch",
        "id_expired",
        "date_wrong",
    }
    wanted = {e.sha256 for r in loaded.requests.values() for e in r.evidence}
    assert set(loaded.images) == wanted


@pytest.mark.parametrize(
    ("case", "code"),
    [
        ("unsigned", ErrorCode.MALFORMED),
        ("rate_changed_after_signing", ErrorCode.BAD_SIGNATURE),
        ("case_changed_after_signing", ErrorCode.BAD_SIGNATURE),
        ("signed_by_an_authorizer", ErrorCode.FORBIDDEN),
        ("signed_by_someone_unknown", ErrorCode.UNKNOWN_KEY),
        ("lead_revoked", ErrorCode.UNKNOWN_KEY),
        ("image_altered", ErrorCode.EVIDENCE_MISMATCH),
        ("image_missing", ErrorCode.EVIDENCE_MISSING),
        ("not_json", ErrorCode.MALFORMED),
        ("rate_over_the_cap", ErrorCode.MALFORMED),
    ],
)
def test_a_pack_not_signed_by_a_current_lead_or_not_whole_is_refused(
    ids: Identities, tmp_path: Path, case: str, code: ErrorCode
) -> None:
    folder = _pack(ids, tmp_path / "p", signer="A1" if case == "signed_by_an_authorizer" else "L1")
    if case == "unsigned":
        _rewrite(folder, lambda d: d.pop("signature"))
    elif case == "rate_changed_after_signing":
        _rewrite(folder, lambda d: d.update(rate_per_mille=1))
    elif case == "case_changed_after_signing":
        _rewrite(folder, lambda d: d["cases"][0].update(defect="other"))
    elif case == "signed_by_someone_unknown":
        _rewrite(folder, lambda d: d.update(lead_id="L9"))
    elif case == "lead_revoked":
        revoke(ids, "L1")
    elif case == "image_altered":
        image = next(p for p in folder.iterdir() if p.name != PACK_FILE)
        data = bytearray(image.read_bytes())
        data[-3] ^= 0xFF
        image.write_bytes(bytes(data))
    elif case == "image_missing":
        next(p for p in folder.iterdir() if p.name != PACK_FILE).unlink()
    elif case == "not_json":
        (folder / PACK_FILE).write_bytes(b"\xff{not json")
    elif case == "rate_over_the_cap":
        key = ids.keys["L1"]
        good = json.loads((folder / PACK_FILE).read_text(encoding="utf-8"))
        with pytest.raises(ValueError):  # the signer's side refuses it too
            sign_pack(key, pack_id="X", day="2026-12-04", rate_per_mille=500, cases=good["cases"], issued_at=1)  # fmt: skip
        _rewrite(folder, lambda d: d.update(rate_per_mille=500))
    with pytest.raises(ProtocolError) as err:
        load_pack(folder, ids.directory)
    assert err.value.code is code, err.value
    assert "test pack refused" in err.value.detail


def test_a_broker_given_only_a_refused_pack_injects_nothing(
    ids: Identities, tmp_path: Path
) -> None:
    packs = tmp_path / "packs"
    _pack(ids, packs / "p1", signer="A1")  # an authorizer's, not a lead's
    broker = start_broker(ids, test_packs=packs)
    broker.vigilance.rng, broker.vigilance.today = Always(), lambda: TODAY
    try:
        with TellerClient(broker.bound_endpoint, "T7", ids.directory, context=broker._ctx) as t:
            sim = make_request(random.Random(2), teller_id="T7", txn_type="transfer")
            t.submit(sim.request, sim.evidence)
        assert [r.code for r in broker.vigilance.refused] == ["E_FORBIDDEN"]
        assert broker.vigilance.injected == 0 and len(broker.entries) == 1
    finally:
        broker.stop()


def test_a_pack_for_another_day_or_needing_two_approvals_is_not_used(
    ids: Identities, tmp_path: Path
) -> None:
    packs = tmp_path / "packs"
    _pack(ids, packs / "yesterday", day=TODAY - dt.timedelta(days=1))
    broker = start_broker(ids, test_packs=packs)
    broker.vigilance.today = lambda: TODAY
    try:
        broker.vigilance.refresh()
        assert broker.vigilance.in_force is None and not broker.vigilance.refused
    finally:
        broker.stop()


def test_a_pack_with_a_case_that_would_need_two_approvals_is_refused(
    ids: Identities, tmp_path: Path
) -> None:
    """One decision shows whether a defect was seen: a case at or over a dual threshold
    refuses the whole pack at the broker (E_FORBIDDEN), and nothing of it is used."""
    from clientsvc.vigilance import write_pack

    sim = make_request(
        random.Random(9),
        teller_id="T7",
        txn_type="cash_withdrawal",
        amount_fen=500_000 * 100,  # over the 200,000 yuan threshold for two approvals
        mismatch_rate=0.0,
        expired_rate=0.0,
        today=TODAY,
    )
    case = {
        "case_id": "C1",
        "request": sim.request.to_dict(),
        "defect": "amount_mismatch",
        "note": "",
    }
    pack = sign_pack(
        ids.keys["L1"],
        pack_id="BIG",
        day=TODAY.isoformat(),
        rate_per_mille=200,
        cases=[case],
        issued_at=1,
    )
    packs = tmp_path / "packs"
    write_pack(packs / "big", pack, sim.evidence)
    assert load_pack(packs / "big", ids.directory) is not None  # well-formed and signed
    broker = start_broker(ids, test_packs=packs)
    try:
        broker.vigilance.today = lambda: TODAY
        broker.vigilance.refresh()
        assert broker.vigilance.in_force is None
        assert [r.code for r in broker.vigilance.refused] == ["E_FORBIDDEN"]
        assert "two approvals" in broker.vigilance.refused[0].detail
    finally:
        broker.stop()


@pytest.mark.parametrize(
    ("template", "pattern"),
    [
        ("R20261203-3fa9c1d2e4b5", r"R20261204-[0-9a-f]{12}"),
        ("R20261203-ABCDEF012345", r"R20261204-[0-9A-F]{12}"),
        ("T0107-20261203-0001", r"T0107-20261204-[0-9]{4}"),
        ("BR-77-aa", r"BR-77-[a-f0-9]{2}"),
        ("X20261203Q-ab12", r"X20261204Q-[a-f0-9]{4}"),
        ("SEQ00012345", r"SEQ[0-9]{8}"),
    ],
)
def test_the_test_item_id_is_shaped_like_its_tellers_of_the_day(
    template: str, pattern: str
) -> None:
    """The pack's day made today's; the last part drawn anew in the same character classes."""
    import re

    seen = {fresh_request_id(template, "2026-12-03", TODAY, random.Random(s)) for s in range(20)}
    assert all(re.fullmatch(pattern, made) for made in seen), seen
    assert len(seen) > 15  # drawn anew, not one fixed id


# --- on real sockets: dispatched like any other, told after, no teller ------------------------


def _journal(path: Path) -> list[dict[str, Any]]:
    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT seq, at_ms, request_id, event, body FROM journal ORDER BY seq")
        return [
            {"seq": r[0], "at_ms": r[1], "request_id": r[2], "event": r[3], "body": r[4]}
            for r in rows
        ]


def test_a_test_item_is_dispatched_like_any_other_and_told_only_after_the_decision(
    ids: Identities, tmp_path: Path, center_db: str
) -> None:
    packs = tmp_path / "packs"
    _pack(ids, packs / "p1", cases=2)
    broker = start_broker(ids, test_packs=packs)
    broker.vigilance.rng, broker.vigilance.today = Always(), lambda: TODAY
    try:
        w = Worker(broker.bound_endpoint, ids.keys["A1"], broker._ctx)
        w.sign_in()
        with TellerClient(broker.bound_endpoint, "T7", ids.directory, context=broker._ctx) as t:
            sim = make_request(
                random.Random(5),
                teller_id="T7",
                txn_type="loss_report",
                mismatch_rate=0.0,
                expired_rate=0.0,
            )
            t.submit(sim.request, sim.evidence)  # the real request, then a test item after it
            real = w.next_work()
            assert real.request["request_id"] == sim.request.request_id
            reply, _ = w.decide(real, "approve")
            assert reply.type == "decision_ack" and reply.test is None, reply  # type: ignore[attr-defined]
            test_item = w.next_work()
            assert test_item is not None and test_item.type == "item"
            test_id = test_item.request["request_id"]
            assert test_id != sim.request.request_id and test_id.startswith("R20261204-")
            # nothing in the item tells it apart: a teller's fields, a teller's id
            assert set(test_item.to_dict()) == set(real.to_dict())
            assert set(test_item.request) == set(real.request)
            assert test_item.request["teller_id"] == "T7"
            assert "test" not in json.dumps(test_item.to_dict())
            # its times as a teller's: the teller's clock a little behind, as the real one's
            lag = min(real.enqueued_at - real.request["submitted_at"], 5_000)
            assert test_item.enqueued_at - test_item.request["submitted_at"] == max(0, lag)
            # no teller waits on it; one who asks with its ids is answered exactly as for a
            # real request in its state, so that the answer tells nobody it is a test
            assert broker.entries[test_id].waiters == []
            assert t.wait(test_id, 0.1).state == "in_review"
            reply, _ = w.decide(test_item, "reject", "R01")
            assert reply.type == "decision_ack" and reply.status == "accepted", reply  # type: ignore[attr-defined]
            assert reply.test is not None and reply.test.caught  # type: ignore[attr-defined]
            assert reply.test.defect == "amount_mismatch"  # type: ignore[attr-defined]
            outcome = t.wait(sim.request.request_id, 10)
            assert outcome.state == "approved"
        w.close()
        assert broker.vigilance.injected >= 1
    finally:
        broker.stop()
    records = _journal(ids.root / "journal.sqlite3")
    accepted = {r["request_id"]: json.loads(r["body"]) for r in records if r["event"] == "accepted"}
    assert accepted[test_id]["test"]["pack_id"] == "TP20261204"
    assert "test" not in accepted[sim.request.request_id]
    # a broker restarted from the journal keeps it a test, and does not use its case again
    again = start_broker(ids, test_packs=packs)
    try:
        assert again.entries[test_id].test is not None
        assert again.entries[sim.request.request_id].test is None
        used = {case for _, case in again.vigilance.used}
        assert accepted[test_id]["test"]["case_id"] in used
    finally:
        again.stop()
    # at the center: stored as a test, in no figure, counted for vigilance
    store = CenterStore(
        center_db, tmp_path / "images", ReceiptSigner(Ed25519PrivateKey.generate()), ids.directory
    )
    try:
        store.broker_push("B1", 0, records)
        days = sorted({dt.date.fromtimestamp(r["at_ms"] / 1000).isoformat() for r in records})
        first_day, last_day = days[0], days[-1]  # the records' own clock, not the hour now
        desk = LeadDesk(store, wait_target_s=60, clock=lambda: records[-1]["at_ms"] + 1)
        stats = desk.stats(first_day, last_day)
        assert stats["test_items"] == len([r for r in accepted.values() if "test" in r])
        assert stats["volume"] == len(accepted) - stats["test_items"]
        assert stats["vigilance"]["A1"]["tests"] == 1 and stats["vigilance"]["A1"]["caught"] == 1
        assert test_id not in [r["request_id"] for r in stats["records"]]
        eligible = [e.request_id for e in desk.eligible(first_day, last_day)]
        assert eligible == [sim.request.request_id]  # the test item is never re-reviewed
        sample = desk.draw(first_day, last_day, SamplePlan(default_rate=1.0), 1, "L1")
        assert test_id not in [i["request_id"] for i in sample["items"]]
        with pytest.raises(ProtocolError) as refused:  # nor added by hand
            desk.add_manual(sample["sample_id"], test_id, "L1")
        assert refused.value.detail == "test_item"
    finally:
        store.close()


# --- the rates --------------------------------------------------------------------------------


def _reference_interval(k: int, n: int, z: float = 1.959964) -> tuple[float, float]:
    """The Wilson interval found the other way: the p for which the score test of k/n does not
    reject, by bisection on each side of k/n."""
    phat = k / n

    def inside(p: float) -> bool:
        return abs(phat - p) <= z * math.sqrt(p * (1 - p) / n) if 0 < p < 1 else p == phat

    def edge(lo: float, hi: float) -> float:  # inside(lo) != inside(hi)
        for _ in range(80):
            mid = (lo + hi) / 2
            if inside(mid) == inside(lo):
                lo = mid
            else:
                hi = mid
        return (lo + hi) / 2

    low = 0.0 if k == 0 else edge(phat, 0.0)
    high = 1.0 if k == n else edge(phat, 1.0)
    return min(low, high), max(low, high)


@pytest.mark.parametrize(("k", "n"), [(120, 150), (9, 10), (0, 7), (100, 100), (37, 101)])
def test_the_interval_is_the_wilson_score_interval(k: int, n: int) -> None:
    low, high = wilson(k, n) or (None, None)
    ref_low, ref_high = _reference_interval(k, n)
    assert low == pytest.approx(ref_low, abs=1e-6) and high == pytest.approx(ref_high, abs=1e-6)
    assert 0 <= low <= k / n <= high <= 1  # type: ignore[operator]


def _facts(i: int, who: str, verdict: str, test: bool, state: str = "") -> metrics.Facts:
    state = state or metrics.VERDICT_STATE[verdict]
    decided = () if state == "timed_out" else (metrics.Decided(who, 2_000 + i, verdict),)
    return metrics.Facts(
        request_id=f"R{i}",
        outlet_id="O1",
        txn_type="transfer",
        state=state,
        submitted_ms=1_000 + i,
        final_ms=3_000 + i,
        decisions=decided,
        test=test,
        defect="amount_mismatch" if test else "",
    )


def test_the_detection_rates_come_out_right_and_tests_count_in_no_other_figure() -> None:
    rng = random.Random(8)
    facts: list[metrics.Facts] = []
    truth: dict[str, list[int]] = {"A1": [0, 0], "A2": [0, 0]}
    for i in range(400):
        who = "A1" if i % 3 else "A2"
        if i % 4 == 0:  # a test item
            if i % 40 == 0:
                facts.append(_facts(i, who, "approve", True, state="timed_out"))  # for nobody
                continue
            verdict = rng.choice(("reject", "return", "approve", "reject"))
            truth[who][0] += 1
            truth[who][1] += verdict != "approve"
            facts.append(_facts(i, who, verdict, True))
        else:
            facts.append(_facts(i, who, rng.choice(("approve", "approve", "reject")), False))
    out = metrics.summarize(facts)
    real = [f for f in facts if not f.test]
    assert out["volume"] == len(real) and out["test_items"] == len(facts) - len(real)
    assert sum(p["decisions"] for p in out["by_authorizer"].values()) == len(real)
    for who, (n, k) in truth.items():
        v = out["vigilance"][who]
        assert (v["tests"], v["caught"]) == (n, k)
        assert v["rate"] == pytest.approx(k / n)
        assert (v["low"], v["high"]) == pytest.approx(_reference_interval(k, n), abs=1e-6)
        assert v["reliable"] is (n >= 100)
        assert sum(v["missed"].values()) == n - k


def test_test_items_follow_real_requests_at_the_packs_rate_each_case_once_and_later(
    ids: Identities,
) -> None:
    """4,000 real requests at 50 per mille: about 200 test items drawn (a binomial's 4
    standard deviations either side), no case twice, each due within the delay's bound."""
    from clientsvc.broker.config import BrokerConfig
    from clientsvc.broker.vigilance import MAX_DELAY_MS, InForce, Vigilance
    from clientsvc.clock import now_ms
    from clientsvc.vigilance import LoadedPack

    cases = [
        {"case_id": f"C{i:03d}", "request": {}, "defect": "amount_mismatch", "note": ""}
        for i in range(500)
    ]
    pack = sign_pack(
        ids.keys["L1"], pack_id="P", day="2026-12-04", rate_per_mille=50, cases=cases, issued_at=1
    )
    vigilance = Vigilance(BrokerConfig(), None, None, ids.directory, rng=random.Random(4))  # type: ignore[arg-type]
    vigilance.in_force = InForce(LoadedPack(pack, {}, {}), [c["case_id"] for c in cases])
    sent = type("Sent", (), {"submitted_at": 1_000})()
    real = type("Real", (), {"test": None, "enqueued_at": 1_250, "request": sent})()
    start = now_ms()
    for _ in range(4000):
        vigilance.after_real(real)  # type: ignore[arg-type]
    drawn = [case for _, _, case, _ in vigilance.due]
    assert 145 <= len(drawn) <= 255, len(drawn)
    assert len(set(drawn)) == len(drawn)
    assert all(start <= due <= now_ms() + MAX_DELAY_MS for due, *_ in vigilance.due)
    assert {lag for *_, lag in vigilance.due} == {250}  # the real one's clock lag, copied
    vigilance.rng = Always()  # from here every draw says "inject"
    vigilance.after_real(type("Test", (), {"test": object(), "enqueued_at": 0, "request": sent})())  # type: ignore[arg-type]
    assert len(vigilance.due) == len(drawn)  # a test item is not followed by another
    vigilance.after_real(real)  # type: ignore[arg-type]
    assert len(vigilance.due) == len(drawn) + 1  # a real one is
