"""Where the windows go: the main window on the primary screen, the evidence window on another
one; with a single screen, one window holds everything. What the authorizer arranges is
remembered per screen arrangement (another set of monitors gets its own layout) in QSettings,
the one place window geometry is kept."""

from __future__ import annotations

import hashlib

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtGui import QGuiApplication, QScreen
from PySide6.QtWidgets import QWidget


def arrangement_key(screens: list[QScreen]) -> str:
    """A short stable name for a set of monitors: their names and geometries."""
    described = sorted(
        f"{s.name()}@{s.geometry().x()},{s.geometry().y()},{s.geometry().width()}x{s.geometry().height()}"
        for s in screens
    )
    return hashlib.sha256("|".join(described).encode()).hexdigest()[:12]


def evidence_screen() -> QScreen | None:
    """The screen for the evidence window, or None when there is only one."""
    primary = QGuiApplication.primaryScreen()
    others = [s for s in QGuiApplication.screens() if s is not primary]
    if not others:
        return None
    # the screen whose centre is nearest the primary's: the monitor beside it on the desk
    centre = primary.geometry().center()
    return min(others, key=lambda s: (s.geometry().center() - centre).manhattanLength())


class Placement:
    def __init__(self, settings: QSettings | None = None) -> None:
        self.settings = settings or QSettings()
        self.key = arrangement_key(QGuiApplication.screens())

    def _name(self, window: str) -> str:
        return f"placement/{self.key}/{window}"

    def restore(self, window: QWidget, name: str, screen: QScreen) -> None:
        """Put a window where it was last time on this arrangement, else fill ``screen``."""
        saved = self.settings.value(self._name(name))
        if (
            isinstance(saved, QByteArray)
            and window.restoreGeometry(saved)
            and any(
                s.geometry().intersects(window.frameGeometry()) for s in QGuiApplication.screens()
            )
        ):
            return
        window.setGeometry(screen.availableGeometry())

    def save(self, window: QWidget, name: str) -> None:
        self.settings.setValue(self._name(name), window.saveGeometry())
        self.settings.sync()
