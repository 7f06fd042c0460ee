"""Hostile evidence images (issue 14): what an image's bytes declare is checked before anything
is allocated for it, at the broker (on submit) and at the workstation (before decoding), and
an image with nothing on it blocks approval like any other bad image."""

from __future__ import annotations

import hashlib
import struct
import zlib
from typing import Any

import cv2
import numpy as np
import pytest
from PySide6.QtCore import QObject

from clientsvc import imagecheck, imaging
from clientsvc.imagecheck import (
    ITEM_PIXELS,
    MAX_SCANS,
    PixelLedger,
    check_image,
    check_inflate,
    read_header,
)
from clientsvc.imaging import decode
from clientsvc.protocol.errors import ErrorCode, ProtocolError
from clientsvc.protocol.messages import AuthRequest, EvidenceRef
from clientsvc.video.frames import FrameHeader, pack
from clientsvc.video.subscriber import VIDEO_MAX_PIXELS, VideoSubscriber
from tests.helpers import Identities, Peer, request, start_broker
from tests.test_evidence_ui import desk, make_item  # noqa: F401  (the fixture)
from ui.evidence.library import EvidenceLibrary
from ui.main_window import MainWindow

# --- images -----------------------------------------------------------------------------------


def _scan(width: int, height: int, words: str = "6222 0202 0011 2233") -> np.ndarray[Any, Any]:
    """A pale page with a line of print: content, and small when compressed."""
    page = np.full((height, width, 3), 236, np.uint8)
    scale = max(1.0, width / 800)
    cv2.putText(
        page,
        words,
        (width // 10, height // 2),
        cv2.FONT_HERSHEY_SIMPLEX,
        scale,
        (30, 30, 30),
        max(1, int(scale * 2)),
    )
    return page


def _jpeg(pixels: np.ndarray[Any, Any], *params: int) -> bytes:
    ok, data = cv2.imencode(".jpg", pixels, list(params))
    assert ok
    return bytes(data)


def _png(pixels: np.ndarray[Any, Any]) -> bytes:
    ok, data = cv2.imencode(".png", pixels)
    assert ok
    return bytes(data)


def _grey_jpeg_claiming(width: int, height: int) -> bytes:
    """The attack: a flat grey 64 × 64 JPEG whose frame header claims ``width`` × ``height``,
    ending with its end-of-image marker (about 700 bytes). A decoder allocates the claimed
    size and fills what the data does not cover with grey."""
    data = bytearray(_jpeg(np.full((64, 64, 3), 128, np.uint8)))
    sof = data.index(b"\xff\xc0")
    data[sof + 5 : sof + 9] = struct.pack(">HH", height, width)
    return bytes(data)


def _with_exif_orientation(jpeg: bytes, orientation: int) -> bytes:
    tiff = b"MM\x00\x2a\x00\x00\x00\x08" + b"\x00\x01" + b"\x01\x12\x00\x03\x00\x00\x00\x01"
    tiff += struct.pack(">H", orientation) + b"\x00\x00" + b"\x00\x00\x00\x00"
    app1 = b"Exif\x00\x00" + tiff
    return jpeg[:2] + b"\xff\xe1" + struct.pack(">H", len(app1) + 2) + app1 + jpeg[2:]


def _chunk(kind: bytes, body: bytes) -> bytes:
    crc = zlib.crc32(kind + body).to_bytes(4, "big")
    return len(body).to_bytes(4, "big") + kind + body + crc


def _png_from(width: int, height: int, idat: bytes, extra: bytes = b"") -> bytes:
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", ihdr)
        + extra
        + _chunk(b"IDAT", idat)
        + _chunk(b"IEND", b"")
    )


def _refs(blobs: list[bytes]) -> list[EvidenceRef]:
    return [
        EvidenceRef(
            sha256=hashlib.sha256(b).hexdigest(),
            kind="voucher" if i == 0 else "other",
            mime="image/png" if b[:4] == b"\x89PNG" else "image/jpeg",
            size=len(b),
        )
        for i, b in enumerate(blobs)
    ]


def _submit(broker: Any, request_id: str, blobs: list[bytes], send: list[bytes] | None = None):
    req, _ = request(request_id)
    req = AuthRequest.model_validate({**req.to_dict(), "evidence": _refs(blobs)})
    teller = Peer(broker.bound_endpoint)
    try:
        answer, _ = teller.call(
            "authz.submit", [req.to_frame(), *(blobs if send is None else send)]
        )
    finally:
        teller.close()
    return answer


# --- the 15 KB request that took a workstation to 4 GB ------------------------------------------


def test_sixteen_tiny_jpegs_claiming_7745_squared_are_refused_at_submit(ids: Identities) -> None:
    """16 JPEGs of about 700 bytes, each claiming 7,745 × 7,745 (under the per-image limit) and
    ending with EOI, decoded to flat grey and showed "16 of 16 verified and shown". A JPEG needs
    at least one bit per 8 × 8 block: 700 bytes cannot hold 937,000 blocks."""
    blobs = [_grey_jpeg_claiming(7745, 7745 - i) for i in range(16)]  # 16 different hashes
    assert sum(len(b) for b in blobs) < 16_000
    assert read_header(blobs[0]).pixels < imagecheck.MAX_PIXELS  # under the per-image limit
    broker = start_broker(ids)
    try:
        answer = _submit(broker, "B1", blobs)
        assert answer.type == "error" and answer.code == "E_IMAGE_TRUNCATED", answer
        assert "cannot hold 7745×7745" in answer.detail
        assert "B1" not in broker.entries
    finally:
        broker.stop()


def test_a_tiny_jpeg_claiming_a_huge_size_is_never_decoded_at_the_workstation(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def never(*_a: Any) -> None:
        raise AssertionError("the decoder was handed a forged image")

    monkeypatch.setattr(imaging.cv2, "imdecode", never)
    with pytest.raises(ProtocolError) as info:
        decode(_grey_jpeg_claiming(7745, 7745))
    assert info.value.code is ErrorCode.IMAGE_TRUNCATED


def test_an_items_images_past_the_pixel_budget_are_refused_at_submit(ids: Identities) -> None:
    """Each image under the per-image limit, real and complete, but together over the item's
    budget: refused at submit, counting an image the broker already holds (left out)."""
    big = _jpeg(_scan(6000, 5000))  # 30 million pixels, a few hundred KB
    other = _jpeg(_scan(6000, 5000, "second page"))
    third = _jpeg(_scan(6000, 5000, "third page"))
    assert 3 * 30_000_000 > ITEM_PIXELS > 2 * 30_000_000
    broker = start_broker(ids)
    try:
        assert _submit(broker, "P1", [big, other]).type == "submit_ack"
        answer = _submit(broker, "P2", [big, other, third], send=[third])  # two held
        assert answer.type == "error" and answer.code == "E_IMAGE_BUDGET", answer
        assert "P2" not in broker.entries
    finally:
        broker.stop()


def test_the_broker_leaves_an_image_whose_headers_it_cannot_read_to_the_workstation(
    ids: Identities,
) -> None:
    """PROTOCOL.md's examples carry 24 bytes that only start like a JPEG: the broker stores
    them (the workstation refuses to show them, and approval is blocked there)."""
    broker = start_broker(ids)
    try:
        assert _submit(broker, "U1", [b"\xff\xd8\xff" + b"not really an image"]).type == (
            "submit_ack"
        )
    finally:
        broker.stop()


def test_the_workstation_refuses_the_image_that_takes_an_item_past_its_budget(
    qtbot: Any,
    desk: tuple[MainWindow, Any, Any],  # noqa: F811
) -> None:
    win, _, bridge = desk
    win.library.ledger = PixelLedger(item_budget=150_000, total_budget=300_000)
    first, second = _jpeg(_scan(400, 300)), _jpeg(_scan(400, 300, "page two"))  # 120,000 each
    item, blobs = make_item(blobs={"a": first, "b": second})
    bridge.sig_item_received.emit(item)
    for sha, blob in blobs.items():
        bridge.sig_evidence_loaded.emit(item.request.request_id, sha, blob)
    shas = list(blobs)
    qtbot.waitUntil(lambda: win.feed.problem(shas[1]) == "E_IMAGE_BUDGET", timeout=10_000)
    qtbot.waitUntil(lambda: win.library.get(shas[0]).ready, timeout=10_000)  # type: ignore[union-attr]
    assert not win.actions_by_id["approve"].isEnabled()
    assert win.actions_by_id["return"].isEnabled()
    assert win.library.ledger.held == 120_000  # the refused image holds nothing


def test_a_prefetched_items_images_wait_for_memory_and_load_once_it_frees(qtbot: Any) -> None:
    owner = QObject()
    library = EvidenceLibrary(owner, PixelLedger(item_budget=150_000, total_budget=150_000))
    shown, held = _jpeg(_scan(400, 300)), _jpeg(_scan(400, 300, "next item"))
    a, b = hashlib.sha256(shown).hexdigest(), hashlib.sha256(held).hexdigest()
    library.expect(a, "voucher", "voucher", item="ON-SCREEN")
    library.expect(b, "voucher", "voucher", item="PREFETCHED")
    library.load(a, shown)
    qtbot.waitUntil(lambda: library.get(a).ready, timeout=10_000)  # type: ignore[union-attr]
    library.load(b, held)
    image_b = library.get(b)
    assert image_b is not None and not image_b.ready and not image_b.error  # it waits
    assert library.ledger.held == 120_000
    library.keep_only({b})  # the item on screen is decided
    qtbot.waitUntil(lambda: image_b.ready, timeout=10_000)
    assert library.ledger.held == 120_000


def test_a_shared_image_counts_once_against_the_budget() -> None:
    ledger = PixelLedger(item_budget=100, total_budget=150)
    ledger.expect("S", "I1")
    ledger.expect("S", "I2")
    ledger.check_item("S", 80)
    ledger.admit("S", 80)
    ledger.check_item("S", 80)  # admitted already: not counted twice
    ledger.expect("T", "I2")
    with pytest.raises(ProtocolError) as info:
        ledger.check_item("T", 30)
    assert info.value.code is ErrorCode.IMAGE_BUDGET and "I2" in info.value.detail
    assert ledger.fits("T", 70) and not ledger.fits("T", 71)


# --- images with nothing on them ------------------------------------------------------------


@pytest.mark.parametrize("kind", ["jpeg", "png"])
def test_a_flat_field_image_is_refused_as_blank(kind: str) -> None:
    flat = np.full((600, 800, 3), 128, np.uint8)
    data = _jpeg(flat) if kind == "jpeg" else _png(flat)
    with pytest.raises(ProtocolError) as info:
        decode(data)
    assert info.value.code is ErrorCode.IMAGE_BLANK


def test_a_page_with_one_small_number_on_it_is_not_blank() -> None:
    page = np.full((3508, 2480, 3), 250, np.uint8)
    cv2.putText(page, "12", (1200, 1700), cv2.FONT_HERSHEY_SIMPLEX, 0.6, (40, 40, 40), 1)
    assert decode(_png(page), 8).pixels.shape[:2] == (438, 310)


def test_a_blank_image_blocks_approval_with_its_reason(
    qtbot: Any,
    desk: tuple[MainWindow, Any, Any],  # noqa: F811
) -> None:
    win, _, bridge = desk
    blank, good = _jpeg(np.full((300, 400, 3), 128, np.uint8)), _jpeg(_scan(400, 300))
    item, blobs = make_item(blobs={"blank": blank, "good": good})
    bridge.sig_item_received.emit(item)
    for sha, blob in blobs.items():
        bridge.sig_evidence_loaded.emit(item.request.request_id, sha, blob)
    viewer = win.workspace.viewers[0]
    qtbot.waitUntil(lambda: "blank" in viewer.placeholder, timeout=10_000)
    assert win.feed.problem(next(iter(blobs))) == "E_IMAGE_BLANK"
    assert not win.actions_by_id["approve"].isEnabled()
    assert "cannot be shown" in win.card.lbl_evidence.text()


def test_a_covered_cameras_flat_frame_is_still_shown() -> None:
    """A video frame of a covered lens is what the camera sees: not refused as blank."""
    frame = decode(_jpeg(np.zeros((720, 1280, 3), np.uint8)), 2, refuse_blank=False)
    assert frame.pixels.shape[:2] == (360, 640)


# --- EXIF orientation ---------------------------------------------------------------------------


def _marked(width: int, height: int) -> np.ndarray[Any, Any]:
    """Black on the left half, white on the right: which way up is plain."""
    pixels = np.full((height, width, 3), 255, np.uint8)
    pixels[:, : width // 2] = 0
    return pixels


@pytest.mark.parametrize("reduction", [1, 2])
def test_exif_orientation_6_is_applied_once_at_decode(reduction: int) -> None:
    """Orientation 6: the stored picture is turned a quarter clockwise to be shown. It was
    painted at its stored size, turned and stretched."""
    data = _with_exif_orientation(_jpeg(_marked(640, 320), cv2.IMWRITE_JPEG_QUALITY, 95), 6)
    info = check_image(data)
    assert (info.width, info.height, info.orientation) == (320, 640, 6)
    decoded = decode(data, reduction)
    assert (decoded.width, decoded.height) == (320, 640)
    assert decoded.pixels.shape[:2] == (640 // reduction, 320 // reduction)
    h = decoded.pixels.shape[0]
    assert decoded.pixels[h // 4, :, :3].mean() < 40  # the stored left half is now on top
    assert decoded.pixels[3 * h // 4, :, :3].mean() > 215


def test_a_pngs_exif_orientation_is_applied_too() -> None:
    tiff = b"II\x2a\x00\x08\x00\x00\x00" + b"\x01\x00" + b"\x12\x01\x03\x00\x01\x00\x00\x00"
    tiff += struct.pack("<H", 8) + b"\x00\x00" + b"\x00\x00\x00\x00"
    plain = _png(_marked(200, 100))
    at = plain.index(b"IDAT") - 4
    data = plain[:at] + _chunk(b"eXIf", tiff) + plain[at:]
    decoded = decode(data)
    assert (decoded.width, decoded.height) == (100, 200) and decoded.pixels.shape[:2] == (200, 100)
    assert decoded.pixels[150, :, :3].mean() < 40  # turned counter-clockwise: left to bottom


def test_the_viewer_and_the_thumbnail_show_an_oriented_image_at_its_shown_size(
    qtbot: Any,
    desk: tuple[MainWindow, Any, Any],  # noqa: F811
) -> None:
    win, _, bridge = desk
    data = _with_exif_orientation(_jpeg(_marked(1600, 800)), 6)
    item, blobs = make_item(blobs={"turned": data})
    bridge.sig_item_received.emit(item)
    sha = next(iter(blobs))
    bridge.sig_evidence_loaded.emit(item.request.request_id, sha, data)
    qtbot.waitUntil(lambda: win.library.get(sha).full, timeout=10_000)  # type: ignore[union-attr]
    image = win.library.get(sha)
    assert image is not None and (image.width, image.height) == (800, 1600)
    for level in image.levels:  # every level the viewer, thumbnail and preview paint from
        assert level.image.height() == 2 * level.image.width()


# --- decode cost --------------------------------------------------------------------------------


def test_a_png_whose_data_inflates_past_its_size_is_refused_within_its_budget(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A modest header (1,000 × 1,000) over data that inflates to 256 MiB of zeros: libpng
    inflated all of it. Refused having inflated no more than the size needs plus one piece,
    and never handed to the decoder."""
    raw = 1000 * (1 + 3 * 1000)
    bomb = _png_from(1000, 1000, zlib.compress(b"\x00" * (256 << 20), 9))
    assert len(bomb) < 300_000
    inflated = []
    real = zlib.decompressobj

    class Counting:
        def __init__(self) -> None:
            self.inner = real()

        def decompress(self, data: Any, max_length: int = 0) -> bytes:
            out = self.inner.decompress(data, max_length)
            inflated.append(len(out))
            return out

        def __getattr__(self, name: str) -> Any:
            return getattr(self.inner, name)

    monkeypatch.setattr(imagecheck.zlib, "decompressobj", Counting)
    monkeypatch.setattr(imaging.cv2, "imdecode", lambda *_a: pytest.fail("decoded a bomb"))
    with pytest.raises(ProtocolError) as info:
        decode(bomb)
    assert info.value.code is ErrorCode.IMAGE_CORRUPT and "inflates past" in info.value.detail
    assert sum(inflated) <= raw + (1 << 20)


def test_a_png_whose_data_inflates_short_of_its_size_is_truncated() -> None:
    info = read_header(_png_from(100, 100, zlib.compress(b"\x00" * 1000)))
    with pytest.raises(ProtocolError) as refused:
        check_inflate(_png_from(100, 100, zlib.compress(b"\x00" * 1000)), info)
    assert refused.value.code is ErrorCode.IMAGE_TRUNCATED


def test_a_png_too_small_for_its_declared_size_is_refused_by_its_header() -> None:
    """Deflate never does better than about 1,032 : 1."""
    data = _png_from(8000, 7000, zlib.compress(b"\x00" * 1000))
    with pytest.raises(ProtocolError) as info:
        check_image(data)
    assert info.value.code is ErrorCode.IMAGE_TRUNCATED


def test_a_progressive_jpeg_with_too_many_scans_is_refused() -> None:
    data = _jpeg(_scan(640, 480), cv2.IMWRITE_JPEG_PROGRESSIVE, 1)
    info = read_header(data)
    assert 1 < info.scans <= MAX_SCANS
    last_scan = data.rindex(b"\xff\xda")
    body, end = data[last_scan:-2], data[-2:]
    many = data[:-2] + body * (MAX_SCANS + 1) + end
    with pytest.raises(ProtocolError) as refused:
        check_image(many)
    assert refused.value.code is ErrorCode.IMAGE_CORRUPT and "scans" in refused.value.detail


def test_arithmetic_coded_and_lossless_jpegs_are_not_shown() -> None:
    data = bytearray(_jpeg(_scan(64, 64)))
    sof = data.index(b"\xff\xc0")
    for marker in (0xC3, 0xC9, 0xCA):
        data[sof + 1] = marker
        with pytest.raises(ProtocolError) as info:
            check_image(bytes(data))
        assert info.value.code is ErrorCode.IMAGE_FORMAT


# --- shapes -------------------------------------------------------------------------------------


def test_a_one_by_a_million_strip_is_refused_with_its_own_code(ids: Identities) -> None:
    """A valid 1 × 1,000,000 PNG tripped an OpenCV assertion, reported as damaged."""
    strip = _png(
        np.tile(np.arange(256, dtype=np.uint8), 1_000_000 // 256 + 1)[
            :1_000_000, None, None
        ].repeat(3, 2)
    )
    assert read_header(strip).stored_size == (1, 1_000_000)
    with pytest.raises(ProtocolError) as info:
        decode(strip)
    assert info.value.code is ErrorCode.IMAGE_SHAPE
    broker = start_broker(ids)
    try:
        answer = _submit(broker, "S1", [strip])
        assert answer.type == "error" and answer.code == "E_IMAGE_SHAPE", answer
    finally:
        broker.stop()


@pytest.mark.parametrize(("width", "height"), [(7, 400), (400, 7), (4100, 200), (10, 201)])
def test_a_sliver_or_a_strip_is_refused_as_its_shape(width: int, height: int) -> None:
    with pytest.raises(ProtocolError) as info:
        check_image(_png(_scan(width, height)))
    assert info.value.code is ErrorCode.IMAGE_SHAPE


def test_a_long_till_receipt_is_not_a_strip() -> None:
    assert check_image(_jpeg(_scan(400, 3200))).height == 3200


# --- video --------------------------------------------------------------------------------------


class _Events:
    def __init__(self) -> None:
        self.dropped: list[str] = []
        self.frames: list[Any] = []

    def video_frame(self, frame: Any) -> None:
        self.frames.append(frame)

    def video_state(self, camera_id: str | None, state: str, detail: str) -> None:
        pass

    def video_dropped(self, camera_id: str | None, reason: str) -> None:
        self.dropped.append(reason)


def test_a_video_frame_declaring_more_than_4k_is_dropped_before_decoding(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    events = _Events()
    sub = VideoSubscriber("tcp://127.0.0.1:1", events)  # type: ignore[arg-type]
    sub._camera = "CAM1"
    big = _jpeg(_scan(4096, 2304))
    assert read_header(big).pixels > VIDEO_MAX_PIXELS
    header = FrameHeader(camera_id="CAM1", seq=1, captured_at_us=1, width=4096, height=2304)
    monkeypatch.setattr(imaging.cv2, "imdecode", lambda *_a: pytest.fail("decoded"))
    sub._on_message(pack(header, big))
    assert sub.bad_frames == 1 and events.frames == []
    assert "pixels" in events.dropped[0]


def test_a_png_with_many_compressed_text_chunks_is_refused_before_decoding(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """libpng inflates every zTXt chunk (up to 8 MB each) whether anyone reads it or not: 100
    of them in a 783 KB file cost 4.4 s of decode (found in review)."""
    monkeypatch.setattr(imaging.cv2, "imdecode", lambda *_a: pytest.fail("decoded"))
    plain = _png(_scan(64, 64))
    at = plain.index(b"IEND") - 4
    bomb = zlib.compress(b"\x00" * (8 << 20), 9)
    text = b"".join(_chunk(b"zTXt", b"Comment\x00\x00" + bomb) for _ in range(8))
    with pytest.raises(ProtocolError) as info:
        decode(plain[:at] + text + plain[at:])
    assert info.value.code is ErrorCode.IMAGE_CORRUPT and "compressed" in info.value.detail
    monkeypatch.undo()
    one_comment = _chunk(b"zTXt", b"Comment\x00\x00" + zlib.compress(b"scanned at 300 dpi"))
    assert decode(plain[:at] + one_comment + plain[at:]).width == 64  # a scanner's comment


def test_an_image_that_waits_for_memory_is_let_in_when_a_failed_one_gives_its_pixels_back(
    qtbot: Any,
) -> None:
    owner = QObject()
    library = EvidenceLibrary(owner, PixelLedger(item_budget=150_000, total_budget=150_000))
    first, second = _jpeg(_scan(400, 300)), _jpeg(_scan(400, 300, "waiting"))
    a, b = hashlib.sha256(first).hexdigest(), hashlib.sha256(second).hexdigest()
    library.expect(a, "voucher", "voucher", item="I1")
    library.expect(b, "voucher", "voucher", item="I2")
    library.load(a, first)
    library.load(b, second)
    image_b = library.get(b)
    assert image_b is not None and not image_b.ready  # waits
    library.fail(a, "E_EVIDENCE_MISMATCH")  # its hash failed: nothing of it is held
    qtbot.waitUntil(lambda: image_b.ready, timeout=10_000)
