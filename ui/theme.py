"""The one style sheet, themed from palette variables."""

from __future__ import annotations

import re

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
    "key": "#0b2e59",
    "ok": "#1e7a45",
    "ok_bg": "#e3f4ea",
    "warn": "#b36b00",
    "warn_bg": "#fff3dc",
    "error": "#b3261e",
    "error_bg": "#fdeceb",
    "disabled": "#a9b1bc",
}


def style_sheet(palette: dict[str, str] = LIGHT) -> str:
    text = (ROOT / "style.qss").read_text(encoding="utf-8")
    return re.sub(r"@(\w+)", lambda m: palette.get(m.group(1), m.group(0)), text)


def apply(app: QApplication) -> None:
    app.setStyleSheet(style_sheet())
