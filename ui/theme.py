"""The one style sheet, themed from palette variables: a light and a dark palette, and the text
size scaled (every ``font-size`` of the sheet, and the application font) — chosen in the
configuration (``theme``, ``font_scale``) and changed from the keyboard; the terminal remembers
what its authorizer picked."""

from __future__ import annotations

import re
from typing import TypedDict

from PySide6.QtCore import QSettings
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication

from resources import ROOT
from ui import placement

LIGHT = {
    "window": "#eef1f5",
    "card": "#ffffff",
    "text": "#1d2530",
    "muted": "#5f6b7a",  # 4.8:1 on the window's ground, where the captions and hints sit
    "border": "#cfd6df",
    "strip": "#1f3a5f",
    "strip_text": "#e8eef6",
    "accent": "#2f6fb5",
    "on_accent": "#ffffff",
    "key": "#0b2e59",
    "ok": "#1e7a45",
    "ok_bg": "#e3f4ea",
    "warn": "#985a00",
    "warn_bg": "#fff3dc",
    "error": "#b3261e",
    "error_bg": "#fdeceb",
    "disabled": "#a9b1bc",
    "last": "#b9f6ca",
    "on_colour": "#ffffff",  # the words on the approve / reject / return buttons
}

# Dark: for night shifts and dim rooms. The same meanings (ok green, warn amber, error red),
# lightened to keep their contrast on a dark ground. Every pair of words and ground is at least
# 4.5:1 (WCAG AA) in both themes: tests/test_theme.py measures them.
DARK = {
    "window": "#161b22",
    "card": "#202731",
    "text": "#e6edf3",
    "muted": "#9aa7b5",
    "border": "#3a4553",
    "strip": "#0d2540",
    "strip_text": "#e8eef6",
    "accent": "#2f66a8",
    "on_accent": "#ffffff",
    "key": "#9ccaff",
    "ok": "#57ae7c",
    "ok_bg": "#12301f",
    "warn": "#e0a13a",
    "warn_bg": "#33270f",
    "error": "#f07a72",
    "error_bg": "#3a1614",
    "disabled": "#4a5562",
    "last": "#b9f6ca",
    "on_colour": "#0b141c",  # dark words on the light-toned buttons
}

THEMES = {"light": LIGHT, "dark": DARK}
SCALES = (0.85, 1.0, 1.15, 1.3, 1.5, 1.75)  # the steps the keys move through
THEME_KEY, SCALE_KEY = "theme", "font_scale"  # QSettings: what the authorizer picked here


class _State(TypedDict):
    """What is in use: the theme's name and the text size."""

    theme: str
    scale: float


_state: _State = {"theme": "light", "scale": 1.0}


def style_sheet(palette: dict[str, str] = LIGHT, scale: float = 1.0) -> str:
    text = (ROOT / "style.qss").read_text(encoding="utf-8")
    text = re.sub(r"@(\w+)", lambda m: palette.get(m.group(1), m.group(0)), text)
    return re.sub(
        r"font-size:\s*(\d+)px", lambda m: f"font-size: {round(int(m.group(1)) * scale)}px", text
    )


def colour(name: str) -> QColor:
    """A colour of the palette in use (for what paints itself rather than through the sheet)."""
    return QColor(THEMES[_state["theme"]][name])


def current() -> tuple[str, float]:
    return str(_state["theme"]), float(_state["scale"])


def apply(app: QApplication, theme: str | None = None, scale: float | None = None) -> float:
    """Restyle the whole application now (open windows included). Returns the text size in
    use: a larger one than asked for is not taken when a window kept on its screen
    (``ui.placement.keep_on_screen``) would then need more room than the screen has; the text
    stops at the largest size that fits."""
    name = theme if theme in THEMES else str(_state["theme"])
    before = float(_state["scale"])
    size = float(scale) if scale is not None else before
    size = min(max(size, SCALES[0]), SCALES[-1])
    _restyle(app, name, size)
    while size > before and any(placement.outgrows(w) for w in placement.kept_windows()):
        size = max(before, step_scale(size, -1))
        _restyle(app, name, size)
    return size


def _restyle(app: QApplication, name: str, size: float) -> None:
    _state["theme"], _state["scale"] = name, size
    font = QFont(app.font())
    font.setPixelSize(round(14 * size))
    app.setFont(font)
    app.setPalette(qt_palette(THEMES[name]))
    app.setStyleSheet(style_sheet(THEMES[name], size))


def qt_palette(palette: dict[str, str]) -> QPalette:
    """The theme as Qt's palette, for what the style draws without a rule of the sheet (a
    table's header, a drop-down, a scroll bar, Qt's own dialogs and menus): without it they
    kept Qt's light grounds under the dark theme's light words."""
    made = QPalette()
    role = QPalette.ColorRole
    colours = {
        role.Window: "window",
        role.WindowText: "text",
        role.Base: "card",
        role.AlternateBase: "window",
        role.ToolTipBase: "card",
        role.ToolTipText: "text",
        role.PlaceholderText: "muted",
        role.Text: "text",
        role.Button: "card",
        role.ButtonText: "text",
        role.BrightText: "on_accent",
        role.Highlight: "accent",
        role.HighlightedText: "on_accent",
        role.Link: "key",
        role.LinkVisited: "key",
        role.Light: "card",
        role.Midlight: "border",
        role.Mid: "border",
        role.Dark: "border",
        role.Shadow: "border",
    }
    for which, name in colours.items():
        made.setColor(which, QColor(palette[name]))
    for which in (role.WindowText, role.Text, role.ButtonText):
        made.setColor(QPalette.ColorGroup.Disabled, which, QColor(palette["muted"]))
    for which in (role.Base, role.Button):
        made.setColor(QPalette.ColorGroup.Disabled, which, QColor(palette["window"]))
    return made


def chosen(theme: str, scale: float, store: QSettings | None = None) -> tuple[str, float]:
    """What to start with: this terminal's remembered choice, else the configured one."""
    store = store or QSettings()
    picked_theme = str(store.value(THEME_KEY, "") or theme)
    try:
        picked_scale = float(store.value(SCALE_KEY, "") or scale)  # type: ignore[arg-type]
    except ValueError:
        picked_scale = scale
    return (picked_theme if picked_theme in THEMES else "light"), picked_scale


def remember(store: QSettings | None = None) -> None:
    store = store or QSettings()
    store.setValue(THEME_KEY, _state["theme"])
    store.setValue(SCALE_KEY, _state["scale"])


def step_scale(current_scale: float, direction: int) -> float:
    """The next size up (+1) or down (-1) from ``current_scale``."""
    if direction > 0:
        return next((s for s in SCALES if s > current_scale + 1e-6), SCALES[-1])
    return next((s for s in reversed(SCALES) if s < current_scale - 1e-6), SCALES[0])
