"""The center lead's desk: the reproducible sample, blind re-review, two-person findings,
statistics and the board — on SQLite and PostgreSQL, with requests as the broker reports them
(signed decisions by real keys)."""

from __future__ import annotations

import datetime as dt
import json
import random
import subprocess
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from clientsvc.audit.chain import ReceiptSigner
from clientsvc.center.api import dispatch
from clientsvc.center.codes import Refusal
from clientsvc.center.lead import LeadDesk
from clientsvc.center.sampling import (
    Eligible,
    RiskWeights,
    SamplePlan,
    draw,
    plan_from_file,
    sample_size,
    stratum_size,
)
from clientsvc.center.store import CenterStore
from clientsvc.identity import Directory
from clientsvc.keystore import KeyStore, MemoryKeyring
from clientsvc.protocol.errors import ErrorCode, ProtocolError
from clientsvc.protocol.messages import request_digest
from tests.helpers import Identities, request

TYPES = ("cash_withdrawal", "transfer", "reversal", "password_reset")

# --- the draw, as a pure function -------------------------------------------------------------


def _eligible(n: int, rng: random.Random, authorizers: int = 5) -> list[Eligible]:
    return [
        Eligible(
            request_id=f"R{i:05d}",
            txn_type=rng.choice(TYPES),
            amount_fen=rng.randrange(10**8),
            authorizers=(f"A{rng.randrange(authorizers)}",),
            decided_at_ms=1_795_000_000_000 + i,
            decision_seconds=rng.uniform(2, 120),
            hour=rng.randrange(24),
            new_authorizer=rng.random() < 0.1,
        )
        for i in range(n)
    ]


def test_the_same_plan_seed_and_data_give_the_same_sample_and_another_seed_another() -> None:
    items = _eligible(400, random.Random(1))
    plan = SamplePlan(rates={"transfer": 0.1}, counts={"reversal": 5}, min_per_authorizer=2)
    first = draw(plan, 20261125, items)
    again = draw(plan, 20261125, list(reversed(items)))  # the order they come in: no matter
    assert first.ids == again.ids and first.sample_id == again.sample_id
    assert first.plan_fingerprint == SamplePlan.from_json(plan.to_json()).fingerprint()
    other = draw(plan, 20261126, items)
    assert other.ids != first.ids and other.sample_id != first.sample_id
    assert draw(SamplePlan(default_rate=0.2), 20261125, items).plan_fingerprint != (
        first.plan_fingerprint
    )


def test_sample_size_for_zero_expected_errors() -> None:
    assert sample_size(0.95, 0.05) == 59
    assert sample_size(0.90, 0.10) == 22
    assert sample_size(0.99, 0.01) == 459
    with pytest.raises(ValueError):
        sample_size(1.0, 0.05)


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(0, 120),
    seed=st.integers(0, 2**32),
    data_seed=st.integers(0, 1000),
    rate=st.floats(0, 1),
    count=st.integers(0, 30),
    minimum=st.integers(0, 4),
)
def test_strata_and_minimums_hold_for_any_data(
    n: int, seed: int, data_seed: int, rate: float, count: int, minimum: int
) -> None:
    items = _eligible(n, random.Random(data_seed), authorizers=7)
    plan = SamplePlan(
        rates={"transfer": rate}, counts={"reversal": count}, min_per_authorizer=minimum
    )
    sample = draw(plan, seed, items)
    assert len(set(sample.ids)) == len(sample.ids)
    for txn_type in TYPES:
        available = sum(1 for e in items if e.txn_type == txn_type)
        drawn = sum(1 for d in sample.items if d.txn_type == txn_type and d.how == "drawn")
        assert drawn == stratum_size(plan, txn_type, available)
    chosen = set(sample.ids)
    for authorizer in {a for e in items for a in e.authorizers}:
        theirs = [e for e in items if authorizer in e.authorizers]
        got = sum(1 for e in theirs if e.request_id in chosen)
        assert got >= min(minimum, len(theirs))


def test_risk_weights_raise_the_chance_of_selection_as_specified() -> None:
    """Twenty transfers, two drawn, one of them large (weight 3): over 2,000 seeds it is
    drawn about as often as sampling with weights predicts, far more than a plain one."""
    base = Eligible("R00", "transfer", 100, ("A1",), 0, 60.0, 12, False)
    items = [base] + [
        Eligible(f"R{i:02d}", "transfer", 100, ("A1",), 0, 60.0, 12, False) for i in range(1, 20)
    ]
    items[0] = Eligible("R00", "transfer", 10**8, ("A1",), 0, 60.0, 12, False)  # large: ×3
    plan = SamplePlan(counts={"transfer": 2}, min_per_authorizer=0)
    hits: Counter[str] = Counter()
    for seed in range(2000):
        hits.update(draw(plan, seed, items).ids)
    large = hits["R00"] / 2000
    plain = sum(hits[f"R{i:02d}"] for i in range(1, 20)) / 19 / 2000
    assert 0.22 < large < 0.36  # weighted sampling without replacement: ≈ 0.29
    assert plain < 0.10 and large > 2.5 * plain
    no_weights = SamplePlan(
        counts={"transfer": 2}, min_per_authorizer=0, weights=RiskWeights(large_amount=1.0)
    )
    flat = sum("R00" in draw(no_weights, seed, items).ids for seed in range(2000)) / 2000
    assert 0.06 < flat < 0.14  # 2 of 20 without the weight


def test_a_plan_file_is_read_and_checked() -> None:
    plan = plan_from_file(
        """
        default_rate = 0.05
        min_per_authorizer = 2
        [rates]
        transfer = 0.1
        [counts]
        reversal = 10
        [weights]
        large_amount_fen = 10000000
        """
    )
    assert plan.rates == {"transfer": 0.1} and plan.counts == {"reversal": 10}
    assert plan.weights.large_amount_fen == 10_000_000
    with pytest.raises(ValueError):
        plan_from_file("surprise = 1")
    with pytest.raises(ValueError):
        plan_from_file("[rates]\ntransfer = 1.5")


# --- the desk, on the center's database -----------------------------------------------------------

# The desk's "today" and "now" are parameters: a fixed day, never the wall clock's, so that
# nothing here depends on the hour, the date or the time zone the suite runs in (CI runs the
# center, lead and statistics suites again in a time zone 12+ hours away).
DAY = "2026-03-18"


def _ms(hour: int, minute: int = 0, second: int = 0) -> int:
    """Epoch ms of a local time on DAY."""
    at = dt.datetime.combine(dt.date.fromisoformat(DAY), dt.time(hour, minute, second))
    return int(at.timestamp() * 1000)


def end_of_day() -> int:
    """The clock the desk is given: 17:30 on DAY, after every request of the day."""
    return _ms(17, 30)


@pytest.fixture
def people(tmp_path: Path) -> Identities:
    directory = Directory(tmp_path / "directory")
    keystore = KeyStore(tmp_path, MemoryKeyring())
    keys = {}
    for person, roles, joined in (
        ("A1", (), "2020-01-01"),
        ("A2", (), "2020-01-01"),
        ("A3", (), DAY),  # in their first month
        ("LEAD", ("lead",), "2020-01-01"),
        ("LEAD2", ("lead",), "2020-01-01"),
    ):
        keystore.provision(
            directory,
            authorizer_id=person,
            name=person,
            level=3,
            pin="1234",
            roles=roles,
            joined=joined,
        )
        keys[person] = keystore.unlock(person, "1234")
    return Identities(tmp_path, directory, keystore, keys)


def voucher(request_id: str) -> bytes:
    """A real JPEG (a scanned slip, drawn): the review screen decodes what the center holds."""
    import cv2
    import numpy as np

    image = np.full((300, 480, 3), 245, np.uint8)
    cv2.rectangle(image, (10, 10), (470, 290), (40, 40, 160), 2)
    cv2.putText(image, request_id, (30, 160), cv2.FONT_HERSHEY_SIMPLEX, 1.6, (30, 30, 30), 3)
    ok, data = cv2.imencode(".jpg", image)
    assert ok
    return bytes(data)


def broker_records(
    people: Identities, n: int, rng: random.Random, first_seq: int = 1, tests: int = 0
) -> list[dict[str, Any]]:
    """Requests as the broker journals them: accepted, leased, decided (signed) — and a few
    still waiting; then ``tests`` vigilance test items, marked so, decided by A1 and A2 (each
    fourth approved: missed)."""
    records: list[dict[str, Any]] = []
    seq = first_seq
    for i in range(n + tests):
        test = i >= n
        txn_type = TYPES[i % len(TYPES)]
        req, _ = request(
            f"R{i:04d}",
            txn_type=txn_type,
            amount_fen=rng.randrange(10**7),
            teller_id=f"T{i % 3}",
            blobs=[voucher(f"R{i:04d}")],
        )
        raw = req.to_dict()
        submitted = _ms(9 + i % 8, i % 60)
        decider = ("A1", "A2", "A3")[i % 3] if not test else ("A1", "A2")[i % 2]
        leased = submitted + 5_000
        decided = leased + rng.randrange(3_000, 60_000)
        verdict = "approve" if i % 5 else "reject"
        if test:
            verdict = "approve" if (i - n) % 4 == 3 else "reject"
        decision = people.keys[decider].sign_decision(
            request_id=req.request_id,
            lease_id=f"L{i}",
            request_digest=request_digest(raw),
            evidence=[e.sha256 for e in req.evidence],
            verdict=verdict,
            reason_code=None if verdict == "approve" else "R01",
            reason_text="",
            decided_at=decided,
        )
        accepted: dict[str, Any] = {"request": raw, "digest": request_digest(raw)}
        if test:
            defect = ("amount_mismatch", "id_expired", "name_mismatch")[i % 3]
            accepted["test"] = {
                "pack_id": "TP1",
                "case_id": f"C{i}",
                "lead_id": "LEAD",
                "defect": defect,
                "note": "",
            }
        events = [
            (submitted, "accepted", accepted),
            (leased, "leased", {"lease": f"L{i}", "to": decider}),
        ]
        if test or i < n - 3:  # the last three real ones are still in the queue
            state = "approved" if verdict == "approve" else "rejected"
            events.append((decided, state, {"detail": "", "decision": decision.to_dict()}))
        for at, event, body in events:
            records.append(
                {
                    "seq": seq,
                    "at_ms": at,
                    "request_id": req.request_id,
                    "event": event,
                    "body": json.dumps(body),
                }
            )
            seq += 1
    return records


@pytest.fixture
def desk(center_db: str, tmp_path: Path, people: Identities) -> Iterator[LeadDesk]:
    store = CenterStore(
        center_db,
        tmp_path / "images",
        ReceiptSigner(Ed25519PrivateKey.generate()),
        people.directory,
    )
    store.broker_push("B1", 0, broker_records(people, 60, random.Random(3)))
    yield LeadDesk(store, wait_target_s=60, clock=end_of_day)
    store.close()


def test_a_recorded_sample_is_reproducible_and_only_the_lead_draws(
    desk: LeadDesk, people: Identities
) -> None:
    plan = SamplePlan(default_rate=0.2, min_per_authorizer=2)
    with pytest.raises(ProtocolError) as info:  # who may: checked where every call comes in
        dispatch(desk, "A1", "draw", {"day_from": DAY, "day_to": DAY, "seed": 7, "plan": {}})
    assert info.value.code is ErrorCode.FORBIDDEN and info.value.detail == Refusal.LEAD_ONLY
    record = desk.draw(DAY, DAY, plan, 7, actor="LEAD")
    assert record["eligible_count"] == sum(1 for i in range(57) if i % 5)  # approved only
    assert record["items"] and all(i["how"] in ("drawn", "minimum") for i in record["items"])
    assert desk.draw(DAY, DAY, plan, 7, actor="LEAD")["sample_id"] == record["sample_id"]
    assert desk.rerun(record["sample_id"]) == {
        "same_items": True,
        "same_eligible": True,
        "plan_fingerprint": plan.fingerprint(),
    }
    added = desk.add_manual(record["sample_id"], "R0000", actor="LEAD")  # a rejected one
    manual = [i for i in added["items"] if i["how"] == "manual"]
    assert [(i["request_id"], i["added_by"]) for i in manual] == [("R0000", "LEAD")]
    assert desk.rerun(record["sample_id"])["same_items"]  # hand-added items stay apart


def test_review_is_blind_until_the_reviewer_has_recorded_a_verdict(desk: LeadDesk) -> None:
    sample = desk.draw(DAY, DAY, SamplePlan(default_rate=0.3), 11, actor="LEAD")
    item = sample["items"][0]["request_id"]
    seen = desk.evidence(
        sample["sample_id"],
        item,
    )
    text = json.dumps(seen)
    assert seen["images"] and seen["request"]["request_id"] == item
    assert "verdict" not in text and "authorizer_id" not in text and "decided_at" not in text
    ref = {"sample_id": sample["sample_id"], "request_id": item}
    with pytest.raises(ProtocolError) as info:
        dispatch(desk, "LEAD2", "reveal", ref)
    assert info.value.code is ErrorCode.FORBIDDEN
    assert info.value.detail == Refusal.OWN_VERDICT_FIRST
    with pytest.raises(ProtocolError):
        dispatch(desk, "LEAD2", "record_finding", {**ref, "outcome": "no_error"})
    desk.record_verdict(sample["sample_id"], item, "LEAD2", "reject", "签名不符", "R04")
    with pytest.raises(ProtocolError) as again:
        desk.record_verdict(sample["sample_id"], item, "LEAD2", "approve")  # no second thoughts
    assert again.value.code is ErrorCode.ALREADY_DECIDED
    shown = desk.reveal(sample["sample_id"], item, "LEAD2")
    assert shown["your_verdict"] == "reject" and shown["original_verdict"] == "approve"
    assert shown["agree"] is False and shown["decisions"][0]["authorizer_id"] in ("A1", "A2", "A3")


@pytest.mark.parametrize(
    ("verdict", "code", "note", "refusal"),
    [
        ("reject", None, "", Refusal.VERDICT_REASON),  # a reject takes its R code
        ("return", "R02", "", Refusal.VERDICT_REASON),  # a return a T code, not an R
        ("reject", "T01", "", Refusal.VERDICT_REASON),
        ("approve", "R02", "", Refusal.VERDICT_REASON),  # an approval none
        ("reject", "R77", "", Refusal.VERDICT_REASON),  # not in the lists
        ("reject", "R99", "  ", Refusal.VERDICT_NOTE),  # "other" needs the note
        ("return", "T99", "", Refusal.VERDICT_NOTE),
    ],
)
def test_a_verdict_takes_a_reason_code_from_the_authorizers_lists(
    desk: LeadDesk, verdict: str, code: str | None, note: str, refusal: Refusal
) -> None:
    sample = desk.draw(DAY, DAY, SamplePlan(default_rate=0.3), 11, actor="LEAD")
    ref = {"sample_id": sample["sample_id"], "request_id": sample["items"][0]["request_id"]}
    with pytest.raises(ProtocolError) as info:
        dispatch(
            desk,
            "LEAD2",
            "record_verdict",
            {**ref, "verdict": verdict, "reason_code": code, "note": note},
        )
    assert info.value.code is ErrorCode.REASON_REQUIRED and info.value.detail == refusal
    assert desk.verdict_of(ref["sample_id"], ref["request_id"], "LEAD2") is None  # nothing kept
    dispatch(
        desk,
        "LEAD2",
        "record_verdict",
        {**ref, "verdict": "return", "reason_code": "T99", "note": "盖章不清"},
    )
    item = desk.sample(ref["sample_id"], "LEAD2")["items"][0]
    assert item["verdicts"] == {"LEAD2": "return"} and item["verdict_reasons"] == {"LEAD2": "T99"}


def test_the_checklist_as_ticked_comes_only_after_the_verdict(desk: LeadDesk) -> None:
    """A failed row would tell the verdict: the blind view has none; the reveal has it, empty
    when nothing was ticked (the desk then says 未勾选)."""
    sample = desk.draw(DAY, DAY, SamplePlan(default_rate=0.3), 11, actor="LEAD")
    sid, item = sample["sample_id"], sample["items"][0]["request_id"]
    assert "checklist" not in desk.evidence(sid, item)
    desk.record_verdict(sid, item, "LEAD2", "approve")
    shown = dispatch(desk, "LEAD2", "reveal", {"sample_id": sid, "request_id": item})
    assert shown["checklist"] == {}
    assert set(shown["names"]) >= {d["authorizer_id"] for d in shown["decisions"]}


def test_a_finding_of_error_needs_a_second_persons_confirmation(desk: LeadDesk) -> None:
    sample = desk.draw(DAY, DAY, SamplePlan(default_rate=0.3), 12, actor="LEAD")
    sid = sample["sample_id"]
    first, second = (i["request_id"] for i in sample["items"][:2])
    desk.record_verdict(sid, first, "A1", "reject", reason_code="R02")
    with pytest.raises(ProtocolError) as info:
        desk.record_finding(sid, first, "A1", "error")  # no category
    assert info.value.code is ErrorCode.REASON_REQUIRED
    finding = desk.record_finding(sid, first, "A1", "error", "E02", "印章与预留不符")
    assert finding["state"] == "awaiting_confirmation"
    confirm = {"sample_id": sid, "request_id": first, "accept": True}
    for not_allowed in ("A1", "A2"):  # the reviewer themself; someone who is not a lead
        with pytest.raises(ProtocolError) as refused:
            dispatch(desk, not_allowed, "confirm_finding", confirm)
        assert refused.value.code is ErrorCode.FORBIDDEN
    confirmed = desk.confirm_finding(sid, first, "LEAD", accept=True, note="同意")
    assert confirmed["state"] == "confirmed" and confirmed["confirmed_by"] == "LEAD"
    # a lead's own finding of error needs the other lead
    desk.record_verdict(sid, second, "LEAD", "approve")
    desk.record_finding(sid, second, "LEAD", "error", "E01")
    with pytest.raises(ProtocolError) as own:
        dispatch(desk, "LEAD", "confirm_finding", {**confirm, "request_id": second})
    assert own.value.detail == Refusal.SECOND_PERSON
    assert desk.confirm_finding(sid, second, "LEAD2", accept=False)["state"] == "rejected"
    agreement = desk.agreement()
    assert sum(v["reviews"] for v in agreement["by_category"].values()) == 2
    assert sum(v["agree"] for v in agreement["by_category"].values()) == 1  # the approve
    assert sum(sum(c.values()) for c in agreement["errors_by_authorizer"].values()) == 1


def test_statistics_split_the_time_and_count_the_outcomes(desk: LeadDesk) -> None:
    stats = desk.stats(DAY, DAY)
    assert stats["volume"] == 60 and stats["decided"] == 57
    # these records carry no "shown" events: the parts that start on screen are not guessed
    # (tests/test_lead_metrics.py checks each part against the events that define it)
    assert stats["parts"]["queue_s"] == {"avg_s": None, "measured": 0}
    assert stats["avg_total_s"] is not None and stats["avg_total_s"] >= 5.0
    # rates over the decided requests only: the three open ones are apart
    rates = stats["rates"]
    assert stats["pending"] == 3 and abs(rates["approved"] + rates["rejected"] - 1) < 0.002
    assert set(stats["by_category"]) == set(TYPES) and set(stats["by_authorizer"]) >= {"A1"}
    assert len(stats["peak_hours"]) == 3 and all(9 <= h <= 16 for h in stats["peak_hours"])


def test_the_board_shows_the_queue_the_authorizers_and_late_waits(desk: LeadDesk) -> None:
    board = desk.board(at_ms=_ms(23, 59))
    waiting = sum(q["waiting"] + q["in_review"] for q in board["queue"].values())
    assert waiting == 3 and len(board["alerts"]) == 3  # hours past the 60 s target
    assert board["alerts"][0]["wait_s"] >= board["alerts"][-1]["wait_s"]
    assert board["authorizers"]["A1"]["items_today"] > 0
    # the same figure as the statistics' (None here: these records have no "shown" events)
    viewing = desk.stats(DAY, DAY)["by_authorizer"]["A1"]["avg_viewing_s"]
    assert board["authorizers"]["A1"]["avg_s"] == viewing


def test_the_sample_command_prints_the_same_draw(
    tmp_path: Path, people: Identities, spawned: list[subprocess.Popen[str]]
) -> None:
    from app.config import load_settings
    from clientsvc.audit.chain import write_receipt_key
    from tests.helpers import authdesk

    data = people.root
    settings = load_settings(None, env={}, data_dir=data)
    write_receipt_key(settings.receipt_secret("center"), settings.receipt_public("center"))
    store = CenterStore(
        settings.center_database,
        settings.center_dir / "images",
        ReceiptSigner(Ed25519PrivateKey.generate()),
        people.directory,
    )
    store.broker_push("B1", 0, broker_records(people, 40, random.Random(5)))
    expected = draw(SamplePlan(), 99, LeadDesk(store).eligible(DAY, DAY))
    store.close()
    outputs = []
    for _ in range(2):
        proc = authdesk("center", "sample", "--data-dir", str(data), "--date", DAY, "--seed", "99")
        spawned.append(proc)
        out, _ = proc.communicate(timeout=60)
        assert proc.returncode == 0, out
        outputs.append(out)
    assert outputs[0] == outputs[1]
    assert expected.plan_fingerprint in outputs[0]
    printed = [line.split("\t")[0] for line in outputs[0].splitlines() if line.startswith("R")]
    assert printed == expected.ids and printed
    bad = authdesk(
        "center", "sample", "--data-dir", str(data), "--date", "yesterday", "--seed", "1"
    )
    spawned.append(bad)
    out, _ = bad.communicate(timeout=60)
    assert bad.returncode == 2 and "YYYY-MM-DD" in out and "Traceback" not in out


def test_the_desk_over_the_wire_knows_who_acts_by_their_signature(
    tmp_path: Path, people: Identities
) -> None:
    import threading

    import zmq

    from clientsvc.center.lead_client import LeadClient
    from clientsvc.center.service import CenterService
    from clientsvc.center.signing import sign_call
    from clientsvc.protocol import mdp
    from tests.helpers import free_port

    store = CenterStore(
        tmp_path / "c.sqlite3",
        tmp_path / "images",
        ReceiptSigner(Ed25519PrivateKey.generate()),
        people.directory,
    )
    store.broker_push("B1", 0, broker_records(people, 30, random.Random(8)))
    image = voucher("R0001")
    import hashlib

    sha = hashlib.sha256(image).hexdigest()
    blobs = {sha: image}
    with store.engine.begin() as conn:
        store._store_images(conn, blobs, "B1", 1)
    endpoint = f"tcp://127.0.0.1:{free_port()}"
    service = CenterService(endpoint, store, context=zmq.Context.instance())
    thread = threading.Thread(target=service.serve_forever, name="center")
    thread.start()
    assert service.bound.wait(10)
    lead = LeadClient(endpoint, people.keys["LEAD"])
    reviewer = LeadClient(endpoint, people.keys["A2"])
    try:
        assert lead.call("whoami") == {"actor": "LEAD", "lead": True}
        with pytest.raises(ProtocolError) as refused:
            reviewer.call("draw", day_from=DAY, day_to=DAY, seed=1, plan={"default_rate": 0.5})
        assert refused.value.code is ErrorCode.FORBIDDEN
        sample = lead.call("draw", day_from=DAY, day_to=DAY, seed=1, plan={"default_rate": 0.5})
        sid = sample["sample_id"]
        lead.call("add_manual", sample_id=sid, request_id="R0001")
        seen = reviewer.call("evidence", sample_id=sid, request_id="R0001")
        assert sha in seen["images"] and lead.image(sha) == blobs[sha]
        reviewer.call("record_verdict", sample_id=sid, request_id="R0001", verdict="approve")
        assert (
            reviewer.call("reveal", sample_id=sid, request_id="R0001")["your_verdict"] == "approve"
        )
        # someone signing as another person: the signature is the signer's, not the name's
        forged = sign_call(people.keys["A2"], "reveal", {"sample_id": sid, "request_id": "R0001"})
        forged["actor"] = "LEAD"
        peer = zmq.Context.instance().socket(zmq.DEALER)
        peer.connect(endpoint)
        peer.send_multipart(mdp.client_request("lead.call", [json.dumps(forged).encode()]))
        assert peer.poll(5000)
        answer = json.loads(mdp.parse_client_reply(peer.recv_multipart()).body[0])
        assert answer["code"] in ("E_UNKNOWN_KEY", "E_BAD_SIGNATURE")
        honest = sign_call(people.keys["A2"], "whoami", {})
        for expected in ("lead_result", "E_REPLAYED"):  # the same call twice: a replay
            peer.send_multipart(mdp.client_request("lead.call", [json.dumps(honest).encode()]))
            assert peer.poll(5000)
            answer = json.loads(mdp.parse_client_reply(peer.recv_multipart()).body[0])
            assert expected in (answer.get("type"), answer.get("code"))
        peer.close(linger=0)
    finally:
        lead.close()
        reviewer.close()
        service.stop()
        thread.join(10)
        store.close()


def test_reviewers_see_no_statistics_and_no_findings_and_garbage_breaks_nothing(
    desk: LeadDesk, people: Identities
) -> None:
    """The board, the statistics and the agreement rates name who decided what: only for the
    lead. A reviewer's view of a sample has no findings. A terminal's garbage payloads do not
    break the board."""
    for op, args in (("stats", {"day_from": DAY, "day_to": DAY}), ("board", {}), ("agreement", {})):
        with pytest.raises(ProtocolError) as info:
            dispatch(desk, "A2", op, args)
        assert info.value.code is ErrorCode.FORBIDDEN
    sample = desk.draw(DAY, DAY, SamplePlan(default_rate=0.3), 21, actor="LEAD")
    sid, first = sample["sample_id"], sample["items"][0]["request_id"]
    desk.record_verdict(sid, first, "LEAD2", "reject", reason_code="R02")
    desk.record_finding(sid, first, "LEAD2", "error", "E01")
    mine = dispatch(desk, "A2", "sample", {"sample_id": sid})
    assert all(i["finding"] is None and i["reviewed_by"] == [] for i in mine["items"])
    assert dispatch(desk, "LEAD", "sample", {"sample_id": sid})["items"][0]["finding"]
    from clientsvc.audit.chain import event_hash

    row = {
        "seq": 1,
        "at_ms": _ms(23),
        "kind": "presence",
        "request_id": None,
        "authorizer_id": "A1",
        "payload": "x",
        "prev_hash": "0" * 64,
    }
    row["hash"] = event_hash(row["prev_hash"], row)
    desk.store.push("WS-GARBAGE", [row])
    assert "A1" in desk.board(at_ms=_ms(23, 30))["authorizers"]


def test_only_the_broker_that_accepted_a_request_speaks_for_it(desk: LeadDesk) -> None:
    before = desk.store.request("R0001")
    assert before is not None and before["broker_id"] == "B1"
    forged = [
        {
            "seq": 1,
            "at_ms": 1,
            "request_id": "R0001",
            "event": "cancelled",
            "body": json.dumps({"detail": "forged"}),
        }
    ]
    desk.store.broker_push("B2", 0, forged)
    assert desk.store.request("R0001")["state"] == before["state"]  # type: ignore[index]
