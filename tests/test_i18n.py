"""The interface in Chinese and English: complete translations, nothing left in English on a
Chinese screen, the language picked at sign-in, Chinese that renders."""

from __future__ import annotations

import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTabWidget,
    QTextEdit,
    QWidget,
)

from ui import i18n

# words that stay as they are in a Chinese interface: keys, codes, units, names of formats
KEPT = re.compile(
    r"\b(F\d{1,2}|Ctrl|Shift|Alt|Esc|Escape|Enter|Return|Space|Home|PgUp|PgDown|Tab|"
    r"PIN|ID|OK|SHA-256|JPEG|PNG|PDF|CSV|CURVE|AuthDesk|IT|CNY|RMB|px|ms|MB|KB|fps)\b"
)
# an English word (not an all-capitals id or code such as LEAD, CAM or T0101)
ENGLISH = re.compile(r"(?<![A-Za-z0-9-])(?=[A-Za-z]*[a-z])[A-Za-z]{3,}(?![A-Za-z0-9-])")


def english_left(widget: QWidget) -> list[str]:
    """Every visible text of a widget tree that still reads as English."""
    texts: list[str] = [widget.windowTitle()]
    for child in [widget, *widget.findChildren(QWidget)]:
        if not child.isVisibleTo(widget) and child is not widget:
            continue
        if isinstance(child, (QLabel, QAbstractButton)):
            texts.append(child.text())
        elif isinstance(child, QGroupBox):
            texts.append(child.title())
        elif isinstance(child, QLineEdit):
            texts.append(child.placeholderText())
        elif isinstance(child, QTabWidget):
            texts += [child.tabText(i) for i in range(child.count())]
        elif isinstance(child, QComboBox) and child.objectName() != "Language":
            texts += [child.itemText(i) for i in range(child.count())]
        elif isinstance(child, QTableWidget):  # headers and every cell: the data in words
            for c in range(child.columnCount()):
                header = child.horizontalHeaderItem(c)
                texts.append(header.text() if header is not None else "")
                for r in range(child.rowCount()):
                    cell = child.item(r, c)
                    texts.append(cell.text() if cell is not None else "")
        elif isinstance(child, QTextEdit):
            texts.append(child.toPlainText())
        elif hasattr(child, "plotItem"):  # a pyqtgraph chart: its title
            texts.append(str(child.plotItem.titleLabel.text))
        texts.append(child.toolTip())
        texts += [a.text() for a in child.actions()]
    found = []
    for text in texts:
        plain = KEPT.sub("", re.sub(r"<[^>]+>", " ", text or ""))
        if ENGLISH.search(plain):
            found.append(text)
    return sorted(set(found))


@pytest.fixture
def chinese(qapp: Any) -> Iterator[None]:
    assert i18n.install("zh_CN") == "zh_CN", "run `python -m ui.i18n build` (./run does)"
    yield
    i18n.install("en")


def _messages(language: str) -> list[ET.Element]:
    root = ET.fromstring(i18n.ts_path(language).read_text("utf-8").replace("<!DOCTYPE TS>", ""))
    return list(root.iter("message"))


def test_no_translated_text_is_built_before_it_is_translated() -> None:
    """``tr(f"…")`` or ``translate(ctx, "a" + b)`` looks the built text up, which is never in
    the catalogue, and lupdate cannot see it: every text given to tr or translate is a plain
    string literal (placeholders %1 are filled in after); and no tr or translate is called
    inside an f-string, where lupdate does not look (its text never reaches the catalogue)."""
    import ast

    bad = []
    for path in i18n.sources():
        tree = ast.parse(path.read_text("utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.JoinedStr):
                for inner in ast.walk(node):
                    if (
                        isinstance(inner, ast.Call)
                        and isinstance(inner.func, ast.Attribute)
                        and inner.func.attr in ("tr", "translate")
                    ):
                        bad.append(f"{path}:{inner.lineno} (inside an f-string)")
            if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
                continue
            name = node.func.attr
            if name == "tr" and node.args:
                text = node.args[0]
            elif (
                name == "translate"
                and len(node.args) >= 2
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id in ("QCoreApplication", "QApplication")
            ):
                text = node.args[1]
            else:
                continue
            if not (isinstance(text, ast.Constant) and isinstance(text.value, str)):
                bad.append(f"{path}:{node.lineno}")
    assert bad == []


def test_translate_is_never_called_under_another_name() -> None:
    """``t = QCoreApplication.translate`` then ``t("ctx", "…")``: Qt looks the text up at run
    time, but lupdate sees no ``translate`` call, so the text never reaches the catalogue and
    stays English in zh_CN (four notices of the workstation did). The function is not bound
    to another name, nor imported as one."""
    import ast

    bad = []
    for path in i18n.sources():
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            value = node.value if isinstance(node, (ast.Assign, ast.AnnAssign)) else None
            if isinstance(value, ast.Attribute) and value.attr in ("translate", "tr"):
                bad.append(f"{path}:{node.lineno} (bound to another name)")
            if isinstance(node, ast.ImportFrom):
                bad += [
                    f"{path}:{node.lineno} (imported as {a.asname})"
                    for a in node.names
                    if a.name in ("translate", "tr") and a.asname
                ]
    assert bad == []


def test_every_string_in_the_sources_is_translated_in_both_languages(tmp_path: Path) -> None:
    """lupdate over the sources finds nothing the checked-in .ts files lack: no string was
    added without its translations (``python -m ui.i18n update`` then translate)."""
    for language in i18n.LANGUAGES:
        copy = tmp_path / i18n.ts_path(language).name
        shutil.copy(i18n.ts_path(language), copy)
        out = subprocess.run(
            [i18n._tool("lupdate"), *map(str, i18n.sources()), "-ts", str(copy), "-no-obsolete"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        assert re.search(r"\((\d+) new", out) and re.search(r"\(0 new", out), out
        assert 'type="unfinished"' not in copy.read_text("utf-8"), f"{language}: unfinished"
        assert len(_messages(language)) > 250


def test_translations_keep_every_placeholder() -> None:
    for language in i18n.LANGUAGES:
        for message in _messages(language):
            source = message.findtext("source") or ""
            forms = [f.text or "" for f in message.iter("numerusform")] or [
                message.findtext("translation") or ""
            ]
            for form in forms:
                assert sorted(re.findall(r"%\d+|%n", form)) == sorted(
                    re.findall(r"%\d+|%n", source)
                ), (language, source, form)


def test_the_language_comes_from_the_terminal_then_the_config_then_the_system(
    tmp_path: Path,
) -> None:
    store = QSettings(str(tmp_path / "choice.ini"), QSettings.Format.IniFormat)
    assert i18n.normalise("zh") == i18n.normalise("zh-CN") == i18n.normalise("zh_CN") == "zh_CN"
    assert i18n.normalise("en_US") == i18n.normalise("fr_FR") == "en"
    assert i18n.chosen("zh_CN", store) == "zh_CN"  # nothing picked here: the config's
    i18n.remember("en", store)
    assert i18n.chosen("zh_CN", store) == "en"  # what the authorizer picked wins


def test_the_sign_in_window_switches_language_at_once(qtbot: Any, tmp_path: Path) -> None:
    from ui.signin import SignInDialog

    def unlock(who: str, pin: str) -> Any:
        raise AssertionError("not signing in here")

    dialog = SignInDialog(unlock)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.button.text().startswith("Sign in")
    dialog.submit()  # nothing typed: the message says what is missing, in English
    english_message = dialog.message.text()
    try:
        dialog.language.setCurrentIndex(dialog.language.findData("zh_CN"))
        assert i18n.current() == "zh_CN"
        qtbot.waitUntil(lambda: dialog.button.text().startswith("登录"))  # LanguageChange
        assert dialog.message.text() != english_message and not re.search(
            "[A-Za-z]{3,}", dialog.message.text()
        )
        assert english_left(dialog) == []
        assert QSettings().value(i18n.CHOICE_KEY) == "zh_CN"  # kept for this terminal
    finally:
        dialog.language.setCurrentIndex(dialog.language.findData("en"))
    qtbot.waitUntil(lambda: dialog.button.text().startswith("Sign in"))


def test_the_main_window_in_chinese_has_no_english_left(qtbot: Any, chinese: None) -> None:
    from tests.test_ui import FakeService, _item, _show
    from ui.bridge import EngineBridge
    from ui.main_window import MainWindow

    service, bridge = FakeService(), EngineBridge()
    win = MainWindow(
        service, bridge, authorizer_id="A1001", authorizer_name="李娜", language="zh_CN"
    )
    qtbot.addWidget(win)
    win.resize(1600, 1000)
    win.show()
    bridge.sig_connection_changed.emit(True, "")
    empty = english_left(win)
    item, blobs = _item(seed=5, txn_type="transfer")
    _show(qtbot, win, bridge, item, blobs)
    with_item = english_left(win) + english_left(win.workspace)  # the evidence too
    win._on_action_help()
    help_shown = english_left(win)
    assert (empty, with_item, help_shown) == ([], [], [])
    win.grab().save("/tmp/zh_main.png")
    i18n.install("en")  # the same screen in English is caught by the same look
    english = MainWindow(service, EngineBridge(), authorizer_id="A1001", authorizer_name="李娜")
    qtbot.addWidget(english)
    english.show()
    assert len(english_left(english)) > 5


def test_after_a_vigilance_test_the_authorizer_is_told_at_once_in_chinese(
    qtbot: Any, chinese: None
) -> None:
    """The decision's ack says the item was a test: the banner says so, with its defect and
    whether it was caught, in Chinese (and the notices of a lost connection likewise)."""
    from tests.test_ui import FakeService, _item, _show
    from ui.bridge import EngineBridge
    from ui.main_window import MainWindow

    service, bridge = FakeService(), EngineBridge()
    win = MainWindow(
        service, bridge, authorizer_id="A1001", authorizer_name="李娜", language="zh_CN"
    )
    qtbot.addWidget(win)
    win.resize(1600, 1000)
    win.show()
    bridge.sig_connection_changed.emit(True, "")
    item, blobs = _item(seed=5, txn_type="transfer")
    _show(qtbot, win, bridge, item, blobs)
    rid = item.request.request_id
    bridge.sig_test_revealed.emit(rid, "amount_mismatch", "", True)
    qtbot.waitUntil(lambda: win.banner.isVisible())
    text = win.banner.text()
    assert "警觉性测试" in text and "凭证金额与录入金额不符" in text and "已检出" in text, text
    assert rid in text and win.banner.property("level") == "ok"
    bridge.sig_test_revealed.emit(rid, "id_expired", "客户身份证已过有效期", False)
    qtbot.waitUntil(lambda: "未检出" in win.banner.text())
    assert win.banner.property("level") == "warn" and "客户身份证已过有效期" in win.banner.text()
    assert english_left(win) == []
    bridge.sig_connection_changed.emit(False, "broker gone")
    qtbot.waitUntil(lambda: "连接已断开" in win.banner.text())
    assert english_left(win) == []


def test_a_chinese_label_renders_as_glyphs_not_a_row_of_boxes(qtbot: Any, chinese: None) -> None:
    """The sign-in window's title in Chinese, cut into one cell per character: with a CJK
    font every cell differs; without one (tofu) they are identical boxes."""
    import hashlib

    from PySide6.QtGui import QFontMetrics

    from ui.signin import SignInDialog

    dialog = SignInDialog(lambda who, pin: None)  # type: ignore[arg-type,return-value]
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: not re.search("[A-Za-z]", dialog.title.text()))
    text = dialog.title.text()
    assert len(text) >= 5
    image = dialog.title.grab().toImage()
    metrics = QFontMetrics(dialog.title.font())
    x, cells = dialog.title.contentsRect().x(), []
    for ch in text:
        width = metrics.horizontalAdvance(ch)
        cell = image.copy(x, 0, width, image.height())
        cells.append(hashlib.sha256(bytes(cell.constBits())).hexdigest())
        x += width
    assert len(set(cells)) == len(set(text)), "Chinese renders as identical boxes: no CJK font"
