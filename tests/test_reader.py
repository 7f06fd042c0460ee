"""The reader with its real engine (rapidocr, the models shipped in its wheel) on the
simulator's vouchers and ID cards: what it reads, what it signs, what it caches, its budgets,
and that it needs no network."""

from __future__ import annotations

import datetime as dt
import random
import shutil
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from clientsvc.protocol.errors import ProtocolError
from clientsvc.protocol.messages import request_digest
from clientsvc.reading.model import Verdict
from clientsvc.reading.ocr import READ_TIMEOUT, OcrProcess, PageText
from clientsvc.reading.reader import ReadingDesk, TextCache
from clientsvc.reading.signed import SignedReading, verify_reading
from sim.teller import make_request

pytest.importorskip("rapidocr")


@pytest.fixture(scope="module")
def ocr() -> Iterator[OcrProcess]:
    engine = OcrProcess()
    yield engine
    engine.close()


@pytest.fixture
def desk(ocr: OcrProcess) -> ReadingDesk:
    return ReadingDesk(ocr, TextCache(":memory:"), Ed25519PrivateKey.generate(), "R-TEST")


def _read(desk: ReadingDesk, seed: int, txn_type: str, mismatch: float = 0.0) -> Any:
    sim = make_request(random.Random(seed), txn_type=txn_type, mismatch_rate=mismatch)
    today = dt.date.fromisoformat(sim.request.evidence[0].meta["date"])
    return sim, desk.read(sim.request, request_digest(sim.request.to_dict()), sim.evidence, today)


@pytest.mark.parametrize("txn_type", ["cash_withdrawal", "transfer", "password_reset"])
def test_a_clean_voucher_and_id_card_match_element_by_element(
    desk: ReadingDesk, txn_type: str
) -> None:
    sim, signed = _read(desk, 11, txn_type)
    got = {e.element: e.verdict for e in signed.reading.elements}
    assert set(got.values()) == {Verdict.MATCH}, got
    expected = {"voucher_date", "account_no", "account_name", "id_number", "id_name"}
    assert expected <= set(got)
    assert ("amount" in got) == (sim.request.amount_fen > 0)
    if txn_type == "transfer":
        assert {"payee_name", "payee_account"} <= set(got)
    for e in signed.reading.elements:
        for seen in e.seen:  # where it was found: on one of the request's images
            assert seen.sha256 in sim.evidence
            assert seen.box[0] < seen.box[2] and seen.box[1] < seen.box[3]


def test_an_amount_written_other_than_keyed_is_a_mismatch(desk: ReadingDesk) -> None:
    sim, signed = _read(desk, 6, "account_closing", mismatch=1.0)
    written = int(sim.request.evidence[0].meta["amount_fen"])
    assert written != sim.request.amount_fen  # the simulator wrote another amount
    amount = next(e for e in signed.reading.elements if e.element == "amount")
    assert amount.verdict is Verdict.MISMATCH
    assert [e.element for e in signed.reading.mismatches()] == ["amount"]


def test_the_reading_is_signed_and_cached(desk: ReadingDesk) -> None:
    _, signed = _read(desk, 12, "cash_withdrawal")
    keys = {desk.key_id: desk.key.public_key()}
    verify_reading(signed, keys)
    back = SignedReading.from_dict(signed.to_dict())
    verify_reading(back, keys)
    assert back.digest == signed.digest
    # what was keyed, changed after signing: refused
    raw = signed.to_dict()
    first = raw["reading"]["elements"][0]
    first["keyed"] = "1999-01-01" if first["keyed"] != "1999-01-01" else "1999-01-02"
    with pytest.raises(ProtocolError, match="signature"):
        verify_reading(SignedReading.from_dict(raw), keys)
    with pytest.raises(ProtocolError, match="no reader"):
        verify_reading(signed, {})
    # the same images again: from the cache, with the same verdicts
    _, again = _read(desk, 12, "cash_withdrawal")
    assert all(i.cached for i in again.reading.images)
    assert [e.verdict for e in again.reading.elements] == [
        e.verdict for e in signed.reading.elements
    ]
    assert signed.reading.engine.startswith("rapidocr ")
    assert set(signed.reading.models) >= {"PP-OCRv6_det_small.onnx", "PP-OCRv6_rec_small.onnx"}


@pytest.mark.parametrize(
    "raw",
    [
        None,
        [],
        {"type": "reading"},
        {"v": 1, "type": "reading", "reading": {}, "key_id": "k", "signature": "00"},
        {"v": 1, "type": "reading", "reading": {}, "key_id": 5, "signature": "00", "x": 1},
    ],
)
def test_a_reading_that_is_not_one_is_refused(raw: Any) -> None:
    with pytest.raises(ProtocolError) as err:
        SignedReading.from_dict(raw)
    assert err.value.code.value == "E_MALFORMED"


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "E_IMAGE_EMPTY"),
        (b"not an image at all", "E_IMAGE_FORMAT"),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 64, "E_IMAGE"),
    ],
)
def test_bad_images_get_their_code_and_the_engine_goes_on(
    ocr: OcrProcess, data: bytes, code: str
) -> None:
    page = ocr.read(data)
    assert page.problem.startswith(code) and page.lines == []
    sim = make_request(random.Random(3), txn_type="cash_withdrawal", mismatch_rate=0.0)
    card = next(r for r in sim.request.evidence if r.kind == "id_front")
    assert ocr.read(sim.evidence[card.sha256]).lines  # still reading


def test_an_image_over_its_time_budget_is_stopped_and_the_engine_restarts() -> None:
    sim = make_request(random.Random(3), txn_type="cash_withdrawal", mismatch_rate=0.0)
    voucher = sim.evidence[sim.request.evidence[0].sha256]
    engine = OcrProcess(timeout_s=0.05)
    try:
        page = engine.read(voucher)
        assert page.problem == READ_TIMEOUT and engine.restarts == 1
        engine.timeout_s = 60
        assert engine.read(voucher).lines  # the new child reads
    finally:
        engine.close()


def test_the_ocr_process_opens_no_network_connection() -> None:
    code = (
        "import socket\n"
        "from clientsvc.reading.ocr import NetworkRefused, refuse_network\n"
        "refuse_network()\n"
        "try:\n"
        "    socket.create_connection(('192.0.2.1', 80), timeout=1)\n"
        "except NetworkRefused:\n"
        "    print('refused')\n"
        "s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen()\n"
        "socket.create_connection(s.getsockname(), timeout=1)\n"
        "print('loopback')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["refused", "loopback"]


@pytest.mark.skipif(shutil.which("unshare") is None, reason="no unshare(1) here")
def test_the_engine_reads_with_no_network_at_all() -> None:
    """In a network namespace of its own (no interface but a down loopback): the models are
    the wheel's, nothing is fetched."""
    code = (
        "import random\n"
        "from clientsvc.reading.ocr import Engine\n"
        "from sim.teller import make_request\n"
        "sim = make_request(random.Random(3), txn_type='cash_withdrawal', mismatch_rate=0.0)\n"
        "ref = next(r for r in sim.request.evidence if r.kind == 'id_front')\n"
        "page = Engine().read(sim.evidence[ref.sha256])\n"
        "print(sim.request.id_number in [ln.text for ln in page.lines])\n"
    )
    probe = subprocess.run(["unshare", "-rn", "true"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip("no user namespaces here")
    out = subprocess.run(
        ["unshare", "-rn", sys.executable, "-c", code], capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == "True"


class CountingOcr:
    """An engine that reads nothing and counts (for the desk's own paths: no OCR needed)."""

    def __init__(self, answers: list[PageText]) -> None:
        self.answers, self.calls = answers, 0
        self.identity, self.models = "fake 1", {"m.onnx": "0" * 16}

    def read(self, data: bytes) -> PageText:
        self.calls += 1
        return self.answers.pop(0) if self.answers else PageText()


def test_missing_or_wrong_bytes_are_said_and_not_read() -> None:
    sim = make_request(random.Random(3), txn_type="cash_withdrawal", mismatch_rate=0.0)
    ocr = CountingOcr([])
    desk = ReadingDesk(ocr, TextCache(":memory:"), Ed25519PrivateKey.generate(), "R")
    voucher = sim.request.evidence[0]
    images = {voucher.sha256: b"\xff\xd8\xff other bytes"}  # the card's bytes missing
    signed = desk.read(sim.request, "0" * 64, images, dt.date(2026, 12, 3))
    problems = {i.kind: i.problem for i in signed.reading.images}
    assert problems == {"voucher": "E_EVIDENCE_MISMATCH", "id_front": "E_EVIDENCE_MISSING"}
    assert ocr.calls == 0
    assert {e.verdict for e in signed.reading.elements} == {Verdict.UNREADABLE}


def test_a_timeout_is_not_cached_a_reading_is() -> None:
    sim = make_request(random.Random(3), txn_type="cash_withdrawal", mismatch_rate=0.0)
    ocr = CountingOcr([PageText([], 5, READ_TIMEOUT), PageText([], 5, "")])
    desk = ReadingDesk(ocr, TextCache(":memory:"), Ed25519PrivateKey.generate(), "R")
    voucher = sim.request.evidence[0]
    data = sim.evidence[voucher.sha256]
    assert desk.page(voucher.sha256, data) == (PageText([], 5, READ_TIMEOUT), False)
    assert desk.page(voucher.sha256, data) == (PageText([], 5, ""), False)
    assert desk.page(voucher.sha256, data)[1] is True  # now from the cache
    assert ocr.calls == 2


@pytest.mark.parametrize(
    "change",
    [{"v": True}, {"signature": "AB" * 64}, {"signature": "ab " * 40}, {"key_id": "x" * 16}],
)
def test_a_reading_with_a_field_not_of_its_form_is_refused(desk: ReadingDesk, change: dict) -> None:
    sim = make_request(random.Random(3), txn_type="password_reset", mismatch_rate=0.0)
    fake = ReadingDesk(CountingOcr([]), TextCache(":memory:"), Ed25519PrivateKey.generate(), "R")
    raw = fake.read(sim.request, "0" * 64, sim.evidence, dt.date(2026, 12, 3)).to_dict()
    SignedReading.from_dict(raw)
    with pytest.raises(ProtocolError):
        SignedReading.from_dict(raw | change)


def test_a_handwritten_voucher_of_the_second_layout_reads_clean(desk: ReadingDesk) -> None:
    """Layout "b" (labels above values, other wording, no grid, dates with dashes) with the
    name, the payee and the 大写 in a 楷体 hand: every element read and agreeing."""
    from sim.corpus import corpus_item, schedule
    from sim.render.fonts import find_kai_font

    if find_kai_font() is None:
        pytest.skip("no 楷体 face installed (./run installs fonts-arphic-ukai)")
    slots = ((i, schedule(i)) for i in range(96))
    index = next(
        i for i, s in slots if s.style == "b" and s.handwritten and s.txn_type == "transfer"
    )
    item = corpus_item(random.Random(11), index, discrepancy_rate=0, degradation="clean")
    assert item.style == "b" and item.handwritten and item.request.txn_type == "transfer"
    signed = desk.read(
        item.request, request_digest(item.request.to_dict()), item.images, item.today
    )
    got = {e.element: e.verdict for e in signed.reading.elements}
    assert set(got.values()) == {Verdict.MATCH}, got
    assert {"account_name", "payee_name", "amount"} <= set(got)
