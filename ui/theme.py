"""The one style sheet, themed from palette variables: a light and a dark palette, and the text
size scaled (every ``font-size`` of the sheet, and the application font) — chosen in the
configuration (``theme``, ``font_scale``) and changed from the keyboard; the terminal remembers
what its authorizer picked."""

from __future__ import annotations

import re

from PySide6.QtCore import QSettings
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QApplication

from resources import ROOT

LIGHT = {
    "window": "#eef1f5",
    "card": "#ffffff",
    "text": "#1d2530",
    "muted": "#6b7685",
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

_state = {"theme": "light", "scale": 1.0}


def style_sheet(palette: dict[str, str] = LIGHT, scale: float = 1.0) -> str:
    text = (ROOT / "style.qss").read_text(encoding="utf-8")
    text = re.sub(r"@(\w+)", lambda m: palette.get(m.group(1), m.group(0)), text)
    return re.sub(
        r"font-size:\s*(\d+)px", lambda m: f"font-size: {round(int(m.group(1)) * scale)}px", text
    )


def colour(name: str) -> QColor:
    """A colour of the palette in use (for what paints itself rather than through the sheet)."""
    return QColor(THEMES[_state["theme"]][name])  # type: ignore[index]


def current() -> tuple[str, float]:
    return str(_state["theme"]), float(_state["scale"])


def apply(app: QApplication, theme: str | None = None, scale: float | None = None) -> None:
    """Restyle the whole application now (open windows included)."""
    name = theme if theme in THEMES else str(_state["theme"])
    size = float(scale) if scale is not None else float(_state["scale"])
    size = min(max(size, SCALES[0]), SCALES[-1])
    _state["theme"], _state["scale"] = name, size
    font = QFont(app.font())
    font.setPixelSize(round(14 * size))
    app.setFont(font)
    app.setStyleSheet(style_sheet(THEMES[name], size))


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
