"""A machine-found mismatch stops approval on screen (issue 15): the red banner, the failing
checklist row, F9 refused in words, the matching reason pre-selected, and the only way past,
the override: Shift+F9, a written reason, the PIN again."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from clientsvc.crosscheck import crosscheck
from tests.test_session import PIN, _enter_pin, desk, store  # noqa: F401  (fixtures)
from tests.test_ui import FakeService, _item, _show
from ui.bridge import EngineBridge
from ui.main_window import MainWindow


def _mismatch(qtbot: Any, win: MainWindow, bridge: EngineBridge) -> Any:
    item, blobs = _item(mismatch_rate=1.0)  # the voucher shows another amount
    assert [f.code for f in crosscheck(item.request)] == ["amount"]
    _show(qtbot, win, bridge, item, blobs)
    return item


def test_a_machine_finding_puts_a_red_banner_on_the_item_and_fails_its_row(
    qtbot: Any,
    desk: tuple[MainWindow, FakeService, EngineBridge],  # noqa: F811
) -> None:
    win, _service, bridge = desk
    _mismatch(qtbot, win, bridge)
    assert win.finding_banner.isVisible()
    assert "approval is blocked" in win.finding_banner.text()
    assert "The voucher shows" in win.finding_banner.text()
    assert "teller system" in win.finding_banner.text()  # who says what is on the image
    amount = next(i for i, r in enumerate(win.checklist.rows()) if r.id == "amount")
    assert win.checklist.list.item(amount).text().startswith("✗")
    win.checklist.mark(amount, "pass")  # the authorizer cannot tick it fine
    assert win.checklist.list.item(amount).text().startswith("✗")
    assert not win.actions_by_id["approve"].isEnabled()
    assert win.actions_by_id["override"].isEnabled()


def test_f9_on_a_finding_is_refused_with_words_and_decides_nothing(
    qtbot: Any,
    desk: tuple[MainWindow, FakeService, EngineBridge],  # noqa: F811
) -> None:
    win, service, bridge = desk
    _mismatch(qtbot, win, bridge)
    qtbot.keyClick(win, Qt.Key.Key_F9)
    assert service.decisions == []
    assert win.banner.isVisible() and "Approval refused" in win.banner.text()
    assert "Shift+F9" in win.banner.text()
    assert service.notes[-1] == ("approve_refused", {"why": ["findings"]})


def test_f10_on_a_finding_pre_selects_its_reason(
    qtbot: Any,
    desk: tuple[MainWindow, FakeService, EngineBridge],  # noqa: F811
) -> None:
    win, service, bridge = desk
    _mismatch(qtbot, win, bridge)
    qtbot.keyClick(win, Qt.Key.Key_F10)
    assert win.reason_list.currentItem().data(Qt.ItemDataRole.UserRole) == "R02"
    qtbot.keyClick(win, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert service.decisions[0][1:3] == ("reject", "R02")


def test_the_override_needs_a_written_reason_and_the_pin_and_is_sent_with_its_findings(
    qtbot: Any,
    desk: tuple[MainWindow, FakeService, EngineBridge],  # noqa: F811
) -> None:
    win, service, bridge = desk
    item = _mismatch(qtbot, win, bridge)
    qtbot.keyClick(win, Qt.Key.Key_F9, Qt.KeyboardModifier.ShiftModifier)
    assert win.override_panel.isVisible() and "The voucher shows" in (
        win.lbl_override_findings.text()
    )
    assert service.notes[-1] == ("override_opened", {"findings": ["amount"]})
    qtbot.keyClicks(win.override_text, "ok")
    qtbot.keyClick(win, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert service.decisions == [] and "at least 10" in win.lbl_override_error.text()
    assert win.lbl_override_error.isVisible()  # at the field, not elsewhere
    note = "客户现场确认，凭证金额笔误已由客户签字更正"
    win.override_text.setText(note)  # typed through an input method: QTest types ASCII only
    qtbot.keyClick(win, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert win.pin_prompt.isVisible() and service.decisions == []  # the PIN again, always
    _enter_pin(qtbot, win.pin_prompt.field, PIN)
    qtbot.waitUntil(lambda: len(service.decisions) == 1, timeout=10_000)
    assert service.decisions[0][:2] == (item.request.request_id, "approve")
    assert service.overrides == [{"findings": ["amount"], "note": note}]
    assert service.reauths[0] is not None


def test_escape_leaves_the_override_and_approval_stays_blocked(
    qtbot: Any,
    desk: tuple[MainWindow, FakeService, EngineBridge],  # noqa: F811
) -> None:
    win, service, bridge = desk
    _mismatch(qtbot, win, bridge)
    qtbot.keyClick(win, Qt.Key.Key_F9, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClick(win, Qt.Key.Key_Escape)
    assert not win.override_panel.isVisible() and service.decisions == []
    assert not win.actions_by_id["approve"].isEnabled()


def test_an_item_without_findings_has_no_banner_and_no_override(
    qtbot: Any,
    desk: tuple[MainWindow, FakeService, EngineBridge],  # noqa: F811
) -> None:
    win, service, bridge = desk
    item, blobs = _item()
    _show(qtbot, win, bridge, item, blobs)
    assert not win.finding_banner.isVisible()
    assert not win.actions_by_id["override"].isEnabled()
    qtbot.keyClick(win, Qt.Key.Key_F9)
    assert service.decisions[0][1] == "approve" and service.overrides == [None]
