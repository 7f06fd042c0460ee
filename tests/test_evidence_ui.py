"""The evidence workspace, offscreen: every viewer key changes what is painted, checklist rows
zoom to their place, frame grabs, prefetch, and every kind of bad image gets its placeholder."""

from __future__ import annotations

import hashlib
import random
import struct
import time
import zlib
from typing import Any

import cv2
import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from clientsvc.checklist import checklist_for
from clientsvc.imaging import Adjustment, decode
from clientsvc.protocol.messages import AuthRequest, EvidenceRef, request_digest
from clientsvc.video.frames import FrameHeader
from clientsvc.video.subscriber import VideoFrame
from clientsvc.workstation.engine import ReceivedItem
from sim.counter import SimulatedCounter
from sim.teller import make_request
from tests.test_ui import FakeService, answer_checklist, approve
from ui.actions import ACTIONS, label
from ui.bridge import EngineBridge
from ui.main_window import MainWindow


def make_item(
    seed: int = 3, txn_type: str = "transfer", blobs: dict[str, bytes] | None = None, **kw: Any
) -> tuple[ReceivedItem, dict[str, bytes]]:
    sim = make_request(random.Random(seed), txn_type=txn_type, mismatch_rate=0.0)
    raw = sim.request.to_dict()
    evidence = sim.evidence
    if blobs is not None:  # replace the images with these (bad input)
        refs = []
        evidence = {}
        for i, data in enumerate(blobs.values()):
            sha = hashlib.sha256(data).hexdigest()
            refs.append(
                EvidenceRef(
                    sha256=sha,
                    kind="voucher" if i == 0 else "id_front",
                    mime="image/jpeg",
                    size=max(1, len(data)),
                ).model_dump(mode="json")
            )
            evidence[sha] = data
        raw["evidence"] = refs
    raw.update(kw)
    item = ReceivedItem(
        lease_id="L1",
        request=AuthRequest.model_validate(raw),
        raw=raw,
        digest=request_digest(raw),
        enqueued_at=1_000_000,
        dispatched_at=1_005_000,
        received_at=0,
        lease_expires_at=2_000_000,
        attempt=1,
    )
    return item, evidence


@pytest.fixture
def desk(qtbot: Any) -> tuple[MainWindow, FakeService, EngineBridge]:
    service, bridge = FakeService(), EngineBridge()
    win = MainWindow(service, bridge, authorizer_id="A1001", authorizer_name="李娜")
    win.embed_workspace(True)
    win.workspace._watermark_timer.stop()  # the watermark's minute must not turn mid-comparison
    qtbot.addWidget(win)
    win.resize(1500, 950)
    win.show()
    bridge.sig_connection_changed.emit(True, "")
    return win, service, bridge


def show(
    qtbot: Any, win: MainWindow, bridge: EngineBridge, item: ReceivedItem, blobs: dict[str, bytes]
) -> None:
    bridge.sig_item_received.emit(item)
    with qtbot.waitSignal(win.sig_evidence_shown, timeout=10_000):
        for sha, data in blobs.items():
            bridge.sig_evidence_loaded.emit(item.request.request_id, sha, data)
    # a large image paints a reduced preview first: wait for the full resolution too
    qtbot.waitUntil(
        lambda: all(win.library.get(sha).full for sha in blobs),  # type: ignore[union-attr]
        timeout=10_000,
    )


def pixels(widget: Any) -> bytes:
    QApplication.processEvents()
    image = widget.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    return bytes(image.constBits())


def press(
    qtbot: Any,
    win: MainWindow,
    key: Qt.Key,
    modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier,
) -> None:
    qtbot.keyClick(win, key, modifier)


VIEWER_KEYS = [
    ("zoom_in", Qt.Key.Key_Equal, Qt.KeyboardModifier.NoModifier),
    ("zoom_out", Qt.Key.Key_Minus, Qt.KeyboardModifier.NoModifier),
    ("actual_size", Qt.Key.Key_A, Qt.KeyboardModifier.NoModifier),
    ("rotate_right", Qt.Key.Key_R, Qt.KeyboardModifier.NoModifier),
    ("rotate_left", Qt.Key.Key_R, Qt.KeyboardModifier.ShiftModifier),
    ("flip_horizontal", Qt.Key.Key_H, Qt.KeyboardModifier.NoModifier),
    ("flip_vertical", Qt.Key.Key_V, Qt.KeyboardModifier.NoModifier),
    ("magnifier", Qt.Key.Key_M, Qt.KeyboardModifier.NoModifier),
    ("next_image", Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier),
]


@pytest.mark.parametrize(
    ("action", "key", "modifier"), VIEWER_KEYS, ids=[k[0] for k in VIEWER_KEYS]
)
def test_each_viewer_key_changes_what_is_painted_and_home_restores_it(
    qtbot: Any,
    desk: tuple[MainWindow, FakeService, EngineBridge],
    action: str,
    key: Qt.Key,
    modifier: Qt.KeyboardModifier,
) -> None:
    win, _, bridge = desk
    item, blobs = make_item()
    show(qtbot, win, bridge, item, blobs)
    viewer = win.workspace.viewers[0]
    before = pixels(viewer)
    size_before = (viewer.size(), viewer.scale, viewer.center)
    press(qtbot, win, key, modifier)
    assert pixels(viewer) != before, f"{action} changed nothing on screen"
    if action == "next_image":
        press(qtbot, win, Qt.Key.Key_PageUp, Qt.KeyboardModifier.ControlModifier)
    else:
        press(qtbot, win, Qt.Key.Key_Home)
    after = pixels(viewer)
    assert (viewer.size(), viewer.scale, viewer.center) == size_before
    assert after == before


@pytest.mark.parametrize(
    ("action", "key", "modifier", "expected"),
    [
        ("brighter", Qt.Key.Key_B, Qt.KeyboardModifier.NoModifier, Adjustment(brightness=15)),
        ("darker", Qt.Key.Key_B, Qt.KeyboardModifier.ShiftModifier, Adjustment(brightness=-15)),
        ("more_contrast", Qt.Key.Key_C, Qt.KeyboardModifier.NoModifier, Adjustment(contrast=15)),
        (
            "less_contrast",
            Qt.Key.Key_C,
            Qt.KeyboardModifier.ShiftModifier,
            Adjustment(contrast=-15),
        ),
        ("sharpen", Qt.Key.Key_S, Qt.KeyboardModifier.NoModifier, Adjustment(sharpen=True)),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_display_adjustments_are_computed_off_the_gui_thread_and_painted(
    qtbot: Any,
    desk: tuple[MainWindow, FakeService, EngineBridge],
    action: str,
    key: Qt.Key,
    modifier: Qt.KeyboardModifier,
    expected: Adjustment,
) -> None:
    win, _, bridge = desk
    item, blobs = make_item()
    show(qtbot, win, bridge, item, blobs)
    viewer = win.workspace.viewers[0]
    image = viewer.image()
    assert image is not None
    before = pixels(viewer)
    press(qtbot, win, key, modifier)
    assert viewer.adjustment == expected
    qtbot.waitUntil(lambda: bool(image.adjusted.get(expected)), timeout=10_000)
    assert pixels(viewer) != before
    source = image.levels[0].pixels
    assert int(source[5, 5, 0]) == int(image.levels[0].pixels[5, 5, 0])  # stored pixels untouched


def test_zoom_keeps_the_point_under_the_pointer_still(
    qtbot: Any, desk: tuple[MainWindow, FakeService, EngineBridge]
) -> None:
    win, _, bridge = desk
    item, blobs = make_item()
    show(qtbot, win, bridge, item, blobs)
    viewer = win.workspace.viewers[0]
    anchor = QPointF(viewer.width() * 0.3, viewer.height() * 0.6)
    under = viewer.map_to_image(anchor)
    viewer.zoom(2.0, anchor)
    after = viewer.map_to_image(anchor)
    assert abs(after.x() - under.x()) < 0.5 and abs(after.y() - under.y()) < 0.5
    viewer.rotate(90)
    viewer.zoom(1.5, anchor)  # also when rotated
    again = viewer.map_to_image(anchor)
    assert viewer.scale > viewer.fit_scale()
    assert again == viewer.map_to_image(anchor)


def test_keyboard_pan_moves_the_picture_by_a_fifth_of_the_view(
    qtbot: Any, desk: tuple[MainWindow, FakeService, EngineBridge]
) -> None:
    win, _, bridge = desk
    item, blobs = make_item()
    show(qtbot, win, bridge, item, blobs)
    viewer = win.workspace.viewers[0]
    press(qtbot, win, Qt.Key.Key_A)  # 1:1: the voucher is larger than the view
    centre = QPointF(viewer.center)
    before = pixels(viewer)
    press(qtbot, win, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    assert viewer.center.x() == pytest.approx(centre.x() + viewer.width() / 5 / viewer.scale)
    assert pixels(viewer) != before


def test_the_watermark_is_painted_over_images_only_on_screen(
    qtbot: Any, desk: tuple[MainWindow, FakeService, EngineBridge]
) -> None:
    win, _, bridge = desk
    item, blobs = make_item()
    show(qtbot, win, bridge, item, blobs)
    viewer = win.workspace.viewers[0]
    assert viewer.watermark.startswith("A1001  ") and time.strftime("%Y-%m-%d") in viewer.watermark
    marked = pixels(viewer)
    viewer.watermark = ""
    assert pixels(viewer) != marked
    image = viewer.image()
    assert image is not None
    sha = hashlib.sha256(next(iter(blobs.values()))).hexdigest()
    assert sha == item.request.evidence[0].sha256  # the stored image is the one sent


def test_compare_shows_two_images_and_w_moves_the_keys_between_them(
    qtbot: Any, desk: tuple[MainWindow, FakeService, EngineBridge]
) -> None:
    win, _, bridge = desk
    item, blobs = make_item()
    show(qtbot, win, bridge, item, blobs)
    left, right = win.workspace.viewers
    assert not right.isVisible()
    press(qtbot, win, Qt.Key.Key_D)
    assert right.isVisible() and right.sha256 == item.request.evidence[1].sha256  # the ID card
    assert left.sha256 == item.request.evidence[0].sha256
    press(qtbot, win, Qt.Key.Key_W)
    before = pixels(right)
    press(qtbot, win, Qt.Key.Key_R)
    assert right.rotation == 90 and left.rotation == 0
    assert pixels(right) != before


def test_a_large_scan_paints_a_preview_first_then_full_resolution(
    qtbot: Any, desk: tuple[MainWindow, FakeService, EngineBridge]
) -> None:
    win, _, bridge = desk
    scan = np.full((3508, 2480, 3), 235, np.uint8)
    cv2.putText(scan, "A4 300 dpi", (200, 600), cv2.FONT_HERSHEY_SIMPLEX, 8, (20, 20, 20), 20)
    ok, data = cv2.imencode(".jpg", scan, [cv2.IMWRITE_JPEG_QUALITY, 85])
    assert ok
    item, _blobs = make_item(blobs={"a4": bytes(data)})
    bridge.sig_item_received.emit(item)
    sha = item.request.evidence[0].sha256
    seen: list[tuple[int, bool]] = []
    win.library.sig_image_changed.connect(
        lambda s: seen.append((win.library.get(s).levels[0].image.width(), win.library.get(s).full))  # type: ignore[union-attr]
    )
    bridge.sig_evidence_loaded.emit(item.request.request_id, sha, bytes(data))
    qtbot.waitUntil(lambda: any(full for _, full in seen), timeout=15_000)
    assert seen[0] == (620, False)  # a quarter-size decode first
    assert seen[-1] == (2480, True)
    viewer = win.workspace.viewers[0]
    level, _scale = win.library.get(sha).level_for(viewer.scale)  # type: ignore[union-attr]
    assert level.image.width() < 2480  # a fitted view paints from a reduced level


def test_a_checklist_row_zooms_to_its_region_and_a_failing_row_prefills_the_reason(
    qtbot: Any, desk: tuple[MainWindow, FakeService, EngineBridge]
) -> None:
    win, service, bridge = desk
    item, blobs = make_item()
    show(qtbot, win, bridge, item, blobs)
    rows = checklist_for("transfer")
    amount = next(i for i, r in enumerate(rows) if r.id == "amount")
    press(qtbot, win, Qt.Key.Key_F2)
    assert win.checklist.list.hasFocus()
    viewer = win.workspace.viewers[0]
    for _ in range(amount):
        qtbot.keyClick(win.checklist.list, Qt.Key.Key_Down)
    voucher = win.library.get(item.request.evidence[0].sha256)
    assert voucher is not None
    region = voucher.region_rect(tuple(item.request.evidence[0].regions["amount_words"]))
    assert viewer.sha256 == voucher.sha256 and viewer.scale > viewer.fit_scale()
    assert (
        abs(viewer.center.x() - region.center().x()) < 1
        and abs(viewer.center.y() - region.center().y()) < 1
    )
    qtbot.keyClick(win.checklist.list, Qt.Key.Key_X)  # fails, and the next row is selected
    assert win.checklist.results()["amount"] == "fail"
    assert win.checklist.list.currentRow() == amount + 1
    qtbot.keyClick(win.checklist.list, Qt.Key.Key_Up)
    qtbot.keyClick(win.checklist.list, Qt.Key.Key_Up)
    qtbot.keyClick(win.checklist.list, Qt.Key.Key_Space)  # the row above is fine
    assert win.checklist.results()["amount"] == "fail"
    press(qtbot, win, Qt.Key.Key_F10)
    assert win.bar.reason_list.currentItem().data(Qt.ItemDataRole.UserRole) == "R02"
    # what the teller reads: the failure, not the requirement
    assert win.bar.reason_text.text() == rows[amount].failure("zh") != rows[amount].label("zh")
    press(qtbot, win, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert service.decisions[-1][1:3] == ("reject", "R02")
    assert service.checklists[-1] is not None and service.checklists[-1]["amount"] == "fail"


def test_letter_keys_type_into_the_message_instead_of_moving_the_image(
    qtbot: Any, desk: tuple[MainWindow, FakeService, EngineBridge]
) -> None:
    win, _, bridge = desk
    item, blobs = make_item()
    show(qtbot, win, bridge, item, blobs)
    press(qtbot, win, Qt.Key.Key_F10)
    win.bar.reason_text.setFocus()
    qtbot.keyClicks(win.bar.reason_text, "RHBS")
    assert win.bar.reason_text.text() == "RHBS"
    viewer = win.workspace.viewers[0]
    assert viewer.rotation == 0 and not viewer.flip_h and viewer.adjustment == Adjustment()


def test_f1_shows_every_key_from_the_action_table(
    qtbot: Any, desk: tuple[MainWindow, FakeService, EngineBridge]
) -> None:
    from PySide6.QtWidgets import QLabel

    win, _, bridge = desk
    press(qtbot, win, Qt.Key.Key_F1)  # no item yet: over the main window
    assert win.help.isVisible()
    shown = {w.text() for w in win.help.findChildren(QLabel)}
    for spec in ACTIONS:
        assert label(spec.id) in shown
    press(qtbot, win, Qt.Key.Key_F1)
    assert not win.help.isVisible()
    item, blobs = make_item()
    show(qtbot, win, bridge, item, blobs)
    press(qtbot, win, Qt.Key.Key_F1)  # with the evidence on screen: over the evidence
    assert win.workspace.help.isVisible() and not win.help.isVisible()
    press(qtbot, win, Qt.Key.Key_F1)
    assert not win.workspace.help.isVisible()


def _frame(camera_id: str, seq: int = 1) -> VideoFrame:
    picture = SimulatedCounter(camera_id, 640, 360).read(time.time_ns() // 1000)
    ok, jpeg = cv2.imencode(".jpg", picture)
    assert ok
    header = FrameHeader(camera_id, seq, time.time_ns() // 1000, 640, 360)
    return VideoFrame(header, bytes(jpeg), decode(bytes(jpeg), 2).pixels, time.time_ns() // 1000)


def test_g_grabs_the_frame_records_it_and_tiles_it_beside_the_id_photo(
    qtbot: Any, desk: tuple[MainWindow, FakeService, EngineBridge]
) -> None:
    win, service, bridge = desk
    item, blobs = make_item()
    show(qtbot, win, bridge, item, blobs)
    camera = item.request.camera_id
    assert camera is not None and win.workspace.video.camera_id == camera
    press(qtbot, win, Qt.Key.Key_G)
    assert service.grabs == []  # no picture yet: nothing to grab
    video = win.workspace.video.bridge
    video.video_state(camera, "live", "")
    frame = _frame(camera)
    with qtbot.waitSignal(win.workspace.video.sig_frame_painted, timeout=5_000):
        video.video_frame(frame)
    press(qtbot, win, Qt.Key.Key_G)
    assert len(service.grabs) == 1
    request_id, cam, _captured_at, jpeg = service.grabs[0]
    assert (request_id, cam, jpeg) == (item.request.request_id, camera, frame.jpeg)
    sha = hashlib.sha256(jpeg).hexdigest()
    bridge.sig_capture_recorded.emit(request_id, sha)  # the engine recorded it
    left, right = win.workspace.viewers
    assert right.isVisible() and left.sha256 == sha
    assert right.sha256 == item.request.evidence[1].sha256 and right.scale > right.fit_scale()
    assert win.workspace.captures() == [sha]
    qtbot.waitUntil(lambda: left.image() is not None and left.image().ready, timeout=5_000)  # type: ignore[union-attr]


def test_the_video_pane_says_when_the_camera_stops_or_sends_garbage(
    qtbot: Any, desk: tuple[MainWindow, FakeService, EngineBridge]
) -> None:
    win, _, bridge = desk
    item, blobs = make_item()
    show(qtbot, win, bridge, item, blobs)
    pane = win.workspace.video
    video = pane.bridge
    camera = item.request.camera_id
    video.video_state(camera, "live", "")
    with qtbot.waitSignal(pane.sig_frame_painted, timeout=5_000):
        video.video_frame(_frame(camera))  # type: ignore[arg-type]
    assert win.actions_by_id["grab_frame"].isEnabled()
    live = pixels(pane)
    video.video_state(camera, "stalled", "no frame for 2000 ms")
    assert pane.state == "stalled" and not win.actions_by_id["grab_frame"].isEnabled()
    assert pixels(pane) != live  # the frozen picture is gone, the message is there
    video.video_dropped(camera, "unknown format")
    video.video_state(camera, "bad_frames", "unknown format")
    assert pane.dropped == 1 and pane.state == "bad_frames"


def test_frames_reach_the_pane_through_one_slot_however_many_arrive(
    qtbot: Any, desk: tuple[MainWindow, FakeService, EngineBridge]
) -> None:
    win, _, bridge = desk
    item, blobs = make_item()
    show(qtbot, win, bridge, item, blobs)
    pane = win.workspace.video
    camera = item.request.camera_id
    frames = [_frame(camera, seq) for seq in range(1, 51)]  # type: ignore[arg-type]
    painted: list[int] = []
    pane.sig_frame_painted.connect(lambda header: painted.append(header.seq))
    import threading

    def subscriber() -> None:  # the subscriber thread outruns the GUI
        for frame in frames:
            pane.bridge.video_frame(frame)

    thread = threading.Thread(target=subscriber)
    thread.start()
    thread.join()
    qtbot.waitUntil(lambda: bool(painted) and painted[-1] == 50, timeout=5_000)
    assert len(painted) < 5  # the newest frame, not a backlog of 50


def test_prefetch_the_next_item_is_decoded_before_it_is_shown(
    qtbot: Any, desk: tuple[MainWindow, FakeService, EngineBridge]
) -> None:
    win, _service, bridge = desk
    first, first_blobs = make_item(seed=3)
    second, second_blobs = make_item(seed=9, txn_type="cash_withdrawal")
    show(qtbot, win, bridge, first, first_blobs)
    bridge.sig_item_received.emit(second)  # the broker hands on the next one
    for sha, data in second_blobs.items():
        bridge.sig_evidence_loaded.emit(second.request.request_id, sha, data)
    qtbot.waitUntil(
        lambda: all(
            win.library.get(r.sha256) and win.library.get(r.sha256).full
            for r in second.request.evidence
        ),  # type: ignore[union-attr]
        timeout=10_000,
    )
    assert win.desk.item is first and "Next item ready" in win.card.lbl_next.text()
    approve(qtbot, win)
    bridge.sig_decision_settled.emit(first.request.request_id, True, "", "accepted")
    assert win.desk.item is second  # at once, no empty screen, no fetch
    assert not win.desk.evidence_loading and not win.desk.evidence_problem
    answer_checklist(qtbot, win)
    assert win.actions_by_id["approve"].isEnabled()
    assert win.workspace.viewers[0].image().ready  # type: ignore[union-attr]
    assert all(win.library.get(r.sha256) is None for r in first.request.evidence)  # freed


def test_a_held_item_that_is_reassigned_just_disappears(
    qtbot: Any, desk: tuple[MainWindow, FakeService, EngineBridge]
) -> None:
    win, _, bridge = desk
    first, first_blobs = make_item(seed=3)
    second, _ = make_item(seed=9)
    show(qtbot, win, bridge, first, first_blobs)
    bridge.sig_item_received.emit(second)
    bridge.sig_item_revoked.emit(second.request.request_id, "reassigned")
    assert win.desk.item is first and win.desk.upcoming == [] and not win.banner.isVisible()


def _png(width: int, height: int, complete: bool = True) -> bytes:
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    head = (
        b"\x89PNG\r\n\x1a\n"
        + struct.pack(">I", len(ihdr))
        + chunk
        + struct.pack(">I", zlib.crc32(chunk))
    )
    return head + (b"\x00\x00\x00\x00IEND\xaeB`\x82" if complete else b"")


def _jpeg() -> bytes:
    image = np.full((200, 300, 3), 128, np.uint8)
    cv2.putText(image, "OK", (90, 120), cv2.FONT_HERSHEY_SIMPLEX, 2, (20, 20, 20), 4)
    ok, data = cv2.imencode(".jpg", image)
    assert ok
    return bytes(data)


BAD = [
    (
        "corrupt JPEG",
        b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(200)) + b"\xff\xd9",
        "damaged",
    ),
    ("truncated JPEG", _jpeg()[:-300], "cut short"),
    ("zero bytes", b"", "empty"),
    ("decompression bomb PNG", _png(30_000, 30_000), "too large"),
    ("unsupported format (TIFF)", b"II*\x00" + b"\x00" * 64, "not a JPEG or PNG"),
]


@pytest.mark.parametrize(("name", "data", "words"), BAD, ids=[b[0] for b in BAD])
def test_a_bad_image_shows_a_placeholder_with_its_reason_and_blocks_approval(
    qtbot: Any,
    desk: tuple[MainWindow, FakeService, EngineBridge],
    name: str,
    data: bytes,
    words: str,
) -> None:
    win, _, bridge = desk
    good = _jpeg()
    item, blobs = make_item(blobs={"bad": data, "good": good})
    bridge.sig_item_received.emit(item)
    for sha, blob in blobs.items():
        bridge.sig_evidence_loaded.emit(item.request.request_id, sha, blob)
    viewer = win.workspace.viewers[0]
    qtbot.waitUntil(lambda: words in viewer.placeholder, timeout=10_000)
    assert not win.actions_by_id["approve"].isEnabled()
    assert win.actions_by_id["return"].isEnabled()  # a rescan can be asked for
    assert "⚠" in win.workspace.thumbs.item(0).text()
    shot = viewer.grab().toImage()
    assert shot.width() > 0  # painted, nothing crashed
    press(qtbot, win, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: viewer.image() is not None and viewer.image().ready, timeout=10_000)  # type: ignore[union-attr]


def test_an_image_that_fails_its_hash_is_not_shown_and_says_so(
    qtbot: Any, desk: tuple[MainWindow, FakeService, EngineBridge]
) -> None:
    win, _, bridge = desk
    item, blobs = make_item()
    bridge.sig_item_received.emit(item)
    shas = list(blobs)
    bridge.sig_evidence_failed.emit(item.request.request_id, shas[0], "E_EVIDENCE_MISMATCH")
    viewer = win.workspace.viewers[0]
    assert (
        "integrity" in viewer.placeholder
        and viewer.image() is not None
        and not viewer.image().ready
    )  # type: ignore[union-attr]
    bridge.sig_evidence_loaded.emit(item.request.request_id, shas[1], blobs[shas[1]])
    assert not win.actions_by_id["approve"].isEnabled()


def test_the_images_of_a_decided_item_are_freed(
    qtbot: Any, desk: tuple[MainWindow, FakeService, EngineBridge]
) -> None:
    """Memory stays flat over a shift: nothing keeps a decided item's pixels alive (a relay of
    the background idiom once did, ~30 MB for each A4 scan)."""
    import gc
    import weakref

    win, _, bridge = desk
    item, blobs = make_item()
    show(qtbot, win, bridge, item, blobs)
    pixels_alive = [
        weakref.ref(level.pixels)
        for sha in blobs
        for level in win.library.get(sha).levels  # type: ignore[union-attr]
    ]
    approve(qtbot, win)
    bridge.sig_decision_settled.emit(item.request.request_id, True, "", "accepted")
    qtbot.waitUntil(lambda: win.desk.item is None, timeout=5_000)
    win.workspace.viewers[0].repaint()
    gc.collect()
    assert [r() for r in pixels_alive if r() is not None] == []


def test_background_work_lets_go_of_its_result_once_delivered(qtbot: Any) -> None:
    import gc
    import weakref

    from PySide6.QtCore import QObject

    from ui.background import run_in_background

    owner = QObject()
    got: list[Any] = []
    run_in_background(lambda: np.zeros(10), got.append, got.append, owner=owner)
    qtbot.waitUntil(lambda: bool(got), timeout=5_000)
    ref = weakref.ref(got.pop())
    gc.collect()
    assert ref() is None
    from ui.background import _live

    qtbot.waitUntil(lambda: not _live, timeout=5_000)  # the relay itself is deleted too


def test_the_id_photo_sits_under_the_live_video_for_the_face_check(
    qtbot: Any, desk: tuple[MainWindow, FakeService, EngineBridge]
) -> None:
    win, _, bridge = desk
    item, blobs = make_item()
    show(qtbot, win, bridge, item, blobs)
    face = win.workspace.face
    card = item.request.evidence[1]
    assert card.kind == "id_front" and face.sha256 == card.sha256 and face.isVisible()
    image = win.library.get(card.sha256)
    assert image is not None
    photo = image.region_rect(tuple(card.regions["photo"]))
    assert abs(face.center.x() - photo.center().x()) < 1 and face.scale > face.fit_scale()
    cashbox, cashbox_blobs = make_item(seed=5, txn_type="cashbox_override")  # no ID card
    bridge.sig_item_revoked.emit(item.request.request_id, "cancelled")
    show(qtbot, win, bridge, cashbox, cashbox_blobs)
    assert not face.isVisible()


def test_the_same_request_sent_again_replaces_the_one_in_hand(
    qtbot: Any, desk: tuple[MainWindow, FakeService, EngineBridge]
) -> None:
    """After a lost connection the broker may lease an item again: the window keeps one copy,
    and the decision names the lease of what is on screen."""
    import dataclasses

    win, service, bridge = desk
    item, blobs = make_item(seed=3)
    show(qtbot, win, bridge, item, blobs)
    held, _ = make_item(seed=9)
    bridge.sig_item_received.emit(held)
    bridge.sig_item_received.emit(dataclasses.replace(held, lease_id="L2"))
    assert [h.lease_id for h in win.desk.upcoming] == ["L2"]  # one copy, the newest lease
    again = dataclasses.replace(item, lease_id="L3")
    bridge.sig_item_received.emit(again)  # the same content under a new lease
    assert win.desk.item is again and not win.banner.isVisible()
    approve(qtbot, win)
    assert service.leases[-1] == "L3"


def test_a_request_whose_content_changed_is_shown_afresh(
    qtbot: Any, desk: tuple[MainWindow, FakeService, EngineBridge]
) -> None:
    import dataclasses

    win, _, bridge = desk
    item, blobs = make_item(seed=3)
    show(qtbot, win, bridge, item, blobs)
    press(qtbot, win, Qt.Key.Key_F2)
    qtbot.keyClick(win.checklist.list, Qt.Key.Key_Space)
    changed = dataclasses.replace(item, lease_id="L4", digest="f" * 64)
    bridge.sig_item_received.emit(changed)
    assert win.desk.item is changed and "changed" in win.banner.text()
    assert not any(win.checklist.results().values())  # what was ticked no longer counts
