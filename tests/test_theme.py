"""A light and a dark theme, the text size, from the keyboard and remembered."""

from __future__ import annotations

import re
from typing import Any

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QLabel

from resources import ROOT
from ui import theme


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


@pytest.mark.parametrize("name", sorted(theme.THEMES))
def test_each_theme_fills_every_colour_of_the_sheet_with_readable_contrast(name: str) -> None:
    palette = theme.THEMES[name]
    sheet = (ROOT / "style.qss").read_text("utf-8").split("*/", 1)[1]  # past the header
    used = set(re.findall(r"@(\w+)", sheet))
    assert used <= set(palette), used - set(palette)
    assert "@" not in theme.style_sheet(palette).split("*/", 1)[1]
    # WCAG AA for text (4.5:1): the body, muted labels, the key figures, the status words on
    # their tinted grounds
    for text, ground in [
        ("text", "window"),
        ("text", "card"),
        ("muted", "card"),
        ("key", "card"),
        ("ok", "ok_bg"),
        ("warn", "warn_bg"),
        ("error", "error_bg"),
        ("strip_text", "strip"),
        ("on_colour", "ok"),
        ("on_colour", "warn"),
        ("on_colour", "error"),
        ("on_accent", "accent"),  # a selected row
    ]:
        assert contrast(palette[text], palette[ground]) >= 4.5, (name, text, ground)


def test_the_text_size_scales_every_font_size_of_the_sheet() -> None:
    sizes = [int(n) for n in re.findall(r"font-size:\s*(\d+)px", theme.style_sheet())]
    bigger = [int(n) for n in re.findall(r"font-size:\s*(\d+)px", theme.style_sheet(scale=1.5))]
    assert len(sizes) == len(bigger) > 5
    assert all(b == round(s * 1.5) for s, b in zip(sizes, bigger, strict=True))
    assert theme.step_scale(1.0, +1) == 1.15 and theme.step_scale(1.0, -1) == 0.85
    assert theme.step_scale(theme.SCALES[-1], +1) == theme.SCALES[-1]  # no further


def test_the_keys_switch_theme_and_size_for_every_window_and_the_terminal_remembers(
    qtbot: Any,
) -> None:
    from tests.test_ui import FakeService
    from ui.bridge import EngineBridge
    from ui.main_window import MainWindow

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    theme.apply(app, "light", 1.0)
    win = MainWindow(FakeService(), EngineBridge(), authorizer_id="A1", authorizer_name="李娜")
    qtbot.addWidget(win)
    win.show()
    try:
        win.actions_by_id["dark_theme"].trigger()
        assert theme.current()[0] == "dark" and theme.DARK["window"] in app.styleSheet()
        win.actions_by_id["bigger_text"].trigger()
        win.actions_by_id["bigger_text"].trigger()
        assert theme.current()[1] == 1.3 and "font-size: 18px" in app.styleSheet()  # 14 × 1.3
        assert theme.chosen("light", 1.0) == ("dark", 1.3)  # kept for this terminal
        assert QSettings().value(theme.THEME_KEY) == "dark"
    finally:
        theme.apply(app, "light", 1.0)
        theme.remember()


@pytest.mark.parametrize("name", sorted(theme.THEMES))
def test_the_help_overlay_is_readable_in_every_theme(qtbot: Any, name: str) -> None:
    """F1 showed dark text on its dark fill: #HelpKey, #HelpText and #HelpGroup had no rule."""
    from tests.test_ui import FakeService
    from ui.bridge import EngineBridge
    from ui.help_overlay import OVERLAY_FILL
    from ui.main_window import MainWindow

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    theme.apply(app, name, 1.0)
    try:
        win = MainWindow(FakeService(), EngineBridge(), authorizer_id="A1", authorizer_name="李娜")
        qtbot.addWidget(win)
        win.show()
        win.help.set_shown(True)
        fill = "#{:02x}{:02x}{:02x}".format(*OVERLAY_FILL[:3])
        labels = [w for w in win.help.findChildren(QLabel) if w.isVisible()]
        assert labels
        for label in labels:
            colour = label.palette().color(label.foregroundRole()).name()
            assert contrast(colour, fill) >= 4.5, (label.objectName(), label.text(), colour)
    finally:
        theme.apply(app, "light", 1.0)


def test_checklist_rows_follow_a_live_theme_switch(qtbot: Any) -> None:
    """Ctrl+Shift+D left the checklist rows in the old theme's colours."""
    from tests.test_ui import FakeService, _item, _show
    from ui.bridge import EngineBridge
    from ui.main_window import MainWindow

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    theme.apply(app, "light", 1.0)
    bridge = EngineBridge()
    win = MainWindow(FakeService(), bridge, authorizer_id="A1", authorizer_name="李娜")
    qtbot.addWidget(win)
    win.show()
    try:
        item, blobs = _item()
        _show(qtbot, win, bridge, item, blobs)
        before = win.checklist.list.item(0).foreground().color().name()
        assert before == theme.LIGHT["text"]
        win.actions_by_id["dark_theme"].trigger()
        after = win.checklist.list.item(0).foreground().color().name()
        assert after == theme.DARK["text"]
        assert contrast(after, theme.DARK["card"]) >= 4.5
    finally:
        theme.apply(app, "light", 1.0)
        theme.remember()
