"""The window's actions, made from the one table (``ui/actions.py``): each a QAction live in
every window of the application, and the buttons that stand for them."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QAbstractButton, QApplication, QWidget

from ui import theme
from ui.actions import ACTIONS, ACTIONS_BY_ID, button_text, label


class WindowActions:
    def __init__(self, window: QWidget, handlers: dict[str, Callable[[], Any]]) -> None:
        self.by_id: dict[str, QAction] = {}
        for spec in (s for s in ACTIONS if s.scope == "window"):
            action = QAction(label(spec.id), window)
            action.setShortcuts([QKeySequence(k) for k in (spec.shortcut, *spec.alternates)])
            action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
            action.triggered.connect(lambda _=False, h=handlers[spec.id]: h())
            window.addAction(action)
            self.by_id[spec.id] = action
        # F9 while approval is blocked: not silence, but the words that say why
        self.approve_refused = QAction(window)
        self.approve_refused.setShortcut(QKeySequence(ACTIONS_BY_ID["approve"].shortcut))
        self.approve_refused.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        self.approve_refused.triggered.connect(handlers["approve"])
        window.addAction(self.approve_refused)
        self.buttons: list[tuple[QAbstractButton, str]] = []

    def bind(self, pairs: Iterable[tuple[QAbstractButton, str]]) -> None:
        """Buttons that trigger an action, named with its key as every screen names it."""
        for button, action_id in pairs:
            action = self.by_id[action_id]
            button.setText(button_text(action_id))
            button.clicked.connect(action.trigger)
            self.buttons.append((button, action_id))

    def enable(self, state: dict[str, bool]) -> None:
        for action_id, action in self.by_id.items():
            action.setEnabled(state[ACTIONS_BY_ID[action_id].enabled_when])
        self.approve_refused.setEnabled(state["approve_refused"])
        for button, action_id in self.buttons:
            button.setEnabled(self.by_id[action_id].isEnabled())


def comfort(scale_step: int = 0, toggle_theme: bool = False) -> None:
    """Text size and colours, for every window at once; kept for this terminal."""
    name, scale = theme.current()
    if toggle_theme:
        name = "light" if name == "dark" else "dark"
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    theme.apply(app, name, theme.step_scale(scale, scale_step) if scale_step else scale)
    theme.remember()
