"""The session's guards, offscreen: the PIN again for top-level items, the lock, the lock-out.

The PIN is checked by a real key store (scrypt, the attempts file) on the thread pool."""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from clientsvc.identity import Directory
from clientsvc.keystore import KeyStore, MemoryKeyring
from tests.test_ui import FakeService, _item, _show, approve
from ui.bridge import EngineBridge
from ui.lock import IdleWatch
from ui.main_window import MainWindow

PIN = "2468"


@pytest.fixture
def store(tmp_path: Path) -> KeyStore:
    keystore = KeyStore(tmp_path, MemoryKeyring(), max_wrong_pins=3, lockout_s=900)
    keystore.provision(
        Directory(tmp_path / "directory"), authorizer_id="A1001", name="李娜", level=3, pin=PIN
    )
    return keystore


@pytest.fixture
def desk(qtbot: Any, store: KeyStore) -> tuple[MainWindow, FakeService, EngineBridge]:
    service, bridge = FakeService(), EngineBridge()
    win = MainWindow(
        service,
        bridge,
        authorizer_id="A1001",
        authorizer_name="李娜",
        check_pin=lambda pin: store.check_pin("A1001", pin),
    )
    qtbot.addWidget(win)
    win.resize(1400, 900)
    win.show()
    bridge.sig_connection_changed.emit(True, "")
    return win, service, bridge


def _top_level_item(seed: int = 3) -> tuple[Any, dict[str, bytes]]:
    item, blobs = _item(seed)
    return dataclasses.replace(item, reauth_required=True), blobs


def _enter_pin(qtbot: Any, field: Any, pin: str) -> None:
    qtbot.waitUntil(field.isEnabled, timeout=10_000)  # the previous check has come back
    qtbot.keyClicks(field, pin)
    qtbot.keyClick(field, Qt.Key.Key_Return)


def test_a_top_level_item_asks_for_the_pin_before_anything_is_signed(
    qtbot: Any, desk: tuple[MainWindow, FakeService, EngineBridge]
) -> None:
    win, service, bridge = desk
    item, blobs = _top_level_item()
    _show(qtbot, win, bridge, item, blobs)
    approve(qtbot, win)
    assert win.bar.pin_prompt.isVisible() and "PIN" in win.bar.pin_prompt.title.text()
    assert service.decisions == []
    assert not win.actions_by_id["approve"].isEnabled()  # F9 again does not bypass it
    _enter_pin(qtbot, win.bar.pin_prompt.field, "0000")
    qtbot.waitUntil(lambda: "Wrong PIN" in win.bar.pin_prompt.message.text(), timeout=10_000)
    assert service.decisions == [] and service.notes[-1][0] == "pin_refused"
    assert win.bar.pin_prompt.field.text() == ""  # the PIN never stays in the widget
    before = time.time_ns() // 1_000_000
    _enter_pin(qtbot, win.bar.pin_prompt.field, PIN)
    qtbot.waitUntil(lambda: len(service.decisions) == 1, timeout=10_000)
    assert service.decisions[0][1] == "approve"
    reauth_at = service.reauths[0]
    assert reauth_at is not None and before <= reauth_at <= time.time_ns() // 1_000_000
    assert not win.bar.pin_prompt.isVisible()


def test_a_reject_of_a_top_level_item_asks_for_the_pin_too(
    qtbot: Any, desk: tuple[MainWindow, FakeService, EngineBridge]
) -> None:
    win, service, bridge = desk
    item, blobs = _top_level_item()
    _show(qtbot, win, bridge, item, blobs)
    qtbot.keyClick(win, Qt.Key.Key_F10)
    qtbot.keyClicks(win.bar.reason_list, "2")
    qtbot.keyClick(win, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert win.bar.pin_prompt.isVisible() and service.decisions == []
    _enter_pin(qtbot, win.bar.pin_prompt.field, PIN)
    qtbot.waitUntil(lambda: len(service.decisions) == 1, timeout=10_000)
    assert service.decisions[0][1:3] == ("reject", "R02")


def test_escape_leaves_the_pin_prompt_and_decides_nothing(
    qtbot: Any, desk: tuple[MainWindow, FakeService, EngineBridge]
) -> None:
    win, service, bridge = desk
    item, blobs = _top_level_item()
    _show(qtbot, win, bridge, item, blobs)
    approve(qtbot, win)
    qtbot.keyClicks(win.bar.pin_prompt.field, "24")
    qtbot.keyClick(win.bar.pin_prompt.field, Qt.Key.Key_Escape)
    assert not win.bar.pin_prompt.isVisible() and service.decisions == []
    assert win.actions_by_id["approve"].isEnabled()  # back to the item, as before
    assert win.bar.pin_prompt.field.text() == ""


def test_an_item_below_the_top_level_is_decided_without_the_pin(
    qtbot: Any, desk: tuple[MainWindow, FakeService, EngineBridge]
) -> None:
    win, service, bridge = desk
    item, blobs = _item()
    _show(qtbot, win, bridge, item, blobs)
    approve(qtbot, win)
    assert service.decisions and service.reauths == [None] and not win.bar.pin_prompt.isVisible()


def test_wrong_pin_three_times_ends_the_session(
    qtbot: Any, desk: tuple[MainWindow, FakeService, EngineBridge]
) -> None:
    win, service, bridge = desk
    item, blobs = _top_level_item()
    _show(qtbot, win, bridge, item, blobs)
    approve(qtbot, win)
    _enter_pin(qtbot, win.bar.pin_prompt.field, "1111")
    _enter_pin(qtbot, win.bar.pin_prompt.field, "2222")
    qtbot.waitUntil(lambda: "1 more" in win.bar.pin_prompt.message.text(), timeout=10_000)
    with qtbot.waitSignal(win.sig_locked_out, timeout=10_000) as locked_out:
        _enter_pin(qtbot, win.bar.pin_prompt.field, "3333")
    assert "locked until" in locked_out.args[0]
    assert service.decisions == []
    assert [kind for kind, _ in service.notes].count("pin_refused") == 3
    assert service.notes[-1][1]["code"] == "E_PIN_LOCKED"


def test_idle_locks_the_screen_clears_the_images_and_gives_the_items_back(
    qtbot: Any, desk: tuple[MainWindow, FakeService, EngineBridge]
) -> None:
    win, service, bridge = desk
    item, blobs = _item()
    _show(qtbot, win, bridge, item, blobs)
    held, held_blobs = _item(seed=4)
    bridge.sig_item_received.emit(held)
    assert win.desk.upcoming and all(win.library.get(sha) is not None for sha in blobs)
    idle = IdleWatch(0.3, win)
    idle.sig_idle.connect(lambda: win.desk.lock("idle"))
    with qtbot.waitSignal(win.sig_locked_changed, timeout=10_000) as locked:
        pass
    assert locked.args == [True] and win.desk.locked
    # nothing of the customer is left: not the fields, not the images, not the held item
    assert win.desk.item is None and win.desk.upcoming == [] and win.workspace.item is None
    assert all(win.library.get(sha) is None for sha in [*blobs, *held_blobs])
    assert win.pages.currentWidget() is win.lock_screen
    assert service.presence[-1] == "locked"  # the broker takes back what was held
    assert ("locked", {"why": "idle"}) in service.notes
    for action_id in ("approve", "reject", "toggle_away", "lock"):
        assert not win.actions_by_id[action_id].isEnabled()
    late, _ = _item(seed=5)  # sent before the broker knew: not shown
    bridge.sig_item_received.emit(late)
    assert win.desk.item is None and win.pages.currentWidget() is win.lock_screen
    _enter_pin(qtbot, win.lock_screen.field, "0000")
    qtbot.waitUntil(lambda: "Wrong PIN" in win.lock_screen.message.text(), timeout=10_000)
    assert win.desk.locked
    with qtbot.waitSignal(win.sig_locked_changed, timeout=10_000) as unlocked:
        _enter_pin(qtbot, win.lock_screen.field, PIN)
    assert unlocked.args == [False] and not win.desk.locked
    assert service.presence[-1] == "available" and win.pages.currentIndex() == 0
    idle.stop()


def test_ctrl_l_locks_and_unlocking_keeps_away_if_away(
    qtbot: Any, desk: tuple[MainWindow, FakeService, EngineBridge]
) -> None:
    win, service, bridge = desk
    bridge.sig_presence_changed.emit("away")
    qtbot.keyClick(win, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert win.desk.locked and ("locked", {"why": "manual"}) in service.notes
    assert "You locked" in win.lock_screen.why.text()
    with qtbot.waitSignal(win.sig_locked_changed, timeout=10_000):
        _enter_pin(qtbot, win.lock_screen.field, PIN)
    assert service.presence[-1] == "away"  # the authorizer had said "stop sending me items"


def test_the_idle_watch_is_held_off_by_input(qtbot: Any) -> None:
    now = [0.0]
    watch = IdleWatch(10.0, clock=lambda: now[0])
    fired: list[bool] = []
    watch.sig_idle.connect(lambda: fired.append(True))
    now[0] = 9.0
    watch._on_timer_timeout()
    assert not fired
    from PySide6.QtWidgets import QLineEdit

    field = QLineEdit()
    qtbot.addWidget(field)
    qtbot.keyClick(field, Qt.Key.Key_A)  # input anywhere in the application
    now[0] = 18.0
    watch._on_timer_timeout()
    assert not fired  # 9 s since the key, not 18
    now[0] = 19.5
    watch._on_timer_timeout()
    watch._on_timer_timeout()
    assert fired == [True]  # once
    watch.stop()
