"""Where the windows go: the main window on the primary screen, the evidence window on another
one; with a single screen, one window holds everything. What the authorizer arranges is
remembered per screen arrangement (another set of monitors gets its own layout) in QSettings,
the one place window geometry is kept.

A window is never larger than the available area of its screen, whatever is remembered and
whatever text size is picked: the remembered geometry is fitted when it is restored, and a
window kept on screen (``keep_on_screen``) is fitted again whenever it grows."""

from __future__ import annotations

import hashlib

from PySide6.QtCore import QByteArray, QEvent, QObject, QPoint, QRect, QSettings, QSize
from PySide6.QtGui import QGuiApplication, QScreen
from PySide6.QtWidgets import QApplication, QWidget

KEPT = "authdesk_kept_on_screen"  # a window's property: fitted to its screen whenever it grows


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


def available(window: QWidget) -> QRect:
    """The part of the window's screen that windows may use (the taskbar left out)."""
    screen = window.screen() or QGuiApplication.primaryScreen()
    return screen.availableGeometry()


def _room(window: QWidget) -> QSize:
    """The largest client size whose frame fits the screen's available area."""
    area, frame, inner = available(window), window.frameGeometry(), window.geometry()
    return QSize(
        area.width() - (frame.width() - inner.width()),
        area.height() - (frame.height() - inner.height()),
    )


def outgrows(window: QWidget) -> bool:
    """The window's contents need more room than its screen has (at this text size)."""
    need, room = window.minimumSizeHint(), _room(window)
    return need.width() > room.width() or need.height() > room.height()


def fit_to_screen(window: QWidget) -> None:
    """Make the window no larger than its screen's available area, and put it inside it.
    Contents that need more than the screen (the largest text on a small screen) are given
    the screen, not more: the minimum the layout asks is capped at the room there is."""
    if window.isMaximized() or window.isFullScreen():
        return
    room, need = _room(window), window.minimumSizeHint()
    if need.width() > room.width() or need.height() > room.height():
        window.setMinimumSize(need.boundedTo(room))
    elif window.minimumSize() != QSize(0, 0) and window.property(KEPT):
        window.setMinimumSize(0, 0)  # the layout's own minimum again (it fits)
    size = window.size()
    if size.width() > room.width() or size.height() > room.height():
        window.resize(size.boundedTo(room))
    area, frame = available(window), window.frameGeometry()
    inside = QPoint(
        min(max(frame.x(), area.x()), area.x() + area.width() - frame.width()),
        min(max(frame.y(), area.y()), area.y() + area.height() - frame.height()),
    )
    if inside != frame.topLeft():
        window.move(inside)


class _KeepOnScreen(QObject):
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        grows = event.type() in (QEvent.Type.Resize, QEvent.Type.LayoutRequest, QEvent.Type.Show)
        if grows and isinstance(watched, QWidget) and watched.isVisible():
            fit_to_screen(watched)  # after the layout has asked for its room (Qt runs it first)
        return False


def keep_on_screen(window: QWidget) -> None:
    """Fit the window to its screen now and whenever it grows (a larger text size makes its
    contents ask for more room); the text size does not grow past what fits
    (``ui.theme.apply``)."""
    if not window.property(KEPT):
        window.setProperty(KEPT, True)
        window.installEventFilter(_KeepOnScreen(window))
    fit_to_screen(window)


def kept_windows() -> list[QWidget]:
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return []
    return [w for w in app.topLevelWidgets() if w.property(KEPT) and w.isVisible()]


class Placement:
    def __init__(self, settings: QSettings | None = None) -> None:
        self.settings = settings or QSettings()
        self.key = arrangement_key(QGuiApplication.screens())

    def _name(self, window: str) -> str:
        return f"placement/{self.key}/{window}"

    def restore(self, window: QWidget, name: str, screen: QScreen) -> None:
        """Put a window where it was last time on this arrangement, else fill ``screen``;
        either way within its screen, and kept there (``keep_on_screen``)."""
        saved = self.settings.value(self._name(name))
        if not (
            isinstance(saved, QByteArray)
            and window.restoreGeometry(saved)
            and any(
                s.geometry().intersects(window.frameGeometry()) for s in QGuiApplication.screens()
            )
        ):
            window.setGeometry(screen.availableGeometry())
        keep_on_screen(window)

    def save(self, window: QWidget, name: str) -> None:
        fit_to_screen(window)  # what is remembered fits the screen
        self.settings.setValue(self._name(name), window.saveGeometry())
        self.settings.sync()
