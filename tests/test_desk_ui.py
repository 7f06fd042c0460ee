"""A machine-found mismatch stops approval on screen (issue 15): the red banner, the failing
checklist row, F9 refused in words, the matching reason pre-selected, and the only way past,
the override: Shift+F9, a written reason, the PIN again."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from clientsvc.crosscheck import crosscheck
from tests.test_session import PIN, _enter_pin, desk, store  # noqa: F401  (fixtures)
from tests.test_ui import FakeService, _item, _show, answer_checklist, approve, rekey_if_asked
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
    assert "Teller system's report: The voucher shows" in win.finding_banner.text()  # who says it
    amount = next(i for i, r in enumerate(win.checklist.rows()) if r.id == "amount")
    assert win.checklist.list.item(amount).text().startswith("✗")
    win.checklist.mark(amount, "pass")  # the authorizer cannot tick it fine
    assert win.checklist.list.item(amount).text().startswith("✗")
    assert not win.actions_by_id["approve"].isEnabled()
    answer_checklist(qtbot, win)  # the rows only a person can check: still needed
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
    assert service.notes[-1][0] == "approve_refused"
    assert "findings" in service.notes[-1][1]["why"]


def test_f10_on_a_finding_pre_selects_its_reason(
    qtbot: Any,
    desk: tuple[MainWindow, FakeService, EngineBridge],  # noqa: F811
) -> None:
    win, service, bridge = desk
    _mismatch(qtbot, win, bridge)
    qtbot.keyClick(win, Qt.Key.Key_F10)
    assert win.bar.reason_list.currentItem().data(Qt.ItemDataRole.UserRole) == "R02"
    qtbot.keyClick(win, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert service.decisions[0][1:3] == ("reject", "R02")


def test_the_override_needs_a_written_reason_and_the_pin_and_is_sent_with_its_findings(
    qtbot: Any,
    desk: tuple[MainWindow, FakeService, EngineBridge],  # noqa: F811
) -> None:
    win, service, bridge = desk
    item = _mismatch(qtbot, win, bridge)
    answer_checklist(qtbot, win)
    qtbot.keyClick(win, Qt.Key.Key_F9, Qt.KeyboardModifier.ShiftModifier)
    assert win.bar.override_panel.isVisible() and "The voucher shows" in (
        win.bar.lbl_override_findings.text()
    )
    assert service.notes[-1] == ("override_opened", {"findings": ["amount"]})
    qtbot.keyClicks(win.bar.override_text, "ok")
    qtbot.keyClick(win, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert service.decisions == [] and "at least 10" in win.bar.lbl_override_error.text()
    assert win.bar.lbl_override_error.isVisible()  # at the field, not elsewhere
    note = "客户现场确认，凭证金额笔误已由客户签字更正"
    win.bar.override_text.setText(note)  # typed through an input method: QTest types ASCII only
    qtbot.keyClick(win, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    rekey_if_asked(qtbot, win)  # a large amount: re-keyed from the voucher first
    assert win.bar.pin_prompt.isVisible() and service.decisions == []  # the PIN again, always
    _enter_pin(qtbot, win.bar.pin_prompt.field, PIN)
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
    answer_checklist(qtbot, win)
    qtbot.keyClick(win, Qt.Key.Key_F9, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClick(win, Qt.Key.Key_Escape)
    assert not win.bar.override_panel.isVisible() and service.decisions == []
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
    approve(qtbot, win)
    assert service.decisions[0][1] == "approve" and service.overrides == [None]


# --- the checklist (审核要点): fast and enforced ------------------------------------------------


def test_required_rows_must_be_answered_before_f9_and_f9_names_them(
    qtbot: Any,
    desk: tuple[MainWindow, FakeService, EngineBridge],  # noqa: F811
) -> None:
    win, service, bridge = desk
    item, blobs = _item()
    _show(qtbot, win, bridge, item, blobs)
    required = [r for r in win.checklist.rows() if r.required]
    assert [r.id for r in required] == ["signature", "seal", "face"]
    qtbot.keyClick(win, Qt.Key.Key_F9)
    assert service.decisions == []
    assert "answer these checklist rows" in win.banner.text()
    assert all(r.label("en") in win.banner.text() for r in required)
    qtbot.keyClick(win, Qt.Key.Key_F2)
    qtbot.keyClick(win.checklist.list, Qt.Key.Key_Space, Qt.KeyboardModifier.ShiftModifier)
    assert set(win.checklist.results().values()) == {"pass"}  # one key: every row fine
    qtbot.keyClick(win, Qt.Key.Key_F9)
    rekey_if_asked(qtbot, win)
    assert service.decisions[0][1] == "approve"
    assert service.checklists[0] == {r.id: "pass" for r in win.checklist.rows()}


def test_a_failing_row_that_calls_for_a_return_routes_f10_to_the_return_with_its_sentence(
    qtbot: Any,
    desk: tuple[MainWindow, FakeService, EngineBridge],  # noqa: F811
) -> None:
    """After X on a row whose reason is a return code, F10 pre-selected R01 with an empty
    message; the teller then read the requirement ("凭证日期为当日") as the reason."""
    win, service, bridge = desk
    item, blobs = _item()
    _show(qtbot, win, bridge, item, blobs)
    qtbot.keyClick(win, Qt.Key.Key_F2)
    assert win.checklist.rows()[0].id == "date" and win.checklist.rows()[0].fail_reason == "T01"
    qtbot.keyClick(win.checklist.list, Qt.Key.Key_X)  # the voucher is not dated today
    qtbot.keyClick(win, Qt.Key.Key_F10)
    assert win.bar.reason_list.currentItem().data(Qt.ItemDataRole.UserRole) == "T01"
    assert "call for a return" in win.bar.lbl_reason_title.text()
    assert win.bar.reason_text.text() == "凭证日期非当日"
    qtbot.keyClick(win, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert service.decisions[0][1:] == ("return", "T01", "凭证日期非当日")


def test_every_checklist_row_has_the_sentence_the_teller_reads_when_it_fails() -> None:
    from clientsvc.checklist import checklists

    for txn_type, rows in checklists().items():
        for row in rows:
            assert row.failure("zh") and row.failure("zh") != row.label("zh"), (txn_type, row.id)
            assert row.failure("en") != row.label("en"), (txn_type, row.id)


# --- blind re-key (Record Key Verification) ---------------------------------------------------


def test_a_large_amount_is_re_keyed_blind_before_approval_and_a_wrong_entry_is_counted(
    qtbot: Any,
    desk: tuple[MainWindow, FakeService, EngineBridge],  # noqa: F811
) -> None:
    win, service, bridge = desk
    item, blobs = _item()  # a cash withdrawal of ¥154,106.00: over the type's re-key amount
    _show(qtbot, win, bridge, item, blobs)
    answer_checklist(qtbot, win)
    qtbot.keyClick(win, Qt.Key.Key_F9)
    assert win.bar.rekey_prompt.isVisible() and service.decisions == []
    assert "last 4 digits" in win.bar.rekey_prompt.title.text()
    assert win.bar.rekey_prompt.field.echoMode() == QLineEdit.EchoMode.Password  # never shown
    assert "4106" not in win.bar.rekey_prompt.title.text()
    qtbot.keyClicks(win.bar.rekey_prompt.field, "4160")  # a transposition
    qtbot.keyClick(win.bar.rekey_prompt.field, Qt.Key.Key_Return)
    assert service.decisions == [] and "1 wrong" in win.bar.rekey_prompt.message.text()
    assert service.notes[-1] == ("rekey_refused", {"field": "amount", "wrong": 1})
    qtbot.keyClicks(win.bar.rekey_prompt.field, "4106")
    qtbot.keyClick(win.bar.rekey_prompt.field, Qt.Key.Key_Return)
    assert service.decisions[0][1] == "approve" and not win.bar.rekey_prompt.isVisible()
    assert ("rekey_matched", {"field": "amount"}) in service.notes


def test_a_reject_needs_no_re_key(
    qtbot: Any,
    desk: tuple[MainWindow, FakeService, EngineBridge],  # noqa: F811
) -> None:
    win, service, bridge = desk
    item, blobs = _item()
    _show(qtbot, win, bridge, item, blobs)
    qtbot.keyClick(win, Qt.Key.Key_F10)
    qtbot.keyClick(win, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert service.decisions[0][1] == "reject" and not win.bar.rekey_prompt.isVisible()


# --- the screen says what is asked ------------------------------------------------------------


def test_sign_out_asks_first_then_signs_out(
    qtbot: Any,
    desk: tuple[MainWindow, FakeService, EngineBridge],  # noqa: F811
) -> None:
    win, _service, _bridge = desk
    signed_out: list[bool] = []
    win.sig_sign_out_requested.connect(lambda: signed_out.append(True))
    keys = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(win, Qt.Key.Key_Q, keys)
    assert signed_out == [] and "Sign out?" in win.banner.text()
    qtbot.keyClick(win, Qt.Key.Key_Q, keys)
    assert signed_out == [True]


def test_away_colours_the_status_strip(
    qtbot: Any,
    desk: tuple[MainWindow, FakeService, EngineBridge],  # noqa: F811
) -> None:
    win, _service, bridge = desk
    from ui import theme

    win.setStyleSheet(theme.style_sheet())  # the house style, on this window only
    before = win.strip.grab().toImage().pixelColor(2, 2)
    bridge.sig_presence_changed.emit("away")
    assert win.strip.property("presence") == "away"
    assert win.strip.grab().toImage().pixelColor(2, 2) != before
    bridge.sig_presence_changed.emit("available")
    assert win.strip.grab().toImage().pixelColor(2, 2) == before


def test_the_item_header_says_the_level_single_or_dual_and_why_it_was_asked(
    qtbot: Any,
    desk: tuple[MainWindow, FakeService, EngineBridge],  # noqa: F811
) -> None:
    win, _service, bridge = desk
    item, blobs = _item()
    _show(qtbot, win, bridge, item, blobs)
    line = win.card.lbl_asked.text()
    assert "Authority level 2" in line and "single authorization" in line
    assert "teller's limit of ¥50,000.00" in line


# --- the element panel ------------------------------------------------------------------------


def test_the_element_panel_shows_each_element_beside_its_crop_and_selecting_zooms(
    qtbot: Any,
    desk: tuple[MainWindow, FakeService, EngineBridge],  # noqa: F811
) -> None:
    win, _service, bridge = desk
    item = _mismatch(qtbot, win, bridge)
    panel = win.elements
    keys = [r.key for r in panel.rows()]
    assert keys[:2] == ["amount", "amount_words"] and "id_validity" in keys
    states = {r.key: panel.table.item(i, 4).text() for i, r in enumerate(panel.rows())}
    assert states["amount"] == "✗" and states["account"] == "✓"
    assert "teller system" in panel.source.text()
    account = keys.index("account")
    qtbot.waitUntil(
        lambda: (
            panel.table.cellWidget(account, 3).pixmap() is not None
            and not panel.table.cellWidget(account, 3).pixmap().isNull()
        ),
        timeout=10_000,
    )
    viewer = win.workspace.viewers[0]
    before = viewer.scale
    panel.table.setCurrentCell(account, 1)
    voucher = win.library.get(item.request.evidence[0].sha256)
    assert voucher is not None and viewer.scale > before
    region = voucher.region_rect(tuple(item.request.evidence[0].regions["account"]))
    assert abs(viewer.center.x() - region.center().x()) < 1


def test_the_sign_in_says_a_wrong_pin_in_red_and_the_demo_hint_in_its_language(
    qtbot: Any, tmp_path: Any
) -> None:
    from clientsvc.protocol.errors import ErrorCode, ProtocolError
    from ui.signin import SignInDialog

    def unlock(_who: str, _pin: str) -> Any:
        raise ProtocolError(ErrorCode.BAD_CREDENTIALS, "2 tries left")

    dialog = SignInDialog(unlock, authorizer_id="A1001", hint="demo:A1001:李娜:123456")
    qtbot.addWidget(dialog)
    assert dialog.message.text() == "Demo: sign in as A1001 (李娜) with PIN 123456."
    assert dialog.message.objectName() == "FieldLabel"
    qtbot.keyClicks(dialog.pin, "000000")
    dialog.submit()
    qtbot.waitUntil(lambda: dialog.button.isEnabled(), timeout=10_000)
    assert dialog.message.objectName() == "FieldError"  # red, as every refusal


def test_with_no_item_the_evidence_says_so_plainly(
    qtbot: Any,
    desk: tuple[MainWindow, FakeService, EngineBridge],  # noqa: F811
) -> None:
    win, _service, bridge = desk
    assert win.workspace.grab_hint.text() == ""  # no "press G" with nothing to grab for
    assert not win.workspace.video.has_item
    item, blobs = _item()
    _show(qtbot, win, bridge, item, blobs)
    assert "G grabs" in win.workspace.grab_hint.text() and win.workspace.video.has_item


def test_an_item_with_fewer_elements_after_one_with_more_keeps_the_panel_whole(
    qtbot: Any,
    desk: tuple[MainWindow, FakeService, EngineBridge],  # noqa: F811
) -> None:
    """The table deletes the crop cells of rows it no longer has: nothing may keep them."""
    win, _service, bridge = desk
    many, many_blobs = _item(txn_type="transfer")
    _show(qtbot, win, bridge, many, many_blobs)
    rows = len(win.elements.rows())
    win.desk.next()  # the item goes; the next is shown
    few, few_blobs = _item(seed=5, txn_type="password_reset")
    _show(qtbot, win, bridge, few, few_blobs)
    assert len(win.elements.rows()) < rows
    for sha in few_blobs:
        win.library.sig_image_changed.emit(sha)
    qtbot.waitUntil(
        lambda: all(
            win.elements.table.cellWidget(i, 3) is not None for i in range(len(win.elements.rows()))
        ),
        timeout=5_000,
    )


def test_a_reading_arriving_on_screen_fills_the_element_panel_and_stops_approval(
    qtbot: Any,
    desk: tuple[MainWindow, FakeService, EngineBridge],  # noqa: F811
) -> None:
    """The item is on screen with no reading; the machine's reading arrives: its rows come
    first, labelled as read from the image, the status line says it is read, the mismatch
    fails the checklist's row and stops approval, Tab moves through the rows, and selecting
    a row read from the image zooms the evidence to the box it was read in."""
    from dataclasses import replace

    from clientsvc.reading.model import Verdict
    from tests.helpers import sign_reading

    win, _service, bridge = desk
    item, blobs = _item()
    _show(qtbot, win, bridge, item, blobs)
    assert crosscheck(item.request) == []
    assert all(r.source != "reader" for r in win.elements.rows())
    answer_checklist(qtbot, win)
    assert win.actions_by_id["approve"].isEnabled()
    verdicts = {"amount": Verdict.MISMATCH, "account_no": Verdict.MATCH}
    signed = sign_reading(item.request, item.digest, verdicts)
    bridge.sig_item_reading.emit(replace(item, reading=signed, reading_status=""))
    qtbot.waitUntil(lambda: any(r.source == "reader" for r in win.elements.rows()))
    rows = win.elements.rows()
    readers = [r for r in rows if r.source == "reader"]
    assert rows[: len(readers)] == readers  # the reading's rows first
    assert {r.key for r in readers} == {"amount", "account_no"}
    assert (
        next(r for r in readers if r.key == "amount").state
        != next(r for r in readers if r.key == "account_no").state
    )
    assert win.elements.source.isVisible() and win.elements.source.text()
    assert not win.actions_by_id["approve"].isEnabled()  # the reader's ✗ stops approval
    assert win.finding_banner.isVisible()
    # Tab moves from row to row
    table = win.elements.table
    table.setFocus()
    table.setCurrentCell(0, 0)
    qtbot.keyClick(table, Qt.Key.Key_Tab)
    assert table.currentRow() == 1
    qtbot.keyClick(table, Qt.Key.Key_Backtab)
    assert table.currentRow() == 0
    # a row read from the image: the evidence zooms to its box
    boxes: list[tuple[str, object]] = []
    win.elements.sig_box_selected.connect(lambda sha, box: boxes.append((sha, box)))
    table.setCurrentCell(1, 0)
    table.setCurrentCell(0, 0)
    assert boxes and boxes[-1][0] == item.request.evidence[0].sha256
