"""The main window, offscreen: what shows, what the keys do, what stays blocked."""

from __future__ import annotations

import hashlib
import random
import time
from dataclasses import dataclass, field
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence

from clientsvc.protocol.messages import AuthRequest, QueueStatus, request_digest
from clientsvc.workstation.decision import DecisionRequest
from clientsvc.workstation.desk import rekey_policy
from clientsvc.workstation.engine import ReceivedItem
from sim.teller import make_request
from ui.actions import ACTIONS
from ui.bridge import EngineBridge
from ui.main_window import MainWindow


@dataclass
class FakeService:
    """Stands in for the engine's thread-safe calls; records them."""

    decisions: list[tuple[str, str, str | None, str]] = field(default_factory=list)
    checklists: list[dict[str, str] | None] = field(default_factory=list)
    leases: list[str | None] = field(default_factory=list)
    presence: list[str] = field(default_factory=list)
    displayed: list[str] = field(default_factory=list)
    grabs: list[tuple[str, str, int, bytes]] = field(default_factory=list)
    notes: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    reauths: list[int | None] = field(default_factory=list)
    overrides: list[dict[str, Any] | None] = field(default_factory=list)

    def decide(self, d: DecisionRequest) -> None:
        self.decisions.append((d.request_id, d.verdict, d.reason_code, d.reason_text))
        self.checklists.append(d.checklist)
        self.leases.append(d.lease_id)
        self.reauths.append(d.reauth_at)
        self.overrides.append(d.override)

    def note(self, kind: str, payload: dict[str, Any], request_id: str | None = None) -> None:
        self.notes.append((kind, payload))

    def grab_frame(self, request_id: str, camera_id: str, captured_at_us: int, jpeg: bytes) -> None:
        self.grabs.append((request_id, camera_id, captured_at_us, jpeg))

    def set_presence(self, state: str) -> None:
        self.presence.append(state)

    def item_displayed(self, request_id: str) -> None:
        self.displayed.append(request_id)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def window(qtbot: Any, clock: Clock) -> tuple[MainWindow, FakeService, EngineBridge]:
    service, bridge = FakeService(), EngineBridge()
    win = MainWindow(
        service,
        bridge,
        authorizer_id="A1001",
        authorizer_name="李娜",
        wait_target_s=60,
        clock=clock,
    )
    qtbot.addWidget(win)
    win.resize(1400, 900)
    win.show()
    bridge.sig_connection_changed.emit(True, "")
    return win, service, bridge


def answer_checklist(qtbot: Any, win: MainWindow) -> None:
    """Answer the checklist as an authorizer does before approving: F2, then Shift+Space
    (every row not yet answered is fine)."""
    qtbot.keyClick(win, Qt.Key.Key_F2)
    qtbot.keyClick(win.checklist.list, Qt.Key.Key_Space, Qt.KeyboardModifier.ShiftModifier)


def approve(qtbot: Any, win: MainWindow) -> None:
    """F9 on an item whose checklist is answered, re-keyed from the voucher if it asks."""
    answer_checklist(qtbot, win)
    qtbot.keyClick(win, Qt.Key.Key_F9)
    rekey_if_asked(qtbot, win)


def rekey_if_asked(qtbot: Any, win: MainWindow) -> None:
    """Type what the voucher says when the window asks for a blind re-key (the simulated
    voucher shows the request's amount and payee account)."""
    if win.bar.rekey_prompt.isVisible() and win.desk.item is not None:
        rekey = rekey_policy().for_item(win.desk.item.request, win.desk.item.reauth_required)
        assert rekey is not None
        qtbot.keyClicks(win.bar.rekey_prompt.field, rekey.expected)
        qtbot.keyClick(win.bar.rekey_prompt.field, Qt.Key.Key_Return)


def _item(
    seed: int = 3, txn_type: str = "cash_withdrawal", **kw: Any
) -> tuple[ReceivedItem, dict[str, bytes]]:
    sim = make_request(
        random.Random(seed), txn_type=txn_type, mismatch_rate=kw.pop("mismatch_rate", 0.0)
    )
    raw = sim.request.to_dict()
    item = ReceivedItem(
        lease_id="L1",
        request=AuthRequest.model_validate(raw),
        raw=raw,
        digest=request_digest(raw),
        enqueued_at=1_000_000,
        dispatched_at=1_000_000 + kw.pop("waited_ms", 5_000),
        received_at=0,
        lease_expires_at=2_000_000,
        attempt=1,
    )
    return item, sim.evidence


def _show(
    qtbot: Any, win: MainWindow, bridge: EngineBridge, item: ReceivedItem, blobs: dict[str, bytes]
) -> None:
    bridge.sig_item_received.emit(item)
    with qtbot.waitSignal(win.sig_evidence_shown, timeout=10_000):
        for sha, data in blobs.items():
            bridge.sig_evidence_loaded.emit(item.request.request_id, sha, data)


def test_every_declared_action_is_on_its_key(
    window: tuple[MainWindow, FakeService, EngineBridge],
) -> None:
    win, _, _ = window
    for spec in ACTIONS:
        if spec.scope == "window":
            assert win.actions_by_id[spec.id].shortcut() == QKeySequence(spec.shortcut)
            assert [k.toString() for k in win.actions_by_id[spec.id].shortcuts()[1:]] == [
                QKeySequence(k).toString() for k in spec.alternates
            ]
    keys = [QKeySequence(k).toString() for s in ACTIONS for k in (s.shortcut, *s.alternates)]
    assert len(keys) == len(set(keys)), "two actions share a key"


def test_approve_waits_for_verified_evidence_then_f9_decides(
    qtbot: Any, window: tuple[MainWindow, FakeService, EngineBridge]
) -> None:
    win, service, bridge = window
    item, blobs = _item()
    bridge.sig_item_received.emit(item)
    assert win.stack.currentIndex() == 1 and win.card.lbl_amount.text().startswith("¥")
    assert (
        win.card.lbl_amount_words.text().startswith("人民币")
        and "元" in win.card.lbl_amount_words.text()
    )
    qtbot.keyClick(win, Qt.Key.Key_F9)
    assert service.decisions == []  # images not verified yet: approval is blocked
    with qtbot.waitSignal(win.sig_evidence_shown, timeout=10_000):
        for sha, data in blobs.items():
            bridge.sig_evidence_loaded.emit(item.request.request_id, sha, data)
    shot = win.workspace.viewers[0].grab().toImage()
    colours = {
        shot.pixel(x, y) for x in range(0, shot.width(), 7) for y in range(0, shot.height(), 7)
    }
    assert len(colours) > 50  # the voucher is painted, not a blank widget
    approve(qtbot, win)
    assert service.decisions == [(item.request.request_id, "approve", None, "")]
    qtbot.keyClick(win, Qt.Key.Key_F9)  # while it is being sent, a second press does nothing
    assert len(service.decisions) == 1
    bridge.sig_decision_settled.emit(item.request.request_id, True, "", "accepted")
    # delivered: the item stays a moment, locked, so that a queued next item replaces it
    # without the empty screen flashing in between
    assert item.request.request_id in win.strip.lbl_last_decision.text()
    assert "Delivered" in win.bar.lbl_decision_hint.text()
    qtbot.keyClick(win, Qt.Key.Key_F10)
    assert not win.bar.reason_panel.isVisible() and len(service.decisions) == 1
    qtbot.waitUntil(lambda: win.desk.item is None, timeout=5_000)
    assert win.stack.currentIndex() == 0 and "next item" in win.empty.text()


def test_the_next_item_replaces_a_delivered_one_without_the_empty_screen(
    qtbot: Any, window: tuple[MainWindow, FakeService, EngineBridge]
) -> None:
    win, _service, bridge = window
    first, blobs = _item(seed=3)
    bridge.sig_item_received.emit(first)
    with qtbot.waitSignal(win.sig_evidence_shown, timeout=10_000):
        for sha, data in blobs.items():
            bridge.sig_evidence_loaded.emit(first.request.request_id, sha, data)
    approve(qtbot, win)
    pages: list[int] = []
    win.stack.currentChanged.connect(pages.append)
    bridge.sig_decision_settled.emit(first.request.request_id, True, "", "accepted")
    second, _ = _item(seed=4)
    bridge.sig_item_received.emit(second)
    assert win.desk.item is second and pages == []
    assert win.actions_by_id["reject"].isEnabled()  # the new item is live at once
    assert not win._settled_hold.isActive()  # nothing will clear the new item later


def test_reject_from_the_keyboard_with_a_reason_code(
    qtbot: Any, window: tuple[MainWindow, FakeService, EngineBridge]
) -> None:
    win, service, bridge = window
    item, blobs = _item()
    _show(qtbot, win, bridge, item, blobs)
    qtbot.keyClick(win, Qt.Key.Key_F10)
    assert win.bar.reason_panel.isVisible() and win.bar.reason_list.count() > 5
    qtbot.keyClicks(win.bar.reason_list, "2")
    win.bar.reason_text.insert(
        "凭证金额与申请不符"
    )  # Chinese comes through the input method, not key codes
    qtbot.keyClick(win, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert service.decisions == [(item.request.request_id, "reject", "R02", "凭证金额与申请不符")]


def test_escape_closes_the_reason_panel_without_deciding(
    qtbot: Any, window: tuple[MainWindow, FakeService, EngineBridge]
) -> None:
    win, service, bridge = window
    item, blobs = _item()
    _show(qtbot, win, bridge, item, blobs)
    qtbot.keyClick(win, Qt.Key.Key_F11)
    assert (
        win.bar.reason_panel.isVisible() and win.bar.reason_list.item(0).text().split()[1] == "T01"
    )
    qtbot.keyClick(win, Qt.Key.Key_Escape)
    assert not win.bar.reason_panel.isVisible() and service.decisions == []


def test_other_needs_a_message_to_the_teller(
    qtbot: Any, window: tuple[MainWindow, FakeService, EngineBridge]
) -> None:
    win, service, bridge = window
    item, blobs = _item()
    _show(qtbot, win, bridge, item, blobs)
    qtbot.keyClick(win, Qt.Key.Key_F11)
    win.bar.reason_list.setCurrentRow(win.bar.reason_list.count() - 1)  # T99 other
    qtbot.keyClick(win, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert service.decisions == []
    # the error is at the field it is about, not in the banner a screen away
    error, field = win.bar.lbl_reason_error, win.bar.reason_text
    assert error.isVisible() and "message" in error.text() and not win.banner.isVisible()
    below = (
        error.mapTo(win, error.rect().topLeft()).y()
        - field.mapTo(win, field.rect().bottomLeft()).y()
    )
    assert 0 <= below < 40 and win.focusWidget() is field
    win.bar.reason_text.insert("请补充收入证明")
    qtbot.keyClick(win.bar.reason_text, Qt.Key.Key_Return)
    assert service.decisions == [(item.request.request_id, "return", "T99", "请补充收入证明")]


def test_a_failed_image_blocks_approval_but_not_reject(
    qtbot: Any, window: tuple[MainWindow, FakeService, EngineBridge]
) -> None:
    win, service, bridge = window
    item, blobs = _item()
    bridge.sig_item_received.emit(item)
    shas = list(blobs)
    bridge.sig_evidence_loaded.emit(item.request.request_id, shas[1], blobs[shas[1]])
    bridge.sig_evidence_failed.emit(item.request.request_id, shas[0], "E_EVIDENCE_MISMATCH")
    qtbot.keyClick(win, Qt.Key.Key_F9)
    assert service.decisions == []
    assert (
        not win.actions_by_id["approve"].isEnabled()
        and "verification" in win.bar.lbl_decision_hint.text()
    )
    assert win.banner.isVisible() and "integrity" in win.banner.text()
    qtbot.keyClick(win, Qt.Key.Key_F10)
    assert win.bar.reason_panel.isVisible()


def test_corrupt_image_bytes_are_reported_not_shown(
    qtbot: Any, window: tuple[MainWindow, FakeService, EngineBridge]
) -> None:
    win, _service, bridge = window
    item, blobs = _item()
    bridge.sig_item_received.emit(item)
    sha = next(iter(blobs))
    bridge.sig_evidence_loaded.emit(item.request.request_id, sha, b"\xff\xd8 not really a jpeg")
    qtbot.waitUntil(lambda: win.feed.problem(sha) == "E_IMAGE_FORMAT", timeout=10_000)
    assert not win.actions_by_id["approve"].isEnabled()
    assert "cannot be shown" in win.bar.lbl_decision_hint.text()


def test_a_refused_decision_keeps_the_item_and_says_why(
    qtbot: Any, window: tuple[MainWindow, FakeService, EngineBridge]
) -> None:
    win, _service, bridge = window
    item, blobs = _item()
    _show(qtbot, win, bridge, item, blobs)
    approve(qtbot, win)
    bridge.sig_decision_settled.emit(item.request.request_id, False, "E_STORAGE", "disk full")
    assert win.desk.item is item and "audit cache" in win.banner.text()
    assert win.actions_by_id["approve"].isEnabled()  # can try again once space is freed


def test_a_revoked_item_leaves_the_screen_with_the_reason(
    qtbot: Any, window: tuple[MainWindow, FakeService, EngineBridge]
) -> None:
    win, service, bridge = window
    item, blobs = _item()
    _show(qtbot, win, bridge, item, blobs)
    bridge.sig_item_revoked.emit(item.request.request_id, "cancelled")
    assert win.desk.item is None and "cancelled" in win.banner.text()
    qtbot.keyClick(win, Qt.Key.Key_F9)
    assert service.decisions == []


def test_voucher_amount_mismatch_is_flagged(
    qtbot: Any, window: tuple[MainWindow, FakeService, EngineBridge]
) -> None:
    win, _, bridge = window
    item, _ = _item(mismatch_rate=1.0)
    bridge.sig_item_received.emit(item)
    assert "voucher shows" in win.finding_banner.text() and win.finding_banner.isVisible()
    clean, _ = _item(seed=4)
    bridge.sig_item_received.emit(clean)  # held as next while the first is on screen
    assert win.desk.item is item and win.desk.upcoming == [clean]
    bridge.sig_item_revoked.emit(item.request.request_id, "cancelled")
    assert win.desk.item is clean and not win.finding_banner.isVisible()


def test_f12_toggles_away_and_the_empty_screen_says_so(
    qtbot: Any, window: tuple[MainWindow, FakeService, EngineBridge]
) -> None:
    win, service, bridge = window
    qtbot.keyClick(win, Qt.Key.Key_F12)
    assert service.presence == ["away"]
    bridge.sig_presence_changed.emit("away")
    assert "away" in win.empty.text().lower()
    qtbot.keyClick(win, Qt.Key.Key_F12)
    assert service.presence == ["away", "available"]


def test_wait_clock_counts_from_the_tellers_submission(
    qtbot: Any, window: tuple[MainWindow, FakeService, EngineBridge], clock: Clock
) -> None:
    win, _, bridge = window
    item, _ = _item(waited_ms=20_000)
    bridge.sig_item_received.emit(item)
    assert win.desk.waited_seconds() == pytest.approx(20.0)
    assert win.card.lbl_wait.property("level") == "ok"
    clock.now += 25
    win._on_tick_timeout()
    assert win.card.lbl_wait.property("level") == "warn" and "00:45" in win.card.lbl_wait.text()
    clock.now += 30
    win._on_tick_timeout()
    assert win.card.lbl_wait.property("level") == "late"


def test_queue_figures_in_the_status_strip(
    window: tuple[MainWindow, FakeService, EngineBridge],
) -> None:
    win, _, bridge = window
    bridge.sig_queue_status.emit(
        QueueStatus(
            waiting=7,
            in_review=2,
            oldest_enqueued_at=1_000,
            authorizers_available=3,
            server_time=96_000,
        ),
        12,
        12 * 41_000,
    )
    assert "7" in win.strip.lbl_waiting.text() and "01:35" in win.strip.lbl_oldest.text()
    assert "12" in win.strip.lbl_my_count.text() and "00:41" in win.strip.lbl_my_avg.text()


def test_chinese_text_renders_with_glyphs_not_boxes(qtbot: Any) -> None:
    from PySide6.QtWidgets import QLabel

    images = []
    for text in (
        "授",
        "权",
        "\ue000",
    ):  # two Chinese characters and a private-use code point (a box)
        label = QLabel(text)
        label.setStyleSheet("font-size: 40px")
        qtbot.addWidget(label)
        label.resize(60, 60)
        images.append(label.grab().toImage())
    digest = [hashlib.sha256(bytes(img.constBits())).hexdigest() for img in images]
    assert len(set(digest)) == 3, "Chinese characters render as identical boxes: no CJK font"


def test_the_readme_lists_every_key() -> None:
    from tests.helpers import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Deciding from the keyboard")[1].split("\n## ")[0]
    keys_column = {
        key.strip().split(" (")[0]
        for line in section.splitlines()
        if line.startswith("| ") and not line.startswith("| key")
        for key in line.split("|")[1].split(" / ")
    }
    for spec in ACTIONS:
        shown = spec.shortcut.replace("Return", "Enter")
        assert shown in keys_column, f"README's key table does not list {shown} ({spec.id})"


def test_large_image_buffers_are_kept_in_the_heap_on_linux() -> None:
    import sys

    from app.allocator import keep_image_buffers_in_heap

    assert keep_image_buffers_in_heap() is sys.platform.startswith("linux")


def test_the_audit_sync_status_shows_what_is_not_yet_at_the_center(
    window: tuple[MainWindow, FakeService, EngineBridge],
) -> None:
    from clientsvc.audit.sync import SyncStatus

    win, _, bridge = window
    bridge.sig_sync_status.emit(SyncStatus(0, None, True, 1))
    assert (
        win.strip.lbl_sync.text() == "Center: up to date"
        and win.strip.lbl_sync.property("level") == ""
    )
    since = int(time.time() * 1000) - 3_600_000  # an hour offline
    bridge.sig_sync_status.emit(SyncStatus(37, since, False, None))
    text = win.strip.lbl_sync.text()
    assert "37 events not yet at the center" in text and "not reachable" in text
    assert time.strftime("%H:%M", time.localtime(since / 1000)) in text
    assert win.strip.lbl_sync.property("level") == "warn"
    bridge.sig_sync_status.emit(SyncStatus(37, since, True, None, "E_CHAIN_BROKEN: seq 5"))
    assert (
        "E_CHAIN_BROKEN" in win.strip.lbl_sync.text()
        and win.strip.lbl_sync.property("level") == "error"
    )


def test_decisions_from_before_a_restart_show_outcome_unknown_until_the_broker_answers(
    window: tuple[MainWindow, FakeService, EngineBridge],
) -> None:
    win, _, bridge = window
    bridge.sig_decisions_unresolved.emit(["R1", "R2"])
    assert win.banner.isVisible() and "Outcome unknown for 2 decision(s)" in win.banner.text()
    assert "R1, R2" in win.banner.text()
    bridge.sig_decision_settled.emit("R1", True, "", "duplicate")
    assert "Outcome unknown for 1 decision(s)" in win.banner.text() and "R2" in win.banner.text()
    bridge.sig_decision_settled.emit("R2", False, "E_UNKNOWN_REQUEST", "R2")
    assert win.banner.property("level") == "error" and "R2" in win.banner.text()
    assert win.desk.unresolved == {"R1": "delivered", "R2": "E_UNKNOWN_REQUEST"}


def test_what_was_looked_at_is_noted_for_the_audit_trail_before_the_decision(
    qtbot: Any, window: tuple[MainWindow, FakeService, EngineBridge]
) -> None:
    win, service, bridge = window
    win.embed_workspace(True)  # one monitor: the evidence is in this window
    item, blobs = _item()
    _show(qtbot, win, bridge, item, blobs)
    win.workspace.zoom(3)  # a closer look at the voucher
    approve(qtbot, win)
    viewed = [p for kind, p in service.notes if kind == "evidence_viewed"]
    assert viewed and viewed[0]["sha256"] in blobs and viewed[0]["ms"] >= 0
    assert viewed[0]["zoom_pct"] > 0 and all(isinstance(v["zoom_pct"], int) for v in viewed)
    assert service.decisions[-1][1] == "approve"


def test_items_taken_back_and_outlets_on_local_authorization_are_shown(
    qtbot: Any, window: tuple[MainWindow, FakeService, EngineBridge], clock: Clock
) -> None:
    win, _, bridge = window
    item, blobs = _item()
    _show(qtbot, win, bridge, item, blobs)
    bridge.sig_item_revoked.emit(item.request.request_id, "fallback_local")
    assert "authorized this request locally" in win.banner.text()
    assert win.desk.item is None and win.strip.lbl_orphans.text() == "Taken back: 1"
    assert item.request.outlet_id in win.strip.lbl_fallback.text()
    assert item.request.request_id in win.strip.lbl_orphans.toolTip()
    clock.now += 31 * 60  # half an hour later the outlet is no longer listed
    win._on_tick_timeout()
    assert win.strip.lbl_fallback.text() == "" and win.strip.lbl_orphans.text() == "Taken back: 1"


def test_a_tellers_note_shows_invisible_characters_and_markup_as_text(
    qtbot: Any, window: tuple[MainWindow, FakeService, EngineBridge]
) -> None:
    """A right-to-left override or zero-width character in free text is shown as a marked
    placeholder, never raw; a note written as HTML is shown as the text it is; names in NFC."""
    win, _, bridge = window
    item, _ = _item()
    raw = {
        **item.raw,
        "summary": '<img src="x"><b>付款</b>\u202e00.001\u200b',
        "account_name": "Zoe\u0308",  # e + combining diaeresis: NFC is one letter
    }
    item = ReceivedItem(**{**item.__dict__, "request": AuthRequest.model_validate(raw), "raw": raw})
    bridge.sig_item_received.emit(item)
    shown = [value.text() for _label, value in win.card._field_rows if value.isVisible()]
    note = next(t for t in shown if "付款" in t)
    assert "\u202e" not in note and "\u200b" not in note
    assert "[U+202E]" in note and "[U+200B]" in note and '<img src="x">' in note
    assert all(
        value.textFormat() == Qt.TextFormat.PlainText for _label, value in win.card._field_rows
    )
    assert "Zoë" in shown
