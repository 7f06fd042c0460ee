"""The reader on the broker (docs/PROTOCOL.md §4.15): a request is read as soon as it is
accepted, the reading reaches the authorizer with the item or after it, an approval must name
it, a mismatch read from the pixels stops approval, and a reader that lies, stalls or goes
away costs the reading and never the broker."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from clientsvc.broker import Broker
from clientsvc.broker.readers import MAX_TRIES, READ_SERVICE
from clientsvc.curve import Transport
from clientsvc.protocol import mdp
from clientsvc.protocol.canonical import canonical_bytes
from clientsvc.protocol.messages import AuthRequest, ReadJob, parse
from clientsvc.reading.model import Verdict
from clientsvc.reading.ocr import PageText
from clientsvc.reading.reader import ReadingDesk, TextCache
from clientsvc.reading.service import ReaderConfig, ReaderService
from clientsvc.reading.signed import READING_TAG, SignedReading
from clientsvc.teller.client import TellerClient
from sim.corpus import corpus_item
from tests.helpers import Identities, Peer, Worker, start_broker


class BlankOcr:
    """An engine that reads nothing: every element unreadable, and a reading signed."""

    identity, models = "blank 1", {"m.onnx": "0" * 16}

    def read(self, data: bytes) -> PageText:
        return PageText()


def publish_reader(ids: Identities, reader_id: str) -> Ed25519PrivateKey:
    key = Ed25519PrivateKey.generate()
    folder = ids.directory.path / "readers"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{reader_id}.pem").write_bytes(
        key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    return key


@pytest.fixture
def broker(ids: Identities) -> Iterator[Broker]:
    b = start_broker(ids)
    yield b
    b.stop()


@pytest.fixture
def teller(broker: Broker, ids: Identities) -> Iterator[TellerClient]:
    client = TellerClient(broker.bound_endpoint, "T1", ids.directory, context=broker._ctx)
    yield client
    client.close()


def signed_in(broker: Broker, ids: Identities, who: str = "A1") -> Worker:
    w = Worker(broker.bound_endpoint, ids.keys[who], broker._ctx)
    w.sign_in()
    return w


class RawReader(Peer):
    """A reader by hand: READY on ``authz.read``, jobs in, whatever reply the test wants."""

    def __init__(self, broker: Broker) -> None:
        super().__init__(broker.bound_endpoint, broker._ctx)
        self.broker = broker
        before = len(broker.readers.peers)
        self.send_raw(mdp.worker_frames(mdp.WorkerCommand.READY, service=READ_SERVICE))
        assert broker.readers.wait_for(lambda: len(broker.readers.peers) > before, 10)

    def job(self, timeout_ms: int = 10_000) -> tuple[bytes, ReadJob]:
        deadline = time.monotonic() + timeout_ms / 1000
        while (left := deadline - time.monotonic()) > 0:
            if not self.sock.poll(int(left * 1000) + 1):
                break
            message = mdp.parse_from_broker(self.sock.recv_multipart())
            if message.command is mdp.WorkerCommand.HEARTBEAT:
                self.send_raw(mdp.worker_frames(mdp.WorkerCommand.HEARTBEAT))
            elif message.command is mdp.WorkerCommand.REQUEST:
                job, _ = parse(message.body[0], ReadJob)
                return message.client, job
        raise TimeoutError("no job")

    def answer(self, client: bytes, body: list[bytes]) -> None:
        self.send_raw(mdp.worker_frames(mdp.WorkerCommand.REPLY, client=client, body=body))


def blank_reading(job: ReadJob, key: Ed25519PrivateKey, reader_id: str, **change: Any) -> Any:
    request = AuthRequest.model_validate(job.request)
    desk = ReadingDesk(BlankOcr(), TextCache(":memory:"), key, reader_id)
    day = dt.datetime.fromtimestamp(job.enqueued_at / 1000).date()
    return desk.read(request, job.request_digest, {}, change.pop("today", day))


def submit(teller: TellerClient, seed: int = 1, index: int = 0, **kw: Any) -> Any:
    item = corpus_item(random.Random(seed), index, **kw)
    teller.submit(item.request, item.images)
    return item


def next_of(w: Worker, kind: str, timeout_ms: int = 10_000) -> Any:
    """The next message of ``kind`` (item, item_reading, revoke) for this worker."""
    deadline = time.monotonic() + timeout_ms / 1000
    pool = {"item": w.items, "item_reading": w.readings, "revoke": w.revokes}[kind]
    while (left := deadline - time.monotonic()) > 0:
        if pool:
            return pool.pop(0)
        w.next_work(int(left * 1000) + 1)
    return pool.pop(0) if pool else None


# --- without a reader ------------------------------------------------------------------------


def test_with_no_reader_the_item_says_the_machine_check_is_unavailable(
    broker: Broker, ids: Identities, teller: TellerClient
) -> None:
    w = signed_in(broker, ids)
    submit(teller)
    item = next_of(w, "item")
    assert item.reading is None and item.reading_status == "unavailable"
    reply, _ = w.decide(item)  # nothing to name: an approval stands on the rest
    assert reply.type == "decision_ack", reply  # type: ignore[attr-defined]


def test_a_reader_that_comes_later_reads_what_waits_and_the_item_is_told(
    broker: Broker, ids: Identities, teller: TellerClient
) -> None:
    w = signed_in(broker, ids)
    submit(teller)
    item = next_of(w, "item")
    assert item.reading_status == "unavailable"
    key = publish_reader(ids, "R1")
    reader = RawReader(broker)
    assert next_of(w, "item_reading").reading_status == "pending"
    client, job = reader.job()
    signed = blank_reading(job, key, "R1")
    reader.answer(client, [canonical_bytes(signed.to_dict())])
    note = next_of(w, "item_reading")
    assert note.lease_id == item.lease_id
    back = SignedReading.from_dict(note.reading)
    assert back.digest == signed.digest
    assert {e.verdict for e in back.reading.elements} == {Verdict.UNREADABLE}
    reader.close()


# --- an approval names the reading ------------------------------------------------------------


def test_an_approval_must_name_the_reading_the_broker_holds(
    broker: Broker, ids: Identities, teller: TellerClient
) -> None:
    key = publish_reader(ids, "R1")
    reader = RawReader(broker)
    w = signed_in(broker, ids)
    submit(teller)
    item = next_of(w, "item")
    assert item.reading_status == "pending"
    client, job = reader.job()
    signed = blank_reading(job, key, "R1")
    reader.answer(client, [canonical_bytes(signed.to_dict())])
    next_of(w, "item_reading")
    unnamed, _ = w.decide(item)
    assert unnamed.code == "E_READING_STALE", unnamed  # type: ignore[attr-defined]
    other, _ = w.decide(item, reading="0" * 64)
    assert other.code == "E_READING_STALE", other  # type: ignore[attr-defined]
    ok, decision = w.decide(item, reading=signed.digest)
    assert ok.type == "decision_ack", ok  # type: ignore[attr-defined]
    assert decision.to_dict()["reading"] == signed.digest  # signed with it
    reader.close()


def test_a_reject_need_not_wait_for_the_reading(
    broker: Broker, ids: Identities, teller: TellerClient
) -> None:
    publish_reader(ids, "R1")
    reader = RawReader(broker)
    w = signed_in(broker, ids)
    submit(teller)
    item = next_of(w, "item")
    reader.job()  # taken, never answered
    reply, _ = w.decide(item, "reject", "R01")
    assert reply.type == "decision_ack", reply  # type: ignore[attr-defined]
    reader.close()


def test_the_reading_is_journaled_and_restored_and_an_unread_request_is_read_again(
    ids: Identities,
) -> None:
    key = publish_reader(ids, "R1")
    broker = start_broker(ids)
    with TellerClient(broker.bound_endpoint, "T1", ids.directory, context=broker._ctx) as t:
        reader = RawReader(broker)
        first = submit(t, index=0)
        client, job = reader.job()
        signed = blank_reading(job, key, "R1")
        reader.answer(client, [canonical_bytes(signed.to_dict())])
        rid = first.request.request_id
        assert broker.readers.wait_for(lambda: broker.entries[rid].reading is not None, 10)
        second = submit(t, index=1)
        reader.job()  # taken, and the broker stops before it is answered
    reader.close()
    broker.stop()
    again = start_broker(ids)
    try:
        held = again.entries[rid].reading
        assert held is not None and held.digest == signed.digest
        unread = second.request.request_id
        assert again.entries[unread].reading is None
        assert list(again.readers.line) == [unread]  # read again by the next reader
        assert again.entries[unread].reading_status == "unavailable"  # none yet
    finally:
        again.stop()


# --- readers that lie, stall or go ------------------------------------------------------------


def _refused(broker: Broker, before: int) -> bool:
    return broker.stats["readings_refused"] > before


@pytest.mark.parametrize(
    "forge",
    [
        "signature",
        "unknown_key",
        "other_reader_id",
        "other_request",
        "other_day",
        "garbage",
        "not_json",
        "too_large",
        "empty",
        "extra_field",
    ],
)
def test_a_reading_that_does_not_hold_is_refused_and_the_job_goes_on(
    broker: Broker, ids: Identities, teller: TellerClient, forge: str
) -> None:
    key = publish_reader(ids, "R1")
    publish_reader(ids, "R2")
    liar = RawReader(broker)
    w = signed_in(broker, ids)
    item = submit(teller)
    client, job = liar.job()
    signed = blank_reading(job, key, "R1")
    raw = signed.to_dict()
    body: list[bytes]
    if forge == "signature":
        raw["signature"] = ("0" if raw["signature"][0] != "0" else "1") + raw["signature"][1:]
    elif forge == "unknown_key":
        raw = blank_reading(job, Ed25519PrivateKey.generate(), "R1").to_dict()
    elif forge == "other_reader_id":  # R1's key, saying it is R2
        raw = blank_reading(job, key, "R2").to_dict()
    elif forge == "other_request":  # signed right, about a request as it was not sent
        fields = signed.reading.model_copy(update={"request_digest": "1" * 64})
        raw = {
            "v": 1,
            "type": "reading",
            "reading": fields.fields(),
            "key_id": signed.key_id,
            "signature": key.sign(READING_TAG + canonical_bytes(fields.fields())).hex(),
        }
    elif forge == "other_day":
        raw = blank_reading(job, key, "R1", today=dt.date(2001, 1, 1)).to_dict()
    elif forge == "extra_field":
        raw["trust_me"] = True
    if forge == "garbage":
        body = [b"\xff\xfe" * 100]
    elif forge == "not_json":
        body = [b'{"v": 1, "type": "reading",']
    elif forge == "too_large":
        body = [b'{"v":1,"type":"reading","pad":"' + b"x" * 60_000 + b'"}']
    elif forge == "empty":
        body = []
    else:
        body = [canonical_bytes(raw)]
    before = broker.stats["readings_refused"]
    liar.answer(client, body)
    assert broker.readers.wait_for(lambda: _refused(broker, before), 10)
    rid = item.request.request_id
    assert broker.entries[rid].reading is None
    # the job is given again (to the same reader here: the only one), and a true reading holds
    client, job = liar.job()
    good = blank_reading(job, key, "R1")
    liar.answer(client, [canonical_bytes(good.to_dict())])
    assert broker.readers.wait_for(lambda: broker.entries[rid].reading is not None, 10)
    item_sent = next_of(w, "item")
    assert item_sent.request["request_id"] == rid
    liar.close()


def test_after_every_try_failed_the_reading_is_unavailable(
    broker: Broker, ids: Identities, teller: TellerClient
) -> None:
    publish_reader(ids, "R1")
    liar = RawReader(broker)
    w = signed_in(broker, ids)
    submit(teller)
    item = next_of(w, "item")
    for _ in range(MAX_TRIES):
        client, _job = liar.job()
        liar.answer(client, [b"{}"])
    note = next_of(w, "item_reading")
    assert note.lease_id == item.lease_id and note.reading_status == "unavailable"
    reply, _ = w.decide(item)  # the machine check is unavailable: the authorizer decides
    assert reply.type == "decision_ack", reply  # type: ignore[attr-defined]
    liar.close()


def test_a_reader_that_goes_silent_loses_its_job_to_another(
    broker: Broker, ids: Identities, teller: TellerClient
) -> None:
    key = publish_reader(ids, "R2")
    silent = RawReader(broker)
    item = submit(teller)
    silent.job()  # taken; then nothing, not even heartbeats
    silent.close()
    other = RawReader(broker)
    client, job = other.job(timeout_ms=10_000)  # given again once the first one's liveness ran out
    assert AuthRequest.model_validate(job.request).request_id == item.request.request_id
    other.answer(client, [canonical_bytes(blank_reading(job, key, "R2").to_dict())])
    rid = item.request.request_id
    assert broker.readers.wait_for(lambda: broker.entries[rid].reading is not None, 10)
    other.close()


def test_a_reply_for_no_job_is_refused(
    broker: Broker, ids: Identities, teller: TellerClient
) -> None:
    key = publish_reader(ids, "R1")
    reader = RawReader(broker)
    item = submit(teller)
    _client, job = reader.job()
    before = broker.stats["readings_refused"]
    reader.answer(b"someone-else", [canonical_bytes(blank_reading(job, key, "R1").to_dict())])
    assert broker.readers.wait_for(lambda: _refused(broker, before), 10)
    assert broker.entries[item.request.request_id].reading is None
    reader.close()


# --- the real reader, end to end --------------------------------------------------------------


@pytest.fixture
def real_reader(broker: Broker, ids: Identities) -> Iterator[ReaderService]:
    pytest.importorskip("rapidocr")
    from clientsvc.reading.ocr import OcrProcess

    key = publish_reader(ids, "R-REAL")
    ocr = OcrProcess()
    service = ReaderService(
        ReaderConfig(broker.bound_endpoint, Transport.plain(), heartbeat_ms=200),
        ReadingDesk(ocr, TextCache(":memory:"), key, "R-REAL"),
        broker._ctx,
    )
    service.start()
    assert broker.readers.wait_for(lambda: bool(broker.readers.peers), 30)
    yield service
    service.stop()
    ocr.close()


def test_the_real_reader_reads_a_mismatch_that_then_needs_an_override(
    broker: Broker, ids: Identities, teller: TellerClient, real_reader: ReaderService
) -> None:
    seed = next(s for s in range(200) if corpus_item(random.Random(s), 0).kind == "amount")
    item = corpus_item(random.Random(seed), 0, degradation="clean")
    assert item.kind == "amount"
    w = signed_in(broker, ids)
    teller.submit(item.request, item.images)
    sent = next_of(w, "item")
    got = sent if sent.reading is not None else next_of(w, "item_reading", timeout_ms=60_000)
    signed = SignedReading.from_dict(got.reading)
    verdicts = {e.element: e.verdict for e in signed.reading.elements}
    assert verdicts["amount"] is Verdict.MISMATCH, verdicts
    assert hashlib.sha256(canonical_bytes(signed.reading.fields())).hexdigest() == signed.digest
    plain, _ = w.decide(sent, reading=signed.digest)
    assert plain.code == "E_OVERRIDE_REQUIRED", plain  # type: ignore[attr-defined]
    assert "read_amount" in plain.detail  # type: ignore[attr-defined]
    now = time.time_ns() // 1_000_000
    # the teller system says so too (its meta): both sources are named
    override = {"findings": ["amount", "read_amount"], "note": "客户当面确认金额，凭证已更正"}
    ok, _ = w.decide(sent, reading=signed.digest, override=override, reauth_at=now, decided_at=now)
    assert ok.type == "decision_ack", ok  # type: ignore[attr-defined]


# --- the center keeps the readings and checks what decisions say of them ----------------------


def _journal_records(broker: Broker) -> list[dict[str, Any]]:
    import sqlite3

    assert broker.config.journal is not None
    with sqlite3.connect(broker.config.journal) as db:
        rows = db.execute("SELECT seq, at_ms, request_id, event, body FROM journal ORDER BY seq")
        return [
            {"seq": s, "at_ms": a, "request_id": r, "event": e, "body": b} for s, a, r, e, b in rows
        ]


def test_the_center_stores_the_reading_and_the_reviewer_sees_it_after_the_verdict(
    ids: Identities, tmp_path: Path
) -> None:
    from clientsvc.audit.chain import ReceiptSigner
    from clientsvc.center.lead import LeadDesk
    from clientsvc.center.sampling import SamplePlan
    from clientsvc.center.store import CenterStore
    from clientsvc.keystore import KeyStore, MemoryKeyring
    from tests.helpers import sign_reading

    key = publish_reader(ids, "R1")
    broker = start_broker(ids)
    try:
        with TellerClient(broker.bound_endpoint, "T1", ids.directory, context=broker._ctx) as t:
            reader = RawReader(broker)
            w = signed_in(broker, ids)
            item = submit(t)
            sent = next_of(w, "item")
            client, job = reader.job()
            day = dt.datetime.fromtimestamp(job.enqueued_at / 1000).date().isoformat()
            request = AuthRequest.model_validate(job.request)
            signed = sign_reading(
                request,
                job.request_digest,
                {"amount": Verdict.MISMATCH, "account_no": Verdict.MATCH},
                key=key,
                reader_id="R1",
                day=day,
            )
            reader.answer(client, [canonical_bytes(signed.to_dict())])
            next_of(w, "item_reading")
            now = time.time_ns() // 1_000_000
            findings = ["read_amount", *sorted({f.code for f in _meta_findings(request)})]
            override = {"findings": findings, "note": "客户当面确认金额，凭证已由客户更正签字"}
            ok, decision = w.decide(
                sent, reading=signed.digest, override=override, reauth_at=now, decided_at=now
            )
            assert ok.type == "decision_ack", ok  # type: ignore[attr-defined]
            if sent.approvals_needed == 2:  # 双人授权: the second approver sees it too
                w2 = signed_in(broker, ids, "A2")
                second = next_of(w2, "item")
                assert SignedReading.from_dict(second.reading).digest == signed.digest
                ok, _ = w2.decide(
                    second,
                    reading=signed.digest,
                    override=override,
                    reauth_at=now,
                    decided_at=now,
                )
                assert ok.type == "decision_ack", ok  # type: ignore[attr-defined]
            reader.close()
        records = _journal_records(broker)
    finally:
        broker.stop()
    rid = item.request.request_id
    assert "read" in [r["event"] for r in records if r["request_id"] == rid]
    store = CenterStore(
        tmp_path / "c.sqlite3",
        tmp_path / "img",
        ReceiptSigner(Ed25519PrivateKey.generate()),
        ids.directory,
    )
    try:
        store.broker_push("B1", 0, records)
        (kept,) = store.readings(rid)
        assert kept.digest == signed.digest
        assert not [f for f in store.findings(rid) if f["code"].startswith(("READING", "E_"))]
        KeyStore(tmp_path / "lead", MemoryKeyring()).provision(
            ids.directory, authorizer_id="LEAD", name="L", level=3, pin="1", roles=("lead",)
        )
        submitted = store.request(rid)["submitted_ms"]  # type: ignore[index]
        day = dt.date.fromtimestamp(submitted / 1000).isoformat()
        desk = LeadDesk(store)
        sample = desk.draw(day, day, SamplePlan(), 1, actor="LEAD")
        assert [i["request_id"] for i in sample["items"]] == [rid]
        desk.record_verdict(sample["sample_id"], rid, "LEAD", "approve")
        shown = desk.reveal(sample["sample_id"], rid, "LEAD")
        (reading,) = shown["readings"]
        assert reading["named"] and reading["reader_id"] == "R1"
        assert {e["element"]: e["verdict"] for e in reading["elements"]} == {
            "amount": "mismatch",
            "account_no": "match",
        }
    finally:
        store.close()
    del decision


def _meta_findings(request: AuthRequest) -> list[Any]:
    from clientsvc.crosscheck import crosscheck

    return crosscheck(request)


def test_the_center_flags_an_approval_past_a_reading_that_a_broker_let_through(
    ids: Identities, tmp_path: Path
) -> None:
    """A record no honest broker writes: an approval naming a reading with a mismatch and no
    override of it, or naming a reading the broker never kept. The center's re-check says so."""
    from clientsvc.audit.chain import ReceiptSigner
    from clientsvc.center.store import CenterStore
    from clientsvc.protocol.messages import request_digest
    from tests.helpers import sign_reading

    item = corpus_item(random.Random(2), 1)  # no discrepancy
    raw = item.request.to_dict()
    digest = request_digest(raw)
    signed = sign_reading(item.request, digest, {"account_name": Verdict.MISMATCH})
    ids_key = ids.keys["A1"]
    at = time.time_ns() // 1_000_000

    def approval(reading: str, rid: str) -> dict[str, Any]:
        return ids_key.sign_decision(
            request_id=rid,
            lease_id="L1",
            request_digest=request_digest({**raw, "request_id": rid}),
            evidence=[e.sha256 for e in item.request.evidence],
            verdict="approve",
            reason_code=None,
            reason_text="",
            decided_at=at,
            reading=reading,
        ).to_dict()

    records: list[dict[str, Any]] = []
    for n, (rid, reading) in enumerate([("X1", signed.digest), ("X2", "ab" * 32)]):
        body = {**raw, "request_id": rid}
        kept = sign_reading(
            AuthRequest.model_validate(body),
            request_digest(body),
            {"account_name": Verdict.MISMATCH},
        )
        if rid == "X1":
            reading = kept.digest
        records += [
            {
                "seq": 3 * n + 1,
                "at_ms": at,
                "request_id": rid,
                "event": "accepted",
                "body": json.dumps({"request": body, "digest": request_digest(body)}),
            },
            {
                "seq": 3 * n + 2,
                "at_ms": at,
                "request_id": rid,
                "event": "read",
                "body": json.dumps({"reading": kept.to_dict()}),
            },
            {
                "seq": 3 * n + 3,
                "at_ms": at,
                "request_id": rid,
                "event": "approved",
                "body": json.dumps({"detail": "", "decision": approval(reading, rid)}),
            },
        ]
    store = CenterStore(
        tmp_path / "c.sqlite3",
        tmp_path / "img",
        ReceiptSigner(Ed25519PrivateKey.generate()),
        ids.directory,
    )
    try:
        store.broker_push("B1", 0, records)
        codes = {
            f["request_id"]: {x["code"] for x in store.findings(f["request_id"])}
            for f in store.findings()
        }
        assert "E_OVERRIDE_REQUIRED" in codes["X1"]
        assert "READING_UNKNOWN" in codes["X2"]
    finally:
        store.close()


def test_reader_check_reads_an_image_file_and_says_when_it_cannot(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`authdesk reader --check IMAGE` (and the packaged reader's smoke check): the engine of
    this install reads one file, with the network refused, and prints its lines."""
    from app.commands.reader import check_image
    from sim.teller import make_request

    sim = make_request(random.Random(4), txn_type="cash_withdrawal", mismatch_rate=0.0)
    voucher = next(r for r in sim.request.evidence if r.kind == "voucher")
    image = tmp_path / "voucher.jpg"
    image.write_bytes(sim.evidence[voucher.sha256])
    assert check_image(str(image)) == 0
    out = capsys.readouterr().out
    assert out.startswith("engine: rapidocr ")
    assert sim.request.account_no in out.replace(" ", "")
    junk = tmp_path / "junk.jpg"
    junk.write_bytes(b"not an image at all")
    assert check_image(str(junk)) == 1
    assert "was not read: E_IMAGE" in capsys.readouterr().err
    assert check_image(str(tmp_path / "missing.jpg")) == 2
