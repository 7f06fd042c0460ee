"""Every window as the authorizer sees it (issue 15 §8): no character drawn as a box, no text
too faint for its ground in either theme (before and after a live switch), no English left in
Qt's own words, one name for each key, zh_CN units, one title, the watermark off the key fields,
no window larger than its screen, compare's panes equal."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QRect, QSettings, Qt
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QFileDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from resources import ROOT
from sim import gallery
from tests import screens
from tests.test_lead import people  # noqa: F401  (a fixture)
from tests.test_lead_ui import _window, desk  # noqa: F401  (a fixture)
from ui import i18n, theme

LANGUAGES = ("zh_CN", "en")


@pytest.fixture
def app(qapp: Any) -> Iterator[QApplication]:
    assert isinstance(qapp, QApplication)
    yield qapp
    theme.apply(qapp, "light", 1.0)
    i18n.install("en")


def _settle(qtbot: Any, ms: int = 50) -> None:
    qtbot.wait(ms)
    QApplication.processEvents()


def _desk(qtbot: Any, language: str, *, item: bool, evidence_window: bool = True) -> Any:
    """The main window (with the evidence window beside it, as on two monitors), with an item
    whose voucher disagrees with the request (the finding banner) or without one."""
    from tests.test_ui import FakeService, _item, _show
    from ui.bridge import EngineBridge
    from ui.evidence_window import EvidenceWindow
    from ui.main_window import MainWindow

    bridge = EngineBridge()
    win = MainWindow(
        FakeService(), bridge, authorizer_id="A1001", authorizer_name="李娜", language=language
    )
    qtbot.addWidget(win)
    win.workspace._watermark_timer.stop()
    evidence = None
    if evidence_window:
        win.embed_workspace(False)
        evidence = EvidenceWindow(win.workspace, "A1001", "李娜")
        qtbot.addWidget(evidence)
        evidence.resize(1400, 900)
        evidence.show()
    else:
        win.embed_workspace(True)
    win.resize(1500, 950)
    win.show()
    bridge.sig_connection_changed.emit(True, "")
    if item:
        shown, blobs = _item(seed=5, txn_type="transfer", mismatch_rate=1.0)
        _show(qtbot, win, bridge, shown, blobs)
    _settle(qtbot)
    return win, evidence, bridge


def _sign_in(qtbot: Any) -> Any:
    from ui.signin import SignInDialog

    dialog = SignInDialog(lambda who, pin: None, hint="demo:A1001:李娜:123456")  # type: ignore[arg-type,return-value]
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def _every_screen(qtbot: Any, language: str) -> Iterator[tuple[str, QWidget]]:
    """Each window in each state the authorizer meets, one after the other."""
    dialog = _sign_in(qtbot)
    yield "sign-in", dialog
    dialog.submit()  # nothing typed: the refusal, in red
    yield "sign-in refused", dialog
    dialog.close()
    win, evidence, _ = _desk(qtbot, language, item=False)
    yield "main, no item", win
    yield "evidence, no item", evidence
    win.close()
    evidence.close()
    win, evidence, _ = _desk(qtbot, language, item=True)
    yield "main, item", win
    ws = win.workspace
    ws.toggle_compare()
    ws.adjust(sharpen=True)
    ws.toggle_magnifier()
    _settle(qtbot)
    yield "evidence, item, compare, sharpened, magnifier", evidence
    win.actions_by_id["help"].trigger()
    _settle(qtbot)
    yield "main, F1", win
    yield "evidence, F1", evidence
    win.actions_by_id["help"].trigger()
    win.actions_by_id["lock"].trigger()
    evidence.set_locked(True)
    _settle(qtbot)
    yield "lock screen", win
    yield "evidence, locked", evidence
    win.close()
    evidence.close()
    # the gallery's states: a finding, the override's panel, the re-key, a resubmission, and
    # the one-screen layout at 1366×768
    for state in ("mismatch", "override", "rekey", "resubmission", "one-screen"):
        for stage in gallery._state(state, seed=6):
            for kind, widget in stage.windows():
                yield f"{kind}, {state}", widget


# --- glyphs ------------------------------------------------------------------------------------


def test_every_icon_file_loads_and_is_drawn_in_the_colour_asked(app: QApplication) -> None:
    from ui import icons

    files = sorted((ROOT / "icons").glob("*.svg"))
    assert {"lock", "magnifier", "sharpen", "warning"} <= {f.stem for f in files}
    for file in files:
        assert not QIcon(str(file)).isNull() and not QPixmap(str(file)).isNull(), file.name
        if file.stem == "authdesk":
            continue  # the program's own icon keeps its colours
        assert 'color="' in file.read_text("utf-8").split(">", 1)[0], f"{file.name}: no color"
        image = icons.pixmap(file.stem, 32, QColor("#00ff00")).toImage()
        inked = {
            QColor(image.pixel(x, y)).name()
            for x in range(32)
            for y in range(32)
            if QColor.fromRgba(image.pixel(x, y)).alpha() == 255
        }
        assert inked == {"#00ff00"}, (file.name, inked)


def test_the_font_check_sees_a_box(app: QApplication) -> None:
    """The check itself: an emoji (🔒, 🔍) has no glyph in the fonts that draw AuthDesk."""
    font = app.font()
    assert screens.missing_glyphs("🔒 Locked", font) == ["🔒 U+1F512"]
    assert screens.missing_glyphs("已锁屏 ✓ ¥ · —", font) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_text_on_any_screen_is_drawn_as_boxes(
    qtbot: Any, app: QApplication, language: str
) -> None:
    """🔒 and 🔍 were boxes and the sharpen mark read "▲sharp": every text of every window
    uses only characters the fonts drawing it have."""
    i18n.install(language)
    found = {}
    for name, window in _every_screen(qtbot, language):
        if boxes := screens.tofu(window):
            found[name] = boxes
    assert found == {}, "\n".join(f"{k}:\n  " + "\n  ".join(v) for k, v in found.items())


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_painted_words_have_their_glyphs_too(
    qtbot: Any, app: QApplication, language: str
) -> None:
    """What the video pane and an empty viewer paint themselves (no label holds them)."""
    i18n.install(language)
    win, _, _ = _desk(qtbot, language, item=False, evidence_window=False)
    pane = win.workspace.video
    for camera, state in ((None, "off"), ("CAM-1", "live"), ("CAM-1", "stalled")):
        pane.camera_id, pane.state, pane.has_item = camera, state, True
        lines, _ = pane.status_lines()
        for line in lines:
            assert screens.missing_glyphs(line, pane.status_font()) == [], line
    viewer = win.workspace.viewers[0]
    assert screens.missing_glyphs(viewer.describe(), viewer.font()) == []


# --- contrast ----------------------------------------------------------------------------------


def _switch(window: QWidget) -> None:
    """Ctrl+Shift+D as the authorizer presses it: the main window's action when there is one
    (it also recolours what paints its own colours), else the theme alone."""
    actions = getattr(window, "actions_by_id", None)
    if actions is None:
        from ui.main_window import MainWindow

        main = next((w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)), None)
        actions = getattr(main, "actions_by_id", None) if main and main.isVisible() else None
    if actions is not None:
        actions["dark_theme"].trigger()
    else:
        name, scale = theme.current()
        theme.apply(QApplication.instance(), "light" if name == "dark" else "dark", scale)  # type: ignore[arg-type]


@pytest.mark.parametrize("start", sorted(theme.THEMES))
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_text_of_every_screen_is_readable_in_both_themes_and_after_a_live_switch(
    qtbot: Any, app: QApplication, language: str, start: str
) -> None:
    """The F1 overlay was dark on dark, and the checklist kept the old theme's colours after
    Ctrl+Shift+D: every visible text of every window and overlay, against the colour painted
    behind it, in the theme it starts in and after a live switch to the other."""
    i18n.install(language)
    theme.apply(app, start, 1.0)
    found: dict[str, list[str]] = {}
    for name, window in _every_screen(qtbot, language):
        found[f"{name} ({start})"] = screens.unreadable(window)
        _switch(window)
        _settle(qtbot)
        other = theme.current()[0]
        found[f"{name} (switched to {other})"] = screens.unreadable(window)
        _switch(window)
        _settle(qtbot)
    failing = {k: v for k, v in found.items() if v}
    assert failing == {}, "\n".join(f"{k}:\n  " + "\n  ".join(v) for k, v in failing.items())


# --- the lead's window ------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_lead_window_has_its_glyphs_its_contrast_and_chinese_units(
    qtbot: Any,
    app: QApplication,
    desk: Any,  # noqa: F811
    language: str,
) -> None:
    i18n.install(language)
    found: dict[str, list[str]] = {}
    for name in sorted(theme.THEMES):
        theme.apply(app, name, 1.0)
        window, _ = _window(qtbot, desk, "LEAD")
        with qtbot.waitSignal(window.sig_board_updated, timeout=10_000):
            window.refresh_board()
        for tab in range(window.tabs.count()):
            window.tabs.setCurrentIndex(tab)
            _settle(qtbot)
            where = f"{name}, tab {window.tabs.tabText(tab)}"
            found[where + ": boxes"] = screens.tofu(window)
            found[where + ": faint"] = screens.unreadable(window)
            if language == "zh_CN":
                found[where + ": units"] = _english_units(window)
        window.close()
    failing = {k: v for k, v in found.items() if v}
    assert failing == {}, "\n".join(f"{k}:\n  " + "\n  ".join(v) for k, v in failing.items())


# --- English left in zh_CN ----------------------------------------------------------------------


def test_qts_own_words_are_chinese(qtbot: Any, app: QApplication) -> None:
    """Qt's standard buttons, a text field's context menu and the file dialog (the lead's
    export) were English on a Chinese screen: qtbase_zh_CN is loaded, and what it lacks is in
    qt_extra_zh_CN."""
    assert i18n.install("zh_CN") == "zh_CN"
    field = QLineEdit()
    menu = field.createStandardContextMenu()
    words = [a.text().split("\t")[0] for a in menu.actions() if a.text()]
    assert "复制(&C)" in words and "粘贴(&P)" in words, words
    box = QMessageBox(
        QMessageBox.Icon.Question,
        "",
        "",
        QMessageBox.StandardButton.Yes
        | QMessageBox.StandardButton.No
        | QMessageBox.StandardButton.Cancel,
    )
    assert {b.text() for b in box.buttons()} == {"是(&Y)", "否(&N)", "取消"}
    dialog = QFileDialog(None, "导出报告", str(Path.home()), "PDF (*.pdf)")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    qtbot.addWidget(dialog)
    dialog.show()
    _settle(qtbot)
    words = [w.text() for w in dialog.findChildren(QLabel) + dialog.findChildren(QAbstractButton)]
    words += [w.toolTip() for w in dialog.findChildren(QWidget)]
    view = dialog.findChild(QTreeView)
    words += [str(view.model().headerData(i, Qt.Orientation.Horizontal)) for i in range(4)]
    english = [w for w in words if re.search("[A-Za-z]{3}", w.replace("&", ""))]
    assert english == [], english  # "&Look in:" and "Files of &type:" were


_UNITS = re.compile(r"(?<![A-Za-z])(?:\d\s*(?:s|ms)|ms|fps)(?![A-Za-z])")


def _english_units(window: QWidget) -> list[str]:
    """Texts that still give seconds, milliseconds or frames per second as s, ms or fps."""
    return [
        f"{spot.where} {spot.text!r}"
        for spot in screens.spots(window)
        if spot.where != "title" and _UNITS.search(spot.text.replace("SHA-256", ""))
    ]


def test_units_are_chinese_on_a_chinese_screen(qtbot: Any, app: QApplication) -> None:
    """The live video said "30 fps · 12 ms": 帧/秒, 毫秒, 秒 on a Chinese screen."""
    i18n.install("zh_CN")
    found = {name: _english_units(window) for name, window in _every_screen(qtbot, "zh_CN")}
    assert {k: v for k, v in found.items() if v} == {}
    win, _, _ = _desk(qtbot, "zh_CN", item=False, evidence_window=False)
    pane = win.workspace.video
    pane.camera_id, pane.state, pane.has_item, pane._age_ms = "CAM-1", "live", True, 12.0
    pane._painted.extend([0.0, 0.0])
    (line,), _ = pane.status_lines()
    assert "毫秒" in line and "帧/秒" in line and not _UNITS.search(line), line
    i18n.install("en")
    (line,), _ = pane.status_lines()
    assert "fps" in line and "12 ms" in line


# --- one name for each key ------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_key_has_one_name_on_every_screen(
    qtbot: Any, app: QApplication, language: str
) -> None:
    """The button said [Ctrl+Return] while F1 said Ctrl+回车: the buttons, the F1 overlay,
    the lock screen and the sign-in window name each key as ui.actions.key_name does."""
    from ui.actions import ACTIONS, ACTIONS_BY_ID, button_text, key_name, keys_text, label

    i18n.install(language)
    assert key_name("Ctrl+Return") == key_name("Ctrl+Enter") == "Ctrl+Enter"
    assert key_name("Escape") == "Esc" and key_name("Shift+Up") == "Shift+↑"
    assert key_name("Space") == ("空格" if language == "zh_CN" else "Space")
    assert keys_text("send_reason") == "Ctrl+Enter"  # Return and the keypad's Enter: once
    win, _, _ = _desk(qtbot, language, item=True, evidence_window=False)
    win.actions_by_id["help"].trigger()
    _settle(qtbot)
    help_keys = {
        label_widget.text() for label_widget in win.workspace.help.findChildren(QLabel, "HelpKey")
    }
    assert help_keys == {keys_text(spec.id) for spec in ACTIONS}
    buttons = {b.text() for b in win.findChildren(type(win.lock_screen.button))}
    for action_id in ("approve", "reject", "return"):
        assert button_text(action_id) in buttons
        assert f"[{key_name(ACTIONS_BY_ID[action_id].shortcut)}]" in button_text(action_id)
    assert label("send_reason") in button_text("send_reason")
    lock_words = [w.text() for w in win.lock_screen.findChildren(QLabel)]
    lock_words.append(win.lock_screen.button.text())
    dialog = _sign_in(qtbot)
    keys = [*help_keys, *lock_words]  # the words of a button: only its key, in brackets
    for text in (*buttons, dialog.button.text()):
        keys += re.findall(r"\[([^\]]*)\]", text)
    for text in keys:
        assert not re.search(r"Return|回车|PgDn|Escape|左方向|上方向", text), text
    assert win.lock_screen.button.text().endswith("[Enter]")
    assert dialog.button.text().endswith("[Enter]")
    assert any(key_name("Ctrl+Shift+Q") in t for t in lock_words)


# --- the evidence window's title ----------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_evidence_window_says_its_title_once(
    qtbot: Any, app: QApplication, language: str
) -> None:
    """It read "AuthDesk — 影像 — AuthDesk — 远程授权 — A1001 (李娜)"."""
    i18n.install(language)
    win, evidence, _ = _desk(qtbot, language, item=False)
    title = evidence.windowTitle()
    assert title.count("AuthDesk") == 1 and title.count("A1001") == 1 and "李娜" in title
    assert title != win.windowTitle()
    assert title == (
        "AuthDesk — 影像 — 李娜（A1001）"
        if language == "zh_CN"
        else "AuthDesk — Evidence — A1001 (李娜)"
    )


# --- the watermark --------------------------------------------------------------------------------


def test_the_watermark_keeps_off_the_key_fields_and_stays_light(
    qtbot: Any, app: QApplication
) -> None:
    """It crossed the amount's digits and the account numbers: it is painted everywhere on
    the image but in the key fields' boxes, and it is faint (legible, not covering)."""
    from ui.evidence.viewer import KEY_MARGIN, watermark_tile

    theme.apply(app, "light", 1.0)
    win, evidence, _ = _desk(qtbot, "zh_CN", item=True)  # the window holds the workspace
    assert evidence is not None
    viewer = win.workspace.viewers[0]
    image = viewer.image()
    assert image is not None and image.ready
    names = {
        n for n, r in win.workspace._entries[0].regions.items() if tuple(r) in viewer.key_regions
    }
    assert {"amount", "amount_words", "account", "extra:收款账号"} <= names
    with_mark = viewer.grab().toImage()
    mark, viewer.watermark = viewer.watermark, ""
    without = viewer.grab().toImage()
    viewer.watermark = mark
    transform = viewer.transform()
    keys = [
        transform.mapRect(image.region_rect(region)).toAlignedRect()
        for region in viewer.key_regions
    ]
    marked_outside = 0
    for y in range(0, with_mark.height(), 2):
        for x in range(0, with_mark.width(), 2):
            if with_mark.pixel(x, y) == without.pixel(x, y):
                continue
            inside = next((k for k in keys if k.contains(x, y)), None)
            assert inside is None, f"watermark at {x},{y} inside the key field {inside}"
            marked_outside += 1
    assert marked_outside > 500  # and it is there, over the rest of the image
    assert KEY_MARGIN > 0
    tile = watermark_tile(mark).toImage()
    alphas = {
        QColor.fromRgba(tile.pixel(x, y)).alpha()
        for x in range(tile.width())
        for y in range(tile.height())
    }
    assert 24 <= max(alphas) <= 60, max(alphas)  # was 80: it covered what it crossed


# --- window sizes -------------------------------------------------------------------------------


def _wide(text_px: int = 900) -> QMainWindow:
    """A window whose contents need ``text_px`` pixels of width at the normal text size (and
    more as the text grows): a line that does not wrap."""
    window = QMainWindow()
    body = QWidget()
    layout = QVBoxLayout(body)
    label = QLabel("字" * (text_px // 14))
    layout.addWidget(label)
    window.setCentralWidget(body)
    return window


def test_a_remembered_geometry_larger_than_the_screen_is_fitted(
    qtbot: Any, app: QApplication, tmp_path: Path
) -> None:
    """At the largest text the window had grown past the screen and that width was kept: a
    window is never restored larger than its screen's available area."""
    from ui.placement import Placement

    store = QSettings(str(tmp_path / "places.ini"), QSettings.Format.IniFormat)
    screen = app.primaryScreen()
    area = screen.availableGeometry()
    big = QMainWindow()
    qtbot.addWidget(big)
    big.setGeometry(QRect(area.x() + 40, area.y() + 30, area.width() * 2, area.height() + 300))
    store.setValue(f"placement/{Placement(store).key}/main", big.saveGeometry())
    window = QMainWindow()
    qtbot.addWidget(window)
    Placement(store).restore(window, "main", screen)
    window.show()
    _settle(qtbot)
    assert area.contains(window.frameGeometry()), (window.frameGeometry(), area)
    window.resize(area.width() * 3, area.height() * 3)  # growing later: fitted again
    _settle(qtbot)
    assert area.contains(window.frameGeometry())
    Placement(store).save(window, "main")
    again = QMainWindow()
    qtbot.addWidget(again)
    assert again.restoreGeometry(store.value(f"placement/{Placement(store).key}/main"))  # type: ignore[arg-type]
    assert again.width() <= area.width() and again.height() <= area.height()


def test_larger_text_stops_at_the_largest_size_that_fits_the_screen(
    qtbot: Any, app: QApplication
) -> None:
    from ui.placement import keep_on_screen

    area = app.primaryScreen().availableGeometry()
    theme.apply(app, "light", 1.0)
    window = _wide(int(area.width() * 0.8))  # fits at 1.0, not at 1.3
    qtbot.addWidget(window)
    window.show()
    keep_on_screen(window)
    _settle(qtbot)
    scale = 1.0
    for _ in theme.SCALES:
        scale = theme.apply(app, "light", theme.step_scale(theme.current()[1], +1))
        _settle(qtbot)
        assert area.contains(window.frameGeometry()), (scale, window.frameGeometry())
        assert window.minimumSizeHint().width() <= area.width()
    assert 1.0 < scale < theme.SCALES[-1] and theme.current()[1] == scale
    # a window nobody keeps on screen does not hold the text back
    theme.apply(app, "light", 1.0)
    window.close()
    assert theme.apply(app, "light", theme.SCALES[-1]) == theme.SCALES[-1]


def test_a_window_whose_contents_outgrow_the_screen_is_still_given_only_the_screen(
    qtbot: Any, app: QApplication
) -> None:
    """A text size remembered from a larger monitor: the contents are squeezed into the
    screen rather than the window running off it."""
    from ui.placement import keep_on_screen

    area = app.primaryScreen().availableGeometry()
    theme.apply(app, "light", theme.SCALES[-1])
    window = _wide(int(area.width() * 1.5))
    qtbot.addWidget(window)
    window.show()
    keep_on_screen(window)
    _settle(qtbot)
    assert area.contains(window.frameGeometry()), window.frameGeometry()


def test_compare_shows_two_panes_of_equal_width(qtbot: Any, app: QApplication) -> None:
    """Compare mode's two panes had unequal widths."""
    win, evidence, _ = _desk(qtbot, "en", item=True)
    ws = win.workspace
    for size in ((1400, 900), (1900, 1000), (1100, 800)):
        evidence.resize(*size)
        ws.toggle_compare()
        _settle(qtbot)
        left, right = (v.width() for v in ws.viewers)
        assert ws.viewers[1].isVisible() and abs(left - right) <= 2, (size, left, right)
        evidence.resize(size[0] + 211, size[1])  # resized while comparing: still equal
        _settle(qtbot)
        left, right = (v.width() for v in ws.viewers)
        assert abs(left - right) <= 2, (size, left, right)
        ws.toggle_compare()
